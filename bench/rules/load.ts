// The telemetry the rules benchmark publishes: which device sends which readings, on device time, and
// the child process (publisher.ts) that sends them, so the fleet has a core of its own as in ingest.
import { spawn } from 'node:child_process';

const here = new URL('.', import.meta.url).pathname;

/**
 * What one publisher child sends: `count` QoS 1 messages, message `m` (from `offset`) coming from device
 * `m % devices`, so a device's messages continue on device time from one plan to the next when the
 * offsets continue.
 */
export type PublishPlan = {
  url: string;
  username: string;
  password: string;
  count: number;
  offset: number;
  devices: number;
  /** Device ids are `${prefix}${index}`. */
  prefix: string;
  readingsPerMessage: number;
  /** Logging interval on device time (lychee loggers log every 5 min: early-warning settings). */
  intervalMs: number;
  /** Device time of every device's first reading. */
  baseMs: number;
  /** Messages per second; 0 sends as fast as the broker acknowledges (at most `window` unacknowledged). */
  perSecond: number;
  window: number;
};

export type PublishReport = { elapsedMs: number; sent: number };

/** The id of device `index`. */
export const deviceId = (prefix: string, index: number) => `${prefix}${index}`;

/**
 * Message `m` of a plan. Readings stay between 4.0 and 4.2 °C at 92 % RH: inside lychee's limits
 * (1–15 °C), a swing of 0.2 °C (cycling needs 0.8 °C) and no trend, so the load raises no alert or
 * warning and every reading takes the full evaluation path with nothing written.
 */
export function messageOf(plan: Pick<PublishPlan, 'devices' | 'prefix' | 'readingsPerMessage' | 'intervalMs' | 'baseMs'>, m: number): { deviceId: string; payload: string } {
  const device = m % plan.devices;
  const slot = Math.floor(m / plan.devices);
  const readings = Array.from({ length: plan.readingsPerMessage }, (_, k) => {
    const n = slot * plan.readingsPerMessage + k;
    return { ts: plan.baseMs + n * plan.intervalMs, tempC: 4 + (n % 3) / 10, rhPct: 92 };
  });
  return { deviceId: deviceId(plan.prefix, device), payload: JSON.stringify({ seq: slot, readings }) };
}

/** Runs a plan in a child process; `stop()` ends a paced plan early (it reports what it sent). */
export function startPublisher(plan: PublishPlan): { done: Promise<PublishReport>; stop(): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}publisher.ts`, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const done = new Promise<PublishReport>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as PublishReport) : reject(new Error(`publisher exited ${code}`))));
  });
  return { done, stop: () => child.kill('SIGTERM') };
}
