import type { Logger } from 'pino';
import { PLATFORM_ORG_ID } from '@coldchain/domain';
import type { AfterSalesStepEvent } from '@coldchain/bus';
import { afterSalesLinks } from '@coldchain/notify';
import type { NotifyAfterSalesEvent, NotifyAfterSalesType } from '@coldchain/notify';
import type { AfterSalesEvent, AfterSalesRequest, OpsStore } from '@coldchain/storage';

/** Steps relayed by this process, kept to skip a notice the broker delivers again (QoS 1). */
const MAX_REMEMBERED = 10_000;

/** What a step of the history tells the parties, by the workflow's action (packages/after-sales workflow.ts). */
const TYPE_OF_ACTION: Readonly<Record<string, NotifyAfterSalesType>> = {
  report: 'after_sales.received',
  judge: 'after_sales.awaiting_shipper',
  approve: 'after_sales.approved',
  reject: 'after_sales.rejected',
  remind: 'after_sales.decision_due',
  escalate: 'after_sales.escalated',
  pay: 'after_sales.paid',
};

/** The notice type of a stored step; undefined for an action these messages do not cover. */
export function afterSalesNoticeType(step: Pick<AfterSalesEvent, 'action'>): NotifyAfterSalesType | undefined {
  return TYPE_OF_ACTION[step.action];
}

/** A person's decision (the streamer's or the platform's), as opposed to the rule engine's steps. */
const isPersonDecision = (step: Pick<AfterSalesEvent, 'ruleId'>) => /_by_(shipper|platform)$/.test(step.ruleId);

/**
 * Who hears of a step (issue 13, item 7), from the stored request and step alone: the shipper of every
 * step; the platform of an escalation, of an approval by rule on which it advanced money, and of a
 * decision on a request it had been handed. Whoever took a decision is not told of it.
 */
export function afterSalesParties(request: Pick<AfterSalesRequest, 'shipperOrgId' | 'escalatedAt'>, step: Pick<AfterSalesEvent, 'action' | 'ruleId' | 'actor' | 'detail'>): string[] {
  const type = afterSalesNoticeType(step);
  if (!type) return [];
  const advanced = step.detail?.['advancedCents'];
  const isAdvanced = step.ruleId === 'after_sales.attributed_excursion' && typeof advanced === 'number' && advanced > 0;
  const parties = [request.shipperOrgId];
  if (type === 'after_sales.escalated' || (type === 'after_sales.approved' && isAdvanced)) parties.push(PLATFORM_ORG_ID);
  if (isPersonDecision(step) && request.escalatedAt !== null) parties.push(PLATFORM_ORG_ID);
  const actor = isPersonDecision(step) ? step.actor.orgId : null;
  return [...new Set(parties)].filter((id) => id !== actor);
}

/**
 * Steps of after-sales requests to the parties' channels (issue 13, item 7). The API takes most steps
 * (report, approval by rule, payout, the streamer's decision) and cannot enqueue (the outbox has one owner,
 * the rules process), so it publishes each on `AFTER_SALES_TOPIC`, as it does for a review's claims
 * (claim-relay.ts); the rules' own timers (reminder, escalation, catching up) hand their steps to
 * `deliver` directly. Either way the request and the step (by its `seq`) are read back from the store,
 * which says what happened and whom to tell (`afterSalesParties`): a message on the bus is trusted for
 * nothing else. Each step is one delivery per channel (the delivery key names it), however often heard.
 * An approval that names a claim filed for the request has the carrier told of that claim too.
 */
export function createAfterSalesRelay(deps: {
  ops: Pick<OpsStore, 'afterSales'>;
  notify: (event: Omit<NotifyAfterSalesEvent, 'text'>, orgIds: readonly string[]) => Promise<void>;
  /** The claim an approval names, for the carrier (claim-relay.ts `afterSalesClaim`). */
  onClaimNamed?: (claimId: string) => Promise<void>;
  /** The service's public base URL, for the console links. */
  baseUrl: string;
  log: Logger;
}) {
  const { ops, log } = deps;
  const relayed = new Set<string>();

  async function deliver(requestId: string, seq: number): Promise<void> {
    const key = `${requestId}#${seq}`;
    if (relayed.has(key)) return;
    const stored = await ops.afterSales.get(requestId);
    const step = stored ? (await ops.afterSales.listEvents(requestId)).find((e) => e.seq === seq) : undefined;
    const type = step && afterSalesNoticeType(step);
    if (!stored || !step || !type) {
      log.warn({ requestId, seq }, 'rules.after_sales_step_unknown');
      return;
    }
    // The consumer's order number stays in the store (the shipper's console shows it).
    const { orderRef: _left, ...request } = stored;
    const parties = afterSalesParties(request, step);
    await deps.notify({ type, at: step.at, request, step, links: afterSalesLinks(deps.baseUrl, request) }, parties);
    if (relayed.size >= MAX_REMEMBERED) relayed.delete(relayed.values().next().value!);
    relayed.add(key);
    log.info({ requestId, seq, type, parties }, 'rules.after_sales_step_notified');
    if (type === 'after_sales.approved' && request.claimId) await deps.onClaimNamed?.(request.claimId);
  }

  async function relayAfterSales(payload: Buffer): Promise<void> {
    let heard: Partial<AfterSalesStepEvent>;
    try {
      heard = JSON.parse(payload.toString('utf8')) as Partial<AfterSalesStepEvent>;
    } catch (error) {
      log.warn({ err: error }, 'rules.after_sales_notice_unreadable');
      return;
    }
    const requestId = heard.request?.id;
    const seq = heard.step?.seq;
    if (typeof requestId !== 'string' || !Number.isSafeInteger(seq)) {
      log.warn({ requestId, seq }, 'rules.after_sales_notice_unreadable');
      return;
    }
    await deliver(requestId, seq!);
  }

  return Object.assign(relayAfterSales, { deliver });
}

export type AfterSalesRelay = ReturnType<typeof createAfterSalesRelay>;
