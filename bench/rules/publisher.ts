// Child process of the rules benchmark: publishes a PublishPlan (load.ts), paced or as fast as the broker
// acknowledges, then prints what it sent and how long it took. SIGTERM ends a paced plan early.
import mqtt from 'mqtt';
import { telemetryTopic } from '@coldchain/schemas';
import { messageOf } from './load.ts';
import type { PublishPlan } from './load.ts';

const plan = JSON.parse(process.argv[2]!) as PublishPlan;
const client = await mqtt.connectAsync(plan.url, { clientId: `coldchain-bench-rules-pub-${process.pid}`, username: plan.username, password: plan.password, protocolVersion: 4, reconnectPeriod: 0 });
const started = performance.now();
let inFlight = 0;
let sent = 0;
let isStopping = false;

await new Promise<void>((resolve, reject) => {
  const finishIfDone = () => {
    if ((sent === plan.count || isStopping) && inFlight === 0) resolve();
  };
  const pump = () => {
    // Paced: what is due by now, caught up after a late timer; unpaced: whatever the window allows.
    const due = plan.perSecond > 0 ? Math.min(plan.count, Math.floor(((performance.now() - started) * plan.perSecond) / 1000) + 1) : plan.count;
    while (!isStopping && inFlight < plan.window && sent < due) {
      const { deviceId, payload } = messageOf(plan, plan.offset + sent++);
      inFlight++;
      client.publish(telemetryTopic(deviceId), payload, { qos: 1 }, (error) => {
        if (error) return reject(error);
        inFlight--;
        if (plan.perSecond === 0) pump();
        finishIfDone();
      });
    }
    finishIfDone();
  };
  process.once('SIGTERM', () => {
    isStopping = true;
    finishIfDone();
  });
  if (plan.perSecond > 0) {
    const timer = setInterval(() => {
      pump();
      if (sent === plan.count || isStopping) clearInterval(timer);
    }, 5);
  }
  pump();
});
const elapsedMs = performance.now() - started;
await client.endAsync();
process.stdout.write(JSON.stringify({ elapsedMs, sent }) + '\n');
process.exit(0);
