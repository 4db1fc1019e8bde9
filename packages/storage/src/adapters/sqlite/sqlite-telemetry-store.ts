import type Database from 'better-sqlite3';
import type { StoredReading, TelemetryStore } from '../../ports.ts';
import type { SqliteSync } from './open-database.ts';
import { openDatabase } from './open-database.ts';

const MIGRATIONS = [
  `CREATE TABLE readings (
     device_id   TEXT    NOT NULL,
     sampled_at  INTEGER NOT NULL,
     temp_c      REAL    NOT NULL,
     rh_pct      REAL,
     received_at INTEGER NOT NULL,
     PRIMARY KEY (device_id, sampled_at)
   ) WITHOUT ROWID;`,
];

type Row = { device_id: string; sampled_at: number; temp_c: number; rh_pct: number | null; received_at: number };

/** The embedded telemetry store: one SQLite table keyed by (device, device time). */
export class SqliteTelemetryStore implements TelemetryStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertMany: (readings: readonly StoredReading[]) => number;
  private readonly between: Database.Statement;

  constructor(path: string, sync: SqliteSync = 'FULL') {
    this.db = openDatabase(path, MIGRATIONS, sync);
    // OR IGNORE: a reading already stored for (device, time) is a duplicate, never an overwrite.
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO readings (device_id, sampled_at, temp_c, rh_pct, received_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertMany = this.db.transaction((readings: readonly StoredReading[]) => {
      let inserted = 0;
      for (const r of readings) {
        inserted += this.insert.run(r.deviceId, r.sampledAt, r.tempC, r.rhPct, r.receivedAt).changes;
      }
      return inserted;
    });
    this.between = this.db.prepare(
      'SELECT * FROM readings WHERE device_id = ? AND sampled_at BETWEEN ? AND ? ORDER BY sampled_at LIMIT ?',
    );
  }

  async insertReadings(readings: readonly StoredReading[]): Promise<{ inserted: number; duplicates: number }> {
    const inserted = this.insertMany(readings);
    return { inserted, duplicates: readings.length - inserted };
  }

  async readingsBetween(deviceId: string, from: number, to: number, limit = 100_000): Promise<StoredReading[]> {
    return (this.between.all(deviceId, from, to, limit) as Row[]).map((row) => ({
      deviceId: row.device_id,
      sampledAt: row.sampled_at,
      tempC: row.temp_c,
      rhPct: row.rh_pct,
      receivedAt: row.received_at,
    }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
