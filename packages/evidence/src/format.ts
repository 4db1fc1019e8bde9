import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * The evidence chain's format (docs/evidence-format.md). Every entry is one line of JSON, kept as the
 * exact text that was hashed: a verifier hashes the bytes it is given and parses them afterwards, so
 * no canonical JSON is needed. Entry n's `prev` is the SHA-256 (hex) of entry n-1's line; the first
 * entry's is GENESIS.
 */
export const FORMAT_VERSION = 1;
export const GENESIS = '0'.repeat(64);

/** What an entry records. */
export type EntryKind = 'shipment' | 'device_key' | 'message' | 'custody' | 'correction' | 'alert' | 'review' | 'claim';

export type ChainEntry = {
  v: typeof FORMAT_VERSION;
  shipmentId: string;
  /** Position in the shipment's chain, from 1. */
  seq: number;
  kind: EntryKind;
  /** Server time the fact was recorded (received, scanned, changed). */
  at: number;
  prev: string;
  body: unknown;
};

/** The signed statement of a chain's head. */
export type ChainHead = { v: typeof FORMAT_VERSION; shipmentId: string; seq: number; hash: string; signedAt: number; keyId: string };

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** An entry's line: its fields in this order, JSON without spaces. */
export function entryLine(entry: ChainEntry): string {
  const { v, shipmentId, seq, kind, at, prev, body } = entry;
  return JSON.stringify({ v, shipmentId, seq, kind, at, prev, body });
}

/** A head's text: its fields in this order, JSON without spaces; the signature covers its UTF-8 bytes. */
export function headText(head: ChainHead): string {
  const { v, shipmentId, seq, hash, signedAt, keyId } = head;
  return JSON.stringify({ v, shipmentId, seq, hash, signedAt, keyId });
}

/** A key's fingerprint: the first 16 hex digits of SHA-256 over the raw 32-byte Ed25519 public key. */
export function keyIdOf(rawPublicKey: Uint8Array): string {
  return sha256Hex(rawPublicKey).slice(0, 16);
}

/** The raw 32 bytes of an Ed25519 public key (base64url, as published at GET /api/v1/keys). */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' }) as { x?: string };
  if (!jwk.x) throw new Error('not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url');
}

/** An Ed25519 public key from its raw 32 bytes in base64url (or base64). */
export function publicKeyFromRaw(raw: string): KeyObject {
  const bytes = Buffer.from(raw, raw.includes('+') || raw.includes('/') ? 'base64' : 'base64url');
  if (bytes.length !== 32) throw new Error(`an Ed25519 public key has 32 bytes, this one ${bytes.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' });
}

export function signText(text: string, privateKeyPem: string | KeyObject): string {
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  return sign(null, Buffer.from(text, 'utf8'), key).toString('base64');
}

export function verifyText(text: string, signatureBase64: string, publicKey: KeyObject): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length !== 64) return false;
  return verify(null, Buffer.from(text, 'utf8'), publicKey, signature);
}

/** What checking a chain's lines found: the head's hash and seq, or the first line that does not hold. */
export type ChainCheck = { ok: true; seq: number; hash: string; entries: ChainEntry[] } | { ok: false; seq: number; problem: string };

/** Checks a shipment's chain lines: each parses, is numbered in order, and names the hash of the line before. */
export function checkChain(lines: readonly string[], shipmentId: string): ChainCheck {
  let prev = GENESIS;
  const entries: ChainEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let entry: ChainEntry;
    try {
      entry = JSON.parse(line) as ChainEntry;
    } catch {
      return { ok: false, seq: i + 1, problem: `entry ${i + 1} is not valid JSON` };
    }
    if (entry.v !== FORMAT_VERSION) return { ok: false, seq: i + 1, problem: `entry ${i + 1}: format version ${String(entry.v)} is not ${FORMAT_VERSION}` };
    if (entry.shipmentId !== shipmentId) return { ok: false, seq: i + 1, problem: `entry ${i + 1} belongs to shipment ${String(entry.shipmentId)}, not ${shipmentId}` };
    if (entry.seq !== i + 1) return { ok: false, seq: i + 1, problem: `entry ${i + 1} is numbered ${String(entry.seq)}` };
    if (entry.prev !== prev) return { ok: false, seq: i + 1, problem: `entry ${i + 1}: "prev" is not the hash of entry ${i} (the chain is broken there)` };
    if (entryLine(entry) !== line) return { ok: false, seq: i + 1, problem: `entry ${i + 1} is not in the chain's line format (fields reordered or spaced)` };
    prev = sha256Hex(line);
    entries.push(entry);
  }
  return { ok: true, seq: lines.length, hash: prev, entries };
}
