// @ts-check
// Worker thread of SqliteWriter (sqlite-writer.ts): runs one prepared statement over batches of rows,
// one transaction per batch, on its own connection. Plain JavaScript so that it loads in a worker
// without a TypeScript loader, under tsx and under vitest alike.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { messageInserter } from './evidence-message-insert.mjs';

/** @type {{ path: string; pragmas: string[]; sql: string; rollupsMs?: number[]; keepsMessages?: boolean }} */
const { path, pragmas, sql, rollupsMs, keepsMessages } = workerData;
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
/**
 * The accepted messages' bytes (issue 11), kept in the transaction of their readings.
 * @type {ReturnType<typeof messageInserter> | undefined}
 */
let insertMessages;
try {
  db = new Database(path);
  for (const pragma of pragmas) db.pragma(pragma);
  const values = /VALUES\s*(\([?,\s]*\))\s*$/i.exec(sql);
  statement = db.prepare(sql);
  if (values) chunkStatement = db.prepare(sql + `, ${values[1]}`.repeat(CHUNK - 1));
  if (rollupsMs) rollups = rollupMaintainer(db, rollupsMs);
  if (keepsMessages) insertMessages = messageInserter(db);
} catch (error) {
  // Said in plain words (an addon's error loses its message crossing threads), then the thread ends.
  throw new Error(error instanceof Error ? error.message : String(error));
}
/** @type {(string | number | null)[]} */
const args = [];
const runAll = db.transaction(/** @param {{ text: string[]; numbers: Float64Array }} rows @param {import('./evidence-message-insert.mjs').MessageBatch} [messages] */ ({ text, numbers }, messages) => {
  if (messages) {
    if (!insertMessages) throw new Error('this writer does not keep messages');
    insertMessages(messages);
  }
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
      changes += execute(chunkStatement, text, numbers, i, CHUNK, width);
    }
  }
  for (; i < text.length; i++) {
    args.length = 0;
    args.push(text[i] ?? null);
    for (let k = 0; k < width; k++) {
      const value = /** @type {number} */ (numbers[i * width + k]);
      args.push(Number.isNaN(value) ? null : value);
    }
    changes += execute(statement, text, numbers, i, 1, width);
  }
  rollups?.flush();
  return changes;
});

/**
 * Runs a statement on `args` (rows first … first + count - 1 of the batch): the rows it changed. With
 * rollups, when every row was inserted (the usual case) they are folded in from the batch itself; when
 * none was, nothing changed; when some were duplicates, which ones is not known, so their buckets are
 * recomputed from the stored readings at the end of the transaction instead (exact, and rare).
 */
function execute(
  /** @type {import('better-sqlite3').Statement} */ prepared,
  /** @type {string[]} */ text,
  /** @type {Float64Array} */ numbers,
  /** @type {number} */ first,
  /** @type {number} */ count,
  /** @type {number} */ width,
) {
  const changes = prepared.run(args).changes;
  // Nothing inserted (all duplicates): nothing changed.
  if (!rollups || changes === 0) return changes;
  for (let r = first; r < first + count; r++) {
    const device = /** @type {string} */ (text[r]);
    const at = /** @type {number} */ (numbers[r * width]);
    if (changes === count) rollups.add(device, at, /** @type {number} */ (numbers[r * width + 1]));
    else rollups.recompute(device, at);
  }
  return changes;
}

/**
 * Keeps the readings' rollups (table reading_rollups, decision 0014) and each device's change mark
 * (device_changes) in the transaction that inserts the readings: a batch's inserted readings are folded
 * per (device, resolution, bucket) in memory, then merged into the stored buckets by upserts of many
 * buckets each. A duplicate never counts (see `execute`) and a late reading lands in its own bucket.
 * Ties keep the earliest time of an extreme.
 */
