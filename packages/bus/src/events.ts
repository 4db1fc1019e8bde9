import type { MqttClient } from 'mqtt';
import { AFTER_SALES_TOPIC, alertsTopic, claimsTopic } from '@coldchain/schemas';
import type { AfterSalesEvent as AfterSalesHistoryLine, AfterSalesRequest, AfterSalesStepType, Alert, Claim, ClaimEvent as ClaimHistoryLine } from '@coldchain/storage';

/** What happened to an alert; published on each routed organisation's alert topic. */
export type AlertEventType = 'alert.opened' | 'alert.cleared' | 'alert.acknowledged' | 'alert.resolved' | 'alert.reminder' | 'alert.escalated' | 'alert.silenced';

/** An alert event as carried on `coldchain/v1/alerts/{orgId}` and the live dashboard stream. */
export type AlertEvent = { type: AlertEventType; at: number; alert: Alert };

/** A claim event as carried on `coldchain/v1/claims/{orgId}`. */
export type ClaimEvent = { type: 'claim.filed'; at: number; claim: Claim };

/** Absolute links to a claim and its shipment's evidence (bundle, report, chain, EPCIS). */
export type ClaimLinks = { claim: string; evidence: string; report: string; chain: string; epcis: string };

/**
 * What the claim timers did (issue 13, items 1 and 7): the one reminder before the carrier's answer is
 * due, and the escalation to the platform once it is overdue. The rules service hands these to its
 * notifier (outbox); they are not published on the claims topics yet, since the API's live feed reads
 * every claim event there as `claim.filed` or an alert event.
 */
export type ClaimTimerEvent = { type: 'claim.reminder' | 'claim.escalated'; at: number; claim: Claim; links: ClaimLinks };

/**
 * A step of a claim's lifecycle taken through the API (acknowledge … withdraw; issue 13, item 7): what
 * the API is to publish on the platform's claims topic after `applyClaimAction` applied, as it does for
 * `claim.filed`. The rules service reads the claim and the step (`step.seq`) back from the store before
 * it notifies the other parties: the message only says which step to look at.
 */
export type ClaimUpdateEvent = { type: 'claim.updated'; at: number; claim: Claim; step: ClaimHistoryLine };

/** What happened to an after-sales request (the workflow's `AfterSalesNoticeType`). */
export type { AfterSalesStepType };

/**
 * A step of an after-sales request taken in the API (issue 13, item 7), as carried on `AFTER_SALES_TOPIC`
 * for the rules' outbox: the workflow's notice (`AfterSalesNotice` in `@coldchain/after-sales`, restated
 * here), without the consumer's order number. The rules read the request and the step (`step.seq`) back
 * from the store and choose whom to tell themselves: the message only says which step to look at.
 */
export type AfterSalesStepEvent = { type: AfterSalesStepType; at: number; request: Omit<AfterSalesRequest, 'orderRef'>; step: AfterSalesHistoryLine; orgIds: string[] };

/** Publishes an after-sales step for the rules (QoS 1: a rules process down meanwhile hears it on its return). */
export async function publishAfterSalesEvent(client: MqttClient, event: AfterSalesStepEvent): Promise<void> {
  await client.publishAsync(AFTER_SALES_TOPIC, JSON.stringify(event), { qos: 1 });
}

/** Publishes an alert event to every organisation the alert is routed to (QoS 1). */
export async function publishAlertEvent(client: MqttClient, event: AlertEvent): Promise<void> {
  const payload = JSON.stringify(event);
  await Promise.all(event.alert.routedTo.map((orgId) => client.publishAsync(alertsTopic(orgId), payload, { qos: 1 })));
}

/** Publishes a claim event to the liable organisation and the others named (QoS 1). */
export async function publishClaimEvent(client: MqttClient, event: ClaimEvent | ClaimUpdateEvent, orgIds: readonly string[]): Promise<void> {
  const payload = JSON.stringify(event);
  await Promise.all([...new Set(orgIds)].map((orgId) => client.publishAsync(claimsTopic(orgId), payload, { qos: 1 })));
}
