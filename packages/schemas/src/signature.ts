import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32 raw key bytes follow it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
// DER prefix of an Ed25519 PKCS#8 private key (RFC 8410): the 32-byte seed follows it.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Decodes a raw 32-byte Ed25519 public key given as base64 or base64url; null when it is not one. */
export function parseEd25519PublicKey(text: string): KeyObject | null {
  const raw = Buffer.from(text.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/** A signed telemetry message: the v1 message as a JSON string, and the signature over its UTF-8 bytes. */
export type SignedEnvelope = { signed: string; sig: string };

/** Whether a parsed payload is a signed envelope (`{"signed": "...", "sig": "..."}`). */
export function isSignedEnvelope(json: unknown): json is SignedEnvelope {
  return typeof json === 'object' && json !== null && typeof (json as SignedEnvelope).signed === 'string' && 'sig' in json;
}

/** Verifies an envelope's Ed25519 signature over the exact UTF-8 bytes of `signed`. */
export function verifyEnvelope(envelope: SignedEnvelope, publicKey: KeyObject): boolean {
  if (typeof envelope.sig !== 'string') return false;
  const signature = Buffer.from(envelope.sig, 'base64');
  if (signature.length !== 64) return false;
  return verify(null, Buffer.from(envelope.signed, 'utf8'), publicKey, signature);
}

/**
 * Signs a telemetry message as a device does (firmware-sim, and the reference for firmware authors):
 * returns the payload to publish. `seed` is the device's 32-byte private key, base64.
 */
export function signTelemetry(message: unknown, seed: string): string {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seed, 'base64')]), format: 'der', type: 'pkcs8' });
  const signed = JSON.stringify(message);
  return JSON.stringify({ signed, sig: sign(null, Buffer.from(signed, 'utf8'), key).toString('base64') });
}
