import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTelemetryStoreContract } from '../../contract/telemetry-store.contract.ts';
import type { TelemetryStore } from '../../ports.ts';
import { SqliteTelemetryStore } from './sqlite-telemetry-store.ts';

describeTelemetryStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-telemetry-'));
  const path = join(dir, 'telemetry.db');
  const opened: TelemetryStore[] = [new SqliteTelemetryStore(path)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = new SqliteTelemetryStore(path);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite rollups and change marks', () => {
  const T0 = Date.UTC(2025, 4, 20);
  const reading = (deviceId: string, sampledAt: number, tempC: number) => ({ deviceId, sampledAt, tempC, rhPct: 90, receivedAt: sampledAt });

  it("changes a device's mark when its readings change, and only then", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldchain-telemetry-'));
    const store = new SqliteTelemetryStore(join(dir, 'telemetry.db'));
    try {
      expect(await store.changeMark('dev-a')).toBeNull();
      await store.insertReadings([reading('dev-a', T0, 4)]);
      const first = await store.changeMark('dev-a');
      expect(first).not.toBeNull();
      await store.insertReadings([reading('dev-b', T0, 4)]);
      expect(await store.changeMark('dev-a')).toEqual(first);
      await store.insertReadings([reading('dev-a', T0, 9)]);
      expect(await store.changeMark('dev-a')).toEqual(first);
      // A late reading, before everything stored, changes it.
      await store.insertReadings([reading('dev-a', T0 - 3_600_000, 5)]);
      expect((await store.changeMark('dev-a'))?.mark).not.toBe(first?.mark);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the rollups of readings stored before rollups existed when it opens the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldchain-telemetry-'));
    const path = join(dir, 'telemetry.db');
    // A database as the first schema left it: readings only, user_version 1.
    const old = new Database(path);
    old.exec('CREATE TABLE readings (device_id TEXT NOT NULL, sampled_at INTEGER NOT NULL, temp_c REAL NOT NULL, rh_pct REAL, received_at INTEGER NOT NULL, PRIMARY KEY (device_id, sampled_at)) WITHOUT ROWID');
    const insert = old.prepare('INSERT INTO readings VALUES (?, ?, ?, 90, ?)');
    for (let i = 0; i < 150; i++) insert.run('dev-a', T0 + i * 60_000, i === 70 ? 3 : 5 + (i % 4), T0);
    insert.run('dev-a', T0 + 71 * 60_000 + 1, 3, T0);
    old.pragma('user_version = 1');
    old.close();
    const store = new SqliteTelemetryStore(path);
    try {
      const hours = await store.bucketsBetween('dev-a', T0, T0 + 3 * 3_600_000, 3_600_000);
      expect(hours.map(({ start, count }) => [start, count])).toEqual([
        [T0, 60],
        [T0 + 3_600_000, 61],
        [T0 + 2 * 3_600_000, 30],
      ]);
      expect(hours[1]).toMatchObject({ min: 3, minAt: T0 + 70 * 60_000, max: 8 });
      expect(await store.changeMark('dev-a')).not.toBeNull();
      // And it goes on maintaining them.
      await store.insertReadings([reading('dev-a', T0 + 90 * 60_000 + 5, -1)]);
      expect((await store.bucketsBetween('dev-a', T0 + 3_600_000, T0 + 3_600_000, 3_600_000))[0]).toMatchObject({ min: -1, count: 62 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite telemetry: WAL checkpoints (decision 0026)', () => {
  it('copies written readings into the database file from its checkpointer thread, while the store stays open', async () => {
    const { statSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'coldchain-telemetry-'));
    const path = join(dir, 'telemetry.db');
    const store = new SqliteTelemetryStore(path);
    try {
      const before = statSync(path).size;
      // Under 1,000 pages of WAL, where SQLite's default would checkpoint: only the checkpointer copies them.
      for (let b = 0; b < 5; b++) {
        const readings = Array.from({ length: 1000 }, (_, i) => ({ deviceId: `dev-${i % 20}`, sampledAt: Date.UTC(2025, 4, 20) + (b * 1000 + i) * 1000, tempC: 4, rhPct: 90, receivedAt: Date.UTC(2025, 4, 20) }));
        await store.insertReadings(readings);
      }
      let grown = false;
      for (let i = 0; i < 250 && !grown; i++) {
        grown = statSync(path).size > before + 100_000;
        if (!grown) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(grown).toBe(true);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
