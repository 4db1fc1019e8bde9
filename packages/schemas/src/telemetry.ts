import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { describeDuplicateKey, findDuplicateKey } from './duplicate-keys.ts';
import { isSignedEnvelope, verifyEnvelope } from './signature.ts';
import { formatZodError } from './zod-error.ts';

import { decodeCommonShape } from './telemetry-fast-path.ts';
import { MAX_MESSAGE_BYTES, MAX_READINGS_PER_MESSAGE } from './telemetry-types.ts';
import type { TelemetryMessage } from './telemetry-types.ts';

export { MAX_MESSAGE_BYTES, MAX_READINGS_PER_MESSAGE };
export type { Reading, TelemetryMessage } from './telemetry-types.ts';

// ISO-8601 with an explicit offset: a reading's time must not depend on the server's zone.
const isoTimestamp = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value));
const epochMs = z.number().int('must be an integer of epoch milliseconds').nonnegative('must not be negative');

/** One reading as a device sends it. */
export const readingInputSchema = z.object({
  ts: z.union([epochMs, isoTimestamp], {
    error: 'must be epoch milliseconds (integer) or an ISO-8601 timestamp with offset',
  }),
  // JSON has no NaN or Infinity literals, but 1e999 parses to Infinity: zod refuses non-finite numbers.
  tempC: z.number({ error: (issue) => (issue.input === Infinity || issue.input === -Infinity ? 'must be a finite number' : 'must be a number') }),
  // null is the same as absent: a logger without a humidity sensor may send it.
  rhPct: z
    .number({ error: (issue) => (issue.input === Infinity || issue.input === -Infinity ? 'must be a finite number' : 'must be a number') })
    .min(0, 'must be at least 0')
    .max(100, 'must be at most 100')
    .nullish(),
});

/** A telemetry message: `{"seq"?: int, "readings": [...]}` on `coldchain/v1/devices/{id}/telemetry`. */
export const telemetryMessageSchema = z.object({
  seq: z.number().int('must be an integer').nonnegative('must be at least 0').optional(),
  readings: z
    .array(readingInputSchema, { error: 'must be an array of readings' })
    .min(1, 'must hold at least one reading')
    .max(MAX_READINGS_PER_MESSAGE, `must hold at most ${MAX_READINGS_PER_MESSAGE} readings`),
});


/** Stable codes for why a telemetry message was refused. */
export type TelemetryRejectCode =
  | 'message.empty'
  | 'message.too_large'
  | 'message.not_json'
  | 'message.invalid'
  | 'message.duplicate_key'
  | 'signature.missing'
  | 'signature.invalid';

/** The result of decoding a telemetry message: the readings, or why it was refused. */
export type DecodeResult =
  | { ok: true; message: TelemetryMessage; isSigned: boolean }
  | { ok: false; code: TelemetryRejectCode; reason: string };

/**
 * Decodes and validates one telemetry message. Pure: the same bytes (and key) always give the same
 * answer, so ingest and rules, which consume the stream independently, agree on what a message holds.
 * A device registered with an Ed25519 key (`publicKey`) must send the signed envelope
 * `{"signed": "<message JSON>", "sig": "<base64 signature over the UTF-8 bytes of signed>"}`.
 * An object holding a key twice, in the message or the envelope, refuses the message
 * (`message.duplicate_key`): JSON.parse would silently keep the last value.
 */
export function decodeTelemetry(payload: Uint8Array, publicKey?: KeyObject | null): DecodeResult {
  if (payload.byteLength === 0) return { ok: false, code: 'message.empty', reason: 'message is empty' };
  if (payload.byteLength > MAX_MESSAGE_BYTES) {
    return {
      ok: false,
      code: 'message.too_large',
      reason: `message is ${payload.byteLength} bytes; the limit is ${MAX_MESSAGE_BYTES}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (error) {
    return { ok: false, code: 'message.not_json', reason: `not valid JSON: ${(error as Error).message}` };
  }
  // JSON.parse keeps the last of two equal keys: {"tempC":4,"tempC":30} would store 30 °C (issue 8).
  const duplicate = findDuplicateKey(payload);
  if (duplicate) return { ok: false, code: 'message.duplicate_key', reason: describeDuplicateKey(duplicate) };
  let isSigned = false;
  if (isSignedEnvelope(json)) {
    if (publicKey && !verifyEnvelope(json, publicKey)) {
      return { ok: false, code: 'signature.invalid', reason: 'sig: the Ed25519 signature does not verify against the UTF-8 bytes of "signed" with the device\'s registered key' };
    }
    isSigned = Boolean(publicKey);
    const { signed } = json;
    try {
      json = JSON.parse(signed);
    } catch (error) {
      return { ok: false, code: 'message.not_json', reason: `signed: not valid JSON: ${(error as Error).message}` };
    }
    // Scanned as the UTF-8 bytes the signature covers: a raw lone surrogate in "signed" (only a \u escape
    // in the envelope can put one there) is U+FFFD in them, so two keys differing only there count as one.
    const signedDuplicate = findDuplicateKey(Buffer.from(signed, 'utf8'));
    if (signedDuplicate) return { ok: false, code: 'message.duplicate_key', reason: `signed: ${describeDuplicateKey(signedDuplicate)}` };
  } else if (publicKey) {
    return { ok: false, code: 'signature.missing', reason: 'this device is registered with an Ed25519 key: send {"signed": "<message JSON>", "sig": "<base64 signature>"}' };
  }
  // Most messages take the fast path; zod decides (and names the field and rule) for the rest.
  const common = decodeCommonShape(json);
  if (common) return { ok: true, isSigned, message: common };
  const parsed = telemetryMessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'message.invalid', reason: formatZodError(parsed.error) };
  return {
    ok: true,
    isSigned,
    message: {
      seq: parsed.data.seq ?? null,
      readings: parsed.data.readings.map((r) => ({ sampledAt: r.ts, tempC: r.tempC, rhPct: r.rhPct ?? null })),
    },
  };
}
