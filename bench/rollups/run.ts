// What keeping the rollups costs the SQLite writer: the same batches of readings inserted into two fresh
// telemetry databases, one by the store as it runs (rollups and change marks in the insert's
// transaction), one by a writer with the same INSERT and no rollups (the baseline), alternating in the
// same run. Readings are shaped as the ingest benchmark's: 10 per message, 100 ms apart on device time,
// many devices per commit.
//
//   npx tsx bench/rollups/run.ts [readingsPerRun=600000] [runs=3] [devices=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTelemetryStore } from '@coldchain/storage';
import type { StoredReading } from '@coldchain/storage';
import { SqliteWriter } from '../../packages/storage/src/adapters/sqlite/sqlite-writer.ts';
import { connectionPragmas } from '../../packages/storage/src/adapters/sqlite/open-database.ts';

const [readingsPerRun = 600_000, runs = 3, devices = 1000] = process.argv.slice(2).map(Number);
const PER_COMMIT = 10_000; // about what one group commit holds at full load (BENCHMARKS.md, issue 8)
const T0 = Date.UTC(2026, 0, 1);

function batches(): StoredReading[][] {
  const out: StoredReading[][] = [];
  let batch: StoredReading[] = [];
  const messagesPerDevice = Math.ceil(readingsPerRun / devices / 10);
  for (let m = 0; m < messagesPerDevice; m++) {
    for (let d = 0; d < devices; d++) {
      for (let r = 0; r < 10; r++) {
        const sampledAt = T0 + (m * 10 + r) * 100;
        batch.push({ deviceId: `dev-${d}`, sampledAt, tempC: 4 + ((m + r + d) % 10) / 10, rhPct: 90, receivedAt: sampledAt });
      }
      if (batch.length >= PER_COMMIT) {
        out.push(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

async function timed(insert: (batch: StoredReading[]) => Promise<unknown>, work: StoredReading[][]): Promise<number> {
  const started = performance.now();
  for (const batch of work) await insert(batch);
  return performance.now() - started;
}

const work = batches();
const total = work.reduce((n, b) => n + b.length, 0);
const rows: { withRollups: number; baseline: number }[] = [];
for (let run = 0; run < runs; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-rollup-bench-'));
  try {
    const store = new SqliteTelemetryStore(join(dir, 'with.db'), 'FULL');
    // The baseline's file has the same schema (opened once by the store), then a plain writer.
    await new SqliteTelemetryStore(join(dir, 'without.db'), 'FULL').close();
    const plain = new SqliteWriter({
      path: join(dir, 'without.db'),
      pragmas: [...connectionPragmas('FULL'), 'cache_size = -8192'],
      sql: 'INSERT OR IGNORE INTO readings (device_id, sampled_at, temp_c, rh_pct, received_at) VALUES (?, ?, ?, ?, ?)',
    });
    const plainInsert = (batch: StoredReading[]) => {
      const numbers = new Float64Array(batch.length * 4);
      batch.forEach((r, i) => numbers.set([r.sampledAt, r.tempC, r.rhPct ?? Number.NaN, r.receivedAt], i * 4));
      return plain.run({ text: batch.map((r) => r.deviceId), numbers });
    };
    const baseline = await timed(plainInsert, work);
    const withRollups = await timed((batch) => store.insertReadings(batch), work);
    rows.push({ withRollups: total / (withRollups / 1000), baseline: total / (baseline / 1000) });
    await store.close();
    await plain.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`${fmt(total)} readings per run, ${devices} devices, ${work.length} commits of up to ${fmt(PER_COMMIT)}, synchronous=FULL, ${runs} runs`);
console.log('| writer | readings/s (median) | of baseline | run by run |');
console.log('| --- | ---: | ---: | --- |');
console.log(`| plain INSERT (baseline) | ${fmt(median(rows.map((r) => r.baseline)))} | 100 % | ${rows.map((r) => fmt(r.baseline)).join(', ')} |`);
console.log(`| INSERT + rollups + change marks (the store) | ${fmt(median(rows.map((r) => r.withRollups)))} | ${Math.round((median(rows.map((r) => r.withRollups / r.baseline)) * 100))} % | ${rows.map((r) => `${Math.round((r.withRollups / r.baseline) * 100)} %`).join(', ')} |`);