function rollupMaintainer(/** @type {import('better-sqlite3').Database} */ database, /** @type {number[]} */ resolutions) {
  const upsert = manyRows(
    database,
    'INSERT INTO reading_rollups (device_id, resolution_ms, bucket_start, min_c, min_at, max_c, max_at, sum_c, count) VALUES',
    9,
    `ON CONFLICT (device_id, resolution_ms, bucket_start) DO UPDATE SET
       min_c = min(min_c, excluded.min_c),
       min_at = CASE WHEN excluded.min_c < min_c OR (excluded.min_c = min_c AND excluded.min_at < min_at) THEN excluded.min_at ELSE min_at END,
       max_c = max(max_c, excluded.max_c),
       max_at = CASE WHEN excluded.max_c > max_c OR (excluded.max_c = max_c AND excluded.max_at < max_at) THEN excluded.max_at ELSE max_at END,
       sum_c = sum_c + excluded.sum_c,
       count = count + excluded.count`,
  );
  const replace = manyRows(
    database,
    'INSERT OR REPLACE INTO reading_rollups (device_id, resolution_ms, bucket_start, min_c, min_at, max_c, max_at, sum_c, count) VALUES',
    9,
    '',
  );
  const touch = manyRows(
    database,
    'INSERT INTO device_changes (device_id, version, changed_at) VALUES',
    3,
    'ON CONFLICT (device_id) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at',
  );
  const readBucket = database
    .prepare('SELECT sampled_at, temp_c FROM readings WHERE device_id = ? AND sampled_at >= ? AND sampled_at < ? ORDER BY sampled_at')
    .raw(true);
  /** @type {Map<string, { device: string; resolution: number; start: number; min: number; minAt: number; max: number; maxAt: number; sum: number; count: number }>} */
  const buckets = new Map();
  /** @type {Set<string>} */
  const devices = new Set();
  /** The device of the last reading folded, and its bucket at each resolution. */
  let lastDevice = '';
  /** @type {(typeof buckets extends Map<string, infer B> ? B : never)[] | undefined[]} */
  const lastBuckets = new Array(resolutions.length).fill(undefined);
  /** Buckets to recompute from the stored readings, by key. */
  /** @type {Map<string, { device: string; resolution: number; start: number }>} */
  const dirty = new Map();
  return {
    /** Forgets what a failed (rolled back) batch folded. */
    reset() {
      buckets.clear();
      devices.clear();
      dirty.clear();
      lastDevice = '';
      lastBuckets.fill(undefined);
    },
    /** Folds an inserted reading into its buckets. */
    add(/** @type {string} */ device, /** @type {number} */ at, /** @type {number} */ tempC) {
      if (device !== lastDevice) {
        devices.add(device);
        lastDevice = device;
        lastBuckets.fill(undefined);
      }
      for (let r = 0; r < resolutions.length; r++) {
        const resolution = /** @type {number} */ (resolutions[r]);
        const start = Math.floor(at / resolution) * resolution;
        // A message's readings are consecutive and mostly share their buckets: no key to build then.
        let bucket = lastBuckets[r];
        if (bucket?.start !== start) {
          const key = `${device}\u0000${resolution}\u0000${start}`;
          bucket = buckets.get(key);
          if (!bucket) {
            bucket = { device, resolution, start, min: tempC, minAt: at, max: tempC, maxAt: at, sum: tempC, count: 1 };
            buckets.set(key, bucket);
            lastBuckets[r] = bucket;
            continue;
          }
          lastBuckets[r] = bucket;
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
    /** Marks the buckets of (device, at) for recomputing from the stored readings. */
    recompute(/** @type {string} */ device, /** @type {number} */ at) {
      devices.add(device);
      for (const resolution of resolutions) {
        const start = Math.floor(at / resolution) * resolution;
        dirty.set(`${device}\u0000${resolution}\u0000${start}`, { device, resolution, start });
      }
    },
    /** Writes what the batch folded, recomputes what it could not fold, and moves the change marks. */
    flush() {
      /** @type {(string | number)[]} */
      const merged = [];
      for (const [key, b] of buckets) {
        // A recomputed bucket counts these readings already.
        if (!dirty.has(key)) merged.push(b.device, b.resolution, b.start, b.min, b.minAt, b.max, b.maxAt, b.sum, b.count);
      }
      upsert(merged);
      /** @type {(string | number)[]} */
      const recomputed = [];
      for (const { device, resolution, start } of dirty.values()) {
        const rows = /** @type {[number, number][]} */ (readBucket.all(device, start, start + resolution));
        const [firstAt, firstC] = /** @type {[number, number]} */ (rows[0]);
        let min = firstC;
        let minAt = firstAt;
        let max = firstC;
        let maxAt = firstAt;
        let sum = 0;
        for (const [at, tempC] of rows) {
          if (tempC < min) [min, minAt] = [tempC, at];
          if (tempC > max) [max, maxAt] = [tempC, at];
          sum += tempC;
        }
        recomputed.push(device, resolution, start, min, minAt, max, maxAt, sum, rows.length);
      }
      replace(recomputed);
      const now = Date.now();
      /** @type {(string | number)[]} */
      const touched = [];
      for (const device of devices) touched.push(device, 1, now);
      touch(touched);
      this.reset();
    },
  };
}

/**
 * A statement `head (…), (…), … tail` over rows of `width` values: runs flat `values` MANY rows per call
 * (then one per call for the rest), as the readings' insert does, since the cost is mostly per call.
 */
function manyRows(/** @type {import('better-sqlite3').Database} */ database, /** @type {string} */ head, /** @type {number} */ width, /** @type {string} */ tail) {
  const MANY = 32;
  const tuple = `(${new Array(width).fill('?').join(', ')})`;
  const one = database.prepare(`${head} ${tuple} ${tail}`);
  const many = database.prepare(`${head} ${new Array(MANY).fill(tuple).join(', ')} ${tail}`);
  return (/** @type {(string | number)[]} */ values) => {
    const rows = values.length / width;
    let row = 0;
    for (; row + MANY <= rows; row += MANY) many.run(values.slice(row * width, (row + MANY) * width));
    for (; row < rows; row++) one.run(values.slice(row * width, (row + 1) * width));
  };
}

port.on('message', (/** @type {{ id: number; rows: { text: string[]; numbers: Float64Array }; messages?: import('./evidence-message-insert.mjs').MessageBatch } | { close: true }} */ message) => {
  if ('close' in message) {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ id: message.id, changes: runAll(message.rows, message.messages) });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
