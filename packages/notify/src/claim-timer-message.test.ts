import { describe, expect, it } from 'vitest';
import { claimLinks, deliveryKey } from './events.ts';
import type { NotifyClaimTimerEvent } from './events.ts';
import { NAMES, sampleClaimEvent, T0 } from './events.fixture.ts';
import { describeEvent, renderPlainText } from './message.ts';

const BASE = { baseUrl: 'https://cc.example.cn/', ...NAMES };

function timerEvent(type: NotifyClaimTimerEvent['type']): NotifyClaimTimerEvent {
  const { claim } = sampleClaimEvent();
  const at = type === 'claim.reminder' ? claim.respondBy - 30 * 60_000 : claim.respondBy;
  return { type, at, claim: { ...claim, status: type === 'claim.reminder' ? 'filed' : 'escalated', escalatedAt: type === 'claim.escalated' ? at : null }, links: claimLinks(BASE.baseUrl, claim) };
}

describe('claim reminder and escalation texts (issue 13, items 1 and 7)', () => {
  it('links the claim and its evidence under the public base URL', () => {
    expect(claimLinks('https://cc.example.cn/', { id: 'cl 1', shipmentId: 'sh-1' })).toEqual({
      claim: 'https://cc.example.cn/api/v1/claims/cl%201',
      evidence: 'https://cc.example.cn/api/v1/shipments/sh-1/evidence',
      report: 'https://cc.example.cn/api/v1/shipments/sh-1/report.pdf',
      chain: 'https://cc.example.cn/api/v1/shipments/sh-1/chain',
      epcis: 'https://cc.example.cn/api/v1/shipments/sh-1/epcis',
    });
  });

  it('reminds the carrier in Chinese with the claim id, the amount, the deadline and the evidence', () => {
    expect(renderPlainText(describeEvent(timerEvent('claim.reminder'), BASE))).toBe(
      [
        '【理赔·待答复提醒】请在时限前接受或提出异议',
        '运单：LZ-8842 海口 → 上海',
        '理赔编号：cl-1',
        '责任方：顺丰冷运',
        '索赔金额：¥12,345.67（货值 ¥12,000.00 + 运费 ¥345.67）',
        '原因：超标开始于干线冷运段',
        '答复时限：2024-06-01 17:00（北京时间）',
        '证据材料：https://cc.example.cn/api/v1/shipments/sh-1/report.pdf https://cc.example.cn/api/v1/shipments/sh-1/evidence',
        '打开控制台处理：https://cc.example.cn/console',
      ].join('\n'),
    );
  });

  it('says the escalation in English too, the deadline marked overdue', () => {
    const text = renderPlainText(describeEvent(timerEvent('claim.escalated'), { ...BASE, lang: 'en' }));
    expect(text).toMatch(/^\[Claim, escalated\] No answer by the deadline: escalated to the platform\n/);
    expect(text).toContain('Answer by: 2024-06-01 17:00 Beijing time, overdue');
    expect(text).toContain('Escalated at: 2024-06-01 17:00 Beijing time');
    expect(T0).toBeLessThan(timerEvent('claim.escalated').at);
  });

  it("tells the other parties of a step taken through the API: the platform's decision on a dispute, in Chinese", () => {
    const { claim } = sampleClaimEvent();
    const step = {
      seq: 4, claimId: claim.id, at: claim.respondBy + 60 * 60_000, actor: { name: '平台仲裁', orgId: 'platform' }, party: 'platform' as const,
      action: { kind: 'decide' as const, outcome: 'upheld' as const, reason: '记录仪数据显示超标发生在干线段' }, from: 'disputed' as const, to: 'upheld' as const,
    };
    const event = { type: 'claim.updated' as const, at: step.at, claim: { ...claim, status: 'upheld' as const }, step, links: claimLinks(BASE.baseUrl, claim) };
    expect(renderPlainText(describeEvent(event, { ...BASE, orgNames: { ...BASE.orgNames, platform: { zh: '平台运营', en: 'Platform' } } }))).toBe(
      [
        '【理赔·平台裁定维持】平台裁定维持理赔，由承运方承担',
        '运单：LZ-8842 海口 → 上海',
        '理赔编号：cl-1',
        '操作方：平台运营 · 平台仲裁 · 2024-06-01 18:00（北京时间）',
        '状态：承运方有异议 → 平台裁定维持',
        '索赔金额：¥12,345.67（货值 ¥12,000.00 + 运费 ¥345.67）',
        '原因：记录仪数据显示超标发生在干线段',
        '证据材料：https://cc.example.cn/api/v1/shipments/sh-1/report.pdf https://cc.example.cn/api/v1/shipments/sh-1/evidence',
        '打开控制台处理：https://cc.example.cn/console',
      ].join('\n'),
    );
    expect(deliveryKey(event, 'd')).toBe('claim.updated:claim:cl-1:4@d');
  });

  it('keys each step once per claim and destination', () => {
    expect(deliveryKey(timerEvent('claim.reminder'), 'd')).toBe('claim.reminder:claim:cl-1@d');
    expect(deliveryKey(timerEvent('claim.escalated'), 'd')).toBe('claim.escalated:claim:cl-1@d');
  });
});
