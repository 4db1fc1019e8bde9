import { describeEvent, renderPlainText } from '@coldchain/notify';
import type { MessageOptions, NotifyEvent } from '@coldchain/notify';
import type { NotificationChannel } from '@coldchain/storage';

/**
 * Alertmanager's group_interval (5 min, reference/produce.md): after a shipment's first notification to
 * a channel, what follows within this interval goes out as one message at its end.
 */
export const GROUP_INTERVAL_MS = 5 * 60_000;

/** Events that never wait for a group: the most severe news, and claims (the carrier has 2 h), go out at once. */
export function isUrgent(event: NotifyEvent): boolean {
  if (event.type === 'claim.filed' || event.type === 'claim.reminder' || event.type === 'claim.escalated' || event.type === 'claim.updated') return true;
  return event.type === 'alert.escalated' || (event.type === 'alert.opened' && event.alert.tier === 1);
}

/** The payload of several events of one shipment for one channel, in the channel's format. */
export function formatGroup(channel: NotificationChannel, events: readonly NotifyEvent[], options: MessageOptions, shipmentId: string): object {
  if (channel.type === 'webhook') return { type: 'notification.group', shipmentId, events };
  const lang = channel.lang;
  const messages = events.map((event) => describeEvent(event, { ...options, lang }));
  const title = lang === 'zh' ? `${shipmentId}：${events.length} 条冷链动态` : `${shipmentId}: ${events.length} cold-chain updates`;
  const text = messages.map((m) => renderPlainText(m)).join('\n\n');
  switch (channel.type) {
    case 'dingtalk':
      return { msgtype: 'markdown', markdown: { title, text: `### ${title}\n\n${text.replaceAll('\n', '\n\n')}` } };
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: `### ${title}\n${text}` } };
    case 'feishu':
      return { msg_type: 'text', content: { text: `${title}\n\n${text}` } };
  }
}
