// @ts-check
// Worker thread of SqliteWriter (sqlite-writer.ts): runs one prepared statement over batches of rows,
// one transaction per batch, on its own connection. Plain JavaScript so that it loads in a worker
// without a TypeScript loader, under tsx and under vitest alike.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string; pragmas: string[]; sql: string }} */
const { path, pragmas, sql } = workerData;
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
try {
  db = new Database(path);
  for (const pragma of pragmas) db.pragma(pragma);
  statement = db.prepare(sql);
  const values = /VALUES\s*(\([?,\s]*\))\s*$/i.exec(sql);
  if (values) chunkStatement = db.prepare(sql + `, ${values[1]}`.repeat(CHUNK - 1));
} catch (error) {
  // Said in plain words (an addon's error loses its message crossing threads), then the thread ends.
  throw new Error(error instanceof Error ? error.message : String(error));
}
/** @type {(string | number | null)[]} */
const args = [];
const runAll = db.transaction(/** @param {{ text: string[]; numbers: Float64Array }} rows */ ({ text, numbers }) => {
  const width = text.length === 0 ? 0 : numbers.length / text.length;
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
      changes += chunkStatement.run(args).changes;
    }
  }
  for (; i < text.length; i++) {
    args.length = 0;
    args.push(text[i] ?? null);
    for (let k = 0; k < width; k++) {
      const value = /** @type {number} */ (numbers[i * width + k]);
      args.push(Number.isNaN(value) ? null : value);
    }
    changes += statement.run(args).changes;
  }
  return changes;
});

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
