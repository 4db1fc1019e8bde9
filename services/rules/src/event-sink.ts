import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { AlertEvent, ClaimEvent } from '@coldchain/bus';
import { publishAlertEvent, publishClaimEvent } from '@coldchain/bus';

/** Where the rules service's alert and claim events go: the bus (dashboards, MQTT subscribers) and notifications. */
export type EventSink = {
  alert(event: AlertEvent): Promise<void>;
  claim(event: ClaimEvent, orgIds: readonly string[]): Promise<void>;
};

/**
 * Publishes each event on the bus and hands it to the notifier. The alert or claim is stored before
 * its event is emitted: a bus that is down (shutting down, reconnecting) is logged, never undoes it.
 */
export function createEventSink(deps: { bus: () => MqttClient | undefined; notify?: (event: AlertEvent | ClaimEvent) => Promise<void>; log: Logger }): EventSink {
  const { log } = deps;
  const notify = async (event: AlertEvent | ClaimEvent) => {
    await deps.notify?.(event).catch((error: unknown) => log.error({ err: error, type: event.type }, 'notify.failed'));
  };
  return {
    async alert(event) {
      const client = deps.bus();
      if (client) await publishAlertEvent(client, event).catch((error: unknown) => log.warn({ err: error, alertId: event.alert.id }, 'alert.publish_failed'));
      await notify(event);
    },
    async claim(event, orgIds) {
      const client = deps.bus();
      if (client) await publishClaimEvent(client, event, orgIds).catch((error: unknown) => log.warn({ err: error, claimId: event.claim.id }, 'claim.publish_failed'));
      await notify(event);
    },
  };
}
