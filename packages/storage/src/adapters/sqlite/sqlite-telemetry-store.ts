import type Database from 'better-sqlite3';
import type { ReadingBucket, StoredReading, TelemetryStore } from '../../ports.ts';
import { bucketsByScanning } from '../../rollups/buckets-from-readings.ts';
import type { SqliteSync } from './open-database.ts';
import { connectionPragmas, openDatabase } from './open-database.ts';
import { SqliteWriter } from './sqlite-writer.ts';

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
  private readonly writer: SqliteWriter;
  private readonly between: Database.Statement;

  /** `path` is a file: writes go through a second connection, in a worker thread (sqlite-writer.ts). */
  constructor(path: string, sync: SqliteSync = 'FULL') {
    this.db = openDatabase(path, MIGRATIONS, sync);
    this.writer = new SqliteWriter({
      path,
      // The writer touches the newest pages of each device; the 64 MiB cache is for the readers.
      pragmas: [...connectionPragmas(sync), 'cache_size = -8192'],
      // OR IGNORE: a reading already stored for (device, time) is a duplicate, never an overwrite.
      sql: 'INSERT OR IGNORE INTO readings (device_id, sampled_at, temp_c, rh_pct, received_at) VALUES (?, ?, ?, ?, ?)',
    });
    this.between = this.db.prepare(
      'SELECT * FROM readings WHERE device_id = ? AND sampled_at BETWEEN ? AND ? ORDER BY sampled_at LIMIT ?',
    );
  }

  async insertReadings(readings: readonly StoredReading[]): Promise<{ inserted: number; duplicates: number }> {
    if (readings.length === 0) return { inserted: 0, duplicates: 0 };
    // By column: the numbers go to the writer thread as one transferred buffer (NaN = no humidity).
    const text = new Array<string>(readings.length);
    const numbers = new Float64Array(readings.length * 4);
    readings.forEach((r, i) => {
      text[i] = r.deviceId;
      numbers[i * 4] = r.sampledAt;
      numbers[i * 4 + 1] = r.tempC;
      numbers[i * 4 + 2] = r.rhPct ?? Number.NaN;
      numbers[i * 4 + 3] = r.receivedAt;
    });
    const inserted = await this.writer.run({ text, numbers });
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

  async bucketsBetween(deviceId: string, from: number, to: number, resolutionMs: number): Promise<ReadingBucket[]> {
    return bucketsByScanning(this, deviceId, from, to, resolutionMs);
  }

  async changeMark(_deviceId: string): Promise<string | null> {
    return null;
  }

  async close(): Promise<void> {
    await this.writer.close();
    if (this.db.open) this.db.close();
  }
}
