// Rules benchmark (issue 4, item 9): alert latency under load, evaluation throughput, memory per tracked
// device and throughput at 1,000 vs 100,000 devices, each against a baseline measured in the same run.
// Loopback only, bounded in time. Usage:
//   node --expose-gc --import tsx bench/rules/run.ts [--messages 100000] [--runs 3] [--devices 100000] [--probes 200]
// (`npx tsx bench/rules/run.ts` re-runs itself under --expose-gc: heap figures need a full GC.)
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { measureLatency } from './latency.ts';
import type { LatencyResult } from './latency.ts';
import { measureScale } from './scale.ts';
import type { ScaleResult } from './scale.ts';

if (typeof global.gc !== 'function') {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    devices: { type: 'string', default: '100000' },
    'small-devices': { type: 'string', default: '1000' },
    probes: { type: 'string', default: '200' },
    'probe-spacing-ms': { type: 'string', default: '250' },
    load: { type: 'string', default: '10000' },
    'background-devices': { type: 'string', default: '1000' },
    only: { type: 'string' },
  },
});
if (args.only !== undefined && args.only !== 'latency' && args.only !== 'scale') throw new Error(`--only must be latency or scale, not ${args.only}`);
const MESSAGES = Number(args.messages);
const RUNS = Number(args.runs);
const READINGS_PER_MESSAGE = 10;
// Lychee loggers log every 5 min (early-warning settings): device time advances 50 min per message.
const INTERVAL_MS = 5 * 60_000;
// Device time starts 25 days back: readings older than 30 days are refused as too old (screening).
const BASE_MS = Math.floor((Date.now() - 25 * 86_400_000) / 60_000) * 60_000;
const RUN_LIMIT_MS = 12 * 60_000;

const watchdog = setTimeout(() => {
  process.stderr.write(`rules benchmark: still running after ${RUN_LIMIT_MS / 60_000} min, giving up\n`);
  process.exit(2);
}, RUN_LIMIT_MS);
watchdog.unref();

const int = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => `${n.toFixed(1)} ms`;
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;
const started = performance.now();
const broker = await startEmbeddedBroker();

let latency: LatencyResult | undefined;
const scales: ScaleResult[] = [];
if (args.only === undefined || args.only === 'latency') {
  latency = await measureLatency(broker, {
    backgroundDevices: Number(args['background-devices']),
    backgroundReadingsPerSecond: Number(args.load),
    readingsPerMessage: READINGS_PER_MESSAGE,
    intervalMs: INTERVAL_MS,
    baseMs: BASE_MS,
    probes: Number(args.probes),
    probeSpacingMs: Number(args['probe-spacing-ms']),
  });
}
if (args.only === undefined || args.only === 'scale') {
  for (const devices of [Number(args['small-devices']), Number(args.devices)]) {
    scales.push(await measureScale(broker, { devices, messages: MESSAGES, runs: RUNS, readingsPerMessage: READINGS_PER_MESSAGE, intervalMs: INTERVAL_MS, baseMs: BASE_MS, timeoutMs: 240_000 }));
  }
}
await broker.stop();

const lines: string[] = [];
const cpu = cpus()[0]?.model ?? 'unknown CPU';
lines.push(
  `${int(MESSAGES)} messages × ${READINGS_PER_MESSAGE} readings per throughput run, median of ${RUNS} runs, readings 5 min apart on device time; embedded broker (aedes) and rules in one process, publisher in another; ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
  '',
);
if (latency) {
  const l = latency;
  lines.push(
    `Latency, ${int(l.webhook.count + l.missing)} probes ${args['probe-spacing-ms']} ms apart, background ${int(Number(args.load))} readings/s from ${int(Number(args['background-devices']))} devices (offered ${int(l.offeredPerSecond)}/s, evaluated ${int(l.evaluatedPerSecond)}/s during the probes):`,
    '',
    '| path | p50 | p99 | max | received |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| baseline: probe publish → raw QoS 1 subscriber (same messages, same broker) | ${ms(l.raw.p50)} | ${ms(l.raw.p99)} | ${ms(l.raw.max)} | ${l.raw.count} |`,
    `| rules: probe publish → excursion fires → outbox → signed webhook verified at 127.0.0.1 | ${ms(l.webhook.p50)} | ${ms(l.webhook.p99)} | ${ms(l.webhook.max)} | ${l.webhook.count} (missing ${l.missing}, bad signatures ${l.refusedSignatures}) |`,
    '',
  );
}
if (scales.length > 0) {
  lines.push('Evaluation throughput (fed as fast as the publisher can):', '', '| devices | path | readings/s | runs: slowest–fastest | of baseline | CPU µs per reading (broker + rules process) |', '| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const s of scales) {
    const row = (label: string, r: ScaleResult['baseline']) =>
      lines.push(`| ${int(s.devices)} | ${label} | ${int(r.readingsPerSecond)} | ${r.range ? `${int(r.range[0])}–${int(r.range[1])}` : 'one run'} | ${pct(r.readingsPerSecond / s.baseline.readingsPerSecond)} | ${r.cpuUsPerReading.toFixed(1)} |`);
    row('baseline: raw QoS 1 pass-through to a counting subscriber', s.baseline);
    row('rules: first message of each device (state created)', s.firstContact);
    row('rules: evaluation with every device tracked', s.steady);
  }
  lines.push('', 'Memory per tracked device (V8 heap used after a full GC, after − before, over devices) and fleet setup:', '', '| devices | readings evaluated per device (mean) | heap per device | RSS per device | setup: devices, shipments, custody in SQLite |', '| ---: | ---: | ---: | ---: | ---: |');
  for (const s of scales) {
    for (const m of s.memory) {
      lines.push(`| ${int(s.devices)} | ${int(m.readingsEach)} | ${int(m.heapBytesPerDevice)} B | ${s.devices >= 10_000 ? `${int(m.rssBytesPerDevice)} B` : 'n/a (within RSS noise)'} | ${int(s.shipments)} shipments in ${(s.setupMs / 1000).toFixed(1)} s |`);
    }
  }
  lines.push('');
}

const goals: string[] = [];
const verdict = (isMet: boolean) => (isMet ? 'met' : 'not met');
if (latency) goals.push(`| p99 publish → webhook ≤ 250 ms (interval-evaluated rules: ≥ 10 s) | p99 ${ms(latency.webhook.p99)}, ${latency.missing} missing | ${verdict(latency.webhook.p99 <= 250 && latency.missing === 0)} |`);
const large = scales.find((s) => s.devices >= 100_000) ?? scales[1];
const small = scales[0];
if (large) {
  const first = large.memory[0]!;
  goals.push(`| ≤ 2 KB heap per tracked device at ${int(large.devices)} devices | ${int(first.heapBytesPerDevice)} B with ${int(first.readingsEach)} readings each | ${verdict(first.heapBytesPerDevice <= 2048)} |`);
}
if (small && large && small !== large) {
  const ratio = large.steady.readingsPerSecond / small.steady.readingsPerSecond;
  goals.push(`| throughput at ${int(large.devices)} devices within 20 % of ${int(small.devices)} | ${pct(ratio)} of it | ${verdict(ratio >= 0.8)} |`);
}
if (goals.length > 0) lines.push('| goal | result | |', '| --- | --- | --- |', ...goals, '');
process.stdout.write(lines.join('\n'));
clearTimeout(watchdog);
process.exit(0);
