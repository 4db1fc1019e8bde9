// Decode benchmark: what the duplicate-key check (issue 8) adds to decodeTelemetry, per message.
// Usage: npx tsx bench/decode/run.ts [rounds=15] [millisecondsPerMeasurement=200]
//
// CPU time of this process. Three measurements per message, interleaved round by round so drift hits them alike; medians reported:
//  - baseline: decodeTelemetry's steps without the check (UTF-8 decode, JSON.parse, the zod schema, the
//    mapping to readings), rebuilt here from the exported schema, as decodeTelemetry ran before issue 8;
//  - decodeTelemetry as ingest calls it, with the check;
//  - findDuplicateKey alone on the message text.
import os from 'node:os';
import { decodeTelemetry, findDuplicateKey, telemetryMessageSchema } from '@coldchain/schemas';

const ROUNDS = Number(process.argv[2] ?? 15);
const MEASURE_MS = Number(process.argv[3] ?? 200);
const T0 = Date.UTC(2026, 6, 1, 8);

function decodeWithoutCheck(payload: Uint8Array) {
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  const parsed = telemetryMessageSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error('the benchmark message must be valid');
  return { seq: parsed.data.seq ?? null, readings: parsed.data.readings.map((r) => ({ sampledAt: r.ts, tempC: r.tempC, rhPct: r.rhPct ?? null })) };
}

// As the ingest benchmark's loggers send them: epoch ms, tempC with one decimal, humidity.
const epochMessage = (count: number) =>
  JSON.stringify({ seq: 4_217, readings: Array.from({ length: count }, (_, i) => ({ ts: T0 + i * 60_000, tempC: 4 + (i % 10) / 10, rhPct: 90 + (i % 7) })) });
// ISO device times with an offset, as the README's example: zod checks each with a regex.
const isoMessage = (count: number) =>
  JSON.stringify({ seq: 4_217, readings: Array.from({ length: count }, (_, i) => ({ ts: new Date(T0 + i * 60_000 + 8 * 3_600_000).toISOString().replace('Z', '+08:00'), tempC: 4 + (i % 10) / 10, rhPct: 90 + (i % 7) })) });

const messages = [
  { name: '10 readings, epoch ts', text: epochMessage(10) },
  { name: '10 readings, ISO ts', text: isoMessage(10) },
  { name: '10,000 readings, epoch ts', text: epochMessage(10_000) },
];

/**
 * Microseconds of this process's CPU time per call of `fn`, run for about MEASURE_MS of CPU time. CPU
 * time, not wall time: on a shared machine the wall clock also counts the time other processes ran.
 */
function measure(fn: () => unknown): number {
  let calls = 0;
  let sink = 0;
  const started = cpuMicros();
  let elapsed = 0;
  do {
    for (let k = 0; k < 16; k++) sink += fn() ? 1 : 0;
    calls += 16;
    elapsed = cpuMicros() - started;
  } while (elapsed < MEASURE_MS * 1000);
  if (sink < 0) console.log(sink);
  return elapsed / calls;
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const us = (value: number) => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
const pct = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;

console.log(`npx tsx bench/decode/run.ts ${ROUNDS} ${MEASURE_MS}`);
console.log(`${new Date().toISOString().slice(0, 10)}; ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}); node ${process.version}; median of ${ROUNDS} rounds of ${MEASURE_MS} ms per measurement\n`);
console.log('| message | bytes | baseline (no check), µs | decodeTelemetry (with check), µs | added | findDuplicateKey alone, µs | alone, of baseline | rounds where decode added |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const { name, text } of messages) {
  const payload = Buffer.from(text, 'utf8');
  const decoded = decodeTelemetry(payload);
  if (!decoded.ok || findDuplicateKey(payload) !== null) throw new Error(`${name}: the benchmark message must decode`);
  const baseline: number[] = [];
  const withCheck: number[] = [];
  const alone: number[] = [];
  measure(() => decodeWithoutCheck(payload)); // warm-up
  measure(() => decodeTelemetry(payload).ok);
  measure(() => findDuplicateKey(payload));
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(measure(() => decodeWithoutCheck(payload)));
    withCheck.push(measure(() => decodeTelemetry(payload).ok));
    alone.push(measure(() => findDuplicateKey(payload)));
  }
  const added = withCheck.map((w, i) => w / baseline[i]! - 1);
  const spread = `${pct(Math.min(...added))} … ${pct(Math.max(...added))}`;
  const b = median(baseline);
  const w = median(withCheck);
  const a = median(alone);
  console.log(`| ${name} | ${payload.byteLength.toLocaleString('en')} | ${us(b)} | ${us(w)} | ${pct(w / b - 1)} | ${us(a)} | ${pct(a / b)} | ${spread} |`);
}
