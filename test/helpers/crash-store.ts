import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readingOf } from './crash-plan.ts';
import type { FleetSpec } from './crash-plan.ts';
/** better-sqlite3 from the storage package (the test package does not depend on it), read-only use. */
type ReadOnlyDatabase = {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
  close(): void;
};
const openDatabase = createRequire(new URL('../../packages/storage/package.json', import.meta.url))('better-sqlite3') as new (
  path: string,
  options: { readonly: boolean; fileMustExist: boolean },
) => ReadOnlyDatabase;


/** Readings in DATA_DIR/telemetry.db (0 when the file is not there yet). */
export function storedCount(dataDir: string): number {
  const path = join(dataDir, 'telemetry.db');
  if (!existsSync(path)) return 0;
  const db = new openDatabase(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Waits until the store holds `expected` readings, or nothing new arrived for `idleMs`, at most
 * `timeoutMs` (with an external broker, acknowledged by the broker is not yet stored by ingest).
 */
export async function waitForStored(dataDir: string, expected: number, idleMs = 5_000, timeoutMs = 45_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = storedCount(dataDir);
  let changedAt = Date.now();
  while (count < expected && Date.now() < deadline && Date.now() - changedAt < idleMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = storedCount(dataDir);
    if (now !== count) changedAt = Date.now();
    count = now;
  }
  return count;
}

/** What the store holds against what the loggers had acknowledged. */
export type StoreCheck = {
  acknowledgedReadings: number;
  stored: number;
  /** Acknowledged readings missing from the store (first few listed in `lostSample`). */
  lost: number;
  /** Of those, acknowledged before the interruption (lost with the process) and after it (lost after the restart). */
  lostAckedBeforeSignal: number;
  lostAckedAfterSignal: number;
  lostSample: string[];
  /** Stored with another value than the logger sent. */
  wrongValue: number;
  /** (device, ts) pairs stored more than once. */
  duplicated: number;
  /** Stored readings no logger sent. */
  unexpected: number;
  /** Dead letters by code (e.g. device.rate_limited): a refused message is acknowledged but not stored. */
  deadLetters: Record<string, number>;
  /**
   * Rollup buckets (issue 10) that disagree with the stored readings on the same grid (count, min, max),
   * either way; null for a store kept without them (a remote one).
   */
  rollupMismatches: number | null;
  /**
   * Acknowledged messages whose original bytes are not in DATA_DIR/evidence.db (issue 11: kept with the
   * readings before the PUBACK), found by device and first reading time; null without an evidence store.
   */
  evidenceMissing: number | null;
};

/** The rollups against the readings: buckets in one and not the other, compared on count, min and max. */
function rollupMismatches(telemetry: ReadOnlyDatabase): number | null {
  const hasRollups = telemetry.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reading_rollups'").get();
  if (!hasRollups) return null;
  const raw = `SELECT r.device_id, g.ms, (r.sampled_at / g.ms) * g.ms, count(*), min(r.temp_c), max(r.temp_c)
    FROM readings r, (SELECT 60000 AS ms UNION ALL SELECT 600000 UNION ALL SELECT 3600000) g GROUP BY 1, 2, 3`;
  const kept = 'SELECT device_id, resolution_ms, bucket_start, count, min_c, max_c FROM reading_rollups';
  const count = (sql: string) => (telemetry.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).get() as { n: number }).n;
  return count(`${raw} EXCEPT ${kept}`) + count(`${kept} EXCEPT ${raw}`);
}

/** Reads DATA_DIR's telemetry.db and ops.db read-only and compares them with what the fleet published. */
/** What the check needs of the fleet: what was published, and which messages were acknowledged when. */
export type PublishedRecord = {
  spec: FleetSpec;
  isAcknowledged(d: number, m: number): boolean;
  isAcknowledgedBeforeSignal(d: number, m: number): boolean;
};

function hasMessages(path: string): boolean {
  const db = new openDatabase(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'").get() !== undefined;
  } finally {
    db.close();
  }
}

/** Acknowledged messages with no original kept, by device and first reading time. */
function evidenceMissing(dataDir: string, fleet: PublishedRecord): number | null {
  // With SQLite telemetry the messages are kept in telemetry.db with their readings, else in evidence.db.
  const path = [join(dataDir, 'telemetry.db'), join(dataDir, 'evidence.db')].find((p) => existsSync(p) && hasMessages(p));
  if (!path) return null;
  const evidence = new openDatabase(path, { readonly: true, fileMustExist: true });
  try {
    const kept = new Set((evidence.prepare('SELECT device_id, first_ts FROM messages').all() as { device_id: string; first_ts: number }[]).map((r) => `${r.device_id}@${r.first_ts}`));
    let missing = 0;
    fleet.spec.deviceIds.forEach((deviceId, d) => {
      for (let m = 0; m < fleet.spec.messagesPerLogger; m++) {
        if (fleet.isAcknowledged(d, m) && !kept.has(`${deviceId}@${readingOf(fleet.spec, d, m, 0).ts}`)) missing++;
      }
    });
    return missing;
  } finally {
    evidence.close();
  }
}

export function checkStore(dataDir: string, fleet: PublishedRecord): StoreCheck {
  const { spec } = fleet;
  const telemetry = new openDatabase(join(dataDir, 'telemetry.db'), { readonly: true, fileMustExist: true });
  const ops = new openDatabase(join(dataDir, 'ops.db'), { readonly: true, fileMustExist: true });
  try {
    type Row = { device_id: string; sampled_at: number; temp_c: number; rh_pct: number | null };
    const rows = telemetry.prepare('SELECT device_id, sampled_at, temp_c, rh_pct FROM readings').all() as Row[];
    const byKey = new Map<string, Row>(rows.map((r) => [`${r.device_id}@${r.sampled_at}`, r]));
    const duplicated = (telemetry.prepare('SELECT COUNT(*) AS n FROM (SELECT 1 FROM readings GROUP BY device_id, sampled_at HAVING COUNT(*) > 1)').get() as { n: number }).n;
    const check: StoreCheck = { acknowledgedReadings: 0, stored: rows.length, lost: 0, lostAckedBeforeSignal: 0, lostAckedAfterSignal: 0, lostSample: [], wrongValue: 0, duplicated, unexpected: 0, deadLetters: {}, rollupMismatches: rollupMismatches(telemetry), evidenceMissing: null };
    let expectedKeys = 0;
    spec.deviceIds.forEach((deviceId, d) => {
      for (let m = 0; m < spec.messagesPerLogger; m++) {
        const isAcked = fleet.isAcknowledged(d, m);
        const isBefore = fleet.isAcknowledgedBeforeSignal(d, m);
        for (let k = 0; k < spec.readingsPerMessage; k++) {
          const reading = readingOf(spec, d, m, k);
          const row = byKey.get(`${deviceId}@${reading.ts}`);
          if (row) expectedKeys++;
          if (!isAcked) continue;
          check.acknowledgedReadings++;
          if (!row) {
            check.lost++;
            if (isBefore) check.lostAckedBeforeSignal++;
            else check.lostAckedAfterSignal++;
            if (check.lostSample.length < 5) check.lostSample.push(`${deviceId} message ${m} reading ${k} (ts ${reading.ts})`);
          } else if (row.temp_c !== reading.tempC || row.rh_pct !== reading.rhPct) {
            check.wrongValue++;
          }
        }
      }
    });
    check.unexpected = rows.length - expectedKeys;
    check.evidenceMissing = evidenceMissing(dataDir, fleet);
    for (const { code, n } of ops.prepare('SELECT code, COUNT(*) AS n FROM dead_letters GROUP BY code').all() as { code: string; n: number }[]) check.deadLetters[code] = n;
    return check;
  } finally {
    telemetry.close();
    ops.close();
  }
}

/** The admin token the service generated into DATA_DIR. */
