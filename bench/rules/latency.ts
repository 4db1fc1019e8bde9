// Latency from the publish of the reading that fires a lychee excursion to the signed webhook's arrival
// at the station's receiver, while a background fleet publishes inside the limits at a steady rate.
// The same probe messages, received by a raw subscriber on the same broker, are the baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '@coldchain/bus';
import { telemetryTopic } from '@coldchain/schemas';
import { Outbox } from '../../packages/notify/src/index.ts';
import { buildRules } from '../../services/rules/src/index.ts';
import type { EmbeddedBroker } from './embedded-broker.ts';
import { openFleetStore, ORGS } from './fleet.ts';
import { deviceId, startPublisher } from './load.ts';
import { waitFor } from './progress.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

const MIN = 60_000;
const WEBHOOK_SECRET = 'bench-station-webhook-secret-0001';
const PROBE_PREFIX = 'probe-';
const WARM_UP_MS = 5_000;

export type LatencyOptions = {
  backgroundDevices: number;
  backgroundReadingsPerSecond: number;
  readingsPerMessage: number;
  intervalMs: number;
  baseMs: number;
  probes: number;
  probeSpacingMs: number;
};

export type Percentiles = { p50: number; p99: number; max: number; count: number };

export type LatencyResult = {
  /** Probe publish → the same message at a subscriber that only timestamps it. */
  raw: Percentiles;
  /** Probe publish → signed `alert.opened` webhook verified by the receiver. */
  webhook: Percentiles;
  missing: number;
  refusedSignatures: number;
  /** Background readings the rules service evaluated per second while the probes ran. */
  evaluatedPerSecond: number;
  /** What the background publisher sent per second over its whole run. */
  offeredPerSecond: number;
  setupMs: number;
};

/** Nearest-rank percentiles, in ms. */
function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1] ?? NaN, count: sorted.length };
}

