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
/** @type {import('better-sqlite3').Database} */
let db;
/** @type {import('better-sqlite3').Statement} */
let insert;
try {
  db = new Database(path);
  for (const pragma of pragmas) db.pragma(pragma);
  insert = db.prepare(
    `INSERT OR IGNORE INTO messages (device_id, sha256, received_at, first_ts, last_ts, count, public_key, bytes, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
} catch (error) {
  throw new Error(error instanceof Error ? error.message : String(error));
}

/** @typedef {{ deviceId: string; receivedAt: number; firstTs: number; lastTs: number; count: number; payload: Uint8Array; publicKey: string | null }} Message */
const runAll = db.transaction(/** @param {Message[]} messages */ (messages) => {
  let changes = 0;
  for (const m of messages) {
    const payload = Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength);
    const sha256 = createHash('sha256').update(payload).digest('hex');
    changes += insert.run(m.deviceId, sha256, m.receivedAt, m.firstTs, m.lastTs, m.count, m.publicKey, payload.length, payload).changes;
  }
  return changes;
});

port.on('message', (/** @type {{ id: number; messages?: Message[]; close?: boolean }} */ message) => {
  if (message.close) {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ id: message.id, changes: runAll(message.messages ?? []) });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
