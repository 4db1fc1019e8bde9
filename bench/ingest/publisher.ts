// Child process of the ingest benchmark (and of bench/node-red): publishes `count` QoS 1 messages of 10
// readings for 100 devices over `connections` MQTT connections, as fast as the broker acknowledges them,
// with at most 500 unacknowledged in all, or, given `readingsPerSecond`, no faster than that in all. Then
// prints when the first publish left and the last PUBACK came (epoch ms, high resolution) and how many
// were acknowledged.
// Usage: publisher.ts url count username password offset connections [readingsPerSecond]
import mqtt from 'mqtt';
import { telemetryTopic } from '@coldchain/schemas';

const [url, countText, username, password, offsetText, connectionsText, paceText] = process.argv.slice(2);
const count = Number(countText);
const offset = Number(offsetText ?? 0);
const connectionCount = Number(connectionsText ?? 1);
/** Messages per second in all; undefined: as fast as acknowledged. */
const pace = paceText ? Number(paceText) / 10 : undefined;
const DEVICES = 100;
const WINDOW = 500;
/** How often a paced connection looks whether it may send more. */
const TICK_MS = 5;
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
        let sent = 0;
        let inFlight = 0;
        let startedAt = 0;
        const window = Math.max(1, Math.floor(WINDOW / connectionCount));
        const timer = pace === undefined ? undefined : setInterval(() => pump(), TICK_MS);
        const finish = () => {
          clearInterval(timer);
          resolve();
        };
        const pump = () => {
          if (startedAt === 0) startedAt = now();
          // Paced: as many as the rate allows since this connection's start (one at the start).
          const allowed = pace === undefined ? Infinity : Math.floor(((now() - startedAt) / 1000) * (pace / connectionCount)) + 1;
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
              else if (pace === undefined) pump();
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
