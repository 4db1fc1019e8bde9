// @ts-check
// Worker thread of SqliteEvidenceStore.recordMessages: hashes accepted telemetry messages (SHA-256 of
// their exact bytes) and stores them, one transaction per batch, on its own connection, so neither the
// hashing nor the commit's fsync runs on ingest's event loop. Plain JavaScript, like
// sqlite-writer-worker.mjs, so it loads in a worker under tsx and vitest alike.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string; pragmas: string[] }} */
const { path, pragmas } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const COLUMNS = '(device_id, sha256, received_at, first_ts, last_ts, count, public_key, bytes, payload)';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per INSERT: one call into SQLite for many messages, as the readings' writer does. */
const CHUNK = 32;
/** @type {import('better-sqlite3').Database} */
let db;
/** @type {import('better-sqlite3').Statement} */
let insertOne;
/** @type {import('better-sqlite3').Statement} */
let insertChunk;
try {
  db = new Database(path);
  for (const pragma of pragmas) db.pragma(pragma);
  insertOne = db.prepare(`INSERT INTO messages ${COLUMNS} VALUES ${ROW}`);
  insertChunk = db.prepare(`INSERT INTO messages ${COLUMNS} VALUES ${Array(CHUNK).fill(ROW).join(', ')}`);
} catch (error) {
  throw new Error(error instanceof Error ? error.message : String(error));
}

/**
 * A batch by column (SqliteEvidenceStore.recordMessages): per message its device and key (text), five
 * numbers (received, first and last reading time, count, byte length), its bytes one after another in
 * `bytes` (one transferred buffer, not a copy per message).
 * @typedef {{ text: (string | null)[]; numbers: Float64Array; bytes: Uint8Array }} Batch
 */
const runAll = db.transaction(/** @param {Batch} batch */ ({ text, numbers, bytes }) => {
  const count = text.length / 2;
  /** @type {unknown[]} */
  const args = [];
  let changes = 0;
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = /** @type {number} */ (numbers[i * 5 + 4]);
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset + offset, length);
    offset += length;
    args.push(text[i * 2], createHash('sha256').update(payload).digest(), numbers[i * 5], numbers[i * 5 + 1], numbers[i * 5 + 2], numbers[i * 5 + 3], text[i * 2 + 1], length, payload);
    if (args.length === CHUNK * 9) {
      changes += insertChunk.run(args).changes;
      args.length = 0;
    }
  }
  for (let k = 0; k < args.length; k += 9) changes += insertOne.run(args.slice(k, k + 9)).changes;
  return changes;
});

port.on('message', (/** @type {{ id: number; batch?: Batch; close?: boolean }} */ message) => {
  if (message.close) {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ id: message.id, changes: message.batch ? runAll(message.batch) : 0 });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
