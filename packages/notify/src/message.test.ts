import { describe, expect, it } from 'vitest';
import { formatBeijingTime, formatTempC, formatYuan } from './display-values.ts';
import { deliveryKey } from './events.ts';
import { NAMES, sampleAlertEvent, sampleClaimEvent, T0 } from './events.fixture.ts';
import { describeEvent, renderPlainText } from './message.ts';

const BASE = { baseUrl: 'https://cc.example.cn/', ...NAMES };

describe('alert and claim texts', () => {
  it('tells a station everything about a new tier-1 alert, in Chinese by default', () => {
    expect(renderPlainText(describeEvent(sampleAlertEvent(), BASE))).toBe(
      [
        '【一级告警】温度超标',
        '运单：LZ-8842 海口 → 上海',
        '规则：荔枝 高于 15 °C',
        '峰值：18.4 °C',
        '超标时长：42 分钟',
        '开始时间：2024-06-01 14:00（北京时间）',
        '货物持有方：顺丰冷运',
        '责任判定：超标开始于干线冷运段，货物由顺丰冷运持有',
        '响应时限：2024-06-01 15:10（北京时间）',
        '打开控制台处理：https://cc.example.cn/console',
      ].join('\n'),
    );
  });

  it('says the same in English', () => {
    expect(renderPlainText(describeEvent(sampleAlertEvent(), { ...BASE, lang: 'en' }))).toBe(
      [
        '[Tier 1 alert] Temperature out of range',
        'Shipment: LZ-8842 海口 → 上海',
        'Rule: Lychee above 15 °C',
        'Peak: 18.4 °C',
        'Time outside: 42 min',
        'Began at: 2024-06-01 14:00 Beijing time',
        'Goods held by: SF Cold Chain',
        'Attribution: the excursion began in the line-haul leg, held by SF Cold Chain',
        'Respond by: 2024-06-01 15:10 Beijing time',
        'Open the console: https://cc.example.cn/console',
      ].join('\n'),
    );
  });

  it.each([
    // event, overrides, lang, title, severity, a line that must be there, a line that must not
    ['alert.opened', { tier: 2, direction: 'below', thresholdC: 1, peakTempC: -0.04 }, 'zh', '【二级告警】温度超标', 'major', '规则：荔枝 低于 1 °C', '峰值：-0 °C'],
    ['alert.opened', { tier: 3, outsideMs: 150 * 60_000 }, 'en', '[Tier 3 alert] Temperature out of range', 'minor', 'Time outside: 2 h 30 min', ''],
    ['alert.cleared', { conditionState: 'cleared', clearedAt: T0 + 60 * 60_000 }, 'zh', '【一级告警·已恢复】温度超标', 'ok', '响应时限：2024-06-01 15:10（北京时间）', ''],
    ['alert.acknowledged', { status: 'acknowledged', acknowledgedAt: T0 + 20 * 60_000, acknowledgedBy: 'wang.li' }, 'zh', '【一级告警·已确认】温度超标', 'info', '确认人：wang.li · 2024-06-01 14:20（北京时间）', '响应时限'],
    ['alert.resolved', { status: 'resolved', resolvedAt: T0 + 90 * 60_000, resolvedBy: 'wang.li' }, 'en', '[Tier 1 alert, resolved] Temperature out of range', 'ok', 'Resolved by: wang.li · 2024-06-01 15:30 Beijing time', 'Respond by'],
    ['alert.reminder', { reminders: 2 }, 'zh', '【一级告警·待确认提醒】温度超标', 'critical', '提醒次数：2', ''],
    ['alert.escalated', { escalatedAt: T0 + 70 * 60_000 }, 'en', '[Tier 1 alert, escalated] Temperature out of range', 'critical', 'Escalated at: 2024-06-01 15:10 Beijing time', ''],
    ['alert.silenced', {}, 'zh', '【一级告警·已静默】温度超标', 'info', '规则：荔枝 高于 15 °C', ''],
    [
      'alert.opened',
      { kind: 'warning', tier: 3, ruleId: 'high.trend', message: { zh: '按当前升温趋势，约 25 分钟后高于 15 °C', en: 'at the current trend, above 15 °C in about 25 min' } },
      'zh',
      '【三级预警】冷链风险预警',
      'minor',
      '详情：按当前升温趋势，约 25 分钟后高于 15 °C',
      '责任判定',
    ],
    [
      'alert.opened',
      { kind: 'no_data', tier: 2, ruleId: 'no_data', message: { zh: '记录仪 dev-1 已 45 分钟没有上报数据', en: 'Logger dev-1 has sent nothing for 45 min' } },
      'en',
      '[Tier 2 alert] No data from the logger',
      'major',
      'Logger: dev-1',
      'Peak',
    ],
  ] as const)('%s %o (%s) → %s', (type, overrides, lang, title, severity, line, absent) => {
    const message = describeEvent(sampleAlertEvent(type, overrides), { ...BASE, lang });
    expect(message.title).toBe(title);
    expect(message.severity).toBe(severity);
    const text = renderPlainText(message);
    expect(text.split('\n')).toContain(line);
    if (absent) expect(text).not.toContain(absent);
  });

  it('says "not on record" when nobody is known to hold the goods, and shows the shipment id without a label', () => {
    const text = renderPlainText(describeEvent(sampleAlertEvent(), { baseUrl: 'https://cc.example.cn' }));
    expect(text).toContain('货物持有方：未登记');
    expect(text).toContain('运单：sh-1');
    expect(text).toContain('规则：高于 15 °C');
  });

  it('formats a claim with the liable party, the amount in yuan and the answer deadline', () => {
    expect(renderPlainText(describeEvent(sampleClaimEvent(), BASE))).toBe(
      [
        '【理赔】冷链理赔已提交',
        '运单：LZ-8842 海口 → 上海',
        '责任方：顺丰冷运',
        '索赔金额：¥12,345.67（货值 ¥12,000.00 + 运费 ¥345.67）',
        '原因：超标开始于干线冷运段',
        '答复时限：2024-06-01 17:00（北京时间）',
        '打开控制台处理：https://cc.example.cn/console',
      ].join('\n'),
    );
    const en = renderPlainText(describeEvent(sampleClaimEvent(), { ...BASE, lang: 'en' }));
    expect(en).toContain('Amount: CNY 12,345.67 (goods 12,000.00 + freight 345.67)');
    expect(en).toContain('Answer by: 2024-06-01 17:00 Beijing time');
  });

  it('cuts an overlong reason so robot size limits hold', () => {
    const reason = { zh: '长'.repeat(5000), en: 'x'.repeat(5000) };
    const message = describeEvent(sampleAlertEvent('alert.opened', { attribution: { status: 'indeterminate', orgId: null, legIndex: null, reason } }), BASE);
    const field = message.fields.find((f) => f.label === '责任判定')!;
    expect(field.value.length).toBe(600);
    expect(field.value.endsWith('…')).toBe(true);
  });
});

