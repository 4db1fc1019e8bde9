// Auth-flood benchmark (issue 8, item 7): a real device's CONNACK latency, connecting from 127.0.0.1
// every 200 ms, while another process floods wrong-password CONNECTs from 127.0.0.2 (half unknown ids,
// half the real device's id). The embedded broker (buildBroker, real SqliteOpsStore) runs in a child
// process of its own per row (broker.ts), as do the device and the flood: each has its own event loop.
// Usage: npx tsx bench/auth-flood/run.ts [seconds=20] [floodPerSecond=200]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ThrottleSettings } from '@coldchain/broker';
// bench/package.json does not list @coldchain/auth; the source is imported directly.
import { hashSecretWithScrypt, verifySecret } from '../../packages/auth/src/index.ts';
import { connectOnce, encodeConnect } from './mqtt-connect.ts';
import type { ConnectOutcome } from './mqtt-connect.ts';

const SECONDS = Number(process.argv[2] ?? 20);
const FLOOD_PER_SECOND = Number(process.argv[3] ?? 200);
const INTERVAL_MS = 200;
const PROBES = Math.round((SECONDS * 1000) / INTERVAL_MS);
// Uncounted device CONNECTs from this process before each row (and before its flood): JIT, SQLite.
const WARMUP = 5;
// A probe still unanswered after this long is counted as a timeout (mqtt.js waits 30 s by default).
const PROBE_TIMEOUT_MS = 30_000;
// The flood starts this long (plus the device child's start-up) before the first probe.
const FLOOD_LEAD_MS = 1000;
// Bound on a flood's length; it normally stops when the device's probes are done.
const FLOOD_MAX_MS = FLOOD_LEAD_MS + SECONDS * 1000 + 60_000;
const DEVICE_ID = 'lychee-logger-0001';
const DEVICE_SECRET = 'bench-device-secret-0123456789';
const here = new URL('.', import.meta.url).pathname;

// Infinity does not survive JSON to the broker child.
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

type Scenario = { label: string; isFlooded: boolean; throttle?: Partial<ThrottleSettings>; isScryptHash?: boolean };
type FloodReport = { sent: number; perSecond: number; counts: Record<string, number>; pending: number; cpuPct: number };

const scenarios: Scenario[] = [
  { label: '(a) no flood', isFlooded: false },
  { label: '(b) flood, throttle on (defaults)', isFlooded: true },
  // The behaviour before issue 8: secrets stored with scrypt (one 50–70 ms check per CONNECT), no throttle.
  { label: '(c) flood, scrypt-hashed secret, throttle off and checks unbounded (the behaviour before)', isFlooded: true, isScryptHash: true, throttle: { isEnabled: false, maxConcurrentChecks: UNBOUNDED, maxQueuedChecks: UNBOUNDED } },
  // The bound on concurrent checks alone, with scrypt, to show why the failure throttle is needed as well.
  { label: '(d) flood, scrypt-hashed secret, failure throttle off, checks bounded (2 at once, 32 queued)', isFlooded: true, isScryptHash: true, throttle: { isEnabled: false } },
  // The fast hash alone, without the throttle: what decision 0010 gives even when the throttle is off.
  { label: '(e) flood, SHA-256-hashed secret, throttle off and checks unbounded', isFlooded: true, throttle: { isEnabled: false, maxConcurrentChecks: UNBOUNDED, maxQueuedChecks: UNBOUNDED } },
];

/** Runs a child script with a JSON plan; `result` is the last JSON line it prints, `stop()` closes its stdin. */
function runChild<T>(script: string, plan: object, onLine?: (line: string) => void): { result: Promise<T>; stop(): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, script), JSON.stringify(plan)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let last = 'null';
  createInterface({ input: child.stdout }).on('line', (line) => {
    last = line;
    onLine?.(line);
  });
  const result = new Promise<T>((resolve, reject) => {
    // 'close', not 'exit': it comes after the last line of stdout has been read.
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(last) as T) : reject(new Error(`${script} exited ${code}`))));
  });
  return { result, stop: () => child.stdin.end() };
}

/** Nearest-rank percentile of sorted values; NaN when there are none. */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const formatMs = (ms: number) => (Number.isNaN(ms) ? 'n/a' : ms === Infinity ? `≥ ${PROBE_TIMEOUT_MS / 1000} s (timeout)` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** Starts the broker child for one row; resolves once it listens. */
async function startBroker(dir: string, throttle: Partial<ThrottleSettings> | undefined, isScryptHash: boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'broker.ts'), JSON.stringify({ dir, deviceId: DEVICE_ID, secret: DEVICE_SECRET, throttle, isScryptHash })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async <T>() => JSON.parse(((await lines.next()).value as string | undefined) ?? 'null') as T;
  const { port } = await next<{ port: number }>();
  return {
    port,
    mark: () => child.stdin.write('mark\n'),
    async report() {
      child.stdin.write('report\n');
      const report = await next<{ checks: number; cpuPct: number }>();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      return report;
    },
  };
}