export async function measureLatency(broker: EmbeddedBroker, options: LatencyOptions): Promise<LatencyResult> {
  const { probes } = options;
  const dir = mkdtempSync(join(tmpdir(), 'bench-rules-latency-'));
  // Each probe device reads 4.0 °C, then 16.0 °C ten minutes later (the high rule goes pending: above
  // 15 °C, hold-for 10 min on device time), then its probe reading, 16.5 °C another ten minutes later:
  // the reading at which the hold-for has elapsed, so that one reading fires the excursion.
  const probeOnsetAt = Math.floor((Date.now() - 2 * 60 * MIN) / MIN) * MIN;
  const { ops, setupMs } = await openFleetStore(
    dir,
    [
      { prefix: 'bg-', devices: options.backgroundDevices, startedAt: options.baseMs - 60 * MIN },
      { prefix: PROBE_PREFIX, devices: probes, startedAt: probeOnsetAt - 60 * MIN },
    ],
    Date.now(),
  );

  const publishedAt = new Array<number | undefined>(probes);
  const rawAt = new Array<number | undefined>(probes);
  const webhookAt = new Array<number | undefined>(probes);
  const probeIndex = (id: string) => (id.startsWith(PROBE_PREFIX) ? Number(id.slice(PROBE_PREFIX.length)) : -1);
  const receiver = await startWebhookReceiver(WEBHOOK_SECRET, (event, receivedAt) => {
    const i = event.type === 'alert.opened' && event.alert?.ruleId === 'high' ? probeIndex(event.alert.deviceId) : -1;
    if (i >= 0 && webhookAt[i] === undefined) webhookAt[i] = receivedAt;
  });
  // The station holding the goods has a signed webhook; tier 1 also routes to the shipper and the
  // platform, which have no channel here: one delivery per alert.
  await ops.setOrgChannels(ORGS.station, [{ id: 'station-webhook', type: 'webhook', url: receiver.url, secret: WEBHOOK_SECRET, lang: 'zh' }], Date.now());
  const log = pino({ level: 'error' });
  const outbox = new Outbox({ path: join(dir, 'outbox.db'), onError: (error) => log.error({ err: error }, 'outbox.error') });
  outbox.start();
  const rules = buildRules({ mqtt: { url: broker.url, clientId: 'coldchain-bench-rules-latency', username: broker.username, password: broker.password, isPersistent: false }, ops, clock: systemClock, log, outbox, publicUrl: 'http://127.0.0.1:8080' });
  await rules.start();

  const raw = await broker.connect('raw');
  raw.on('message', (topic) => {
    const i = probeIndex(topic.split('/').at(-2) ?? '');
    const at = performance.now();
    if (i >= 0 && publishedAt[i] !== undefined && rawAt[i] === undefined) rawAt[i] = at;
  });
  await raw.subscribeAsync(Array.from({ length: probes }, (_, i) => telemetryTopic(deviceId(PROBE_PREFIX, i))), { qos: 1 });
  const prober = await broker.connect('probe');
  const send = (i: number, readings: Array<{ ts: number; tempC: number }>, seq: number) =>
    prober.publishAsync(telemetryTopic(deviceId(PROBE_PREFIX, i)), JSON.stringify({ seq, readings: readings.map((r) => ({ ...r, rhPct: 92 })) }), { qos: 1 });
  for (let i = 0; i < probes; i++) await send(i, [{ ts: probeOnsetAt - 10 * MIN, tempC: 4 }, { ts: probeOnsetAt, tempC: 16 }], 0);
  await waitFor('probe devices pending', () => rules.stats().evaluated, 2 * probes, 30_000);
  if (rules.stats().transitions !== probes) throw new Error(`expected ${probes} pending transitions, got ${JSON.stringify(rules.stats())}`);

  const perSecond = options.backgroundReadingsPerSecond / options.readingsPerMessage;
  const runMs = WARM_UP_MS + probes * options.probeSpacingMs + 15_000;
  const background = startPublisher({
    url: broker.url, username: broker.username, password: broker.password,
    count: Math.ceil((perSecond * runMs) / 1000), offset: 0, devices: options.backgroundDevices, prefix: 'bg-',
    readingsPerMessage: options.readingsPerMessage, intervalMs: options.intervalMs, baseMs: options.baseMs, perSecond, window: 1000,
  });
  await new Promise((r) => setTimeout(r, WARM_UP_MS));

  const windowStart = { at: performance.now(), evaluated: rules.stats().evaluated };
  for (let i = 0; i < probes; i++) {
    publishedAt[i] = performance.now();
    void send(i, [{ ts: probeOnsetAt + 10 * MIN, tempC: 16.5 }], 1);
    await new Promise((r) => setTimeout(r, options.probeSpacingMs));
  }
  const received = () => webhookAt.filter((t) => t !== undefined).length;
  await waitFor('webhooks', received, probes, 10_000).catch(() => undefined);
  const windowEnd = { at: performance.now(), evaluated: rules.stats().evaluated };
  background.stop();
  const offered = await background.done;

  const webhook: number[] = [];
  const rawLatency: number[] = [];
  for (let i = 0; i < probes; i++) {
    if (webhookAt[i] !== undefined) webhook.push(webhookAt[i]! - publishedAt[i]!);
    if (rawAt[i] !== undefined) rawLatency.push(rawAt[i]! - publishedAt[i]!);
  }
  const result: LatencyResult = {
    raw: percentiles(rawLatency),
    webhook: percentiles(webhook),
    missing: probes - webhook.length,
    refusedSignatures: receiver.refused(),
    evaluatedPerSecond: ((windowEnd.evaluated - windowStart.evaluated - probes) / (windowEnd.at - windowStart.at)) * 1000,
    offeredPerSecond: ((offered.sent * options.readingsPerMessage) / offered.elapsedMs) * 1000,
    setupMs,
  };
  await raw.endAsync();
  await prober.endAsync();
  await rules.stop();
  await outbox.close();
  await receiver.close();
  await ops.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}
