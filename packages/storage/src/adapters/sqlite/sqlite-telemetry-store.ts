import type Database from 'better-sqlite3';
import type { TemperatureSample } from '@coldchain/domain';
import type { ChangeMark, ReadingBucket, StoredReading, TelemetryStore } from '../../ports.ts';
import { ROLLUP_RESOLUTIONS_MS } from '../../ports.ts';
import type { SqliteSync } from './open-database.ts';
import { connectionPragmas, openDatabase } from './open-database.ts';
import { SqliteWriter } from './sqlite-writer.ts';
import { WalCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer.ts';
import { MESSAGES_DDL, packMessages } from './evidence-messages.ts';
import type { EvidenceMessage } from '../../evidence-ports.ts';

/** Fills the rollups of one resolution from the readings already stored (databases from before them). */
const backfillRollups = (resolutionMs: number) => `
  INSERT INTO reading_rollups (device_id, resolution_ms, bucket_start, min_c, min_at, max_c, max_at, sum_c, count)
  SELECT g.device_id, ${resolutionMs}, g.b, g.mn,
    (SELECT r.sampled_at FROM readings r WHERE r.device_id = g.device_id AND r.sampled_at >= g.b AND r.sampled_at < g.b + ${resolutionMs} AND r.temp_c = g.mn ORDER BY r.sampled_at LIMIT 1),
    g.mx,
    (SELECT r.sampled_at FROM readings r WHERE r.device_id = g.device_id AND r.sampled_at >= g.b AND r.sampled_at < g.b + ${resolutionMs} AND r.temp_c = g.mx ORDER BY r.sampled_at LIMIT 1),
    g.s, g.n
  FROM (SELECT device_id, (sampled_at / ${resolutionMs}) * ${resolutionMs} AS b, min(temp_c) AS mn, max(temp_c) AS mx, sum(temp_c) AS s, count(*) AS n
        FROM readings GROUP BY device_id, b) g;`;

const MIGRATIONS = [
  `CREATE TABLE readings (
     device_id   TEXT    NOT NULL,
     sampled_at  INTEGER NOT NULL,
     temp_c      REAL    NOT NULL,
     rh_pct      REAL,
     received_at INTEGER NOT NULL,
     PRIMARY KEY (device_id, sampled_at)
   ) WITHOUT ROWID;`,
  // Rollups (decision 0014): kept by the writer in the transaction that inserts the readings.
  `CREATE TABLE reading_rollups (
     device_id     TEXT    NOT NULL,
     resolution_ms INTEGER NOT NULL,
     bucket_start  INTEGER NOT NULL,
     min_c         REAL    NOT NULL,
     min_at        INTEGER NOT NULL,
     max_c         REAL    NOT NULL,
     max_at        INTEGER NOT NULL,
     sum_c         REAL    NOT NULL,
     count         INTEGER NOT NULL,
     PRIMARY KEY (device_id, resolution_ms, bucket_start)
   ) WITHOUT ROWID;
   CREATE TABLE device_changes (
     device_id  TEXT    NOT NULL PRIMARY KEY,
     version    INTEGER NOT NULL,
     changed_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   ${ROLLUP_RESOLUTIONS_MS.map(backfillRollups).join('\n')}
   INSERT INTO device_changes (device_id, version, changed_at)
     SELECT device_id, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM readings GROUP BY device_id;`,
  // The accepted messages' exact bytes (issue 11), committed with their readings.
  MESSAGES_DDL,
];

type PackedSamples = { sampledAt: Float64Array; tempC: Float64Array; count: number };

function emptyPack(): PackedSamples {
  return { sampledAt: new Float64Array(1024), tempC: new Float64Array(1024), count: 0 };
}

function grown(array: Float64Array): Float64Array {
  const larger = new Float64Array(array.length * 2);
  larger.set(array);
  return larger;
}

type Row = { device_id: string; sampled_at: number; temp_c: number; rh_pct: number | null; received_at: number };
type BucketRow = [start: number, min: number, minAt: number, max: number, maxAt: number, sum: number, count: number];

/** The embedded telemetry store: one SQLite table keyed by (device, device time), and its rollups. */
export class SqliteTelemetryStore implements TelemetryStore {
  /** Messages given with readings are kept in the readings' transaction (table `messages`). */
  readonly keepsMessages = true;
  private readonly db: Database.Database;
  private readonly writer: SqliteWriter;
  private checkpointer: WalCheckpointer | undefined;
  private readonly startCheckpointer: () => void;
  private readonly between: Database.Statement;
  private readonly buckets: Database.Statement;
  private readonly mark: Database.Statement;
  private readonly samples: Database.Statement;
  /** What the pack_samples aggregate gathered on its last run (one statement at a time per connection). */
  private packed: PackedSamples = emptyPack();

  /**
   * `path` is a file: writes go through a second connection, in a worker thread (sqlite-writer.ts).
   * `rollups: false` is for benchmarks that measure what keeping them costs: the buckets then hold
   * nothing new and change marks do not move. `checkpointThread: false` (benchmarks too) leaves the WAL
   * checkpoints in the writer's commits, as SQLite does by default (decision 0026).
   */
  constructor(path: string, sync: SqliteSync = 'FULL', options: { rollups?: boolean; checkpointThread?: boolean } = {}) {
    this.db = openDatabase(path, MIGRATIONS, sync);
    const checkpointThread = options.checkpointThread !== false;
    this.writer = new SqliteWriter({
      path,
      // The writer touches the newest pages of each device; the 64 MiB cache is for the readers.
      // Its commits leave the WAL to the checkpointer's thread.
      pragmas: [...connectionPragmas(sync), 'cache_size = -8192', ...(checkpointThread ? [`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`] : [])],
      // OR IGNORE: a reading already stored for (device, time) is a duplicate, never an overwrite.
      sql: 'INSERT OR IGNORE INTO readings (device_id, sampled_at, temp_c, rh_pct, received_at) VALUES (?, ?, ?, ?, ?)',
      rollupsMs: options.rollups === false ? undefined : ROLLUP_RESOLUTIONS_MS,
      keepsMessages: true,
    });
    // Started after the first write: the API's read threads open this store too and never write.
    this.startCheckpointer = checkpointThread ? () => (this.checkpointer ??= new WalCheckpointer({ path, pragmas: connectionPragmas(sync) })) : () => undefined;
    this.between = this.db.prepare(
      'SELECT * FROM readings WHERE device_id = ? AND sampled_at BETWEEN ? AND ? ORDER BY sampled_at LIMIT ?',
    );
    this.buckets = this.db
      .prepare(
        `SELECT bucket_start, min_c, min_at, max_c, max_at, sum_c, count FROM reading_rollups
         WHERE device_id = ? AND resolution_ms = ? AND bucket_start BETWEEN ? AND ? ORDER BY bucket_start`,
      )
      .raw(true);
    this.mark = this.db.prepare('SELECT version, changed_at FROM device_changes WHERE device_id = ?');
    // Rows into JavaScript one by one cost a row object each (about 1 µs); an aggregate gathers the two
    // numbers into typed arrays instead, about twice as fast for a long shipment's readings.
    // The typings know one argument per step; SQLite passes both columns.
    this.db.aggregate('pack_samples', {
      start: emptyPack,
      step: (pack: PackedSamples, sampledAt: number, tempC: number) => {
        if (pack.count === pack.sampledAt.length) {
          pack.sampledAt = grown(pack.sampledAt);
          pack.tempC = grown(pack.tempC);
        }
        pack.sampledAt[pack.count] = sampledAt;
        pack.tempC[pack.count] = tempC;
        pack.count += 1;
      },
      result: (pack: PackedSamples) => {
        this.packed = pack;
        return pack.count;
      },
    } as unknown as Database.RegistrationOptions & Database.AggregateOptions);
    this.samples = this.db
      .prepare(
        `SELECT pack_samples(sampled_at, temp_c) FROM (
           SELECT sampled_at, temp_c FROM readings WHERE device_id = ? AND sampled_at BETWEEN ? AND ? ORDER BY sampled_at LIMIT ?)`,
      )
      .pluck();
  }

  async insertReadings(readings: readonly StoredReading[], messages?: readonly EvidenceMessage[]): Promise<{ inserted: number; duplicates: number }> {
    if (readings.length === 0 && !messages?.length) return { inserted: 0, duplicates: 0 };
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
    const inserted = await this.writer.run({ text, numbers }, messages?.length ? packMessages(messages) : undefined);
    this.startCheckpointer();
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

  async samplesBetween(deviceId: string, from: number, to: number, limit = 100_000): Promise<TemperatureSample[]> {
    const count = this.samples.get(deviceId, from, to, limit) as number;
    const { sampledAt, tempC } = this.packed;
    this.packed = emptyPack();
    const out = new Array<TemperatureSample>(count);
    for (let i = 0; i < count; i++) out[i] = { sampledAt: sampledAt[i] as number, tempC: tempC[i] as number };
    return out;
  }

  async bucketsBetween(deviceId: string, from: number, to: number, resolutionMs: number): Promise<ReadingBucket[]> {
    if (!(ROLLUP_RESOLUTIONS_MS as readonly number[]).includes(resolutionMs)) {
      throw new Error(`no rollup of ${resolutionMs} ms; kept: ${ROLLUP_RESOLUTIONS_MS.join(', ')} ms`);
    }
    return (this.buckets.all(deviceId, resolutionMs, from, to) as BucketRow[]).map(([start, min, minAt, max, maxAt, sum, count]) => ({
      start,
      min,
      minAt,
      max,
      maxAt,
      sum,
      count,
    }));
  }

  async changeMark(deviceId: string): Promise<ChangeMark | null> {
    const row = this.mark.get(deviceId) as { version: number; changed_at: number } | undefined;
    return row ? { mark: String(row.version), changedAt: row.changed_at } : null;
  }

  async close(): Promise<void> {
    await this.writer.close();
    await this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}
