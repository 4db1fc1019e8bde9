import type { Logger } from 'pino';
import type { ClaimEvent, ClaimUpdateEvent } from '@coldchain/bus';
import { claimLinks } from '@coldchain/notify';
import type { NotifyClaimUpdateEvent } from '@coldchain/notify';
import type { Claim, OpsStore } from '@coldchain/storage';

/** Claim ids relayed by this process, kept to skip a message the broker delivers again (QoS 1). */
const MAX_REMEMBERED = 10_000;

/**
 * Claims the API files when the platform decides a review (issue 9, item 4) reach the carrier's
 * channels through the rules' outbox (item 5): the outbox file has one owner, the rules process, so the
 * API only publishes `claim.filed` on the bus, always on the platform's claims topic among others. Rules
 * hear that copy on their consuming session (persistent: a claim filed while rules are down waits for
 * them on a broker that keeps its queue) and hand the stored claim to the notifier, which keys each
 * delivery as for the claims rules file themselves (`deliveryKey`: claim id and destination); the outbox
 * inserts a key once, so a message heard twice is one delivery. Rules' own claims come back on the same
 * topic and are skipped here: the notifier had them when they were filed.
 *
 * The steps of a claim taken through the API (`claim.updated`, issue 13, item 7) come the same way: the
 * claim and the step (by its `seq`) are read back from the store, and the parties who did not take the
 * step are told, once per step (the delivery key names the step). Steps of the system (the timers) are
 * notified by the timers themselves.
 *
 * A claim the after-sales workflow files for a request approved by rule (issue 13, item 4) is relayed like
 * a review's: the store must show a request naming it that was reported no later than it was filed. The
 * API publishes `claim.filed` before it stores the approval, so the relay also takes the claim up when it
 * hears the approval (`afterSalesClaim`, from after-sales-relay.ts); whichever comes second sends it.
 */
export function createClaimRelay(deps: {
  ops: Pick<OpsStore, 'listReviews' | 'listClaims' | 'getClaim' | 'listClaimEvents' | 'afterSales'>;
  notify: (event: ClaimEvent | NotifyClaimUpdateEvent) => Promise<void>;
  log: Logger;
  /** The service's public base URL, for the evidence links. */
  baseUrl: string;
}) {
  const relayed = new Set<string>();
  const remember = (key: string) => {
    if (relayed.size >= MAX_REMEMBERED) relayed.delete(relayed.values().next().value!);
    relayed.add(key);
  };

  async function relayUpdate(heard: Partial<ClaimUpdateEvent>): Promise<void> {
    const claimId = heard.claim?.id;
    const seq = heard.step?.seq;
    if (typeof claimId !== 'string' || typeof seq !== 'number' || relayed.has(`${claimId}#${seq}`)) return;
    // The store, not the message, says what happened, by whom.
    const claim = await deps.ops.getClaim(claimId);
    const step = claim ? (await deps.ops.listClaimEvents(claimId)).find((e) => e.seq === seq) : undefined;
    if (!claim || !step || step.party === 'system') return;
    await deps.notify({ type: 'claim.updated', at: step.at, claim, step, links: claimLinks(deps.baseUrl, claim) });
    remember(`${claimId}#${seq}`);
    deps.log.info({ claimId, seq, action: step.action.kind, party: step.party, to: step.to }, 'rules.claim_step_notified');
  }

  /** Whether an after-sales request names the claim and was reported before it was filed (filed for it). */
  async function isFiledForAfterSales(claim: Claim): Promise<boolean> {
    const requests = await deps.ops.afterSales.list({ shipmentId: claim.shipmentId, limit: 10_000 });
    return requests.some((r) => r.claimId === claim.id && r.reportedAt <= claim.filedAt);
  }

  /** Sends a claim the after-sales workflow filed to the carrier's channels (and the shipper's and the platform's), once. */
  async function afterSalesClaim(claimId: string): Promise<void> {
    if (relayed.has(claimId)) return;
    const claim = await deps.ops.getClaim(claimId);
    if (!claim || !(await isFiledForAfterSales(claim))) return;
    await deps.notify({ type: 'claim.filed', at: claim.filedAt, claim });
    remember(claimId);
    deps.log.info({ claimId, shipmentId: claim.shipmentId, liableOrgId: claim.liableOrgId }, 'rules.after_sales_claim_notified');
  }

  async function relayClaim(payload: Buffer): Promise<void> {
    let heard: Partial<ClaimEvent> | Partial<ClaimUpdateEvent>;
    try {
      heard = JSON.parse(payload.toString('utf8')) as Partial<ClaimEvent> | Partial<ClaimUpdateEvent>;
    } catch (error) {
      deps.log.warn({ err: error }, 'rules.claim_event_unreadable');
      return;
    }
    if (heard.type === 'claim.updated') return relayUpdate(heard as Partial<ClaimUpdateEvent>);
    const claimId = heard.claim?.id;
    const shipmentId = heard.claim?.shipmentId;
    if (heard.type !== 'claim.filed' || typeof claimId !== 'string' || typeof shipmentId !== 'string' || relayed.has(claimId)) return;
    // The store, not the message, says what was filed and by whom: only a review's decision is relayed here,
    // or a claim filed for an after-sales request.
    const reviews = await deps.ops.listReviews({ shipmentId });
    if (!reviews.some((review) => review.decision?.claimId === claimId)) return afterSalesClaim(claimId);
    const claim = (await deps.ops.listClaims({ shipmentId })).find((c) => c.id === claimId);
    if (!claim) return;
    await deps.notify({ type: 'claim.filed', at: typeof heard.at === 'number' ? heard.at : claim.filedAt, claim });
    remember(claimId);
    deps.log.info({ claimId, shipmentId, liableOrgId: claim.liableOrgId }, 'rules.review_claim_notified');
  }

  return Object.assign(relayClaim, { afterSalesClaim });
}
