import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionPragmas } from './open-database.ts';
import { SqliteWriter } from './sqlite-writer.ts';

describe('SqliteWriter (a worker thread, a real SQLite file)', () => {
  let dir: string;
  let path: string;
  let reader: Database.Database;
  let writer: SqliteWriter;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-writer-'));
    path = join(dir, 'w.db');
    reader = new Database(path);
    reader.pragma('journal_mode = WAL');
    reader.exec('CREATE TABLE t (name TEXT NOT NULL, a REAL NOT NULL, b REAL, PRIMARY KEY (name, a)) WITHOUT ROWID');
    writer = new SqliteWriter({ path, pragmas: connectionPragmas('FULL'), sql: 'INSERT OR IGNORE INTO t (name, a, b) VALUES (?, ?, ?)' });
  });

  afterEach(async () => {
    await writer.close();
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = () => reader.prepare('SELECT name, a, b FROM t ORDER BY name, a').all();

  it('writes each batch in one transaction and counts the rows it changed; NaN is NULL', async () => {
    expect(await writer.run({ text: ['x', 'y'], numbers: new Float64Array([1, 2.5, 2, Number.NaN]) })).toBe(2);
    // A repeat changes nothing (OR IGNORE) and is counted as such.
    expect(await writer.run({ text: ['x', 'z'], numbers: new Float64Array([1, 9, 3, 4]) })).toBe(1);
    expect(rows()).toEqual([
      { name: 'x', a: 1, b: 2.5 },
      { name: 'y', a: 2, b: null },
      { name: 'z', a: 3, b: 4 },
    ]);
  });

  it('runs batches in the order given, even when several are in flight', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.run({ text: ['n'], numbers: new Float64Array([i, i]) })));
    expect(results).toEqual(Array.from({ length: 20 }, () => 1));
    expect(rows()).toHaveLength(20);
  });

  it('fails a batch whole with SQLite\'s reason and the file, and goes on with the next', async () => {
    // Without OR IGNORE: a is NOT NULL, so the second row fails and the first is rolled back with it.
    const strict = new SqliteWriter({ path, pragmas: connectionPragmas('FULL'), sql: 'INSERT INTO t (name, a, b) VALUES (?, ?, ?)' });
    await expect(strict.run({ text: ['p', 'q'], numbers: new Float64Array([1, 1, Number.NaN, 1]) })).rejects.toThrow(/SQLite write to .*w\.db failed: NOT NULL constraint failed: t\.a/);
    expect(rows()).toEqual([]);
    expect(await strict.run({ text: ['r'], numbers: new Float64Array([1, 1]) })).toBe(1);
    expect(rows()).toEqual([{ name: 'r', a: 1, b: 1 }]);
    await strict.close();
  });

  it('fails the batches in flight with the file and SQLite\'s reason when the writer cannot start, and does not hang', async () => {
    const broken = new SqliteWriter({ path, pragmas: connectionPragmas('FULL'), sql: 'INSERT INTO missing (x) VALUES (?)' });
    await expect(broken.run({ text: ['x'], numbers: new Float64Array(0) })).rejects.toThrow(/SQLite writer for .*w\.db stopped: no such table: missing/);
    // The next batch starts a new worker, which fails the same way rather than leaving the caller waiting.
    await expect(broken.run({ text: ['x'], numbers: new Float64Array(0) })).rejects.toThrow(/SQLite writer for .*w\.db/);
    await broken.close();
  });

  it('refuses writes once closed', async () => {
    await writer.close();
    await expect(writer.run({ text: ['s'], numbers: new Float64Array([1, 1]) })).rejects.toThrow(/closed/);
  });
});
