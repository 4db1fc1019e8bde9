import type { NotifyEvent } from '../events.ts';
import { describeEvent } from '../message.ts';
import type { MessageOptions, NotifyMessage, Severity } from '../message.ts';

/** A WeCom (企业微信) group robot markdown message (developer.work.weixin.qq.com, 群机器人配置说明). */
export type WeComMarkdown = { msgtype: 'markdown'; markdown: { content: string } };

/** WeCom markdown offers three font colours: info (green), comment (grey), warning (orange-red). */
const COLOURS: Readonly<Record<Severity, 'info' | 'comment' | 'warning'>> = {
  critical: 'warning',
  major: 'warning',
  minor: 'warning',
  claim: 'warning',
  info: 'comment',
  ok: 'info',
};

/** WeCom refuses markdown content over 4,096 bytes (errcode 40058); messages stay well under it. */
export function renderWeComMarkdown(message: NotifyMessage): WeComMarkdown {
  const separator = message.lang === 'zh' ? '：' : ': ';
  const lines = message.fields.map((f) => `> **${f.label}**${separator}${f.value}`);
  const title = `### <font color="${COLOURS[message.severity]}">${message.title}</font>`;
  return {
    msgtype: 'markdown',
    markdown: { content: `${title}\n${lines.join('\n')}\n[${message.link.label}](${message.link.url})` },
  };
}

/** Formats an event as a WeCom group robot markdown message (WeCom robots have no signing). */
export function formatWeComMessage(event: NotifyEvent, options: MessageOptions): WeComMarkdown {
  return renderWeComMarkdown(describeEvent(event, options));
}
