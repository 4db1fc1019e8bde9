import { describe, expect, it } from 'vitest';
import { formatDingTalkMessage } from './channels/dingtalk.ts';
import { afterSalesLinks, deliveryKey } from './events.ts';
import type { NotifyAfterSalesEvent } from './events.ts';
import { describeEvent, renderPlainText } from './message.ts';

const AT = Date.UTC(2024, 5, 1, 6, 0); // 14:00 Beijing time
const HOUR = 3_600_000;
const OPTIONS = { baseUrl: 'https://cc.example.cn/', shipmentLabel: 'sh-1（海口 → 武汉）', productName: { zh: '荔枝', en: 'Lychee' }, orgNames: { 'nanbei-reefer': { zh: '南北干线冷运', en: 'Nanbei Line-haul Reefers' } } };

function event(type: NotifyAfterSalesEvent['type'], over: Partial<NotifyAfterSalesEvent['request']> = {}, step: Partial<NotifyAfterSalesEvent['step']> = {}): NotifyAfterSalesEvent {
  const request: NotifyAfterSalesEvent['request'] = {
    id: 'as_1', shipmentId: 'sh-1', shipperOrgId: 'coop', badCount: 12, totalCount: 40, boxes: 1, state: 'approved', remedy: 'full_refund', remedyRuleId: 'compensation.full_refund',
    valueCents: 30_000, resend: null, decisionRuleId: 'after_sales.attributed_excursion', decisionReason: { zh: '冷链记录显示', en: 'the record shows' }, evidence: { claimId: 'cl-1', alertId: null },
    claimId: 'cl-1', liableOrgId: 'nanbei-reefer', advancedCents: 30_000, reportedAt: AT, remindAt: null, decideBy: null, escalateAt: null, remindedAt: null, escalatedAt: null, decidedAt: AT, paidAt: null, photoCount: 2,
    ...over,
  };
  return {
    type, at: AT, request, links: afterSalesLinks(OPTIONS.baseUrl, request),
    step: { seq: 2, requestId: 'as_1', at: AT, actor: { name: 'system 系统', orgId: 'platform' }, action: 'approve', from: 'received', to: 'approved', ruleId: 'after_sales.attributed_excursion', reason: { zh: '冷链记录显示超标归属于物流方南北干线冷运：坏果秒赔', en: 'the record attributes an excursion to Nanbei: approved at once' }, detail: { advancedCents: 30_000 }, ...step },
  };
}

describe('after-sales steps: what the shipper and the platform read', () => {
  it('an approval by rule names the rule, the claim, the liable carrier and the advance, in Chinese by default, and links to the console queue', () => {
    expect(renderPlainText(describeEvent(event('after_sales.approved'), OPTIONS))).toBe(
      [
        '【售后·已自动批准】冷链记录显示物流方责任，坏果秒赔，平台先行垫付 ¥300.00',
        '运单：sh-1（海口 → 武汉）',
        '售后申请：as_1',
        '坏果：荔枝 12/40 个（30 %），共 1 箱',
        '补偿方案：全额退款 ¥300.00',
        '原因：冷链记录显示超标归属于物流方南北干线冷运：坏果秒赔',
        '规则：after_sales.attributed_excursion',
        '理赔编号：cl-1',
        '责任方：南北干线冷运',
        '平台先行垫付：¥300.00',
        '冷链证据：https://cc.example.cn/console/shipments/sh-1',
        '打开控制台处理：https://cc.example.cn/console#after-sales/as_1',
      ].join('\n'),
    );
  });

  it('a request waiting for the streamer gives the deadline and the escalation time, in English too', () => {
    const waiting = event('after_sales.awaiting_shipper', { state: 'awaiting_shipper', remedy: 'resend_bad_count', resend: { fruits: 1 }, valueCents: 750, badCount: 1, claimId: null, liableOrgId: null, advancedCents: 0, decideBy: AT + 24 * HOUR, escalateAt: AT + 48 * HOUR }, { action: 'judge', ruleId: 'after_sales.shipper_decides', detail: null, reason: { zh: '冷链记录未显示', en: 'the record shows no excursion' } });
    const text = renderPlainText(describeEvent(waiting, { ...OPTIONS, lang: 'en' }));
    expect(text.split('\n')[0]).toBe('[After-sales, your decision] The cold-chain record shows no logistics fault: decide within 24 h');
    expect(text).toContain('Remedy: resend 1 bad fruit(s), worth CNY 7.50');
    expect(text).toContain('Decide by: 2024-06-02 14:00 Beijing time');
    expect(text).toContain('Escalated to the platform at: 2024-06-03 14:00 Beijing time');
    expect(text).not.toContain('Claim');
  });

  it.each<[NotifyAfterSalesEvent['type'], Partial<NotifyAfterSalesEvent['step']>, string]>([
    ['after_sales.received', { action: 'report' }, '【售后·已收到】消费者报告坏果'],
    ['after_sales.decision_due', { action: 'remind' }, '【售后·处理提醒】请在时限前处理该申请'],
    ['after_sales.escalated', { action: 'escalate' }, '【售后·已升级至平台】主播 48 小时内未处理，由平台处理'],
    ['after_sales.approved', { ruleId: 'after_sales.approved_by_platform' }, '【售后·已批准】平台已批准：全额退款 ¥300.00'],
    ['after_sales.rejected', { action: 'reject', ruleId: 'after_sales.rejected_by_shipper' }, '【售后·已驳回】全额退款 ¥300.00'],
    ['after_sales.paid', { action: 'pay' }, '【售后·已赔付】已退款 ¥300.00'],
  ])('%s: the title says what happened', (type, step, title) => {
    expect(describeEvent(event(type, {}, step), OPTIONS).title).toBe(title);
  });

  it('is keyed per step and destination, and the robot gets the same words', () => {
    expect(deliveryKey(event('after_sales.paid', {}, { seq: 3, action: 'pay' }), 'coop/hook')).toBe('after_sales.paid:after-sales:as_1:3@coop/hook');
    const ding = formatDingTalkMessage(event('after_sales.approved'), OPTIONS) as unknown as { markdown: { text: string } };
    expect(ding.markdown.text).toContain('售后·已自动批准');
    expect(ding.markdown.text).toContain('https://cc.example.cn/console#after-sales/as_1');
  });
});
