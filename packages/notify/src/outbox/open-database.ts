import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Opens (creating when needed) the outbox's SQLite file in WAL mode and migrates it. The same recipe as
 * `@coldchain/storage`'s `openDatabase`, which that package does not export; `migrations[i]` takes the
 * schema from version i to i + 1 (`PRAGMA user_version`).
 */
export function openOutboxDatabase(path: string, migrations: readonly string[], sync: 'FULL' | 'NORMAL'): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // The file holds robot secrets and webhook URLs with tokens: owner only. SQLite gives the -wal and
  // -shm files the database file's permissions.
  if (path !== ':memory:') chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  // FULL: an accepted notification survives power loss, not only a process crash.
  db.pragma(`synchronous = ${sync}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < migrations.length; v++) db.exec(migrations[v]!);
    if (version < migrations.length) db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
  return db;
}
