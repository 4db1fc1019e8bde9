// Child process of the auth-flood benchmark: wrong-password CONNECTs from 127.0.0.2 at `perSecond` until
// its stdin closes (at most `durationMs`), in 10 ms ticks, alternating unknown device ids and the real device's id (client id =
// username, so every attempt reaches the password check's rules). It does not wait for answers; it
// prints the CONNACK return codes it got (4: checked and refused, 5: refused unchecked) once
// `graceMs` after the last attempt, counting the unanswered as pending, and exits.
import { connectOnce, encodeConnect } from './mqtt-connect.ts';

type Plan = { port: number; realDeviceId: string; perSecond: number; durationMs: number; graceMs: number };
const plan = JSON.parse(process.argv[2]!) as Plan;
const TICK_MS = 10;
const counts: Record<string, number> = {};
let sent = 0;
let answered = 0;

let isStopped = false;
process.stdin.on('end', () => (isStopped = true)).resume();
const started = performance.now();
const cpu = process.cpuUsage();
const ticks = Math.round(plan.durationMs / TICK_MS);
for (let tick = 0; tick < ticks && !isStopped; tick++) {
  const waitMs = started + tick * TICK_MS - performance.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  // Attempts due by the end of this tick, so the rate holds whatever the timer's resolution.
  const due = Math.round(((tick + 1) * TICK_MS * plan.perSecond) / 1000);
  while (sent < due) {
    const username = sent % 2 === 0 ? `ghost-${sent}` : plan.realDeviceId;
    sent++;
    void connectOnce({ port: plan.port, localAddress: '127.0.0.2', packet: encodeConnect(username, username, `wrong-${sent}`), timeoutMs: plan.durationMs + plan.graceMs }).then(({ returnCode }) => {
      answered++;
      counts[String(returnCode)] = (counts[String(returnCode)] ?? 0) + 1;
    });
  }
}
const elapsedMs = performance.now() - started;
const used = process.cpuUsage(cpu);
const cpuPct = ((used.user + used.system) / 1000 / elapsedMs) * 100;
await new Promise((resolve) => setTimeout(resolve, plan.graceMs));
process.stdout.write(JSON.stringify({ sent, perSecond: (sent / elapsedMs) * 1000, counts, pending: sent - answered, cpuPct }) + '\n');
process.exit(0);