async function runScenario(scenario: Scenario) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-auth-flood-'));
  const broker = await startBroker(dir, scenario.throttle, scenario.isScryptHash === true);
  const { port } = broker;
  const warmup = encodeConnect(DEVICE_ID, DEVICE_ID, DEVICE_SECRET);
  for (let i = 0; i < WARMUP; i++) await connectOnce({ port, localAddress: '127.0.0.1', packet: warmup, timeoutMs: PROBE_TIMEOUT_MS });

  broker.mark();
  const flood = scenario.isFlooded
    ? runChild<FloodReport>('flood.ts', { port, realDeviceId: DEVICE_ID, perSecond: FLOOD_PER_SECOND, durationMs: FLOOD_MAX_MS, graceMs: 2000 })
    : undefined;
  if (flood) await new Promise((resolve) => setTimeout(resolve, FLOOD_LEAD_MS));
  // The flood stops once the device has sent its last probe, whether or not it has been answered.
  const plan = { port, deviceId: DEVICE_ID, secret: DEVICE_SECRET, intervalMs: INTERVAL_MS, probes: PROBES, timeoutMs: PROBE_TIMEOUT_MS };
  const device = await runChild<{ outcomes: ConnectOutcome[] }>('device.ts', plan, (line) => line === 'sent' && flood?.stop()).result;
  flood?.stop();
  const floodReport = flood ? await flood.result : undefined;
  const { checks, cpuPct } = await broker.report();
  rmSync(dir, { recursive: true, force: true });

  const accepted = device.outcomes.filter((o) => o.returnCode === 0).map((o) => o.ms);
  const timeouts = device.outcomes.filter((o) => o.returnCode === 'timeout').length;
  const refused = device.outcomes.length - accepted.length - timeouts;
  // A timeout counts as the slowest possible answer in the percentiles; a refusal is reported apart.
  const sorted = [...accepted, ...Array<number>(timeouts).fill(Infinity)].sort((a, b) => a - b);
  const floodText = floodReport
    ? `${floodReport.sent.toLocaleString('en')} (${Math.round(floodReport.perSecond)}/s): ${floodReport.counts['4'] ?? 0} bad credentials (4), ${floodReport.counts['5'] ?? 0} refused unchecked (5), ${floodReport.pending} unanswered; flood process CPU ${floodReport.cpuPct.toFixed(0)} %`
    : '—';
  return `| ${scenario.label} | ${formatMs(percentile(sorted, 50))} | ${formatMs(percentile(sorted, 95))} | ${formatMs(percentile(sorted, 99))} | ${formatMs(sorted[sorted.length - 1] ?? NaN)} | ${accepted.length} / ${device.outcomes.length} (${refused} refused, ${timeouts} timed out) | ${floodText} | ${checks.toLocaleString('en')} | ${cpuPct.toFixed(0)} % |`;
}

const startedAt = performance.now();
// Other processes on the machine show in the tail: the 1-minute load average at the start is printed.
const loadAtStart = loadavg()[0]!;
// One scrypt check alone, for reference: the floor under any device's CONNACK.
const referenceHash = await hashSecretWithScrypt(DEVICE_SECRET);
const scryptMs: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await verifySecret(DEVICE_SECRET, referenceHash);
  scryptMs.push(performance.now() - t);
}
const rows: string[] = [];
for (const scenario of scenarios) {
  rows.push(await runScenario(scenario));
  process.stderr.write(`${rows[rows.length - 1]}\n`);
}

process.stdout.write(
  [
    '```sh',
    `npx tsx bench/auth-flood/run.ts ${SECONDS} ${FLOOD_PER_SECOND}`,
    '```',
    '',
    `${PROBES} device CONNECTs ${INTERVAL_MS} ms apart from 127.0.0.1 per row (after ${WARMUP} uncounted), flood ${FLOOD_PER_SECOND}/s from 127.0.0.2 (half unknown ids, half the device’s id) starting ${FLOOD_LEAD_MS / 1000} s earlier; one scrypt check alone ${percentile(scryptMs.sort((a, b) => a - b), 50).toFixed(0)} ms (median of 5); ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start; ${Math.round((performance.now() - startedAt) / 1000)} s in all`,
    '',
    "| scenario | p50 | p95 | p99 | max | device accepted | flood attempts: answers | password checks against the device's hash in the broker | broker process CPU |",
    '| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
process.exit(0);
