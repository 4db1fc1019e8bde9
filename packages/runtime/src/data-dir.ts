import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What `secureDataDir` found and did; `warnings` are for the operator, each one line in Chinese then English. */
export type DataDirCheck = {
  /** Whether the service created the folder now (0700). */
  isCreated: boolean;
  /** The folder's mode as found, e.g. `0755`, when it already existed. */
  foundMode?: string;
  /** Files and folders inside that were tightened to owner-only (paths relative to the folder). */
  tightened: string[];
  warnings: string[];
};

/** Folders inside DATA_DIR are walked this deep (DATA_DIR/keys/... is one level). */
const MAX_DEPTH = 4;

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/**
 * Makes DATA_DIR owner-only (issue 12, item 7; decision 0020). The stores, the spool, the admin token,
 * the service secret and the signing keys live there; another local user must not read them.
 * - A folder that does not exist is created 0700.
 * - A folder that exists is the operator's: it is never chmodded. When group or others may enter it, a
 *   warning names it, its mode and the fix.
 * - Files and folders inside that this user owns lose their group and other bits (a data folder from an
 *   older version has ops.db 0644): files keep their owner bits, folders become 0700.
 * Files created afterwards are owner-only by the process umask (`restrictUmask`), SQLite's -wal and -shm
 * and the worker threads' files included.
 */
export function secureDataDir(dataDir: string): DataDirCheck {
  const path = resolve(dataDir);
  if (!existsSync(path)) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask, which may be wider than ours when called from elsewhere.
    chmodSync(path, 0o700);
    return { isCreated: true, tightened: [], warnings: [] };
  }
  const stat = lstatSync(path);
  const warnings: string[] = [];
  const foundMode = octal(stat.mode);
  if ((stat.mode & 0o077) !== 0) {
    warnings.push(
      `警告：数据目录 ${path} 的权限为 ${foundMode}，同一台机器上的其他用户可以进入并读取其中的数据库和密钥；请执行 chmod 700 ${path}。` +
        ` Warning: the data folder ${path} has mode ${foundMode}: other local users can enter it and read its databases and secrets; run: chmod 700 ${path}`,
    );
  }
  const tightened: string[] = [];
  const uid = process.getuid?.();
  const walk = (folder: string, relative: string, depth: number) => {
    for (const name of readdirSync(folder)) {
      const full = join(folder, name);
      const rel = relative ? `${relative}/${name}` : name;
      const entry = lstatSync(full);
      // Symbolic links and files of other users are left alone: they are not the service's to change.
      if (entry.isSymbolicLink() || (uid !== undefined && entry.uid !== uid)) continue;
      if (entry.isDirectory()) {
        if ((entry.mode & 0o077) !== 0) {
          chmodSync(full, 0o700);
          tightened.push(`${rel}/ ${octal(entry.mode)}→0700`);
        }
        if (depth < MAX_DEPTH) walk(full, rel, depth + 1);
      } else if (entry.isFile() && (entry.mode & 0o077) !== 0) {
        const mode = entry.mode & 0o700;
        chmodSync(full, mode);
        tightened.push(`${rel} ${octal(entry.mode)}→${octal(mode)}`);
      }
    }
  };
  walk(path, '', 1);
  if (tightened.length > 0) {
    warnings.push(
      `注意：数据目录 ${path} 中有 ${tightened.length} 个文件或目录原先其他用户可读，已改为仅所有者可读写（${tightened.join(', ')}）。` +
        ` Note: ${tightened.length} file(s) or folder(s) in the data folder ${path} were readable by other users and are now owner-only (${tightened.join(', ')}).`,
    );
  }
  return { isCreated: false, foundMode, tightened, warnings };
}

/**
 * Files and folders the process creates from now on are owner-only (0600, 0700), whoever creates them:
 * SQLite (the database, -wal, -shm), the writer worker threads, the secrets. The umask is per process,
 * so worker threads share it. Returns the previous umask.
 */
export function restrictUmask(): number {
  return process.umask(0o077);
}
