// Excursion probes: a lychee logger reads 4.0 °C, then 16.0 °C (the high rule goes pending: above 15 °C,
// hold-for 10 min on device time, decision 0002), then, ten minutes later on device time, 16.5 °C: the
// reading at which the hold-for has elapsed, so that one reading fires the excursion. Each probe is timed
// from just before the publish of that reading to the receipt of the signed `alert.opened` webhook at the
// hub station's receiver (signature verified, bench/rules/webhook-receiver.ts).
import { startWebhookReceiver } from '../rules/webhook-receiver.ts';
import type { WebhookEvent, WebhookReceiver } from '../rules/webhook-receiver.ts';
import type { Device } from './device.ts';

const MIN = 60_000;

export type ProbeBoard = {
  receiver: WebhookReceiver;
  /** Sends the 4.0 and 16.0 °C readings that put a probe's high rule in pending. */
  arm(device: Device): Promise<void>;
  /** Publishes the firing reading; the webhook's arrival completes the probe. Returns the PUBACK ms, or NaN. */
  fire(device: Device): Promise<number>;
  /** ms from the firing publish to the verified webhook, once it has come. */
  latencyOf(deviceId: string): number | undefined;
  /** Waits until every fired probe in `ids` has its webhook, or `timeoutMs` passed. */
  waitFor(ids: readonly string[], timeoutMs: number): Promise<void>;
  /** Verified events that were not a probe's first high alert (other alerts, repeats), by `type ruleId`. */
  otherEvents(): Record<string, number>;
};

/**
 * The probes' device times: onset 15 min before `now`, so the firing reading is 5 min before `now` at
 * setup and a few minutes old when it is sent: near now, in order per device, never late data.
 */
export async function startProbeBoard(secret: string, now: number): Promise<ProbeBoard> {
  const onsetAt = Math.floor((now - 15 * MIN) / MIN) * MIN;
  const firedAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  const others: Record<string, number> = {};
  const count = (key: string) => (others[key] = (others[key] ?? 0) + 1);
  const receiver = await startWebhookReceiver(secret, (received, at) => {
    // A shipment's notifications within the group interval arrive as one `notification.group` with its
    // events (services/rules/src/notification-groups.ts); an alert inside one has arrived with it.
    const group = received as WebhookEvent & { events?: WebhookEvent[] };
    if (group.type === 'notification.group') count('notification.group');
    for (const event of group.type === 'notification.group' ? (group.events ?? []) : [received]) {
      const id = event.alert?.deviceId;
      if (event.type === 'alert.opened' && event.alert?.ruleId === 'high' && id !== undefined && firedAt.has(id) && !receivedAt.has(id)) receivedAt.set(id, at);
      else count(`${event.type} ${event.alert?.ruleId ?? ''}`.trim());
    }
  });
  return {
    receiver,
    async arm(device) {
      await device.publish([
        { ts: onsetAt - 10 * MIN, tempC: 4.0 },
        { ts: onsetAt, tempC: 16.0 },
      ]);
    },
    async fire(device) {
      firedAt.set(device.id, performance.now());
      return device.publish([{ ts: onsetAt + 10 * MIN, tempC: 16.5 }]).catch(() => NaN);
    },
    latencyOf(id) {
      const at = receivedAt.get(id);
      return at === undefined ? undefined : at - firedAt.get(id)!;
    },
    async waitFor(ids, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline && ids.some((id) => !receivedAt.has(id))) await new Promise((r) => setTimeout(r, 5));
    },
    otherEvents: () => ({ ...others }),
  };
}
