import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { AfterSalesStepEvent, AlertEvent, ClaimEvent, ClaimUpdateEvent, MqttConnectionOptions } from '@coldchain/bus';
import { closeMqtt, connectMqtt, publishAfterSalesEvent, publishAlertEvent, publishClaimEvent } from '@coldchain/bus';
import { ALERTS_FILTER, CLAIMS_FILTER, CORRECTIONS_TOPIC, HEADS_TOPIC } from '@coldchain/schemas';
import type { SignedHead } from './evidence/evidence-types.ts';

/** An event for the live dashboards. */
export type FeedEvent = AlertEvent | ClaimEvent | ClaimUpdateEvent;

/**
 * The live stream behind the dashboards: alert and claim events from the bus, whichever service raised
 * them. Events the API itself raises (acknowledge, resolve) go out on the bus and come back through it,
 * so every API instance's dashboards see the same stream; without a bus they are emitted locally.
 */
export function createLiveFeed(deps: { mqtt?: MqttConnectionOptions; log: Logger }) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: MqttClient | undefined;
  const seen = new Map<string, number>();

  function deliver(event: FeedEvent) {
    // One alert event reaches several organisation topics; deliver it to the dashboards once.
    const id =
      'alert' in event
        ? `${event.type}:${event.alert.id}:${event.alert.updatedAt}`
        : `${event.type}:${event.claim.id}${'step' in event ? `:${event.step.seq}` : ''}`;
    // Events of kinds this API does not know (a newer rules service) are not the dashboards' concern.
    if (!('alert' in event) && !('claim' in event)) return;
    if (seen.has(id)) return;
    seen.set(id, event.at);
    if (seen.size > 5000) seen.delete(seen.keys().next().value!);
    emitter.emit('event', event);
  }

  return {
    async start(): Promise<void> {
      if (!deps.mqtt) return;
      // The feed is about now: no persistent session.
      client = await connectMqtt({ ...deps.mqtt, isPersistent: false });
      client.on('message', (_topic, payload) => {
        try {
          deliver(JSON.parse(payload.toString('utf8')) as FeedEvent);
        } catch (error) {
          deps.log.warn({ err: error }, 'feed.bad_event');
        }
      });
      await client.subscribeAsync([ALERTS_FILTER, CLAIMS_FILTER], { qos: 1 });
    },
    async publishAlert(event: AlertEvent): Promise<void> {
      if (client) await publishAlertEvent(client, event);
      else deliver(event);
    },
    /** A claim the API filed (a review's decision), on each named organisation's claims topic. */
    async publishClaim(event: ClaimEvent | ClaimUpdateEvent, orgIds: readonly string[]): Promise<void> {
      if (client) await publishClaimEvent(client, event, orgIds);
      else deliver(event);
    },
    /**
     * Tells the rules that a custody correction was stored, so they re-judge the shipment now; without a
     * bus they find it in the store on their next start (docs/decisions/0016).
     */
    async publishCorrection(notice: { shipmentId: string; correctionId: string; seq: number }): Promise<void> {
      if (client) await client.publishAsync(CORRECTIONS_TOPIC, JSON.stringify(notice), { qos: 1 });
    },
    /**
     * Hands the rules the head witnessed at a handoff or delivery, for the parties' channels (they own
     * the outbox; docs/decisions/0018). Without a bus there are no rules to tell.
     */
    async publishHead(notice: { shipmentId: string; custodyEventId: string; chain: SignedHead }): Promise<void> {
      if (client) await client.publishAsync(HEADS_TOPIC, JSON.stringify(notice), { qos: 1 });
    },
    /**
     * Hands the rules a step of an after-sales request taken here (report, judgement, decision, payout),
     * for the parties' channels: the rules own the outbox, and read the step back from the store before
     * they tell anyone. Without a bus there are no rules to tell.
     */
    async publishAfterSales(event: AfterSalesStepEvent): Promise<void> {
      if (client) await publishAfterSalesEvent(client, event);
    },
    subscribe(listener: (event: FeedEvent) => void): () => void {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    async stop(): Promise<void> {
      await closeMqtt(client);
      client = undefined;
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
