// @ts-check
// Stores accepted telemetry messages (issue 11) from a packed batch, in the caller's transaction: the
// SHA-256 of each message's exact bytes, its times and key, the bytes. Shared by the telemetry writer
// thread (SQLite telemetry: messages commit with their readings) and the evidence writer thread (remote
// telemetry stores). Plain JavaScript: it runs in workers without a TypeScript loader.
import { hash } from 'node:crypto';

const COLUMNS = '(device_id, sha256, received_at, first_ts, last_ts, count, public_key, bytes, payload)';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per INSERT: one call into SQLite for many messages, as the readings' insert does. */
const CHUNK = 32;

/**
 * A batch by column (packMessages in evidence-messages.ts): per message its device and key (text), five
 * numbers (received, first and last reading time, count, byte length), its bytes one after another in
 * `bytes` (one transferred buffer, not a copy per message).
 * @typedef {{ text: (string | null)[]; numbers: Float64Array; bytes: Uint8Array }} MessageBatch
 */

/** @param {import('better-sqlite3').Database} db */
export function messageInserter(db) {
  const one = db.prepare(`INSERT INTO messages ${COLUMNS} VALUES ${ROW}`);
  const many = db.prepare(`INSERT INTO messages ${COLUMNS} VALUES ${Array(CHUNK).fill(ROW).join(', ')}`);
  /** @type {unknown[]} */
  const args = [];
  return (/** @type {MessageBatch} */ { text, numbers, bytes }) => {
    const count = text.length / 2;
    args.length = 0;
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const length = /** @type {number} */ (numbers[i * 5 + 4]);
      const payload = Buffer.from(bytes.buffer, bytes.byteOffset + offset, length);
      offset += length;
      args.push(text[i * 2], hash('sha256', payload, 'buffer'), numbers[i * 5], numbers[i * 5 + 1], numbers[i * 5 + 2], numbers[i * 5 + 3], text[i * 2 + 1], length, payload);
      if (args.length === CHUNK * 9) {
        many.run(args);
        args.length = 0;
      }
    }
    for (let k = 0; k < args.length; k += 9) one.run(args.slice(k, k + 9));
    args.length = 0;
    return count;
  };
}
