import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** How hard SQLite syncs commits: FULL survives power loss in WAL mode, NORMAL only a process crash. */
export type SqliteSync = 'FULL' | 'NORMAL';

/** The settings every connection to a coldchain database gets (SQLite keeps them per connection). */
export function connectionPragmas(sync: SqliteSync): string[] {
  return [
    'journal_mode = WAL',
    `synchronous = ${sync}`,
    // Several processes (the separate services) may share one file: wait for a lock instead of failing.
    'busy_timeout = 5000',
    // 64 MiB of page cache instead of 2: 100,000 shipments' rows and indexes stay in memory.
    'cache_size = -65536',
    'foreign_keys = ON',
  ];
}

/**
 * Opens (creating when needed) a SQLite database in WAL mode and brings its schema up to date.
 * `migrations[i]` takes the schema from version i to i + 1 (tracked in `PRAGMA user_version`).
 */
export function openDatabase(path: string, migrations: readonly string[], sync: SqliteSync = 'FULL', options: { isPrivate?: boolean } = {}): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // A file holding secrets is the owner's only; SQLite gives -wal and -shm the same permissions.
  if (options.isPrivate && path !== ':memory:') chmodSync(path, 0o600);
  for (const pragma of connectionPragmas(sync)) db.pragma(pragma);
  // IMMEDIATE takes the write lock first and the version is read under it, so processes opening a fresh
  // folder at once (the separate services) migrate it once, one after the other.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < migrations.length; v++) db.exec(migrations[v]!);
    if (version < migrations.length) db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
  return db;
}
