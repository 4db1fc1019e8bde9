import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotifyEvent } from '../events.ts';

/** An HTTP request ready to send: the signing done, nothing left but the I/O. */
export type SignedRequest = { url: string; headers: Record<string, string>; body: string };

/** Headers of the signed generic webhook (README.md, "Signed webhooks"). */
export const WEBHOOK_HEADERS = {
  timestamp: 'X-Coldchain-Timestamp',
  signature: 'X-Coldchain-Signature',
  delivery: 'X-Coldchain-Delivery',
} as const;

/** Default replay window of `verifyWebhookSignature`, in seconds. */
export const DEFAULT_WEBHOOK_TOLERANCE_S = 300;

/** The generic webhook's body is the event itself, as on the MQTT topics: receivers parse one schema. */
export function formatWebhookPayload(event: NotifyEvent): NotifyEvent {
  return event;
}

/** `v1=` and the hex HMAC-SHA256, keyed by the secret, of `${timestampS}.${body}`. */
export function signWebhookBody(secret: string, timestampS: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret).update(`${timestampS}.`);
  hmac.update(body);
  return `v1=${hmac.digest('hex')}`;
}

/**
 * Builds a signed webhook request. The timestamp and signature are made per attempt (a retry an hour
 * later must still fall in the receiver's replay window); the delivery key is the same on every attempt.
 */
export function buildWebhookRequest(input: { url: string; secret: string; body: string; key: string; nowMs: number }): SignedRequest {
  const timestampS = Math.floor(input.nowMs / 1000);
  return {
    url: input.url,
    headers: {
      'Content-Type': 'application/json',
      [WEBHOOK_HEADERS.timestamp]: String(timestampS),
      [WEBHOOK_HEADERS.signature]: signWebhookBody(input.secret, timestampS, input.body),
      [WEBHOOK_HEADERS.delivery]: input.key,
    },
    body: input.body,
  };
}

/** Why a webhook request was refused; `ok: true` when it is authentic and fresh. */
export type WebhookVerification =
  | { ok: true; timestampS: number }
  | { ok: false; code: 'malformed_timestamp' | 'stale_timestamp' | 'malformed_signature' | 'signature_mismatch'; message: string };

/**
 * Checks a request received from the coldchain webhook: the `X-Coldchain-Timestamp` header must be within
 * `toleranceS` seconds of `now` (epoch ms) either way, and one of the `v1=` values of
 * `X-Coldchain-Signature` (comma-separated, for secret rotation) must be the HMAC of
 * `${timestamp}.${body}` over the body's exact bytes, compared in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | undefined,
  body: string | Uint8Array,
  signature: string | undefined,
  now: number,
  toleranceS = DEFAULT_WEBHOOK_TOLERANCE_S,
): WebhookVerification {
  const timestampS = typeof timestamp === 'number' ? timestamp : /^\d{1,12}$/.test(timestamp ?? '') ? Number(timestamp) : NaN;
  if (!Number.isInteger(timestampS)) {
    return { ok: false, code: 'malformed_timestamp', message: `${WEBHOOK_HEADERS.timestamp} must be epoch seconds` };
  }
  if (Math.abs(now / 1000 - timestampS) > toleranceS) {
    return { ok: false, code: 'stale_timestamp', message: `${WEBHOOK_HEADERS.timestamp} is more than ${toleranceS} s from now` };
  }
  const candidates = (signature ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^v1=[0-9a-f]{64}$/.test(part))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
  if (candidates.length === 0) {
    return { ok: false, code: 'malformed_signature', message: `${WEBHOOK_HEADERS.signature} must hold v1=<64 hex digits>` };
  }
  const expected = Buffer.from(signWebhookBody(secret, timestampS, body).slice(3), 'hex');
  // Check every candidate so the time taken does not tell which one matched.
  let isMatch = false;
  for (const candidate of candidates) isMatch = timingSafeEqual(candidate, expected) || isMatch;
  return isMatch ? { ok: true, timestampS } : { ok: false, code: 'signature_mismatch', message: 'the signature does not match the body and timestamp' };
}
