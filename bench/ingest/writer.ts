// The SQLite writer alone, as ingest's group commits drive it: transactions of `batch` messages of 10
// readings from 100 devices, with their rollups and each message's bytes (the product's default),
// synchronous=FULL, one after another. Compares WAL checkpoints in a thread of their own (decision 0026)
// with SQLite's default (a checkpoint inside the commit that takes the WAL past 1,000 pages), alternating
// the two in each round; medians of `rounds`.
// Usage: npx tsx bench/ingest/writer.ts [messages=40000] [batch=500] [rounds=5]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTelemetryStore } from '@coldchain/storage';
import type { EvidenceMessage, StoredReading } from '@coldchain/storage';

const MESSAGES = Number(process.argv[2] ?? 40_000);
const BATCH = Number(process.argv[3] ?? 500);
const ROUNDS = Number(process.argv[4] ?? 5);
const base = Math.floor((Date.now() - 86_400_000) / 1000) * 1000;

/** The batches, built once: every run writes the same bytes. */
const batches: { readings: StoredReading[]; messages: EvidenceMessage[] }[] = [];
for (let m = 0; m < MESSAGES; m += BATCH) {
  const readings: StoredReading[] = [];
  const messages: EvidenceMessage[] = [];
  for (let k = m; k < Math.min(m + BATCH, MESSAGES); k++) {
    const deviceId = `bench-${k % 100}`;
    const slot = Math.floor(k / 100);
    const rs = Array.from({ length: 10 }, (_, r) => ({ ts: base + (slot * 10 + r) * 100, tempC: 4 + ((slot + r) % 10) / 10, rhPct: 90 }));
    const receivedAt = base + slot * 1000;
    for (const r of rs) readings.push({ deviceId, sampledAt: r.ts, tempC: r.tempC, rhPct: r.rhPct, receivedAt });
    messages.push({ deviceId, receivedAt, firstTs: rs[0]!.ts, lastTs: rs[9]!.ts, count: 10, payload: Buffer.from(JSON.stringify({ seq: slot, readings: rs })), publicKey: null });
  }
  batches.push({ readings, messages });
}

/** Readings per second through one store, first transaction to last commit. */
async function run(checkpointThread: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-writer-'));
  const store = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'FULL', { checkpointThread });
  const started = performance.now();
  for (const b of batches) await store.insertReadings(b.readings, b.messages);
  const rate = ((MESSAGES * 10) / (performance.now() - started)) * 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const inCommit: number[] = [];
const thread: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  inCommit.push(await run(false));
  thread.push(await run(true));
}
const fmt = (n: number) => Math.round(n).toLocaleString('en');
process.stdout.write(
  [
    `npx tsx bench/ingest/writer.ts ${MESSAGES} ${BATCH} ${ROUNDS}`,
    `${MESSAGES.toLocaleString('en')} messages × 10 readings, ${BATCH} messages per transaction, 100 devices, rollups and messages kept, synchronous=FULL; median of ${ROUNDS} rounds; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}); node ${process.version}`,
    '',
    '| WAL checkpoints | readings/s, writer alone (median) | run by run |',
    '| --- | ---: | ---: |',
    `| inside the commit that crosses 1,000 pages (SQLite's default) | ${fmt(median(inCommit))} | ${inCommit.map(fmt).join(', ')} |`,
    `| in a thread of their own (decision 0026, the product) | ${fmt(median(thread))} | ${thread.map(fmt).join(', ')} |`,
    '',
    `Ratio of the medians: ${(median(thread) / median(inCommit)).toFixed(2)}×`,
    '',
  ].join('\n'),
);
