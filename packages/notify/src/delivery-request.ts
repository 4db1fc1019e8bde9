import { signDingTalkUrl } from './channels/dingtalk.ts';
import { signFeishuBody } from './channels/feishu.ts';
import { buildWebhookRequest, WEBHOOK_HEADERS } from './channels/webhook.ts';
import type { SignedRequest } from './channels/webhook.ts';

/** Where a notification goes: the signed generic webhook or one of the robot webhooks Chinese teams use. */
export type Channel = 'webhook' | 'dingtalk' | 'wecom' | 'feishu';

export const CHANNELS: readonly Channel[] = ['webhook', 'dingtalk', 'wecom', 'feishu'];

/** One delivery as the outbox holds it: `body` is the payload serialized once, at enqueue. */
export type DeliveryTarget = { channel: Channel; url: string; secret: string | null; body: string; key: string };

/**
 * Builds the HTTP request of one attempt (pure: the time is an argument). Signatures carry the attempt's
 * time, since every platform bounds the clock skew it accepts; the delivery key never changes.
 */
export function buildDeliveryRequest(target: DeliveryTarget, nowMs: number): SignedRequest {
  const headers = { 'Content-Type': 'application/json', [WEBHOOK_HEADERS.delivery]: target.key };
  switch (target.channel) {
    case 'webhook':
      if (target.secret === null) throw new Error('a webhook delivery needs a secret');
      return buildWebhookRequest({ url: target.url, secret: target.secret, body: target.body, key: target.key, nowMs });
    case 'dingtalk':
      return { url: target.secret === null ? target.url : signDingTalkUrl(target.url, target.secret, nowMs), headers, body: target.body };
    case 'feishu': {
      if (target.secret === null) return { url: target.url, headers, body: target.body };
      const payload = JSON.parse(target.body) as object;
      return { url: target.url, headers, body: JSON.stringify(signFeishuBody(payload, target.secret, nowMs)) };
    }
    case 'wecom':
      return { url: target.url, headers, body: target.body };
  }
}

/** What a robot said in a 2xx reply. */
export type RobotReply = { ok: true } | { ok: false; code: number; message: string; isPermanent: boolean };

/**
 * Robot codes that no retry can fix: the message itself is refused. Others (signature, rate limit 11232 /
 * 45009 / 130101, platform busy) are retried until the outbox's maximum age.
 */
const PERMANENT_CODES: Readonly<Record<Exclude<Channel, 'webhook'>, readonly number[]>> = {
  dingtalk: [],
  // markdown.content exceeds 4,096 bytes
  wecom: [40058],
  // 9499: Bad Request (malformed body or over 20 KB)
  feishu: [9499],
};

/**
 * DingTalk and WeCom answer HTTP 200 with `{"errcode": n, "errmsg"}` and Feishu with `{"code": n, "msg"}`
 * (older replies: `StatusCode`): a nonzero code is a failure. The generic webhook's body is not read.
 */
export function readRobotReply(channel: Channel, text: string): RobotReply {
  if (channel === 'webhook') return { ok: true };
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    // The HTTP status said it was accepted; a robot that answers without JSON is not ours to second-guess.
    return { ok: true };
  }
  if (typeof reply !== 'object' || reply === null) return { ok: true };
  const fields = reply as Record<string, unknown>;
  const code = channel === 'feishu' ? (fields.code ?? fields.StatusCode) : fields.errcode;
  if (code === undefined || code === 0 || code === '0') return { ok: true };
  const numeric = Number(code);
  const message = String((channel === 'feishu' ? (fields.msg ?? fields.StatusMessage) : fields.errmsg) ?? '');
  return { ok: false, code: numeric, message, isPermanent: PERMANENT_CODES[channel].includes(numeric) };
}
