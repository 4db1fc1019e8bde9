import { CHANNELS } from '../delivery-request.ts';
import type { Channel } from '../delivery-request.ts';

/** A notification to deliver: `payload` is a formatter's output (or, for `webhook`, the event). */
export type OutboxEntry = {
  /** Idempotency key: the same key twice is one delivery; sent as `X-Coldchain-Delivery`. */
  key: string;
  channel: Channel;
  url: string;
  /** Webhook signing secret (required for `webhook`), or the DingTalk / Feishu robot's signing secret. */
  secret?: string | null;
  payload: object;
};

/** An entry refused at enqueue, naming the field and the rule. */
export type EntryError = { ok: false; code: 'invalid_entry'; field: keyof OutboxEntry; message: string };

/** Large enough for any formatted message; robots refuse far less (Feishu: 20 KB). */
export const MAX_BODY_BYTES = 256 * 1024;

/** Checks an entry and serializes its payload once: the bytes signed on every attempt are these. */
export function validateEntry(entry: OutboxEntry): { ok: true; body: string; secret: string | null } | EntryError {
  const refuse = (field: keyof OutboxEntry, message: string): EntryError => ({ ok: false, code: 'invalid_entry', field, message });
  // Sent as an HTTP header value: visible ASCII only.
  if (typeof entry.key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(entry.key)) {
    return refuse('key', 'key must be 1 to 200 visible ASCII characters (it is sent as the X-Coldchain-Delivery header)');
  }
  if (!CHANNELS.includes(entry.channel)) return refuse('channel', `channel must be one of ${CHANNELS.join(', ')}`);
  let url: URL;
  try {
    url = new URL(entry.url);
  } catch {
    return refuse('url', 'url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse('url', 'url must be an absolute http(s) URL');
  const secret = entry.secret ?? null;
  if (secret !== null && (typeof secret !== 'string' || secret.length === 0)) return refuse('secret', 'secret must be a non-empty string when given');
  if (entry.channel === 'webhook' && secret === null) return refuse('secret', 'a webhook destination needs a signing secret');
  if (typeof entry.payload !== 'object' || entry.payload === null || Array.isArray(entry.payload)) {
    return refuse('payload', 'payload must be a JSON object');
  }
  const body = JSON.stringify(entry.payload);
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return refuse('payload', `payload must serialize to at most ${MAX_BODY_BYTES} bytes`);
  return { ok: true, body, secret };
}
