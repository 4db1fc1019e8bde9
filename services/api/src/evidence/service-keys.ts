import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyIdOf, rawPublicKey } from '@coldchain/evidence';
import type { EvidenceStore, ServiceKey } from '@coldchain/storage';

/** The key that signs chain heads now. */
export type SigningKey = { keyId: string; privateKey: KeyObject };

/**
 * The service's Ed25519 signing keys (decision 0017). The public keys and their validity are in the
 * evidence store (published at GET /api/v1/keys); each private key is a PEM file under
 * `<dataDir>/keys/` (folder 0700, file 0600), named by its key id, never logged or served. Without a
 * data folder (tests, tools) the keys live in memory only.
 */
export class ServiceKeys {
  private readonly memory = new Map<string, KeyObject>();

  constructor(
    private readonly store: Pick<EvidenceStore, 'listServiceKeys' | 'addServiceKey'>,
    private readonly dataDir: string | undefined,
    private readonly now: () => number,
  ) {}

  list(): Promise<ServiceKey[]> {
    return this.store.listServiceKeys();
  }

  /** The current key, made on first use. */
  async current(): Promise<SigningKey> {
    const current = (await this.store.listServiceKeys()).find((k) => k.retiredAt === null);
    const privateKey = current && this.load(current.keyId);
    if (current && privateKey) return { keyId: current.keyId, privateKey };
    return this.rotate();
  }

  /** Makes a new key current; the one before is retired (still published: old heads still verify). */
  async rotate(): Promise<SigningKey> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(publicKey);
    const keyId = keyIdOf(raw);
    this.save(keyId, privateKey);
    await this.store.addServiceKey({ keyId, publicKey: raw.toString('base64url'), createdAt: this.now() });
    return { keyId, privateKey };
  }

  private folder(): string | undefined {
    if (!this.dataDir) return undefined;
    const dir = join(this.dataDir, 'keys');
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return dir;
  }

  private save(keyId: string, privateKey: KeyObject): void {
    const dir = this.folder();
    if (!dir) {
      this.memory.set(keyId, privateKey);
      return;
    }
    const path = join(dir, `evidence-${keyId}.pem`);
    writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  }

  private load(keyId: string): KeyObject | undefined {
    const dir = this.folder();
    if (!dir) return this.memory.get(keyId);
    const path = join(dir, `evidence-${keyId}.pem`);
    if (!existsSync(path)) return undefined;
    const key = createPrivateKey(readFileSync(path, 'utf8'));
    // The file must hold the key the store publishes under this id.
    return keyIdOf(rawPublicKey(createPublicKey(key))) === keyId ? key : undefined;
  }
}
