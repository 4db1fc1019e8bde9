// Child process of the ingest benchmark: publishes `count` QoS 1 messages of 10 readings for 100 devices
// over `connections` MQTT connections, as fast as the broker acknowledges them, with at most 500
// unacknowledged in all, then prints when the first publish left and the last PUBACK came (epoch ms,
// high resolution) and how many were acknowledged.
import mqtt from 'mqtt';
import { telemetryTopic } from '@coldchain/schemas';

const [url, countText, username, password, offsetText, connectionsText] = process.argv.slice(2);
const count = Number(countText);
const offset = Number(offsetText ?? 0);
const connectionCount = Number(connectionsText ?? 1);
const DEVICES = 100;
const WINDOW = 500;
const base = Math.floor((Date.now() - 86_400_000) / 1000) * 1000;
const now = () => performance.timeOrigin + performance.now();

const clients = await Promise.all(
  Array.from({ length: connectionCount }, (_, k) =>
    mqtt.connectAsync(url!, { clientId: `coldchain-bench-pub-${process.pid}-${k}`, username: username || undefined, password: password || undefined, protocolVersion: 4, reconnectPeriod: 0 }),
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
        let inFlight = 0;
        const window = Math.max(1, Math.floor(WINDOW / connectionCount));
        const pump = () => {
          while (inFlight < window && next < count) {
            const m = offset + next;
            next += connectionCount;
            const device = m % DEVICES;
            const slot = Math.floor(m / DEVICES);
            const readings = Array.from({ length: 10 }, (_, r) => ({ ts: base + (slot * 10 + r) * 100, tempC: 4 + ((slot + r) % 10) / 10, rhPct: 90 }));
            inFlight++;
            if (firstPublishAt === 0) firstPublishAt = now();
            client.publish(telemetryTopic(`bench-${device}`), JSON.stringify({ seq: slot, readings }), { qos: 1 }, (error) => {
              if (error) return reject(error);
              inFlight--;
              acked++;
              lastAckAt = now();
              if (next >= count && inFlight === 0) resolve();
              else pump();
            });
          }
          if (next >= count && inFlight === 0) resolve();
        };
        pump();
      }),
  ),
);
await Promise.all(clients.map((c) => c.endAsync()));
process.stdout.write(JSON.stringify({ firstPublishAt, lastAckAt, acked }) + '\n');
