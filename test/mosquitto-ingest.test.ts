import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@coldchain/bus';
import { buildIngest } from '@coldchain/ingest';
import type { Ingest } from '@coldchain/ingest';
import { TELEMETRY_FILTER, telemetryTopic } from '@coldchain/schemas';
import { SqliteTelemetryStore, SqliteOpsStore } from '@coldchain/storage';
import { requireServer, startMosquitto } from './helpers/servers.ts';
import type { ServerProcess } from './helpers/servers.ts';

const hasMosquitto = requireServer('mosquitto', '/usr/sbin/mosquitto', 'apt-get install mosquitto');
const log = pino({ level: 'warn' });
const DEVICES = 50;
// Device times from a day ago: inside the window ingest accepts.
const BASE = Math.floor((Date.now() - 86_400_000) / 1000) * 1000;

/**
 * The queueing settings of the mosquitto.conf shipped for production (deploy/mosquitto), so these tests
 * prove what users run: the listener, authentication and paths are the test's own.
 */
function shippedQueueSettings(): string[] {
  const conf = readFileSync(new URL('../deploy/mosquitto/mosquitto.conf', import.meta.url), 'utf8');
  const lines = conf.split('\n').map((l) => l.trim()).filter((l) => /^(max_queued_messages|max_queued_bytes|max_inflight_messages|queue_qos0_messages|persistent_client_expiration|max_qos|max_packet_size)\b/.test(l));
  expect(lines.find((l) => l.startsWith('max_queued_messages'))).toMatch(/max_queued_messages (0|\d{6,})/);
  return lines;
}

/** Message `m` of the stream: 10 readings of device m % DEVICES, one second apart. */
function message(m: number): { topic: string; payload: string } {
  const device = m % DEVICES;
  const slot = Math.floor(m / DEVICES);
  const readings = Array.from({ length: 10 }, (_, k) => ({ ts: BASE + (slot * 10 + k) * 1000, tempC: 4 + ((slot + k) % 10) / 10 }));
  return { topic: telemetryTopic(`mq-${device}`), payload: JSON.stringify({ seq: slot, readings }) };
}

async function publishStream(url: string, from: number, to: number, options: { awaitEach?: boolean } = {}): Promise<void> {
  const publisher = await mqtt.connectAsync(url, { clientId: `pub-${Math.random()}`, protocolVersion: 5, reconnectPeriod: 0 });
  const pending: Promise<unknown>[] = [];
  for (let m = from; m < to; m++) {
    const { topic, payload } = message(m);
    const sent = publisher.publishAsync(topic, payload, { qos: 1 });
    if (options.awaitEach) await sent;
    else pending.push(sent);
  }
  await Promise.all(pending);
  await publisher.endAsync();
}

function openStores(dir: string) {
  return { telemetry: new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL'), ops: new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL') };
}

async function storedCount(store: SqliteTelemetryStore): Promise<number> {
  let total = 0;
  for (let d = 0; d < DEVICES; d++) total += (await store.readingsBetween(`mq-${d}`, BASE, BASE + 10 * 86_400_000, 1_000_000)).length;
  return total;
}

