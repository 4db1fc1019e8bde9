// @ts-check
// Worker thread of SqliteWriter (sqlite-writer.ts): runs one prepared statement over batches of rows,
// one transaction per batch, on its own connection. Plain JavaScript so that it loads in a worker
// without a TypeScript loader, under tsx and under vitest alike.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string; pragmas: string[]; sql: string; rollupsMs?: number[] }} */
const { path, pragmas, sql, rollupsMs } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** @type {import('better-sqlite3').Database} */
let db;
/** @type {import('better-sqlite3').Statement} */
let statement;
/**
 * The same INSERT with CHUNK rows in its VALUES: one call into SQLite per CHUNK rows instead of per row.
 * The per-call cost (binding, crossing into the addon) was most of the writer thread's time per reading.
 * @type {import('better-sqlite3').Statement | undefined}
 */
let chunkStatement;
const CHUNK = 64;
/** @type {ReturnType<typeof rollupMaintainer> | undefined} */
let rollups;
try {
  db = new Database(path);
  for (const pragma of pragmas) db.pragma(pragma);
  const values = /VALUES\s*(\([?,\s]*\))\s*$/i.exec(sql);
  // With rollups, the rows actually inserted (never a duplicate) come back to be folded into them.
  const returning = rollupsMs ? ' RETURNING device_id, sampled_at, temp_c' : '';
  statement = db.prepare(sql + returning);
  if (values) chunkStatement = db.prepare(sql + `, ${values[1]}`.repeat(CHUNK - 1) + returning);
  if (rollupsMs) {
    statement.raw(true);
    chunkStatement?.raw(true);
    rollups = rollupMaintainer(db, rollupsMs);
  }
} catch (error) {
  // Said in plain words (an addon's error loses its message crossing threads), then the thread ends.
  throw new Error(error instanceof Error ? error.message : String(error));
}
/** @type {(string | number | null)[]} */
const args = [];
const runAll = db.transaction(/** @param {{ text: string[]; numbers: Float64Array }} rows */ ({ text, numbers }) => {
  const width = text.length === 0 ? 0 : numbers.length / text.length;
  rollups?.reset();
  let changes = 0;
  let i = 0;
  if (chunkStatement) {
    for (; i + CHUNK <= text.length; i += CHUNK) {
      args.length = 0;
      for (let r = i; r < i + CHUNK; r++) {
        args.push(text[r] ?? null);
        for (let k = 0; k < width; k++) {
          const value = /** @type {number} */ (numbers[r * width + k]);
          args.push(Number.isNaN(value) ? null : value);
        }
      }
      changes += execute(chunkStatement);
    }
  }
  for (; i < text.length; i++) {
    args.length = 0;
    args.push(text[i] ?? null);
    for (let k = 0; k < width; k++) {
      const value = /** @type {number} */ (numbers[i * width + k]);
      args.push(Number.isNaN(value) ? null : value);
    }
    changes += execute(statement);
  }
  rollups?.flush();
  return changes;
});

/** Runs a statement on `args`: the rows it changed (with rollups: the rows it inserted, folded in). */
function execute(/** @type {import('better-sqlite3').Statement} */ prepared) {
  if (!rollups) return prepared.run(args).changes;
  const inserted = /** @type {[string, number, number][]} */ (prepared.all(args));
  for (const row of inserted) rollups.add(row[0], row[1], row[2]);
  return inserted.length;
}

/**
 * Keeps the readings' rollups (table reading_rollups, decision 0014) and each device's change mark
 * (device_changes) in the transaction that inserts the readings: a batch's inserted readings are folded
 * per (device, resolution, bucket) in memory, then merged into the stored buckets with one upsert each.
 * Only inserted rows are folded (INSERT OR IGNORE ... RETURNING), so a duplicate never counts twice and a
 * late reading lands in its own bucket. Ties keep the earliest time of an extreme.
 */
function rollupMaintainer(/** @type {import('better-sqlite3').Database} */ database, /** @type {number[]} */ resolutions) {
  const upsert = database.prepare(
    `INSERT INTO reading_rollups (device_id, resolution_ms, bucket_start, min_c, min_at, max_c, max_at, sum_c, count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (device_id, resolution_ms, bucket_start) DO UPDATE SET
       min_c = min(min_c, excluded.min_c),
       min_at = CASE WHEN excluded.min_c < min_c OR (excluded.min_c = min_c AND excluded.min_at < min_at) THEN excluded.min_at ELSE min_at END,
       max_c = max(max_c, excluded.max_c),
       max_at = CASE WHEN excluded.max_c > max_c OR (excluded.max_c = max_c AND excluded.max_at < max_at) THEN excluded.max_at ELSE max_at END,
       sum_c = sum_c + excluded.sum_c,
       count = count + excluded.count`,
  );
  const touch = database.prepare(
    `INSERT INTO device_changes (device_id, version, changed_at) VALUES (?, 1, ?)
     ON CONFLICT (device_id) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at`,
  );
  /** @type {Map<string, { device: string; resolution: number; start: number; min: number; minAt: number; max: number; maxAt: number; sum: number; count: number }>} */
  const buckets = new Map();
  /** @type {Set<string>} */
  const devices = new Set();
  const reset = () => {
    buckets.clear();
    devices.clear();
  };
  return {
    /** Forgets what a failed (rolled back) batch folded. */
    reset,
    add(/** @type {string} */ device, /** @type {number} */ at, /** @type {number} */ tempC) {
      devices.add(device);
      for (const resolution of resolutions) {
        const start = Math.floor(at / resolution) * resolution;
        const key = `${device}\u0000${resolution}\u0000${start}`;
        const bucket = buckets.get(key);
        if (!bucket) {
          buckets.set(key, { device, resolution, start, min: tempC, minAt: at, max: tempC, maxAt: at, sum: tempC, count: 1 });
          continue;
        }
        if (tempC < bucket.min || (tempC === bucket.min && at < bucket.minAt)) {
          bucket.min = tempC;
          bucket.minAt = at;
        }
        if (tempC > bucket.max || (tempC === bucket.max && at < bucket.maxAt)) {
          bucket.max = tempC;
          bucket.maxAt = at;
        }
        bucket.sum += tempC;
        bucket.count += 1;
      }
    },
    flush() {
      for (const b of buckets.values()) upsert.run(b.device, b.resolution, b.start, b.min, b.minAt, b.max, b.maxAt, b.sum, b.count);
      const now = Date.now();
      for (const device of devices) touch.run(device, now);
      reset();
    },
  };
}

port.on('message', (/** @type {{ id: number; rows: { text: string[]; numbers: Float64Array } } | { close: true }} */ message) => {
  if ('close' in message) {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ id: message.id, changes: runAll(message.rows) });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
