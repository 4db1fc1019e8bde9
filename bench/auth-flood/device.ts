// Child process of the auth-flood benchmark: the real logger. From 127.0.0.1 it connects with its own
// secret every `intervalMs` (open loop: a slow CONNACK does not delay the next attempt), `probes` times,
// and prints "sent" after the last one, then every outcome as JSON. The benchmark warms the broker up
// before the flood starts.
import { connectOnce, encodeConnect } from './mqtt-connect.ts';
import type { ConnectOutcome } from './mqtt-connect.ts';

type Plan = { port: number; deviceId: string; secret: string; intervalMs: number; probes: number; timeoutMs: number };
const plan = JSON.parse(process.argv[2]!) as Plan;
const packet = encodeConnect(plan.deviceId, plan.deviceId, plan.secret);
const probe = () => connectOnce({ port: plan.port, localAddress: '127.0.0.1', packet, timeoutMs: plan.timeoutMs });

const started = performance.now();
const pending: Promise<ConnectOutcome>[] = [];
for (let i = 0; i < plan.probes; i++) {
  const dueAt = started + i * plan.intervalMs;
  const waitMs = dueAt - performance.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  pending.push(probe());
}
process.stdout.write('sent\n');
const outcomes = await Promise.all(pending);
process.stdout.write(JSON.stringify({ outcomes, elapsedMs: performance.now() - started }) + '\n');
