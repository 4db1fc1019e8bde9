import type { Logger } from 'pino';
import { CLAIM_REMIND_BEFORE_MS, isResponseOverdue, PLATFORM_ORG_ID, reminderDue } from '@coldchain/domain';
import type { ClaimActionContext } from '@coldchain/domain';
import type { ClaimTimerEvent, Clock } from '@coldchain/bus';
import { claimLinks } from '@coldchain/notify';
import type { Claim, OpsStore } from '@coldchain/storage';

/** Claims read per page by the claim timers. */
export const CLAIM_SCAN_PAGE = 200;

/** What the claim timers did on one tick (claim ids), for logs and tests. */
export type ClaimTickReport = { reminded: string[]; escalated: string[] };

/** The timer acts as the system, in the platform's name (the history names it). */
const SYSTEM_ACTOR: ClaimActionContext['actor'] = { name: 'system', orgId: PLATFORM_ORG_ID };

/**
 * The carrier's answer deadline on claims (issue 13, item 1): one reminder within `remindBeforeMs` of
 * `respondBy`, and escalation to the platform once it has passed, while the claim is filed or
 * acknowledged. Nothing is held in memory between ticks: each tick reads the claims due from the store
 * (`listClaimsAnswerDue`) and the store judges each action with the domain's state machine in one
 * transaction, so a reminder is sent once (the domain refuses a second) and the timers survive a
 * restart by construction. Each action applied is handed to `notify` (the outbox) with the evidence
 * links.
 */
export function createClaimTimers(deps: {
  ops: Pick<OpsStore, 'listClaimsAnswerDue' | 'applyClaimAction'>;
  clock: Clock;
  log: Logger;
  /** The service's public base URL, for the evidence links in the messages. */
  baseUrl: string;
  notify?: (event: ClaimTimerEvent) => Promise<void>;
  /**
   * The reminder lead (default 30 min; the demo divides it by DEMO_SPEED). Each claim is reminded at most
   * a quarter of its answer time before the deadline (`claimReminderLeadMs`).
   */
  remindBeforeMs?: number;
  pageSize?: number;
}) {
  const { ops, log } = deps;
  const remindBeforeMs = deps.remindBeforeMs ?? CLAIM_REMIND_BEFORE_MS;
  const pageSize = deps.pageSize ?? CLAIM_SCAN_PAGE;

  async function act(claim: Claim, kind: 'remind' | 'escalate', now: number, report: ClaimTickReport): Promise<void> {
    const outcome = await ops.applyClaimAction(claim.id, { kind }, { actor: SYSTEM_ACTOR, party: 'system', now, remindBeforeMs });
    if (outcome.status !== 'applied') {
      // Answered or withdrawn meanwhile, or reminded by another instance: the store's state wins.
      log.debug({ claimId: claim.id, kind, outcome }, 'claim.timer_refused');
      return;
    }
    const type = kind === 'remind' ? 'claim.reminder' : 'claim.escalated';
    (kind === 'remind' ? report.reminded : report.escalated).push(claim.id);
    log[kind === 'remind' ? 'info' : 'warn']({ claimId: claim.id, shipmentId: claim.shipmentId, liableOrgId: claim.liableOrgId, respondBy: claim.respondBy }, type);
    await deps.notify?.({ type, at: now, claim: outcome.claim, links: claimLinks(deps.baseUrl, outcome.claim) }).catch((error: unknown) => log.error({ err: error, claimId: claim.id, type }, 'notify.failed'));
  }

  /**
   * Visits every claim whose reminder or deadline has come. The store's read has no cursor, and a
   * reminded claim stays in it until its deadline: the read widens by a page while pages come back
   * full, skipping the claims already visited in this tick.
   */
  async function tick(): Promise<ClaimTickReport> {
    const now = deps.clock.now();
    const report: ClaimTickReport = { reminded: [], escalated: [] };
    const visited = new Set<string>();
    for (let limit = pageSize; ; limit += pageSize) {
      const claims = await ops.listClaimsAnswerDue(now + remindBeforeMs, limit);
      for (const claim of claims) {
        if (visited.has(claim.id)) continue;
        visited.add(claim.id);
        const lifecycle = { status: claim.status, filedAt: claim.filedAt, respondBy: claim.respondBy, remindedAt: claim.remindedAt ?? null };
        if (isResponseOverdue(lifecycle, now)) await act(claim, 'escalate', now, report);
        else if (reminderDue(lifecycle, now, { remindBeforeMs })) await act(claim, 'remind', now, report);
      }
      if (claims.length < limit) return report;
    }
  }

  return { tick };
}

export type ClaimTimers = ReturnType<typeof createClaimTimers>;
