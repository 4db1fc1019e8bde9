import type { Alert, Claim } from '@coldchain/storage';

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
export type NotifyClaimEvent = { type: 'claim.filed'; at: number; claim: Claim };

/** Anything that can be notified. */
export type NotifyEvent = NotifyAlertEvent | NotifyClaimEvent;

/**
 * The idempotency key of one event sent to one destination: the same event to the same destination
 * always gets the same key, so enqueuing it twice (a rules worker restarting and replaying) is one
 * delivery, and receivers deduplicate retries on it.
 */
export function deliveryKey(event: NotifyEvent, destinationId: string): string {
  const subject = event.type === 'claim.filed' ? `claim:${event.claim.id}` : `alert:${event.alert.id}:${event.at}`;
  return `${event.type}:${subject}@${destinationId}`;
}
