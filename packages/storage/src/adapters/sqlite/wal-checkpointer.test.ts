import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionPragmas } from './open-database.ts';
import { SqliteWriter } from './sqlite-writer.ts';
import { WalCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer.ts';

const PAGE = 4096;
/** Polls `check` every 20 ms for at most `ms`; true as soon as it holds. */
async function within(ms: number, check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('WalCheckpointer (its own thread, a real SQLite file, a writer thread committing meanwhile)', () => {
  let dir: string;
  let path: string;
  let writer: SqliteWriter;
  let checkpointer: WalCheckpointer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-checkpoint-'));
    path = join(dir, 'c.db');
    const setup = new Database(path);
    setup.pragma('journal_mode = WAL');
    setup.exec('CREATE TABLE t (name TEXT NOT NULL, a REAL NOT NULL, b REAL, PRIMARY KEY (name, a)) WITHOUT ROWID');
    setup.close();
    // As the stores set up their writers: the automatic checkpoint far above what these tests write.
    writer = new SqliteWriter({ path, pragmas: [...connectionPragmas('FULL'), `wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`], sql: 'INSERT INTO t (name, a, b) VALUES (?, ?, ?)' });
  });

  afterEach(async () => {
    await writer.close();
    await checkpointer?.close();
    checkpointer = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Commits `batches` transactions of 500 rows of about 100 bytes each. */
  async function write(batches: number, from = 0): Promise<void> {
    for (let b = from; b < from + batches; b++) {
      const text = Array.from({ length: 500 }, (_, i) => `device-${String(i % 50).padStart(3, '0')}-${'x'.repeat(80)}`);
      const numbers = new Float64Array(1000);
      for (let i = 0; i < 500; i++) [numbers[i * 2], numbers[i * 2 + 1]] = [b * 500 + i, i];
      await writer.run({ text, numbers });
    }
  }
  const databaseBytes = () => statSync(path).size;

  it('copies committed frames into the database while the writer goes on, long before the writer\'s own mark', async () => {
    checkpointer = new WalCheckpointer({ path, pragmas: connectionPragmas('FULL'), intervalMs: 50 });
    const before = databaseBytes();
    await write(20);
    // About 1 MB in the WAL, far under the writer's 16 MiB mark: only the checkpointer copies it.
    expect(await within(5000, () => databaseBytes() > before + 500_000)).toBe(true);
    // And every row is there, read by a connection of its own.
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 10_000 });
    reader.close();
  });

  it('without a checkpointer the same writes stay in the WAL (what the test above would see without one)', async () => {
    const before = databaseBytes();
    await write(20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(databaseBytes()).toBe(before);
  });

  it('keeps the WAL bounded under continuous writes: it starts over at the writer\'s mark', async () => {
    checkpointer = new WalCheckpointer({ path, pragmas: connectionPragmas('FULL'), intervalMs: 20 });
    // About 40 MB written, 2.5 times the mark.
    await write(320);
    const walBytes = statSync(`${path}-wal`).size;
    expect(walBytes).toBeLessThan((WRITER_AUTOCHECKPOINT_PAGES + 1000) * (PAGE + 24));
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 160_000 });
    reader.close();
  });

  it('closes with a last checkpoint, and closing twice is harmless', async () => {
    checkpointer = new WalCheckpointer({ path, pragmas: connectionPragmas('FULL'), intervalMs: 60_000 });
    const before = databaseBytes();
    await write(4);
    await checkpointer.close();
    expect(databaseBytes()).toBeGreaterThan(before + 200_000);
    await checkpointer.close();
  });
});
