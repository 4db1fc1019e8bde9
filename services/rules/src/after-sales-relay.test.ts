import { describe, expect, it } from 'vitest';
import { afterSalesParties } from './after-sales-relay.ts';

const SYSTEM = { name: 'system 系统', orgId: 'platform' };

describe('who hears of an after-sales step', () => {
  it.each<[string, { action: string; ruleId: string; actor: { name: string; orgId: string | null }; detail: Record<string, unknown> | null }, number | null, string[]]>([
    ['the report: the shipper', { action: 'report', ruleId: 'compensation.full_refund', actor: { name: 'consumer 消费者', orgId: null }, detail: null }, null, ['coop']],
    ['waiting for the streamer: the shipper', { action: 'judge', ruleId: 'after_sales.shipper_decides', actor: SYSTEM, detail: null }, null, ['coop']],
    ['approved by rule with an advance: shipper and platform', { action: 'approve', ruleId: 'after_sales.attributed_excursion', actor: SYSTEM, detail: { advancedCents: 30_000 } }, null, ['coop', 'platform']],
    ['approved by rule, the claim full (no advance): the shipper', { action: 'approve', ruleId: 'after_sales.attributed_excursion', actor: SYSTEM, detail: { advancedCents: 0 } }, null, ['coop']],
    ['the reminder: the shipper', { action: 'remind', ruleId: 'after_sales.decision_due', actor: SYSTEM, detail: null }, null, ['coop']],
    ['the escalation: platform and shipper', { action: 'escalate', ruleId: 'after_sales.escalated_at_48h', actor: SYSTEM, detail: null }, null, ['coop', 'platform']],
    ["the streamer's own decision: nobody", { action: 'reject', ruleId: 'after_sales.rejected_by_shipper', actor: { name: '李姐', orgId: 'coop' }, detail: null }, null, []],
    ["the platform's decision once escalated: the shipper", { action: 'approve', ruleId: 'after_sales.approved_by_platform', actor: { name: '客服', orgId: 'platform' }, detail: null }, 1, ['coop']],
    ["the streamer's late decision once escalated: the platform", { action: 'approve', ruleId: 'after_sales.approved_by_shipper', actor: { name: '李姐', orgId: 'coop' }, detail: null }, 1, ['platform']],
    ['the payout: the shipper', { action: 'pay', ruleId: 'compensation.full_refund', actor: SYSTEM, detail: { payer: 'platform' } }, null, ['coop']],
    ['an action these messages do not cover: nobody', { action: 'note', ruleId: 'x', actor: SYSTEM, detail: null }, null, []],
  ])('%s', (_name, step, escalatedAt, expected) => {
    expect(afterSalesParties({ shipperOrgId: 'coop', escalatedAt }, step)).toEqual(expected);
  });
});
