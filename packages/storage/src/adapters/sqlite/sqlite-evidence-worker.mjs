// @ts-check
// Worker thread of SqliteEvidenceStore.recordMessages (a remote telemetry store: with SQLite telemetry
// the messages commit with their readings in the telemetry writer instead): hashes and stores them, one
// transaction per batch, on its own connection, off ingest's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { messageInserter } from './evidence-message-insert.mjs';

/** @type {{ path: string; pragmas: string[] }} */
const { path, pragmas } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** @type {import('better-sqlite3').Database} */
let db;
/** @type {ReturnType<typeof messageInserter>} */
let insert;
try {
  db = new Database(path);
  for (const pragma of pragmas) db.pragma(pragma);
  insert = messageInserter(db);
} catch (error) {
  throw new Error(error instanceof Error ? error.message : String(error));
}
const runAll = db.transaction(/** @param {import('./evidence-message-insert.mjs').MessageBatch} batch */ (batch) => insert(batch));

port.on('message', (/** @type {{ id: number; batch?: import('./evidence-message-insert.mjs').MessageBatch; close?: boolean }} */ message) => {
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
