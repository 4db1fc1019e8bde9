import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { ChainAppend, ChainProgress, ChainRow, ChainTransaction, EvidenceMessage, EvidenceStore, MessageMeta, ServiceKey, Witness } from '../../evidence-ports.ts';
import { connectionPragmas, openDatabase } from './open-database.ts';
import type { SqliteSync } from './open-database.ts';
import { SqliteWorker } from './sqlite-writer.ts';

/** Append-only: the chain, the messages and the witnesses refuse UPDATE and DELETE (decision 0017). */
const appendOnly = (table: string) => `
  CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
  CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;

const MIGRATIONS = [
  // No AUTOINCREMENT (a write to sqlite_sequence per message): rows are never deleted (the trigger
  // below), so the rowid only grows and chains can keep it as their cursor.
  `CREATE TABLE messages (
     id INTEGER PRIMARY KEY,
     device_id TEXT NOT NULL, sha256 BLOB NOT NULL, received_at INTEGER NOT NULL,
     first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, count INTEGER NOT NULL,
     public_key TEXT, bytes INTEGER NOT NULL, payload BLOB NOT NULL
   );
   CREATE INDEX messages_device ON messages (device_id, id);
   CREATE TABLE chain (
     shipment_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
     fingerprint TEXT, line TEXT NOT NULL, hash TEXT NOT NULL,
     PRIMARY KEY (shipment_id, seq)
   ) WITHOUT ROWID;
   CREATE INDEX chain_ref ON chain (shipment_id, ref, seq);
   CREATE TABLE chain_progress (
     shipment_id TEXT PRIMARY KEY, message_cursor INTEGER NOT NULL, device_key TEXT, window TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE witnesses (shipment_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, at INTEGER NOT NULL, to_party TEXT NOT NULL);
   CREATE INDEX witnesses_shipment ON witnesses (shipment_id, at);
   CREATE TABLE service_keys (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, created_at INTEGER NOT NULL, retired_at INTEGER);
   ${appendOnly('messages')}
   ${appendOnly('chain')}
   ${appendOnly('witnesses')}`,
];

type MessageRow = { id: number; device_id: string; sha256: Buffer; received_at: number; first_ts: number; last_ts: number; count: number; public_key: string | null; bytes: number };

const toMeta = (r: MessageRow): MessageMeta => ({
  id: r.id,
  deviceId: r.device_id,
  sha256: r.sha256.toString('hex'),
  receivedAt: r.received_at,
  firstTs: r.first_ts,
  lastTs: r.last_ts,
  count: r.count,
  publicKey: r.public_key,
  bytes: r.bytes,
});

/**
 * The evidence store on SQLite (DATA_DIR/evidence.db): messages are written by a worker thread (hash and
 * fsync off the event loop), the chains by whichever process appends, each append one IMMEDIATE
 * transaction that reads the chain's tip under the write lock.
 */
export class SqliteEvidenceStore implements EvidenceStore {
  private readonly db: Database.Database;
  private readonly writer: SqliteWorker | undefined;

  constructor(path: string, sync: SqliteSync = 'FULL') {
    this.db = openDatabase(path, MIGRATIONS, sync);
    // An in-memory database is one connection: its messages are written on this thread.
    if (path !== ':memory:') {
      this.writer = new SqliteWorker({ path, url: new URL('./sqlite-evidence-worker.mjs', import.meta.url), workerData: { path, pragmas: connectionPragmas(sync) } });
    }
  }

  async recordMessages(messages: readonly EvidenceMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // By column, the bytes packed into one buffer that is transferred to the writer thread: a payload is
    // often a view into a larger socket buffer, which a structured clone would copy whole.
    const text = new Array<string | null>(messages.length * 2);
    const numbers = new Float64Array(messages.length * 5);
    let total = 0;
    for (const m of messages) total += m.payload.byteLength;
    const bytes = new Uint8Array(total);
    let offset = 0;
    messages.forEach((m, i) => {
      text[i * 2] = m.deviceId;
      text[i * 2 + 1] = m.publicKey;
      numbers.set([m.receivedAt, m.firstTs, m.lastTs, m.count, m.payload.byteLength], i * 5);
      bytes.set(m.payload, offset);
      offset += m.payload.byteLength;
    });
    if (this.writer) {
      await this.writer.request({ batch: { text, numbers, bytes } }, [numbers.buffer, bytes.buffer]);
      return;
    }
    const insert = this.db.prepare(
      'INSERT INTO messages (device_id, sha256, received_at, first_ts, last_ts, count, public_key, bytes, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const m of messages) {
        const payload = Buffer.from(m.payload);
        insert.run(m.deviceId, createHash('sha256').update(payload).digest(), m.receivedAt, m.firstTs, m.lastTs, m.count, m.publicKey, payload.length, payload);
      }
    })();
  }

  async messagePayloads(ids: readonly number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    const select = this.db.prepare('SELECT id, payload FROM messages WHERE id = ?');
    for (const id of ids) {
      const row = select.get(id) as { id: number; payload: Buffer } | undefined;
      if (row) out.set(row.id, row.payload);
    }
    return out;
  }

  async appendChain(shipmentId: string, plan: (txn: ChainTransaction) => ChainAppend): Promise<ChainRow[]> {
    const tip = this.db.prepare('SELECT seq, hash FROM chain WHERE shipment_id = ? ORDER BY seq DESC LIMIT 1');
    const last = this.db.prepare('SELECT fingerprint, line FROM chain WHERE shipment_id = ? AND ref = ? ORDER BY seq DESC LIMIT 1');
    const progress = this.db.prepare('SELECT message_cursor, device_key, window FROM chain_progress WHERE shipment_id = ?');
    const messages = this.db.prepare(
      `SELECT id, device_id, sha256, received_at, first_ts, last_ts, count, public_key, bytes FROM messages
       WHERE device_id = ? AND id > ? AND last_ts >= ? AND first_ts <= ? ORDER BY id`,
    );
    const insert = this.db.prepare('INSERT INTO chain (shipment_id, seq, kind, ref, fingerprint, line, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const saveProgress = this.db.prepare(
      `INSERT INTO chain_progress (shipment_id, message_cursor, device_key, window) VALUES (?, ?, ?, ?)
       ON CONFLICT (shipment_id) DO UPDATE SET message_cursor = excluded.message_cursor, device_key = excluded.device_key, window = excluded.window`,
    );
    const txn: ChainTransaction = {
      tip: () => tip.get(shipmentId) as { seq: number; hash: string } | undefined,
      last: (ref) => last.get(shipmentId, ref) as { fingerprint: string | null; line: string } | undefined,
      progress: () => {
        const row = progress.get(shipmentId) as { message_cursor: number; device_key: string | null; window: string } | undefined;
        return row && { messageCursor: row.message_cursor, deviceKey: row.device_key, window: row.window };
      },
      messagesAfter: (deviceId, afterId, from, to) => (messages.all(deviceId, afterId, from, to) as MessageRow[]).map(toMeta),
    };
    return this.db
      .transaction(() => {
        const { entries, progress: next } = plan(txn);
        for (const e of entries) insert.run(shipmentId, e.seq, e.kind, e.ref, e.fingerprint, e.line, e.hash);
        saveProgress.run(shipmentId, next.messageCursor, next.deviceKey, next.window);
        return entries;
      })
      .immediate();
  }

  async chain(shipmentId: string, upTo?: number): Promise<ChainRow[]> {
    return this.db
      .prepare('SELECT seq, kind, ref, fingerprint, line, hash FROM chain WHERE shipment_id = ? AND seq <= ? ORDER BY seq')
      .all(shipmentId, upTo ?? Number.MAX_SAFE_INTEGER) as ChainRow[];
  }

  async recordWitness(shipmentId: string, w: Witness): Promise<void> {
    this.db.prepare('INSERT INTO witnesses (shipment_id, seq, hash, at, to_party) VALUES (?, ?, ?, ?, ?)').run(shipmentId, w.seq, w.hash, w.at, w.to);
  }

  async witnesses(shipmentId: string): Promise<Witness[]> {
    return this.db.prepare('SELECT seq, hash, at, to_party AS "to" FROM witnesses WHERE shipment_id = ? ORDER BY at, seq').all(shipmentId) as Witness[];
  }

  async listServiceKeys(): Promise<ServiceKey[]> {
    return (this.db.prepare('SELECT key_id, public_key, created_at, retired_at FROM service_keys ORDER BY created_at, key_id').all() as { key_id: string; public_key: string; created_at: number; retired_at: number | null }[]).map(
      (r) => ({ keyId: r.key_id, publicKey: r.public_key, createdAt: r.created_at, retiredAt: r.retired_at }),
    );
  }

  async addServiceKey(key: Omit<ServiceKey, 'retiredAt'>): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE service_keys SET retired_at = ? WHERE retired_at IS NULL').run(key.createdAt);
      this.db.prepare('INSERT INTO service_keys (key_id, public_key, created_at, retired_at) VALUES (?, ?, ?, NULL)').run(key.keyId, key.publicKey, key.createdAt);
    })();
  }

  async close(): Promise<void> {
    await this.writer?.close();
    this.db.close();
  }
}
