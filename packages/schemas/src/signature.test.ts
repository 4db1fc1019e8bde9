import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEd25519PublicKey, signTelemetry } from './signature.ts';
import { decodeTelemetry } from './telemetry.ts';

function deviceKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    seed: privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64url'),
  };
}

const message = { seq: 4, readings: [{ ts: 1_780_000_000_000, tempC: 4.25, rhPct: 91 }] };
const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('signed telemetry (Ed25519 over the UTF-8 bytes of "signed")', () => {
  const device = deviceKeys();
  const key = parseEd25519PublicKey(device.publicKey);

  it('accepts a message signed with the registered key', () => {
    const result = decodeTelemetry(bytes(signTelemetry(message, device.seed)), key);
    expect(result).toEqual({ ok: true, isSigned: true, message: { seq: 4, readings: [{ sampledAt: 1_780_000_000_000, tempC: 4.25, rhPct: 91 }] } });
  });

  it('refuses an unsigned message from a device registered with a key', () => {
    expect(decodeTelemetry(bytes(JSON.stringify(message)), key)).toMatchObject({ ok: false, code: 'signature.missing' });
  });

  it('refuses a message whose content was changed after signing', () => {
    const envelope = JSON.parse(signTelemetry(message, device.seed)) as { signed: string; sig: string };
    const tampered = JSON.stringify({ ...envelope, signed: envelope.signed.replace('4.25', '2.25') });
    expect(decodeTelemetry(bytes(tampered), key)).toMatchObject({ ok: false, code: 'signature.invalid', reason: expect.stringContaining('sig:') });
  });

  it("refuses a message signed with another device's key", () => {
    expect(decodeTelemetry(bytes(signTelemetry(message, deviceKeys().seed)), key)).toMatchObject({ ok: false, code: 'signature.invalid' });
  });

  it('refuses a malformed signature', () => {
    const envelope = JSON.parse(signTelemetry(message, device.seed)) as { signed: string };
    expect(decodeTelemetry(bytes(JSON.stringify({ signed: envelope.signed, sig: 'AAAA' })), key)).toMatchObject({ ok: false, code: 'signature.invalid' });
  });

  it('validates the signed content like any message', () => {
    const payload = signTelemetry({ readings: [{ ts: 'yesterday', tempC: 4 }] }, device.seed);
    expect(decodeTelemetry(bytes(payload), key)).toMatchObject({ ok: false, code: 'message.invalid', reason: expect.stringContaining('readings[0].ts') });
  });

  it('reads the envelope of a device without a key as its message, unverified', () => {
    expect(decodeTelemetry(bytes(signTelemetry(message, device.seed)), null)).toMatchObject({ ok: true, isSigned: false });
  });

  it('parses public keys in base64 and base64url, and nothing else', () => {
    expect(parseEd25519PublicKey(device.publicKey)).not.toBeNull();
    expect(parseEd25519PublicKey(Buffer.from(device.publicKey, 'base64url').toString('base64'))).not.toBeNull();
    expect(parseEd25519PublicKey('too-short')).toBeNull();
    expect(parseEd25519PublicKey(Buffer.alloc(33).toString('base64'))).toBeNull();
  });
});
