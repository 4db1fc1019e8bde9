import { describe, expect, it } from 'vitest';
import { formatDingTalkMessage } from './channels/dingtalk.ts';
import { formatFeishuMessage } from './channels/feishu.ts';
import { formatWebhookPayload } from './channels/webhook.ts';
import { formatWeComMessage } from './channels/wecom.ts';
import { deliveryKey } from './events.ts';
import { sampleHandoffEvent } from './events.fixture.ts';
import { describeEvent, renderPlainText } from './message.ts';

const OPTIONS = { baseUrl: 'https://cc.example.cn', shipmentLabel: 'sh-1（海口 → 武汉）' };
const HASH = '3f2a'.padEnd(64, '0b');

describe('a witnessed head at a handoff: what the parties read', () => {
  it('tells who handed the goods to whom, at what probe temperature, and the entry and hash to keep, in Chinese by default', () => {
    expect(renderPlainText(describeEvent(sampleHandoffEvent(), OPTIONS))).toBe(
      [
        '【交接已记录】枢纽仓',
        '运单：sh-1（海口 → 武汉）',
        '交接：2024-06-01 16:00（北京时间），广州白云站，由 海南果运 交给 广州白云冷链枢纽仓（探针 4.8 °C）',
        '证据链：第 12 条，签名密钥 9c1e5b7a0d3f4e21',
        `哈希：${HASH}（请保存，用于日后核验）`,
        '公钥：https://cc.example.cn/api/v1/keys',
        '查看溯源页：https://cc.example.cn/t/LYCHEE-0001-ABC',
      ].join('\n'),
    );
  });

  it('says the same in English', () => {
    expect(renderPlainText(describeEvent(sampleHandoffEvent(), { ...OPTIONS, lang: 'en' }))).toBe(
      [
        '[Handoff recorded] Hub warehouse',
        'Shipment: sh-1（海口 → 武汉）',
        'Handoff: 2024-06-01 16:00 Beijing time at 广州白云站: from Hainan Fruit Transport to Guangzhou Baiyun Cold Hub (probe 4.8 °C)',
        'Evidence chain: entry 12, signed with key 9c1e5b7a0d3f4e21',
        `Hash: ${HASH} (keep it to verify the record later)`,
        'Public keys: https://cc.example.cn/api/v1/keys',
        'Open the consumer page: https://cc.example.cn/t/LYCHEE-0001-ABC',
      ].join('\n'),
    );
  });

  it.each([
    ['zh', '【签收已记录】已签收', '签收：2024-06-01 16:00（北京时间），京东冷链 交付签收（探针 4.8 °C）'],
    ['en', '[Delivery recorded] Delivered', 'Delivery: 2024-06-01 16:00 Beijing time: delivered by JD Cold Chain (probe 4.8 °C)'],
  ] as const)('names the delivery as such, with nobody taking over (%s)', (lang, title, line) => {
    const message = describeEvent(sampleHandoffEvent('delivery'), { ...OPTIONS, lang });
    expect(message.title).toBe(title);
    expect(message.severity).toBe('info');
    expect(renderPlainText(message).split('\n')).toContain(line);
  });

  it('leaves out the probe and the station when the scan had none, and names a party not on record', () => {
    const event = sampleHandoffEvent();
    event.custody = { ...event.custody, station: null, probeTempC: null, from: null };
    const text = renderPlainText(describeEvent(event, OPTIONS));
    expect(text.split('\n')).toContain('交接：2024-06-01 16:00（北京时间），由 未登记方 交给 广州白云冷链枢纽仓');
    expect(text).not.toContain('探针');
  });

  it('sends the webhook the event itself: the signed head exactly as signed, and the links', () => {
    const event = sampleHandoffEvent();
    const body = JSON.parse(JSON.stringify(formatWebhookPayload(event))) as typeof event;
    expect(body.type).toBe('custody.handoff');
    expect(body.chain).toEqual(event.chain);
    expect(JSON.parse(body.chain.headJson)).toMatchObject({ seq: 12, hash: HASH });
    expect(body.links.keys).toBe('https://cc.example.cn/api/v1/keys');
  });

  it('gives the robots the full hash (a shortened one cannot be checked later) and the consumer page', () => {
    const event = sampleHandoffEvent();
    const dingtalk = formatDingTalkMessage(event, OPTIONS);
    expect(dingtalk.markdown.title).toBe('【交接已记录】枢纽仓');
    expect(dingtalk.markdown.text).toContain(HASH);
    expect(dingtalk.markdown.text).toContain('[查看溯源页](https://cc.example.cn/t/LYCHEE-0001-ABC)');
    const wecom = formatWeComMessage(event, OPTIONS);
    expect(wecom.markdown.content).toContain(HASH);
    expect(Buffer.byteLength(wecom.markdown.content)).toBeLessThan(4096);
    const card = JSON.stringify(formatFeishuMessage(event, { ...OPTIONS, lang: 'en' }));
    expect(card).toContain(HASH);
    expect(card).toContain('"template":"blue"');
  });

  it('keys a delivery per scan and destination: the same scan heard twice is one delivery', () => {
    const event = sampleHandoffEvent();
    expect(deliveryKey(event, 'org-hub/hook')).toBe('custody.handoff:custody:ce-3@org-hub/hook');
    expect(deliveryKey({ ...event, at: event.at + 5_000 }, 'org-hub/hook')).toBe(deliveryKey(event, 'org-hub/hook'));
    expect(deliveryKey(event, 'org-van/hook')).not.toBe(deliveryKey(event, 'org-hub/hook'));
    expect(deliveryKey(sampleHandoffEvent('delivery'), 'org-hub/hook')).not.toBe(deliveryKey(event, 'org-hub/hook'));
  });
});
