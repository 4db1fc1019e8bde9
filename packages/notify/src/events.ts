import type { LocalizedText, Stage } from '@coldchain/domain';
import type { AfterSalesEvent as AfterSalesHistoryLine, AfterSalesRequest, AfterSalesStepType, Alert, Claim, ClaimEvent as ClaimHistoryLine } from '@coldchain/storage';

/**
 * The events this package formats. Same shapes as `AlertEvent` and `ClaimEvent` in `@coldchain/bus`
 * (the MQTT payloads), restated here so that notify does not depend on the MQTT client.
 */
export type NotifyAlertEvent = {
  type: 'alert.opened' | 'alert.cleared' | 'alert.acknowledged' | 'alert.resolved' | 'alert.reminder' | 'alert.escalated' | 'alert.silenced';
  at: number;
  alert: Alert;
};

/** A claim filed against a liable party, as published on `coldchain/v1/claims/{orgId}`. */
export type NotifyClaimEvent = { type: 'claim.filed'; at: number; claim: Claim; links?: NotifyClaimLinks };

/** Absolute links to a claim (API) and its shipment's evidence: bundle, report, chain, EPCIS. */
export type NotifyClaimLinks = { claim: string; evidence: string; report: string; chain: string; epcis: string };

/**
 * The claim timers (issue 13, item 1): the one reminder to the carrier before its answer is due, and
 * the escalation (carrier, shipper, platform) once it is overdue; same shape as `ClaimTimerEvent` in
 * `@coldchain/bus`, with the evidence links.
 */
export type NotifyClaimTimerEvent = { type: 'claim.reminder' | 'claim.escalated'; at: number; claim: Claim; links: NotifyClaimLinks };

/**
 * A step of a claim taken by one party through the API (issue 13, item 7), for the other parties: the
 * claim as it stands and the history line of the step (who, which action with its input, from, to).
 */
export type NotifyClaimUpdateEvent = { type: 'claim.updated'; at: number; claim: Claim; step: ClaimHistoryLine; links: NotifyClaimLinks };

/**
 * The links of a claim under the service's public base URL (the API's `GET /api/v1/claims/{id}` shows
 * the same evidence paths, relative).
 */
export function claimLinks(baseUrl: string, claim: Pick<Claim, 'id' | 'shipmentId'>): NotifyClaimLinks {
  const root = baseUrl.replace(/\/+$/, '');
  const shipment = `${root}/api/v1/shipments/${encodeURIComponent(claim.shipmentId)}`;
  return {
    claim: `${root}/api/v1/claims/${encodeURIComponent(claim.id)}`,
    evidence: `${shipment}/evidence`,
    report: `${shipment}/report.pdf`,
    chain: `${shipment}/chain`,
    epcis: `${shipment}/epcis`,
  };
}

/** A party of a handoff as its users know it. */
export type HandoffParty = { id: string; name: string; nameEn: string };

/**
 * The evidence chain's signed head as it was handed out at a handoff (docs/evidence-format.md, "The head
 * and the service's keys"): `headJson` is the exact signed text, `signature` base64 Ed25519 over its
 * UTF-8 bytes, verifiable with the key `keyId` published at `links.keys`.
 */
export type WitnessedHead = { seq: number; hash: string; keyId: string; signedAt: number; headJson: string; signature: string };

/**
 * A handoff (or the delivery) was recorded, with the chain's head that covers it (issue 11, item 2):
 * sent to the shipper, the party handing over and the party taking over, who keep `chain.seq` and
 * `chain.hash` so that the service cannot later rewrite the history up to there unnoticed
 * (`npm run verify -- bundle.zip --witness <seq>:<hash>`).
 */
export type NotifyHandoffEvent = {
  type: 'custody.handoff';
  /** When the scan was recorded (server time). */
  at: number;
  /** `delivery` when the scan is the delivery (custody stage `delivered`), else `handoff`. */
  stage: 'handoff' | 'delivery';
  shipment: { id: string; traceCode: string };
  /** The scan as recorded; `from` held the goods before it (none before the first leg), `to` after (none at delivery). */
  custody: { id: string; stage: Stage; at: number; station: string | null; probeTempC: number | null; from: HandoffParty | null; to: HandoffParty | null };
  chain: WitnessedHead;
  /** Absolute URLs: the service's public keys (`/api/v1/keys`) and the shipment's consumer page. */
  links: { keys: string; consumerPage: string };
};

/** What happened to an after-sales request (same names as the workflow's and the bus's). */
export type NotifyAfterSalesType = AfterSalesStepType;

/** Absolute links of an after-sales request: the console's queue, the shipment's dispute view, the API. */
export type NotifyAfterSalesLinks = { console: string; shipment: string; request: string };

/**
 * A step of a consumer's after-sales request (issue 13, items 4 and 7) for the shipper and, for escalations
 * and advances, the platform: the request as it stands without the consumer's order number (the console
 * shows it to the shipper), the history line of the step, and the links. `text` is the message in plain
 * words, Chinese first, then English, for receivers of the generic webhook that show it as it is.
 */
export type NotifyAfterSalesEvent = {
  type: NotifyAfterSalesType;
  at: number;
  request: Omit<AfterSalesRequest, 'orderRef'>;
  step: AfterSalesHistoryLine;
  links: NotifyAfterSalesLinks;
  text?: LocalizedText;
};

/**
 * The links of an after-sales request under the service's public base URL. The console opens the request
 * in its after-sales queue (`/console#after-sales/{id}`); the consumer's page is not a recipient's link.
 */
export function afterSalesLinks(baseUrl: string, request: Pick<AfterSalesRequest, 'id' | 'shipmentId'>): NotifyAfterSalesLinks {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    console: `${root}/console#after-sales/${encodeURIComponent(request.id)}`,
    shipment: `${root}/console/shipments/${encodeURIComponent(request.shipmentId)}`,
    request: `${root}/api/v1/after-sales/${encodeURIComponent(request.id)}`,
  };
}

/** Whether an event is a step of an after-sales request. */
export function isAfterSalesEvent(event: NotifyEvent): event is NotifyAfterSalesEvent {
  return event.type.startsWith('after_sales.');
}

/** Anything that can be notified. */
export type NotifyEvent = NotifyAlertEvent | NotifyClaimEvent | NotifyClaimTimerEvent | NotifyClaimUpdateEvent | NotifyHandoffEvent | NotifyAfterSalesEvent;

/** The subject of an event's delivery key: the claim, the alert at its event time, or the custody scan. */
function keySubject(event: NotifyEvent): string {
  // One delivery per step of the request's history.
  if (isAfterSalesEvent(event)) return `after-sales:${event.request.id}:${event.step.seq}`;
  switch (event.type) {
    case 'claim.filed':
    case 'claim.reminder':
    case 'claim.escalated':
      return `claim:${event.claim.id}`;
    case 'claim.updated':
      // One delivery per step of the history.
      return `claim:${event.claim.id}:${event.step.seq}`;
    case 'custody.handoff':
      // One head per scan: the API witnesses a scan once, so a relay heard twice is one delivery.
      return `custody:${event.custody.id}`;
    default:
      return `alert:${event.alert.id}:${event.at}`;
  }
}

/**
 * The idempotency key of one event sent to one destination: the same event to the same destination
 * always gets the same key, so enqueuing it twice (a rules worker restarting and replaying) is one
 * delivery, and receivers deduplicate retries on it.
 */
export function deliveryKey(event: NotifyEvent, destinationId: string): string {
  return `${event.type}:${keySubject(event)}@${destinationId}`;
}
