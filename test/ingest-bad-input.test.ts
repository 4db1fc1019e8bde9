import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, generateDeviceKeys, LoggerDevice } from '@coldchain/firmware-sim';
import type { ApiClient } from '@coldchain/firmware-sim';
import { signTelemetry, telemetryTopic } from '@coldchain/schemas';
import type { DeadLetter, DeviceEvent } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

const T = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
const DAY = 86_400_000;

describe('bad input through the embedded broker: a clear reason, nothing else disturbed', () => {
  let service: RunningService;
  let api: ApiClient;

  /** Every stored reading of the device, page after page (a page holds at most 10,000). */
  const readings = async (deviceId: string) => {
    const all: { sampledAt: number; tempC: number }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const answer: { readings: { sampledAt: number; tempC: number }[]; nextCursor: string | null } = await api.call('GET', `/api/v1/devices/${deviceId}/readings?limit=10000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...answer.readings);
      cursor = answer.nextCursor;
      if (cursor === null) break;
    }
    return all;
  };
  const deadLetters = async (deviceId: string) => (await api.call<{ deadLetters: DeadLetter[] }>('GET', `/api/v1/dead-letters?deviceId=${deviceId}`)).deadLetters;

  /** Publishes raw payloads as a device, then a valid marker reading, and waits until the marker is stored. */
  async function publishAsDevice(deviceId: string, payloads: (string | Buffer)[], markerTs: number): Promise<void> {
    const secret = await api.provisionDevice(deviceId);
    const client = await mqtt.connectAsync(service.info.mqttUrl, { clientId: deviceId, username: deviceId, password: secret, reconnectPeriod: 0 });
    for (const payload of payloads) await client.publishAsync(telemetryTopic(deviceId), payload, { qos: 1 });
    await client.publishAsync(telemetryTopic(deviceId), JSON.stringify({ readings: [{ ts: markerTs, tempC: 4 }] }), { qos: 1 });
    await client.endAsync();
    await eventually(`the marker reading of ${deviceId}`, async () => ((await readings(deviceId)).some((r) => r.sampledAt === markerTs) ? true : undefined));
  }

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it.each([
    ['an empty message', '', 'message.empty', /message is empty/],
    ['malformed JSON', '{"readings": [{"ts": 1,', 'message.not_json', /not valid JSON/],
    ['a temperature given as text', JSON.stringify({ readings: [{ ts: T, tempC: '4.5' }] }), 'message.invalid', /readings\[0\]\.tempC: must be a number/],
    ['Infinity (1e999)', `{"readings":[{"ts":${T},"tempC":1e999}]}`, 'message.invalid', /readings\[0\]\.tempC: must be a finite number/],
    ['a time without an offset', JSON.stringify({ readings: [{ ts: '2026-11-24 10:00', tempC: 4 }] }), 'message.invalid', /readings\[0\]\.ts: must be epoch milliseconds/],
    ['no readings', JSON.stringify({ readings: [] }), 'message.invalid', /readings: must hold at least one reading/],
    ['10,001 readings', JSON.stringify({ readings: Array.from({ length: 10_001 }, (_, i) => ({ ts: T + i, tempC: 4 })) }), 'message.invalid', /at most 10000 readings/],
    ['more than 1 MiB', Buffer.alloc(1024 * 1024 + 1, 0x20), 'message.too_large', /limit is 1048576/],
  ])('refuses %s whole, with its reason', async (_name, payload, code, reason) => {
    const deviceId = `bad-${code.replace('.', '-')}-${Math.random().toString(36).slice(2, 7)}`;
    await publishAsDevice(deviceId, [payload], T + 1);
    const [letter] = await deadLetters(deviceId);
    expect(letter).toMatchObject({ code, deviceId });
    expect(letter!.reason).toMatch(reason);
    expect((await readings(deviceId)).map((r) => r.sampledAt)).toEqual([T + 1]);
  });

  it('keeps sensor faults and impossible times apart, storing the rest of the message', async () => {
    const payload = JSON.stringify({
      readings: [
        { ts: T, tempC: 4.1 },
        { ts: T + 60_000, tempC: 85 },
        { ts: T + 120_000, tempC: -80 },
        { ts: Date.now() + DAY, tempC: 4.2 },
        { ts: Date.now() - 60 * DAY, tempC: 4.3 },
        { ts: T + 180_000, tempC: 4.4 },
      ],
    });
    await publishAsDevice('bad-mixed', [payload], T + 240_000);
    expect((await readings('bad-mixed')).map((r) => [r.sampledAt, r.tempC])).toEqual([
      [T, 4.1],
      [T + 180_000, 4.4],
      [T + 240_000, 4],
    ]);
    const [letter] = await deadLetters('bad-mixed');
    expect(letter).toMatchObject({ code: 'reading.sensor_fault' });
    expect(letter!.reason).toContain('4 of 6 readings refused');
    expect(letter!.reason).toContain('readings[1].tempC: 85 °C is outside the sensor\'s physical range');
    expect(letter!.reason).toContain('readings[2].tempC: -80 °C');
    expect(letter!.reason).toContain('readings[3].ts');
    expect(letter!.reason).toMatch(/readings\[4\]\.ts: .* more than 30 days old/);
  });

  it('stores a backlog of 10,000 readings in one message', async () => {
    const backlog = Array.from({ length: 10_000 }, (_, i) => ({ ts: T - DAY + i * 5_000, tempC: 4 + (i % 10) / 10 }));
    await publishAsDevice('bad-backlog', [JSON.stringify({ readings: backlog })], T + 1);
    expect(await readings('bad-backlog')).toHaveLength(10_001);
  });

  it('refuses unsigned and wrongly signed messages from a device registered with an Ed25519 key', async () => {
    const keys = generateDeviceKeys();
    const secret = await api.provisionDevice('bad-signed', keys.publicKey);
    const client = await mqtt.connectAsync(service.info.mqttUrl, { clientId: 'bad-signed', username: 'bad-signed', password: secret, reconnectPeriod: 0 });
    await client.publishAsync(telemetryTopic('bad-signed'), JSON.stringify({ readings: [{ ts: T, tempC: 30 }] }), { qos: 1 });
    await client.publishAsync(telemetryTopic('bad-signed'), signTelemetry({ readings: [{ ts: T + 1, tempC: 30 }] }, generateDeviceKeys().seed), { qos: 1 });
    await client.publishAsync(telemetryTopic('bad-signed'), signTelemetry({ readings: [{ ts: T + 2, tempC: 4 }] }, keys.seed), { qos: 1 });
    await client.endAsync();
    await eventually('the signed reading', async () => ((await readings('bad-signed')).length === 1 ? true : undefined));
    expect((await readings('bad-signed')).map((r) => r.sampledAt)).toEqual([T + 2]);
    expect((await deadLetters('bad-signed')).map((d) => d.code).sort()).toEqual(['signature.invalid', 'signature.missing']);
  });

  it('records a gap in seq as a device event', async () => {
    const device = await LoggerDevice.connect(service.info.mqttUrl, 'bad-seq', await api.provisionDevice('bad-seq'));
    await device.publish([{ ts: T, tempC: 4 }]); // seq 0
    await device.close();
    const client = await mqtt.connectAsync(service.info.mqttUrl, { clientId: 'bad-seq', username: 'bad-seq', password: await api.provisionDevice('bad-seq'), reconnectPeriod: 0 });
    await client.publishAsync(telemetryTopic('bad-seq'), JSON.stringify({ seq: 4, readings: [{ ts: T + 1000, tempC: 4 }] }), { qos: 1 });
    await client.endAsync();
    const events = await eventually('the gap on record', async () => {
      const e = (await api.call<{ events: DeviceEvent[] }>('GET', '/api/v1/devices/bad-seq/events')).events.filter((x) => x.kind === 'seq_gap');
      return e.length ? e : undefined;
    });
    expect(events[0]!.detail).toContain('messages 1…3 never arrived (3 missing)');
  });

  it('slows a flooding device over its rate limit without dropping anything it acknowledged, while another device is unaffected', async () => {
    // 20 messages/s with bursts of 200 (the default): 260 messages at once are 60 over the burst, about 3 s of holding.
    const flooder = await mqtt.connectAsync(service.info.mqttUrl, { clientId: 'bad-flood', username: 'bad-flood', password: await api.provisionDevice('bad-flood'), reconnectPeriod: 0 });
    const started = performance.now();
    const flood = Promise.all(Array.from({ length: 260 }, (_, i) => flooder.publishAsync(telemetryTopic('bad-flood'), JSON.stringify({ readings: [{ ts: T + i * 1000, tempC: 4 }] }), { qos: 1 })));
    let isFloodDone = false;
    void flood.then(() => (isFloodDone = true));
    // A neighbour publishing meanwhile is acknowledged before the flooder's held messages are.
    await publishAsDevice('bad-neighbour', [JSON.stringify({ readings: [{ ts: T, tempC: 4 }] })], T + 1);
    expect(isFloodDone).toBe(false);
    await flood;
    const elapsedMs = performance.now() - started;
    await flooder.endAsync();
    // Every PUBACK meant stored: all 260 are there as soon as the last PUBACK came, none refused.
    expect(await readings('bad-flood')).toHaveLength(260);
    expect(await deadLetters('bad-flood')).toHaveLength(0);
    // Slowed to the limit: the 60 messages over the burst took about 3 s to be acknowledged.
    expect(elapsedMs).toBeGreaterThan(2_000);
    expect(await readings('bad-neighbour')).toHaveLength(2);
    const metrics = await (await fetch(`${service.info.apiUrl}/metrics`, { headers: { authorization: `Bearer ${service.info.adminToken}` } })).text();
    // About 60 held (260 against a burst of 200); a little fewer when the bucket refills while the flood is sent.
    expect(Number(/coldchain_messages_rate_held_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(40);
    expect(metrics).toMatch(/coldchain_readings_accepted_total \d+/);
    expect(metrics).toMatch(/coldchain_broker_connections \d+/);
    expect(metrics).toMatch(/coldchain_store_write_seconds_bucket/);
  });
});
