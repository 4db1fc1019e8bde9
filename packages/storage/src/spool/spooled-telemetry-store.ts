import type Database from 'better-sqlite3';
import type { StoredReading, TelemetryStore } from '../ports.ts';
import { openDatabase } from '../adapters/sqlite/open-database.ts';
import type { SqliteSync } from '../adapters/sqlite/open-database.ts';
import { ReadsByScanning } from '../rollups/reads-by-scanning.ts';

const MIGRATIONS = [
  `CREATE TABLE spool (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     device_id TEXT NOT NULL, sampled_at INTEGER NOT NULL,
     temp_c REAL NOT NULL, rh_pct REAL, received_at INTEGER NOT NULL,
     forwarded_at INTEGER
   );
   CREATE UNIQUE INDEX spool_key ON spool (device_id, sampled_at);
   CREATE INDEX spool_pending ON spool (seq) WHERE forwarded_at IS NULL;
   CREATE INDEX spool_forwarded ON spool (forwarded_at) WHERE forwarded_at IS NOT NULL;`,
];

/** The spool refuses new readings: its bound on disk is reached. The caller must not acknowledge them. */
export class SpoolFullError extends Error {
  override name = 'SpoolFullError';
}

/** A remote store the spool drains into. */
export type RemoteTelemetryStore = TelemetryStore & { settle?(): Promise<void> };

export type SpoolOptions = {
  path: string;
  remote: RemoteTelemetryStore;
  /** Most readings waiting for the remote store; beyond it new readings are refused (back-pressure). */
  maxPending?: number;
  /** Forwarded readings are kept this long, for deduplication and read-your-writes. */
  retainForwardedMs?: number;
  /** Readings per write to the remote store. */
  batchSize?: number;
  /** Backoff after a failed drain: doubles from min to max. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  sync?: SqliteSync;
  now?: () => number;
  /** Told when the depth crosses 80 % of the bound, and when it falls back under 50 %. */
  onPressure?: (event: { isNearBound: boolean; pending: number; maxPending: number }) => void;
  onDrainError?: (error: unknown, pending: number) => void;
};

type Row = { seq: number; device_id: string; sampled_at: number; temp_c: number; rh_pct: number | null; received_at: number };

const toReading = (row: Row): StoredReading => ({ deviceId: row.device_id, sampledAt: row.sampled_at, tempC: row.temp_c, rhPct: row.rh_pct, receivedAt: row.received_at });

/**
 * A durable local spool in front of a remote telemetry store (VictoriaMetrics, InfluxDB). A reading is
 * durable once `insertReadings` returns (SQLite, WAL); a background loop drains the spool to the remote in
 * arrival order, backing off while the remote is down. The spool also deduplicates on (device, time),
 * first write wins, over its retention window, which remote stores cannot promise.
 */
export class SpooledTelemetryStore extends ReadsByScanning implements TelemetryStore {
  private readonly db: Database.Database;
  private readonly maxPending: number;
  private readonly options: Required<Pick<SpoolOptions, 'retainForwardedMs' | 'batchSize' | 'minBackoffMs' | 'maxBackoffMs'>> & SpoolOptions;
  private readonly now: () => number;
  private pending: number;
  private isNearBound = false;
  private isClosed = false;
  private draining: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private backoffMs = 0;
  private readonly insertMany: (readings: readonly StoredReading[], receivedAt: number) => number;

  constructor(options: SpoolOptions) {
    super();
    this.options = { retainForwardedMs: 24 * 3_600_000, batchSize: 5000, minBackoffMs: 500, maxBackoffMs: 30_000, ...options };
    this.maxPending = options.maxPending ?? 5_000_000;
    this.now = options.now ?? Date.now;
    this.db = openDatabase(options.path, MIGRATIONS, options.sync ?? 'FULL');
    this.pending = (this.db.prepare('SELECT count(*) AS n FROM spool WHERE forwarded_at IS NULL').get() as { n: number }).n;
    const insert = this.db.prepare('INSERT OR IGNORE INTO spool (device_id, sampled_at, temp_c, rh_pct, received_at) VALUES (?, ?, ?, ?, ?)');
    this.insertMany = this.db.transaction((readings: readonly StoredReading[]) => {
      let inserted = 0;
      for (const r of readings) inserted += insert.run(r.deviceId, r.sampledAt, r.tempC, r.rhPct, r.receivedAt).changes;
      return inserted;
    });
    this.draining = this.drainLoop();
  }

