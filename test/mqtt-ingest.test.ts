import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '@coldchain/firmware-sim';
import type { ApiClient } from '@coldchain/firmware-sim';
import { telemetryTopic } from '@coldchain/schemas';
import type { DeadLetter } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

/** A device's MQTT connection, as its firmware would open it. */
function connectDevice(service: RunningService, deviceId: string, secret: string) {
  return mqtt.connectAsync(service.info.mqttUrl, { clientId: deviceId, username: deviceId, password: secret, reconnectPeriod: 0, connectTimeout: 5000 });
}

// Device times an hour ago, on the second: inside the window ingest accepts (not in the future, under 30 days old).
const T = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
const isoAt = (t: number) => new Date(t + 8 * 3_600_000).toISOString().replace('Z', '+08:00');

describe('device contract against the embedded broker (real MQTT client)', () => {
  let service: RunningService;
  let api: ApiClient;
  const secrets: Record<string, string> = {};

  const readings = async (deviceId: string) =>
    (await api.call<{ readings: { sampledAt: number; tempC: number }[] }>('GET', `/api/v1/devices/${deviceId}/readings`)).readings;
  const deadLetters = async (deviceId: string) => (await api.call<{ deadLetters: DeadLetter[] }>('GET', `/api/v1/dead-letters?deviceId=${deviceId}`)).deadLetters;

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const id of ['logger-a', 'logger-b', 'logger-c']) secrets[id] = await api.provisionDevice(id);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('stores a valid message (epoch ms and ISO-8601 times) and reads it back through the API', async () => {
    const client = await connectDevice(service, 'logger-a', secrets['logger-a']!);
    await client.publishAsync(
      telemetryTopic('logger-a'),
      JSON.stringify({ seq: 1, readings: [{ ts: T, tempC: 4.2, rhPct: 91 }, { ts: isoAt(T + 1000), tempC: 4.4 }] }),
      { qos: 1 },
    );
    await client.endAsync();
    const stored = await eventually('two readings', async () => {
      const r = await readings('logger-a');
      return r.length === 2 ? r : undefined;
    });
    expect(stored.map((r) => [r.sampledAt, r.tempC])).toEqual([
      [T, 4.2],
      [T + 1000, 4.4],
    ]);
  });

  it('keeps an invalid message as a dead letter with its reason, and the device goes on publishing', async () => {
    const client = await connectDevice(service, 'logger-b', secrets['logger-b']!);
    await client.publishAsync(telemetryTopic('logger-b'), JSON.stringify({ readings: [{ ts: T, tempC: 'warm' }] }), { qos: 1 });
    await client.publishAsync(telemetryTopic('logger-b'), '{"readings": [', { qos: 1 });
    await client.publishAsync(telemetryTopic('logger-b'), JSON.stringify({ readings: [{ ts: T + 60_000, tempC: 5 }] }), { qos: 1 });
    await client.endAsync();
    const letters = await eventually('two dead letters', async () => {
      const d = await deadLetters('logger-b');
      return d.length === 2 ? d : undefined;
    });
    const byCode = Object.fromEntries(letters.map((d) => [d.code, d]));
    expect(byCode['message.invalid']?.reason).toMatch(/readings\[0\]\.tempC: must be a number/);
    expect(byCode['message.invalid']?.payload).toContain('warm');
    expect(byCode['message.not_json']?.reason).toMatch(/not valid JSON/);
    const stored = await eventually('the valid reading', async () => {
      const r = await readings('logger-b');
      return r.length === 1 ? r : undefined;
    });
    expect(stored[0]).toMatchObject({ sampledAt: T + 60_000, tempC: 5 });
  });

  it('refuses a wrong secret and an unknown device at CONNECT', async () => {
    await expect(connectDevice(service, 'logger-c', 'not-the-secret')).rejects.toThrow(/Bad username or password/i);
    await expect(connectDevice(service, 'logger-unknown', 'whatever')).rejects.toThrow(/Bad username or password/i);
  });

  it("refuses a device publishing under another device's topic, records the refusal, and lets the device go on", async () => {
    const client = await connectDevice(service, 'logger-c', secrets['logger-c']!);
    // Acknowledged as refused on record: a device is not left resending it ahead of its own readings.
    await client.publishAsync(telemetryTopic('logger-a'), JSON.stringify({ readings: [{ ts: T + 120_000, tempC: 30 }] }), { qos: 1 });
    await client.publishAsync(telemetryTopic('logger-c'), JSON.stringify({ readings: [{ ts: T + 120_000, tempC: 5 }] }), { qos: 1 });
    await client.endAsync();
    const letters = await deadLetters('logger-c');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ code: 'topic.foreign_device', topic: telemetryTopic('logger-a') });
    expect((await readings('logger-a')).some((r) => r.sampledAt === T + 120_000)).toBe(false);
    expect((await readings('logger-c')).some((r) => r.sampledAt === T + 120_000)).toBe(true);
  });
});
