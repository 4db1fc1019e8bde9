import { createHmac } from 'node:crypto';
import type { NotifyEvent } from '../events.ts';
import { describeEvent, renderPlainText } from '../message.ts';
import type { MessageOptions, NotifyMessage, Severity } from '../message.ts';

type PlainText = { tag: 'plain_text'; content: string };
type LarkMd = { tag: 'lark_md'; content: string };

/** A Feishu (飞书) custom bot message card (open.feishu.cn, 自定义机器人使用指南, msg_type interactive). */
export type FeishuCard = {
  msg_type: 'interactive';
  card: {
    config: { wide_screen_mode: true };
    header: { title: PlainText; template: string };
    elements: Array<
      | { tag: 'div'; fields: Array<{ is_short: boolean; text: LarkMd }> }
      | { tag: 'action'; actions: Array<{ tag: 'button'; text: PlainText; type: 'primary'; url: string }> }
    >;
  };
};

/** A Feishu custom bot text message. */
export type FeishuText = { msg_type: 'text'; content: { text: string } };

/** A Feishu message; with a secret, `signFeishuBody` adds `timestamp` and `sign`. */
export type FeishuMessage = FeishuCard | FeishuText;

/** Card header colours (Feishu card `header.template`). */
const TEMPLATES: Readonly<Record<Severity, string>> = {
  critical: 'red',
  major: 'orange',
  minor: 'yellow',
  info: 'blue',
  ok: 'green',
  claim: 'purple',
};

/** A card: coloured header, the fields two to a row (reasons a full row), a button to the console. */
export function renderFeishuCard(message: NotifyMessage): FeishuCard {
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: message.title }, template: TEMPLATES[message.severity] },
      elements: [
        {
          tag: 'div',
          fields: message.fields.map((f) => ({ is_short: !f.isLong, text: { tag: 'lark_md', content: `**${f.label}**\n${f.value}` } })),
        },
        { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: message.link.label }, type: 'primary', url: message.link.url }] },
      ],
    },
  };
}

/** Formats an event for a Feishu custom bot: a message card by default, plain text on request. */
export function formatFeishuMessage(event: NotifyEvent, options: MessageOptions & { format?: 'card' | 'text' }): FeishuMessage {
  const message = describeEvent(event, options);
  return options.format === 'text' ? { msg_type: 'text', content: { text: renderPlainText(message) } } : renderFeishuCard(message);
}

/**
 * The bot's 签名校验 setting: `sign` = base64(HMAC-SHA256(key = `${timestampS}\n${secret}`, message =
 * empty)), sent in the body with `timestamp` in epoch seconds (as a string); Feishu refuses a timestamp
 * more than an hour from its clock (code 19021), so this is done per attempt.
 */
export function signFeishuBody<T extends object>(payload: T, secret: string, nowMs: number): T & { timestamp: string; sign: string } {
  const timestampS = String(Math.floor(nowMs / 1000));
  const sign = createHmac('sha256', `${timestampS}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
  return { ...payload, timestamp: timestampS, sign };
}
