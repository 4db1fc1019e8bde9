import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret } from '@coldchain/auth';

/**
 * A secret from the environment when given, else the one kept in DATA_DIR/<name>, generated on first
 * start (file mode 0600, in a folder created 0700), so a restart keeps the same token. Never logged or
 * printed: the banner says where the file is.
 */
export function loadOrCreateSecret(dataDir: string, name: string, fromEnv: string | undefined): { value: string; isGenerated: boolean } {
  if (fromEnv) return { value: fromEnv, isGenerated: false };
  const path = join(dataDir, name);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), isGenerated: false };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const value = generateSecret();
  writeFileSync(path, value + '\n', { mode: 0o600 });
  return { value, isGenerated: true };
}
