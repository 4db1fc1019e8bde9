import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, hashSecretWithScrypt, verifySecret } from './secrets.ts';

describe('stored secrets', () => {
  it('verifies a generated secret against its SHA-256 form, and refuses any other', async () => {
    const secret = generateSecret();
    const stored = await hashSecret(secret);
    expect(stored).toMatch(/^sha256\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(`${secret}x`, stored)).toBe(false);
    expect(await verifySecret('', stored)).toBe(false);
  });

  it('still verifies hashes stored in the former scrypt form', async () => {
    const stored = await hashSecretWithScrypt('device-secret');
    expect(stored).toMatch(/^scrypt\$/);
    expect(await verifySecret('device-secret', stored)).toBe(true);
    expect(await verifySecret('device-secreT', stored)).toBe(false);
  });

  it('refuses a stored value of no known form', async () => {
    for (const stored of ['', 'plain', 'md5$abc', 'sha256$', 'scrypt$onlysalt']) expect(await verifySecret('x', stored)).toBe(false);
  });
});