  /** Readings waiting for the remote store. */
  get depth(): number {
    return this.pending;
  }

  get bound(): number {
    return this.maxPending;
  }

  async insertReadings(readings: readonly StoredReading[]): Promise<{ inserted: number; duplicates: number }> {
    if (this.pending + readings.length > this.maxPending) {
      throw new SpoolFullError(`spool holds ${this.pending} readings waiting for the store; the bound is ${this.maxPending}`);
    }
    const inserted = this.insertMany(readings, this.now());
    this.pending += inserted;
    this.checkPressure();
    // New readings wake an idle drain loop, never one backing off from a store that is down.
    if (this.backoffMs === 0) this.wake?.();
    return { inserted, duplicates: readings.length - inserted };
  }

  async readingsBetween(deviceId: string, from: number, to: number, limit = 100_000): Promise<StoredReading[]> {
    const local = (this.db.prepare('SELECT * FROM spool WHERE device_id = ? AND sampled_at BETWEEN ? AND ? ORDER BY sampled_at LIMIT ?').all(deviceId, from, to, limit) as Row[]).map(toReading);
    let remote: StoredReading[] = [];
    try {
      remote = await this.options.remote.readingsBetween(deviceId, from, to, limit);
    } catch {
      // The remote store is down: answer from the spool alone rather than not at all.
    }
    const byTime = new Map(remote.map((r) => [r.sampledAt, r]));
    for (const r of local) byTime.set(r.sampledAt, r); // the spool holds the first write
    return [...byTime.values()].sort((a, b) => a.sampledAt - b.sampledAt).slice(0, limit);
  }

  /** Waits until everything spooled so far is in the remote store and visible there. */
  async drained(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0) {
      if (Date.now() > deadline) throw new Error(`spool still holds ${this.pending} readings after ${timeoutMs} ms`);
      if (this.backoffMs === 0) this.wake?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.options.remote.settle?.();
  }

  private checkPressure(): void {
    const near = this.pending >= this.maxPending * 0.8;
    const clear = this.pending < this.maxPending * 0.5;
    if (near && !this.isNearBound) this.isNearBound = true;
    else if (clear && this.isNearBound) this.isNearBound = false;
    else return;
    this.options.onPressure?.({ isNearBound: this.isNearBound, pending: this.pending, maxPending: this.maxPending });
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  private async drainLoop(): Promise<void> {
    const select = this.db.prepare('SELECT * FROM spool WHERE forwarded_at IS NULL ORDER BY seq LIMIT ?');
    const mark = this.db.prepare('UPDATE spool SET forwarded_at = ? WHERE seq >= ? AND seq <= ? AND forwarded_at IS NULL');
    const prune = this.db.prepare('DELETE FROM spool WHERE forwarded_at IS NOT NULL AND forwarded_at < ?');
    let lastPruneAt = 0;
    while (!this.isClosed) {
      const rows = select.all(this.options.batchSize) as Row[];
      if (rows.length === 0) {
        if (this.now() - lastPruneAt > 60_000) {
          prune.run(this.now() - this.options.retainForwardedMs);
          lastPruneAt = this.now();
        }
        await this.sleep(1000);
        continue;
      }
      try {
        await this.options.remote.insertReadings(rows.map(toReading));
        const changed = mark.run(this.now(), rows[0]!.seq, rows[rows.length - 1]!.seq).changes;
        this.pending -= changed;
        this.backoffMs = 0;
        this.checkPressure();
      } catch (error) {
        this.options.onDrainError?.(error, this.pending);
        this.backoffMs = Math.min(this.options.maxBackoffMs, Math.max(this.options.minBackoffMs, this.backoffMs * 2));
        await this.sleep(this.backoffMs);
      }
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.wake?.();
    await this.draining;
    await this.options.remote.close();
    if (this.db.open) this.db.close();
  }
}
