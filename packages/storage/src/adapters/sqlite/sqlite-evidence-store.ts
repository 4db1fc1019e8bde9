import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { ChainAppend, ChainProgress, ChainRow, ChainTransaction, EvidenceMessage, EvidenceStore, MessageMeta, ServiceKey, Witness } from '../../evidence-ports.ts';
import { connectionPragmas, openDatabase } from './open-database.ts';
import { WalCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer.ts';
import type { SqliteSync } from './open-database.ts';
import { SqliteWorker } from './sqlite-writer.ts';
import { appendOnly, MESSAGES_DDL, packMessages, transferOf } from './evidence-messages.ts';
import { existsSync } from 'node:fs';

const MIGRATIONS = [
  // Messages are here when the telemetry store is remote (with SQLite telemetry, in telemetry.db).
  `${MESSAGES_DDL}
   CREATE TABLE chain (
     shipment_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
     fingerprint TEXT, line TEXT NOT NULL, hash TEXT NOT NULL,
     PRIMARY KEY (shipment_id, seq)
   ) WITHOUT ROWID;
   CREATE INDEX chain_ref ON chain (shipment_id, ref, seq);
   CREATE TABLE chain_progress (
     shipment_id TEXT PRIMARY KEY, message_cursor INTEGER NOT NULL, window TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE witnesses (shipment_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, at INTEGER NOT NULL, to_party TEXT NOT NULL);
   CREATE INDEX witnesses_shipment ON witnesses (shipment_id, at);
   CREATE TABLE service_keys (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, created_at INTEGER NOT NULL, retired_at INTEGER);
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
  private checkpointer: WalCheckpointer | undefined;
  private startCheckpointer: () => void = () => undefined;
  /** Where the messages are read: this file's table, or telemetry.db's (attached as `t`) once it has one. */
  private messagesTable: string | undefined;

  /**
   * `messagesIn`: the SQLite telemetry file, when it keeps the messages with their readings
   * (`SqliteTelemetryStore.keepsMessages`); then this store only reads them there.
   */
  constructor(path: string, sync: SqliteSync = 'FULL', private readonly options: { messagesIn?: string } = {}) {
    this.db = openDatabase(path, MIGRATIONS, sync);
    if (!options.messagesIn) this.messagesTable = 'main.messages';
    // An in-memory database is one connection: its messages are written on this thread.
    if (path !== ':memory:' && !options.messagesIn) {
      // Its commits leave the WAL to the checkpointer's thread, as the telemetry writer's do.
      const pragmas = [...connectionPragmas(sync), `wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`];
      this.writer = new SqliteWorker({ path, url: new URL('./sqlite-evidence-worker.mjs', import.meta.url), workerData: { path, pragmas } });
      // Started after the first write: processes that only read this file start none.
      this.startCheckpointer = () => (this.checkpointer ??= new WalCheckpointer({ path, pragmas: connectionPragmas(sync) }));
    }
  }

  /** The messages table, attaching the telemetry file once it exists with one; undefined until then. */
  private messages(): string | undefined {
    if (this.messagesTable || !this.options.messagesIn || !existsSync(this.options.messagesIn)) return this.messagesTable;
    this.db.prepare('ATTACH DATABASE ? AS t').run(this.options.messagesIn);
    const hasTable = this.db.prepare("SELECT 1 FROM t.sqlite_master WHERE type = 'table' AND name = 'messages'").get();
    if (hasTable) this.messagesTable = 't.messages';
    else this.db.prepare('DETACH DATABASE t').run();
    return this.messagesTable;
  }

  async recordMessages(messages: readonly EvidenceMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (this.options.messagesIn) throw new Error('messages are kept by the SQLite telemetry store with their readings, not here');
    const packed = packMessages(messages);
    if (this.writer) {
      await this.writer.request({ batch: packed }, transferOf(packed));
      this.startCheckpointer();
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
    const table = this.messages();
    if (!table) return out;
    const select = this.db.prepare(`SELECT id, payload FROM ${table} WHERE id = ?`);
    for (const id of ids) {
      const row = select.get(id) as { id: number; payload: Buffer } | undefined;
      if (row) out.set(row.id, row.payload);
    }
    return out;
  }

  async appendChain(shipmentId: string, plan: (txn: ChainTransaction) => ChainAppend): Promise<ChainRow[]> {
    const tip = this.db.prepare('SELECT seq, hash FROM chain WHERE shipment_id = ? ORDER BY seq DESC LIMIT 1');
    const last = this.db.prepare('SELECT fingerprint, line FROM chain WHERE shipment_id = ? AND ref = ? ORDER BY seq DESC LIMIT 1');
    const progress = this.db.prepare('SELECT message_cursor, window FROM chain_progress WHERE shipment_id = ?');
    const table = this.messages();
    const messages = table
      ? this.db.prepare(
          `SELECT id, device_id, sha256, received_at, first_ts, last_ts, count, public_key, bytes FROM ${table}
           WHERE device_id = ? AND id > ? AND last_ts >= ? AND first_ts <= ? ORDER BY id`,
        )
      : undefined;
    const insert = this.db.prepare('INSERT INTO chain (shipment_id, seq, kind, ref, fingerprint, line, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const saveProgress = this.db.prepare(
      `INSERT INTO chain_progress (shipment_id, message_cursor, window) VALUES (?, ?, ?)
       ON CONFLICT (shipment_id) DO UPDATE SET message_cursor = excluded.message_cursor, window = excluded.window`,
    );
    const txn: ChainTransaction = {
      tip: () => tip.get(shipmentId) as { seq: number; hash: string } | undefined,
      last: (ref) => last.get(shipmentId, ref) as { fingerprint: string | null; line: string } | undefined,
      progress: () => {
        const row = progress.get(shipmentId) as { message_cursor: number; window: string } | undefined;
        return row && { messageCursor: row.message_cursor, window: row.window };
      },
      messagesAfter: (deviceId, afterId, from, to) => ((messages?.all(deviceId, afterId, from, to) ?? []) as MessageRow[]).map(toMeta),
    };
    return this.db
      .transaction(() => {
        const { entries, progress: next } = plan(txn);
        for (const e of entries) insert.run(shipmentId, e.seq, e.kind, e.ref, e.fingerprint, e.line, e.hash);
        saveProgress.run(shipmentId, next.messageCursor, next.window);
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
    await this.checkpointer?.close();
    this.db.close();
  }
}
