import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret } from '@coldchain/auth';

/**
 * A secret from the environment when given, else the one kept in DATA_DIR/<name>, generated on first
 * start (file mode 0600), so a restart keeps the same token.
 */
export function loadOrCreateSecret(dataDir: string, name: string, fromEnv: string | undefined): { value: string; isGenerated: boolean } {
  if (fromEnv) return { value: fromEnv, isGenerated: false };
  const path = join(dataDir, name);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), isGenerated: false };
  mkdirSync(dataDir, { recursive: true });
  const value = generateSecret();
  writeFileSync(path, value + '\n', { mode: 0o600 });
  return { value, isGenerated: true };
}
