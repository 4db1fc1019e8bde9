import type { EvidenceMessage } from '../../evidence-ports.ts';

/**
 * The messages table (issue 11): each accepted telemetry message's exact bytes, in telemetry.db when the
 * telemetry store is SQLite (committed with the readings), else in evidence.db. Append-only. No
 * AUTOINCREMENT (a write to sqlite_sequence per message): rows are never deleted, so the rowid only grows
 * and chains keep it as their cursor.
 */
export const MESSAGES_DDL = `
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL, sha256 BLOB NOT NULL, received_at INTEGER NOT NULL,
    first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, count INTEGER NOT NULL,
    public_key TEXT, bytes INTEGER NOT NULL, payload BLOB NOT NULL
  );
  CREATE INDEX messages_device ON messages (device_id, id);
  ${appendOnly('messages')}`;

/** Triggers refusing UPDATE and DELETE on a table (decision 0017). */
export function appendOnly(table: string): string {
  return `
  CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
  CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;
}

/** A batch of messages by column for a writer thread (evidence-message-insert.mjs). */
export type PackedMessages = { text: (string | null)[]; numbers: Float64Array; bytes: Uint8Array };

/**
 * Packs messages by column, their bytes into one buffer to transfer: a payload is often a view into a
 * larger socket buffer, which a structured clone would copy whole.
 */
export function packMessages(messages: readonly EvidenceMessage[]): PackedMessages {
  const text = new Array<string | null>(messages.length * 2);
  const numbers = new Float64Array(messages.length * 5);
  let total = 0;
  for (const m of messages) total += m.payload.byteLength;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    text[i * 2] = m.deviceId;
    text[i * 2 + 1] = m.publicKey;
    numbers[i * 5] = m.receivedAt;
    numbers[i * 5 + 1] = m.firstTs;
    numbers[i * 5 + 2] = m.lastTs;
    numbers[i * 5 + 3] = m.count;
    numbers[i * 5 + 4] = m.payload.byteLength;
    bytes.set(m.payload, offset);
    offset += m.payload.byteLength;
  }
  return { text, numbers, bytes };
}

/** The buffers of a packed batch, to transfer instead of copying. */
export const transferOf = (packed: PackedMessages): ArrayBuffer[] => [packed.numbers.buffer as ArrayBuffer, packed.bytes.buffer as ArrayBuffer];
