// Child process of the Node-RED benchmark: bench/ingest/publisher.ts held to a rate. Publishes `count`
// QoS 1 messages of 10 readings for 100 devices over `connections` MQTT connections, with at most 500
// unacknowledged in all, but no faster than `readingsPerSecond` in all; the same topics, payloads and
// timestamps as bench/ingest/publisher.ts for the same offset. Prints, as that one does, when the first
// publish left and the last PUBACK came (epoch ms, high resolution) and how many were acknowledged.
// Usage: paced-publisher.ts url count offset connections readingsPerSecond
import { createRequire } from 'node:module';
import { telemetryTopic } from '@coldchain/schemas';

// The MQTT client bench/ingest/publisher.ts uses (the bench package's), not the copy Node-RED installed
// here; typed by hand so that typechecking does not reach into bench/node-red/node_modules.
type Client = { publish(topic: string, payload: string, options: { qos: 1 }, callback: (error?: Error) => void): unknown; endAsync(): Promise<void> };
const mqtt = createRequire(new URL('../ingest/publisher.ts', import.meta.url))('mqtt') as { connectAsync(url: string, options: Record<string, unknown>): Promise<Client> };

const [url, countText, offsetText, connectionsText, rateText] = process.argv.slice(2);
const count = Number(countText);
const offset = Number(offsetText ?? 0);
const connectionCount = Number(connectionsText ?? 4);
const messagesPerSecond = Number(rateText) / 10;
const DEVICES = 100;
const WINDOW = 500;
const TICK_MS = 5;
const base = Math.floor((Date.now() - 86_400_000) / 1000) * 1000;
const now = () => performance.timeOrigin + performance.now();

const clients = await Promise.all(
  Array.from({ length: connectionCount }, (_, k) =>
    mqtt.connectAsync(url!, { clientId: `coldchain-bench-paced-${process.pid}-${k}`, protocolVersion: 4, reconnectPeriod: 0 }),
  ),
);
let firstPublishAt = 0;
let lastAckAt = 0;
let acked = 0;
await Promise.all(
  clients.map(
    (client, k) =>
      new Promise<void>((resolve, reject) => {
        // Connection k publishes messages k, k + connections, ...: each device's messages stay on one connection.
        let next = k;
        let sent = 0;
        let inFlight = 0;
        let startedAt = 0;
        const window = Math.max(1, Math.floor(WINDOW / connectionCount));
        const perConnection = messagesPerSecond / connectionCount;
        const timer = setInterval(() => pump(), TICK_MS);
        const finish = () => {
          clearInterval(timer);
          resolve();
        };
        const pump = () => {
          if (startedAt === 0) startedAt = now();
          // As many as the rate allows since this connection's start (one message at least at the start).
          const allowed = Math.floor(((now() - startedAt) / 1000) * perConnection) + 1;
          while (inFlight < window && next < count && sent < allowed) {
            const m = offset + next;
            next += connectionCount;
            sent++;
            const device = m % DEVICES;
            const slot = Math.floor(m / DEVICES);
            const readings = Array.from({ length: 10 }, (_, r) => ({ ts: base + (slot * 10 + r) * 100, tempC: 4 + ((slot + r) % 10) / 10, rhPct: 90 }));
            inFlight++;
            if (firstPublishAt === 0) firstPublishAt = now();
            client.publish(telemetryTopic(`bench-${device}`), JSON.stringify({ seq: slot, readings }), { qos: 1 }, (error) => {
              if (error) {
                clearInterval(timer);
                return reject(error);
              }
              inFlight--;
              acked++;
              lastAckAt = now();
              if (next >= count && inFlight === 0) finish();
            });
          }
          if (next >= count && inFlight === 0) finish();
        };
        pump();
      }),
  ),
);
await Promise.all(clients.map((c) => c.endAsync()));
process.stdout.write(JSON.stringify({ firstPublishAt, lastAckAt, acked }) + '\n');