describe('display values', () => {
  it.each([
    [Date.UTC(2024, 11, 31, 16, 5), '2025-01-01 00:05'],
    [Date.UTC(2024, 5, 1, 6, 0), '2024-06-01 14:00'],
  ])('Beijing time of %i is %s', (t, text) => expect(formatBeijingTime(t)).toBe(text));

  it.each([
    [15, '15 °C'],
    [18.44, '18.4 °C'],
    [18.45, '18.5 °C'],
    [-0.5, '-0.5 °C'],
    [-0.04, '0 °C'],
  ])('%d → %s', (t, text) => expect(formatTempC(t)).toBe(text));

  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [123_456, '1,234.56'],
    [100_000_000, '1,000,000.00'],
    [-1_050, '-10.50'],
  ])('%i fen → %s', (cents, text) => expect(formatYuan(cents)).toBe(text));
});

describe('delivery keys', () => {
  it('are stable per event and destination, and differ between destinations and events', () => {
    const opened = sampleAlertEvent();
    expect(deliveryKey(opened, 'dest-1')).toBe(deliveryKey(sampleAlertEvent(), 'dest-1'));
    expect(deliveryKey(opened, 'dest-1')).not.toBe(deliveryKey(opened, 'dest-2'));
    expect(deliveryKey(opened, 'dest-1')).not.toBe(deliveryKey(sampleAlertEvent('alert.cleared'), 'dest-1'));
    expect(deliveryKey(sampleClaimEvent(), 'dest-1')).toBe('claim.filed:claim:cl-1@dest-1');
  });
});
