// Child process of the ingest benchmark: publishes `count` QoS 1 messages of 10 readings as fast as the
// broker acknowledges them, with at most `window` unacknowledged, then prints the elapsed milliseconds.
import mqtt from 'mqtt';
import { telemetryTopic } from '@coldchain/schemas';

const [url, countText, username, password, offsetText] = process.argv.slice(2);
const count = Number(countText);
const offset = Number(offsetText ?? 0);
const DEVICES = 100;
const WINDOW = 500;
const base = Math.floor((Date.now() - 86_400_000) / 1000) * 1000;

const client = await mqtt.connectAsync(url!, { clientId: `coldchain-bench-pub-${process.pid}`, username: username || undefined, password: password || undefined, protocolVersion: 4, reconnectPeriod: 0 });
const started = performance.now();
let inFlight = 0;
let sent = 0;
await new Promise<void>((resolve, reject) => {
  const pump = () => {
    while (inFlight < WINDOW && sent < count) {
      const m = offset + sent++;
      const device = m % DEVICES;
      const slot = Math.floor(m / DEVICES);
      const readings = Array.from({ length: 10 }, (_, k) => ({ ts: base + (slot * 10 + k) * 100, tempC: 4 + ((slot + k) % 10) / 10, rhPct: 90 }));
      inFlight++;
      client.publish(telemetryTopic(`bench-${device}`), JSON.stringify({ seq: slot, readings }), { qos: 1 }, (error) => {
        if (error) return reject(error);
        inFlight--;
        if (sent === count && inFlight === 0) resolve();
        else pump();
      });
    }
  };
  pump();
});
const elapsedMs = performance.now() - started;
await client.endAsync();
process.stdout.write(JSON.stringify({ elapsedMs }) + '\n');
