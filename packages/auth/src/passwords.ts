import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * People's passwords, hashed with scrypt, a memory-hard KDF built into Node (decision 0019). Parameters
 * from the OWASP Password Storage Cheat Sheet: N = 2^17 (128 MiB), r = 8, p = 1. They are stored with
 * the hash (`scrypt2$N$r$p$salt$hash`), so raising them later keeps old hashes verifiable.
 */
export const PASSWORD_KDF = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function scryptHash(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // maxmem: 128 * N * r bytes are needed; twice that leaves room.
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N, r, p, maxmem: 256 * N * r }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Hashes a person's password for storage (about 0.3 s and 128 MiB, on the libuv thread pool). */
export async function hashPassword(password: string, kdf: { N: number; r: number; p: number } = PASSWORD_KDF): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptHash(password, salt, kdf.N, kdf.r, kdf.p);
  return `scrypt2$${kdf.N}$${kdf.r}$${kdf.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Checks a password against a stored hash in constant time; false for anything malformed. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt2' || !salt || !hash) return false;
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  if (![N, R, P].every((v) => Number.isSafeInteger(v) && v > 0) || N > 2 ** 20) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptHash(password, Buffer.from(salt, 'base64url'), N, R, P);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The prefix of API keys: recognisable in a leaked file or a secret scanner. */
export const API_KEY_PREFIX = 'cck_';

/**
 * A new API key: `cck_<id>_<secret>`. The id finds the stored key; the secret (256 random bits) is
 * checked against its sha256 hash (decision 0010: a random secret needs no slow hash).
 */
export function generateApiKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `${API_KEY_PREFIX}${id}_${secret}` };
}

/** Splits an API key into its id and secret; undefined when it does not have the form. */
export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  if (!key.startsWith(API_KEY_PREFIX)) return undefined;
  const rest = key.slice(API_KEY_PREFIX.length);
  const cut = rest.indexOf('_');
  if (cut <= 0 || cut === rest.length - 1) return undefined;
  return { id: rest.slice(0, cut), secret: rest.slice(cut + 1) };
}
