// @ts-check
// Worker thread of WalCheckpointer (wal-checkpointer.ts): copies the committed WAL frames of one SQLite
// file back into the database, PASSIVE (never waits for the writer or readers), every `intervalMs`, on
// its own connection. Plain JavaScript so that it loads in a worker without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string; pragmas: string[]; intervalMs: number }} */
const { path, pragmas, intervalMs } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** @type {import('better-sqlite3').Database} */
let db;
try {
  db = new Database(path);
  for (const pragma of pragmas) db.pragma(pragma);
} catch (error) {
  throw new Error(error instanceof Error ? error.message : String(error));
}

function checkpoint() {
  try {
    // A PASSIVE checkpoint copies what no reader still needs, and waits for nobody.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A transient I/O error: the next round tries again; the writer's own automatic checkpoint (a high
    // mark) is the backstop.
  }
}

const timer = setInterval(checkpoint, intervalMs);
port.on('message', (/** @type {{ close?: true }} */ message) => {
  if (!message.close) return;
  clearInterval(timer);
  checkpoint();
  db.close();
  port.close();
});
