// A logger as the device contract has it (packages/schemas: topics.ts, telemetry.ts): it logs in with
// client id = username = its device id and its secret, and publishes `{"seq", "readings": [...]}` on its
// telemetry topic at QoS 1. The PUBACK comes after the readings are committed (issue 8), so publish →
// PUBACK bounds the commit latency.
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { telemetryTopic } from '@coldchain/schemas';
import type { SeededDevice } from './seed.ts';

export type Reading = { ts: number; tempC: number };

export type Device = {
  id: string;
  /** Publishes at QoS 1 and resolves with ms from the publish to the PUBACK; rejects after `timeoutMs`. */
  publish(readings: readonly Reading[], timeoutMs?: number): Promise<number>;
  /** One reading at device time now (after the last one this device sent, so never late data). */
  publishNow(tempC: number, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
};

export async function connectDevice(mqttUrl: string, seeded: SeededDevice): Promise<Device> {
  const client: MqttClient = await mqtt.connectAsync(mqttUrl, {
    clientId: seeded.deviceId,
    username: seeded.deviceId,
    password: seeded.secret,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 20_000,
    keepalive: 60,
  });
  const topic = telemetryTopic(seeded.deviceId);
  let seq = 0;
  let lastTs = seeded.lastReadingAt ?? 0;
  const publish = (readings: readonly Reading[], timeoutMs = 30_000) =>
    new Promise<number>((resolve, reject) => {
      for (const r of readings) lastTs = Math.max(lastTs, r.ts);
      const payload = JSON.stringify({ seq: seq++, readings: readings.map((r) => ({ ts: r.ts, tempC: r.tempC, rhPct: 91 })) });
      const timer = setTimeout(() => reject(new Error(`${seeded.deviceId}: no PUBACK within ${timeoutMs} ms`)), timeoutMs);
      const started = performance.now();
      client.publish(topic, payload, { qos: 1 }, (error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(performance.now() - started);
      });
    });
  return {
    id: seeded.deviceId,
    publish,
    publishNow: (tempC, timeoutMs) => publish([{ ts: Math.max(Date.now(), lastTs + 1), tempC }], timeoutMs),
    close: () => client.endAsync(true).then(() => undefined, () => undefined),
  };
}
