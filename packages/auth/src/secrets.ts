import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_BYTES = 32;

/** A new random secret (device password, API token): 32 bytes, base64url. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** An unguessable trace code for the QR on a box: 16 random bytes, base64url (128 bits). */
export function generateTraceCode(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Hashes a secret this service generated (`generateSecret`: 256 random bits) for storage:
 * `sha256$<hash>`. A slow KDF protects guessable passwords; a 256-bit random secret cannot be guessed
 * from its SHA-256 whatever the cost per guess, and a slow check per CONNECT is what let a flood of wrong
 * passwords starve real devices (issue 8, decision 0010). People's passwords need a memory-hard KDF
 * instead; they never go through this function.
 */
export async function hashSecret(secret: string): Promise<string> {
  return `sha256$${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

/** The former storage form, `scrypt$<salt>$<hash>`: still verified, for hashes stored before decision 0010. */
export async function hashSecretWithScrypt(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, KEY_BYTES);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Checks a secret against a stored hash (`sha256$...`, or the former `scrypt$...`) in constant time. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, first, second] = stored.split('$');
  if (scheme === 'sha256' && first) {
    const expected = Buffer.from(first, 'base64url');
    const actual = createHash('sha256').update(secret, 'utf8').digest();
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
  if (scheme !== 'scrypt' || !first || !second) return false;
  const expected = Buffer.from(second, 'base64url');
  const actual = await scryptAsync(secret, Buffer.from(first, 'base64url'), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Compares two tokens in constant time (for the admin token, kept in memory in plain). */
export function isSameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