async function waitForCount(store: SqliteTelemetryStore, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  while (Date.now() < deadline) {
    count = await storedCount(store);
    if (count >= expected) return count;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return count;
}

describe.skipIf(!hasMosquitto)('ingest against a real Mosquitto with the shipped settings', () => {
  let broker: ServerProcess;
  let dir: string;

  beforeAll(async () => {
    broker = await startMosquitto(shippedQueueSettings());
    dir = mkdtempSync(join(tmpdir(), 'coldchain-mq-'));
  });
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ingestFor = (name: string, stores: ReturnType<typeof openStores>, filter = TELEMETRY_FILTER, connections = 1): Ingest =>
    buildIngest({ mqtt: { url: broker.url, clientId: name, protocolVersion: 5 }, filter, connections, ...stores, clock: systemClock, log, rateLimit: { perSecond: 1e6, burst: 1e6 } });

  it('stores every reading exactly once when ingest is killed and restarted in the middle of a stream (MQTT 5 persistent session)', async () => {
    const stores = openStores(join(dir, 'restart'));
    let ingest = ingestFor('ingest-restart', stores);
    await ingest.start();
    const streaming = publishStream(broker.url, 0, 3000, { awaitEach: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ingest.crash();
    await new Promise((resolve) => setTimeout(resolve, 500));
    ingest = ingestFor('ingest-restart', stores);
    await ingest.start();
    await streaming;
    expect(await waitForCount(stores.telemetry, 30_000, 60_000)).toBe(30_000);
    await ingest.stop();
  });

  it('two ingest instances on a shared subscription store every reading exactly once', async () => {
    const filter = `$share/ingest/${TELEMETRY_FILTER}`;
    const a = openStores(join(dir, 'shared'));
    const b = openStores(join(dir, 'shared'));
    const first = ingestFor('ingest-1', a, filter);
    const second = ingestFor('ingest-2', b, filter);
    await first.start();
    await second.start();
    await publishStream(broker.url, 100_000, 105_000);
    expect(await waitForCount(a.telemetry, 50_000, 60_000)).toBe(50_000);
    const [s1, s2] = [first.stats(), second.stats()];
    expect(s1.messages + s2.messages).toBe(5000);
    expect(s1.messages).toBeGreaterThan(0);
    expect(s2.messages).toBeGreaterThan(0);
    expect(s1.duplicates + s2.duplicates).toBe(0);
    await first.stop();
    await second.stop();
  });

  it('stores a burst of 200,000 readings offered as fast as the broker takes them, whole (4 connections, group commit)', async () => {
    const stores = openStores(join(dir, 'burst'));
    const ingest = ingestFor('ingest-burst', stores, `$share/burst/${TELEMETRY_FILTER}`, 4);
    await ingest.start();
    await publishStream(broker.url, 200_000, 220_000);
    expect(await waitForCount(stores.telemetry, 200_000, 180_000)).toBe(200_000);
    // Counted once a commit's answer is back from the writer thread, a moment after the rows are
    // readable: read after the stop, which waits for every commit in flight.
    await ingest.stop();
    expect(ingest.stats()).toMatchObject({ messages: 20_000, accepted: 200_000, rejected: 0 });
  });

  it('refuses QoS 0 and retained telemetry on record, QoS 2 at the broker, and slows a flooding device without dropping anything', async () => {
    const stores = openStores(join(dir, 'door'));
    const ingest = buildIngest({ mqtt: { url: broker.url, clientId: 'ingest-door', protocolVersion: 5 }, ...stores, clock: systemClock, log, rateLimit: { perSecond: 50, burst: 20 } });
    await ingest.start();
    const device = await mqtt.connectAsync(broker.url, { clientId: 'mq-door', protocolVersion: 5, reconnectPeriod: 0 });
    device.publish(telemetryTopic('mq-door'), JSON.stringify({ readings: [{ ts: BASE + 1, tempC: 4 }] }), { qos: 0 });
    await device.publishAsync(telemetryTopic('mq-door'), JSON.stringify({ readings: [{ ts: BASE + 2, tempC: 4 }] }), { qos: 1, retain: true });
    // 100 messages against 50/s with bursts of 20: ingest holds 80 of them, stores all.
    await Promise.all(Array.from({ length: 100 }, (_, i) => device.publishAsync(telemetryTopic('mq-door'), JSON.stringify({ readings: [{ ts: BASE + 1000 + i, tempC: 4 }] }), { qos: 1 })));
    // The shipped max_qos 1: Mosquitto ends a connection that publishes at QoS 2.
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish(telemetryTopic('mq-door'), JSON.stringify({ readings: [{ ts: BASE + 3, tempC: 4 }] }), { qos: 2 });
    await closed;
    device.end(true);
    const stored = async () => (await stores.telemetry.readingsBetween('mq-door', BASE, BASE + 86_400_000, 1000)).map((r) => r.sampledAt);
    const deadline = Date.now() + 20_000;
    while ((await stored()).length < 100 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stored()).toEqual(Array.from({ length: 100 }, (_, i) => BASE + 1000 + i));
    expect(ingest.stats().held).toBeGreaterThanOrEqual(70);
    const letters = await stores.ops.listDeadLetters({ deviceId: 'mq-door', limit: 10 });
    expect(letters.map((l) => l.code).sort()).toEqual(['message.qos', 'message.retained']);
    await ingest.stop();
  });
});
