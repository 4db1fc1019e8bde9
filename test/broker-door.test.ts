import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '@coldchain/firmware-sim';
import type { ApiClient } from '@coldchain/firmware-sim';
import { statusTopic, telemetryTopic } from '@coldchain/schemas';
import type { DeadLetter } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

// Issue 8, "identity is bound" and "bounded input at the door", through real MQTT clients on the
// default embedded broker: what the device contract forbids is refused on record, and nobody else's
// session or data is touched.

const T = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
const reading = (ts: number, tempC = 4) => JSON.stringify({ readings: [{ ts, tempC }] });

describe('the embedded broker at the door: identity bound, input bounded', () => {
  let service: RunningService;
  let api: ApiClient;
  const secrets: Record<string, string> = {};

  const url = () => service.info.mqttUrl;
  const readings = async (deviceId: string) => (await api.call<{ readings: { sampledAt: number; tempC: number }[] }>('GET', `/api/v1/devices/${deviceId}/readings`)).readings;
  const deadLetters = async (deviceId: string) => (await api.call<{ deadLetters: DeadLetter[] }>('GET', `/api/v1/dead-letters?deviceId=${deviceId}`)).deadLetters;
  const metric = async (pattern: RegExp) => Number(pattern.exec(await (await fetch(`${service.info.apiUrl}/metrics`, { headers: { authorization: `Bearer ${service.info.adminToken}` } })).text())?.[1] ?? 0);
  const device = (id: string, options: mqtt.IClientOptions = {}) =>
    mqtt.connectAsync(url(), { clientId: id, username: id, password: secrets[id], reconnectPeriod: 0, connectTimeout: 5000, ...options });

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const id of ['door-a', 'door-b', 'door-c', 'door-d', 'door-e', 'door-f']) secrets[id] = await api.provisionDevice(id);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it("refuses a device that connects with another device's client id or a service's, and leaves the victim connected", async () => {
    const victim = await device('door-a', { clean: false });
    let isVictimClosed = false;
    victim.on('close', () => (isVictimClosed = true));
    const before = await metric(/coldchain_broker_connections (\d+)/);
    for (const clientId of ['door-a', 'coldchain-rules', 'coldchain-ingest']) {
      await expect(device('door-b', { clientId })).rejects.toThrow(/Not authorized/i);
    }
    // The victim's session and the services' sessions are untouched: same connections, and the victim goes on.
    expect(await metric(/coldchain_broker_connections (\d+)/)).toBe(before);
    await victim.publishAsync(telemetryTopic('door-a'), reading(T + 1), { qos: 1 });
    expect(isVictimClosed).toBe(false);
    expect((await readings('door-a')).map((r) => r.sampledAt)).toContain(T + 1);
    await victim.endAsync();
    expect(await metric(/coldchain_broker_connects_refused_total\{code="client_id.mismatch"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(await metric(/coldchain_broker_connects_refused_total\{code="client_id.reserved"\} (\d+)/)).toBeGreaterThanOrEqual(2);
  });

  it('refuses QoS 0, QoS 2 and retained telemetry with a dead letter naming the rule, and stores none of it', async () => {
    const client = await device('door-c');
    client.publish(telemetryTopic('door-c'), reading(T + 10), { qos: 0 });
    await client.publishAsync(telemetryTopic('door-c'), reading(T + 20), { qos: 2 });
    await client.publishAsync(telemetryTopic('door-c'), reading(T + 30), { qos: 1, retain: true });
    await client.publishAsync(telemetryTopic('door-c'), reading(T + 40), { qos: 1 });
    await client.endAsync();
    const letters = await eventually('three refusals', async () => {
      const d = await deadLetters('door-c');
      return d.length === 3 ? d : undefined;
    });
    expect(letters.map((l) => l.code).sort()).toEqual(['message.qos', 'message.qos', 'message.retained']);
    expect(letters.find((l) => l.code === 'message.retained')!.reason).toMatch(/must not be retained/);
    expect(letters.filter((l) => l.code === 'message.qos').map((l) => l.reason).sort()).toEqual([
      expect.stringMatching(/QoS 1 .*used QoS 0/),
      expect.stringMatching(/QoS 1 .*used QoS 2/),
    ]);
    expect((await readings('door-c')).map((r) => r.sampledAt)).toEqual([T + 40]);
    // The refused retained message is not kept by the broker for new subscribers either.
    const observer = await mqtt.connectAsync(url(), { clientId: 'coldchain-door-observer', username: '_svc_observer', password: await serviceSecret(service), reconnectPeriod: 0 });
    const retained: string[] = [];
    observer.on('message', (_topic, payload, packet) => packet.retain && retained.push(payload.toString()));
    await observer.subscribeAsync(telemetryTopic('door-c'), { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await observer.endAsync();
    expect(retained).toEqual([]);
  });

  it('keeps a publish to a wildcard topic as a dead letter', async () => {
    const client = await device('door-d');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('coldchain/v1/devices/+/telemetry', reading(T + 50), { qos: 1 });
    await closed;
    client.end(true);
    const [letter] = await eventually('the wildcard refusal', async () => {
      const d = await deadLetters('door-d');
      return d.length === 1 ? d : undefined;
    });
    expect(letter).toMatchObject({ code: 'topic.wildcard' });
  });

  it('stores every reading of a 4-hour backlog flushed at full speed, one message per reading, over the rate limit', async () => {
    // A logger back from 4 h without signal, one reading a minute, sends its whole buffer at once: 240
    // messages against bursts of 200 and 20/s. The messages over the limit are held, not dropped.
    const client = await device('door-e', { clean: false });
    const backlog = Array.from({ length: 240 }, (_, i) => T - 4 * 3_600_000 + i * 60_000);
    const acked: number[] = [];
    await Promise.all(backlog.map((ts) => client.publishAsync(telemetryTopic('door-e'), reading(ts, 4 + (i(ts) % 5) / 10), { qos: 1 }).then(() => acked.push(ts))));
    await client.endAsync();
    expect(acked).toHaveLength(240);
    expect((await readings('door-e')).map((r) => r.sampledAt)).toEqual(backlog);
    expect(await deadLetters('door-e')).toEqual([]);
  });

  it("records a device's online status and its last will as device events, from the broker's publish path", async () => {
    const client = await device('door-f', { will: { topic: statusTopic('door-f'), payload: Buffer.from('offline'), qos: 1, retain: true } });
    await client.publishAsync(statusTopic('door-f'), 'online', { qos: 1, retain: true });
    // Ended without a DISCONNECT, as a logger losing power: the broker publishes its last will.
    client.stream.destroy();
    const kinds = await eventually('online and offline on record', async () => {
      const events = (await api.call<{ events: { kind: string }[] }>('GET', '/api/v1/devices/door-f/events')).events.map((e) => e.kind);
      return events.includes('online') && events.includes('offline') ? events : undefined;
    });
    expect(kinds.filter((k) => k === 'online' || k === 'offline').sort()).toEqual(['offline', 'online']);
  });

  it('refuses a packet over the size limit at its header, before it is buffered, while another device is unaffected', async () => {
    const { port } = new URL(url());
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'door-b', username: 'door-b', password: Buffer.from(secrets['door-b']!), keepalive: 30 }));
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    // A PUBLISH announcing 200 MiB, of which only the first 64 KiB are ever sent: the broker must not wait for the rest.
    const topic = Buffer.from(telemetryTopic('door-b'));
    const remaining = 200 * 1024 * 1024;
    const header = Buffer.from([0x32, ...varint(remaining), topic.length >> 8, topic.length & 0xff, ...topic, 0, 1]);
    socket.write(Buffer.concat([header, Buffer.alloc(64 * 1024, 0x20)]));
    await closed;
    const [letter] = await eventually('the oversize refusal', async () => {
      const d = await deadLetters('door-b');
      return d.length === 1 ? d : undefined;
    });
    expect(letter!.code).toBe('message.too_large');
    expect(letter!.reason).toContain(String(remaining));
    const other = await device('door-a');
    await other.publishAsync(telemetryTopic('door-a'), reading(T + 60), { qos: 1 });
    await other.endAsync();
    expect((await readings('door-a')).map((r) => r.sampledAt)).toContain(T + 60);
  });
});

const i = (ts: number) => Math.round(ts / 60_000);

/** MQTT's variable-length integer [MQTT-2.2.3]. */
function varint(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return bytes;
}

async function serviceSecret(service: RunningService): Promise<string> {
  const { readFileSync } = await import('node:fs');
  return readFileSync(`${service.dataDir}/service-secret`, 'utf8').trim();
}
