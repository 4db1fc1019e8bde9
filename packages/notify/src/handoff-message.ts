import { STAGE_NAMES } from '@coldchain/domain';
import type { LocalizedText } from '@coldchain/domain';
import { formatBeijingTime, formatTempC } from './display-values.ts';
import type { HandoffParty, NotifyHandoffEvent } from './events.ts';
import type { Lang, MessageField, MessageOptions, NotifyMessage } from './message.ts';

const LABELS = {
  shipment: { zh: '运单', en: 'Shipment' },
  handoff: { zh: '交接', en: 'Handoff' },
  delivery: { zh: '签收', en: 'Delivery' },
  chain: { zh: '证据链', en: 'Evidence chain' },
  hash: { zh: '哈希', en: 'Hash' },
  keys: { zh: '公钥', en: 'Public keys' },
  openPage: { zh: '查看溯源页', en: 'Open the consumer page' },
  unknownParty: { zh: '未登记方', en: 'a party not on record' },
} satisfies Record<string, LocalizedText>;

function partyName(party: HandoffParty | null, lang: Lang): string {
  if (!party) return LABELS.unknownParty[lang];
  return lang === 'zh' ? party.name : party.nameEn || party.name;
}

/**
 * `2024-06-01 14:00（北京时间），广州白云站，由 海南果园 交给 顺丰冷运（探针 4.8 °C）` /
 * `2024-06-01 14:00 Beijing time at Guangzhou Baiyun: from … to … (probe 4.8 °C)`.
 */
function describeScan(event: NotifyHandoffEvent, lang: Lang): string {
  const { custody } = event;
  const from = partyName(custody.from, lang);
  const time = formatBeijingTime(custody.at);
  const probe = custody.probeTempC === null ? '' : lang === 'zh' ? `（探针 ${formatTempC(custody.probeTempC)}）` : ` (probe ${formatTempC(custody.probeTempC)})`;
  if (lang === 'zh') {
    const what = event.stage === 'delivery' ? `${from} 交付签收` : `由 ${from} 交给 ${partyName(custody.to, lang)}`;
    return `${time}（北京时间），${custody.station ? `${custody.station}，` : ''}${what}${probe}`;
  }
  const what = event.stage === 'delivery' ? `delivered by ${from}` : `from ${from} to ${partyName(custody.to, lang)}`;
  return `${time} Beijing time${custody.station ? ` at ${custody.station}` : ''}: ${what}${probe}`;
}

/**
 * The chat message of a recorded handoff or delivery with the chain's signed head (issue 11, item 2).
 * The full hash is in the message: a party that keeps it (with the entry number) can later check that a
 * bundle still holds that entry unchanged.
 */
export function describeHandoff(event: NotifyHandoffEvent, options: MessageOptions, lang: Lang): NotifyMessage {
  const label = (key: keyof typeof LABELS) => LABELS[key][lang];
  const isDelivery = event.stage === 'delivery';
  const stage = STAGE_NAMES[event.custody.stage][lang];
  const title = lang === 'zh' ? `【${isDelivery ? '签收已记录' : '交接已记录'}】${stage}` : `[${isDelivery ? 'Delivery recorded' : 'Handoff recorded'}] ${stage}`;
  const { chain } = event;
  const fields: MessageField[] = [
    { label: label('shipment'), value: options.shipmentLabel ?? event.shipment.id },
    { label: label(isDelivery ? 'delivery' : 'handoff'), value: describeScan(event, lang), isLong: true },
    {
      label: label('chain'),
      value: lang === 'zh' ? `第 ${chain.seq} 条，签名密钥 ${chain.keyId}` : `entry ${chain.seq}, signed with key ${chain.keyId}`,
    },
    { label: label('hash'), value: lang === 'zh' ? `${chain.hash}（请保存，用于日后核验）` : `${chain.hash} (keep it to verify the record later)`, isLong: true },
    { label: label('keys'), value: event.links.keys, isLong: true },
  ];
  return { lang, title, severity: 'info', fields, link: { label: label('openPage'), url: event.links.consumerPage } };
}
