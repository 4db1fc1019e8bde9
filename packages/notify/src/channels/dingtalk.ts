import { createHmac } from 'node:crypto';
import type { NotifyEvent } from '../events.ts';
import { describeEvent } from '../message.ts';
import type { MessageOptions, NotifyMessage } from '../message.ts';

/** A DingTalk custom robot markdown message (open.dingtalk.com, 自定义机器人发送群消息, msgtype markdown). */
export type DingTalkMarkdown = { msgtype: 'markdown'; markdown: { title: string; text: string } };

/** DingTalk's markdown subset: headings, bold, lists, links. `title` is what the chat list previews. */
export function renderDingTalkMarkdown(message: NotifyMessage): DingTalkMarkdown {
  const separator = message.lang === 'zh' ? '：' : ': ';
  const lines = message.fields.map((f) => `- **${f.label}**${separator}${f.value}`);
  return {
    msgtype: 'markdown',
    markdown: {
      title: message.title,
      text: `### ${message.title}\n\n${lines.join('\n')}\n\n[${message.link.label}](${message.link.url})`,
    },
  };
}

/** Formats an event as a DingTalk robot markdown message. */
export function formatDingTalkMessage(event: NotifyEvent, options: MessageOptions): DingTalkMarkdown {
  return renderDingTalkMarkdown(describeEvent(event, options));
}

/**
 * The robot's 加签 (signing) security setting: `sign` = base64(HMAC-SHA256(key = secret,
 * message = `${timestampMs}\n${secret}`)), sent URL-encoded with `timestamp` (epoch ms) as query
 * parameters; DingTalk refuses a timestamp more than an hour from its clock, so this is done per attempt.
 */
export function signDingTalkUrl(url: string, secret: string, nowMs: number): string {
  const timestampMs = Math.floor(nowMs);
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  const signed = new URL(url);
  // URLSearchParams percent-encodes `+`, `/` and `=`: the urlencode DingTalk expects.
  signed.searchParams.set('timestamp', String(timestampMs));
  signed.searchParams.set('sign', sign);
  return signed.toString();
}
