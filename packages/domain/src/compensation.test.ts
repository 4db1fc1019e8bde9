import { describe, expect, it } from 'vitest';
import type { Attribution } from './attribution.ts';
import {
  AFTER_SALES_ESCALATE_MS,
  AFTER_SALES_RESPOND_MS,
  boxesValueCents,
  boxValueCents,
  capAdvance,
  compensationThresholdsFor,
  decideAfterSales,
  decideCompensation,
  DEFAULT_COMPENSATION_THRESHOLDS,
  fruitsValueCents,
  type AfterSalesEvidence,
  type CompensationInput,
  type CompensationRemedy,
} from './compensation.ts';

const HOUR = 3_600_000;
/** 200 boxes of lychee at ¥48 a box (as in claims.test.ts). */
const LYCHEE_SHIPMENT = { goodsValueCents: 960_000, boxes: 200 };

describe('decideCompensation: the plan’s bands', () => {
  it.each<{ name: string; badCount: number; totalCount: number; remedy: CompensationRemedy; valueCents: number; resend: unknown }>([
    { name: '0 %: nothing', badCount: 0, totalCount: 40, remedy: 'none', valueCents: 0, resend: null },
    { name: '2.5 %: resend the bad fruit, at ¥48 ÷ 40 each', badCount: 1, totalCount: 40, remedy: 'resend_bad_count', valueCents: 120, resend: { fruits: 1 } },
    // 960 000 × 499 ÷ (200 × 10 000) = 239.52 → 240
    { name: '4.99 %: still the bad count', badCount: 499, totalCount: 10_000, remedy: 'resend_bad_count', valueCents: 240, resend: { fruits: 499 } },
    { name: 'exactly 5 %: resend (the band is 5–10 %)', badCount: 500, totalCount: 10_000, remedy: 'resend_order', valueCents: 4_800, resend: { boxes: 1 } },
    { name: '2 of 40 is exactly 5 %: resend', badCount: 2, totalCount: 40, remedy: 'resend_order', valueCents: 4_800, resend: { boxes: 1 } },
    { name: '7 %: resend', badCount: 7, totalCount: 100, remedy: 'resend_order', valueCents: 4_800, resend: { boxes: 1 } },
    { name: 'exactly 10 %: resend ("more than 10 %" is a refund)', badCount: 1_000, totalCount: 10_000, remedy: 'resend_order', valueCents: 4_800, resend: { boxes: 1 } },
    { name: '4 of 40 is exactly 10 %: resend', badCount: 4, totalCount: 40, remedy: 'resend_order', valueCents: 4_800, resend: { boxes: 1 } },
    { name: '10.01 %: full refund', badCount: 1_001, totalCount: 10_000, remedy: 'full_refund', valueCents: 4_800, resend: null },
    { name: 'the demo: 12 of 40 lychees bad, full refund', badCount: 12, totalCount: 40, remedy: 'full_refund', valueCents: 4_800, resend: null },
    { name: '100 %: full refund', badCount: 40, totalCount: 40, remedy: 'full_refund', valueCents: 4_800, resend: null },
  ])('$name', ({ badCount, totalCount, remedy, valueCents, resend }) => {
    const decision = decideCompensation({ badCount, totalCount, shipment: LYCHEE_SHIPMENT });
    expect(decision).toMatchObject({ ok: true, remedy, ruleId: `compensation.${remedy}`, valueCents, currency: 'CNY', resend });
    if (decision.ok) expect(Object.keys(decision.reason)).toEqual(['zh', 'en']);
  });

  it('tells 4.99 % from 5 % in its reason', () => {
    expect(decideCompensation({ badCount: 499, totalCount: 10_000, shipment: LYCHEE_SHIPMENT })).toMatchObject({ reason: { en: expect.stringContaining('(4.99 %), under 5 %') } });
  });

  it('refunds and resends the order’s boxes', () => {
    expect(decideCompensation({ badCount: 30, totalCount: 120, boxes: 3, shipment: LYCHEE_SHIPMENT })).toMatchObject({ remedy: 'full_refund', valueCents: 14_400 });
    expect(decideCompensation({ badCount: 9, totalCount: 120, boxes: 3, shipment: LYCHEE_SHIPMENT })).toMatchObject({ remedy: 'resend_order', valueCents: 14_400, resend: { boxes: 3 } });
    // 3 boxes of 40: a fruit is still ¥48 ÷ 40
    expect(decideCompensation({ badCount: 5, totalCount: 120, boxes: 3, shipment: LYCHEE_SHIPMENT })).toMatchObject({ remedy: 'resend_bad_count', valueCents: 600 });
  });

  it('applies a shipper’s thresholds', () => {
    const thresholds = { fullRefundAboveBp: 2_000, resendFromBp: 1_000 };
    const decide = (badCount: number) => decideCompensation({ badCount, totalCount: 40, shipment: LYCHEE_SHIPMENT, thresholds });
    expect(decide(12)).toMatchObject({ remedy: 'full_refund' }); // 30 %
    expect(decide(8)).toMatchObject({ remedy: 'resend_order' }); // 20 %: not more than 20 %
    expect(decide(4)).toMatchObject({ remedy: 'resend_order' }); // 10 %
    expect(decide(3)).toMatchObject({ remedy: 'resend_bad_count', valueCents: 360 }); // 7.5 %
  });
});

describe('compensationThresholdsFor', () => {
  const shipper = { fullRefundAboveBp: 2_000, resendFromBp: 1_000 };
  const product = { fullRefundAboveBp: 1_500, resendFromBp: 300 };
  it.each([
    { name: 'the shipper’s setting wins', shipper, product, expected: shipper },
    { name: 'then the product’s', shipper: undefined, product, expected: product },
    { name: 'then the plan’s', shipper: undefined, product: undefined, expected: { fullRefundAboveBp: 1_000, resendFromBp: 500 } },
  ])('$name', ({ shipper, product, expected }) => {
    expect(compensationThresholdsFor(shipper, product)).toEqual(expected);
  });
  it('defaults to the plan: more than 10 %, from 5 %', () => {
    expect(DEFAULT_COMPENSATION_THRESHOLDS).toEqual({ fullRefundAboveBp: 1_000, resendFromBp: 500 });
  });
});

describe('money rounding', () => {
  it.each<{ goods: number; shipmentBoxes: number; boxes: number; box: number; value: number }>([
    // ¥1,000 over 3 boxes: a box shows ¥333.33, two boxes are ¥666.67 (one rounding), all three exactly ¥1,000
    { goods: 100_000, shipmentBoxes: 3, boxes: 1, box: 33_333, value: 33_333 },
    { goods: 100_000, shipmentBoxes: 3, boxes: 2, box: 33_333, value: 66_667 },
    { goods: 100_000, shipmentBoxes: 3, boxes: 3, box: 33_333, value: 100_000 },
    // half a cent rounds up
    { goods: 5, shipmentBoxes: 2, boxes: 1, box: 3, value: 3 },
    { goods: 1, shipmentBoxes: 2, boxes: 1, box: 1, value: 1 },
    { goods: 7, shipmentBoxes: 2, boxes: 2, box: 4, value: 7 },
    { goods: 0, shipmentBoxes: 9, boxes: 4, box: 0, value: 0 },
  ])('¥$goods fen over $shipmentBoxes boxes: a box $box, $boxes boxes $value', ({ goods, shipmentBoxes, boxes, box, value }) => {
    expect(boxValueCents(goods, shipmentBoxes)).toBe(box);
    expect(boxesValueCents(goods, shipmentBoxes, boxes)).toBe(value);
  });

  it('an order of all the shipment’s boxes is refunded exactly the goods value', () => {
    for (const [goods, shipmentBoxes] of [[100_000, 3], [999_999, 7], [1, 3], [960_001, 200]] as const) {
      const decision = decideCompensation({ badCount: 40, totalCount: 40, boxes: shipmentBoxes, shipment: { goodsValueCents: goods, boxes: shipmentBoxes } });
      expect(decision).toMatchObject({ valueCents: goods });
    }
  });

  it.each<{ goods: number; shipmentBoxes: number; boxes: number; totalCount: number; fruits: number; value: number }>([
    // 100 000 ÷ (3 × 30) = 1 111.1 → 1 111; twice the order, twice the bad: 2 222.2 → 2 222
    { goods: 100_000, shipmentBoxes: 3, boxes: 1, totalCount: 30, fruits: 1, value: 1_111 },
    { goods: 100_000, shipmentBoxes: 3, boxes: 2, totalCount: 60, fruits: 2, value: 2_222 },
    // ¥1 box of 40: 2.5 fen a fruit → 3
    { goods: 100, shipmentBoxes: 1, boxes: 1, totalCount: 40, fruits: 1, value: 3 },
    // every fruit of the order is worth the order's boxes
    { goods: 100_000, shipmentBoxes: 3, boxes: 2, totalCount: 37, fruits: 37, value: 66_667 },
    // exact beyond 2^53 in the intermediate product
    { goods: 9_007_199_254_740_991, shipmentBoxes: 1, boxes: 1, totalCount: 1_000_000, fruits: 1, value: 9_007_199_255 },
  ])('$fruits of $totalCount fruits in $boxes of $shipmentBoxes boxes worth $goods: $value', ({ goods, shipmentBoxes, boxes, totalCount, fruits, value }) => {
    expect(fruitsValueCents(goods, shipmentBoxes, { boxes, totalCount }, fruits)).toBe(value);
  });
});

describe('decideCompensation: validation', () => {
  const valid: CompensationInput = { badCount: 3, totalCount: 40, boxes: 1, shipment: LYCHEE_SHIPMENT };
  it.each<{ name: string; change: Partial<CompensationInput>; field: string; zh: RegExp }>([
    { name: 'a negative bad count', change: { badCount: -1 }, field: 'badCount', zh: /非负|0 或正整数/ },
    { name: 'a fraction of a fruit', change: { badCount: 1.5 }, field: 'badCount', zh: /整数/ },
    { name: 'a bad count as text', change: { badCount: '3' as unknown as number }, field: 'badCount', zh: /整数/ },
    { name: 'more bad than fruits', change: { badCount: 41 }, field: 'badCount', zh: /不能多于总果数 40/ },
    { name: 'no fruit', change: { totalCount: 0 }, field: 'totalCount', zh: /至少 1/ },
    { name: 'no box', change: { boxes: 0 }, field: 'boxes', zh: /至少 1/ },
    { name: 'more boxes than the shipment', change: { boxes: 201 }, field: 'boxes', zh: /200/ },
    { name: 'a shipment without boxes', change: { shipment: { goodsValueCents: 960_000, boxes: 0 } }, field: 'shipment.boxes', zh: /至少 1/ },
    { name: 'a negative goods value', change: { shipment: { goodsValueCents: -1, boxes: 200 } }, field: 'shipment.goodsValueCents', zh: /非负整数/ },
    { name: 'fractional cents', change: { shipment: { goodsValueCents: 0.5, boxes: 200 } }, field: 'shipment.goodsValueCents', zh: /整数/ },
    { name: 'a refund threshold over 100 %', change: { thresholds: { fullRefundAboveBp: 10_001, resendFromBp: 500 } }, field: 'thresholds.fullRefundAboveBp', zh: /10000/ },
    { name: 'a resend threshold above the refund threshold', change: { thresholds: { fullRefundAboveBp: 500, resendFromBp: 1_000 } }, field: 'thresholds.resendFromBp', zh: /基点/ },
  ])('refuses $name naming $field, Chinese first', ({ change, field, zh }) => {
    const decision = decideCompensation({ ...valid, ...change });
    expect(decision).toMatchObject({ ok: false, code: 'request.invalid', field, message: { zh: expect.stringMatching(zh), en: expect.stringContaining(`${field}:`) } });
    if (!decision.ok) {
      expect(Object.keys(decision.message)).toEqual(['zh', 'en']);
      expect(decision.message.zh.startsWith(`${field}：`)).toBe(true);
    }
  });

  it('takes one box by default, and all the shipment’s boxes', () => {
    expect(decideCompensation({ badCount: 12, totalCount: 40, shipment: LYCHEE_SHIPMENT })).toMatchObject({ ok: true, valueCents: 4_800 });
    expect(decideCompensation({ ...valid, badCount: 40, boxes: 200 })).toMatchObject({ ok: true, valueCents: 960_000 });
  });
});

describe('capAdvance', () => {
  it.each<{ name: string; requested: number; goodsShare: number; advanced: number; expected: number }>([
    { name: 'within the goods share', requested: 4_800, goodsShare: 960_000, advanced: 0, expected: 4_800 },
    { name: 'up to what is left of it', requested: 96_000, goodsShare: 960_000, advanced: 900_000, expected: 60_000 },
    { name: 'exactly what is left', requested: 60_000, goodsShare: 960_000, advanced: 900_000, expected: 60_000 },
    { name: 'nothing once the share is advanced', requested: 4_800, goodsShare: 960_000, advanced: 960_000, expected: 0 },
    { name: 'nothing when more than the share is out (freight advanced too)', requested: 4_800, goodsShare: 960_000, advanced: 1_000_000, expected: 0 },
    { name: 'nothing asked, nothing advanced', requested: 0, goodsShare: 960_000, advanced: 0, expected: 0 },
  ])('$name', ({ requested, goodsShare, advanced, expected }) => {
    expect(capAdvance(requested, goodsShare, advanced)).toBe(expected);
  });

  it.each([[-1, 0, 0], [1.5, 10, 0], [1, Number.NaN, 0]])('throws on amounts that are not cents: %s, %s, %s', (a, b, c) => {
    expect(() => capAdvance(a, b, c)).toThrow(RangeError);
  });
});

describe('decideAfterSales (坏果秒赔)', () => {
  const T = Date.UTC(2026, 5, 21, 4, 0);
  const attributed = (orgId: string): Attribution => ({ status: 'attributed', orgId, legIndex: 2, reason: { zh: '枢纽', en: 'hub' } });
  const indeterminate: Attribution = { status: 'indeterminate', orgId: null, legIndex: 2, reason: { zh: '缺数据', en: 'gap' } };
  const names = { 'org-hub': { zh: '海口枢纽仓', en: 'Haikou hub' } };

  it.each<{ name: string; evidence: AfterSalesEvidence; expected: Record<string, unknown> }>([
    {
      name: 'a standing claim: approved and charged to it',
      evidence: { claims: [{ id: 'claim-1', liableOrgId: 'org-hub', status: 'filed', filedAt: T - HOUR }], excursions: [], orgNames: names },
      expected: { decision: 'auto_approve', ruleId: 'after_sales.attributed_excursion', claimId: 'claim-1', liableOrgId: 'org-hub', alertId: null },
    },
    {
      name: 'a disputed claim still approves: the dispute decides who pays, not whether the consumer waits',
      evidence: { claims: [{ id: 'claim-1', liableOrgId: 'org-hub', status: 'disputed', filedAt: T - HOUR }], excursions: [] },
      expected: { decision: 'auto_approve', claimId: 'claim-1' },
    },
    {
      name: 'the earliest standing claim is charged; withdrawn ones are skipped',
      evidence: {
        claims: [
          { id: 'claim-late', liableOrgId: 'org-courier', status: 'escalated', filedAt: T - HOUR },
          { id: 'claim-withdrawn', liableOrgId: 'org-reefer', status: 'withdrawn', filedAt: T - 5 * HOUR },
          { id: 'claim-early', liableOrgId: 'org-hub', status: 'advanced', filedAt: T - 3 * HOUR },
        ],
        excursions: [],
      },
      expected: { decision: 'auto_approve', claimId: 'claim-early', liableOrgId: 'org-hub' },
    },
    {
      name: 'an attributed excursion without a claim yet: approved, the caller files the claim',
      evidence: { claims: [], excursions: [{ alertId: 'alert-9', attribution: attributed('org-hub'), custodianKind: 'warehouse' }] },
      expected: { decision: 'auto_approve', claimId: null, alertId: 'alert-9', liableOrgId: 'org-hub' },
    },
    {
      name: 'an excursion attributed to the shipper: the streamer decides',
      evidence: { claims: [], excursions: [{ alertId: 'alert-1', attribution: attributed('org-farm'), custodianKind: 'shipper' }] },
      expected: { decision: 'awaiting_shipper', ruleId: 'after_sales.shipper_decides' },
    },
    {
      name: 'an indeterminate excursion: the streamer decides',
      evidence: { claims: [], excursions: [{ alertId: 'alert-1', attribution: indeterminate, custodianKind: null }] },
      expected: { decision: 'awaiting_shipper' },
    },
    {
      name: 'a claim overturned on dispute no longer stands',
      evidence: { claims: [{ id: 'claim-1', liableOrgId: 'org-hub', status: 'overturned', filedAt: T - HOUR }], excursions: [] },
      expected: { decision: 'awaiting_shipper' },
    },
    {
      name: 'an excursion whose claim was withdrawn or overturned: not charged again, the streamer decides',
      evidence: {
        claims: [
          { id: 'claim-w', liableOrgId: 'org-hub', status: 'withdrawn', filedAt: T - 2 * HOUR },
          { id: 'claim-o', liableOrgId: 'org-reefer', status: 'overturned', filedAt: T - HOUR },
        ],
        excursions: [
          { alertId: 'alert-1', attribution: attributed('org-hub'), custodianKind: 'warehouse' },
          { alertId: 'alert-2', attribution: attributed('org-reefer'), custodianKind: 'carrier' },
        ],
      },
      expected: { decision: 'awaiting_shipper', ruleId: 'after_sales.claim_closed' },
    },
    {
      name: 'a closed claim on one party leaves another party\'s excursion to approve',
      evidence: {
        claims: [{ id: 'claim-w', liableOrgId: 'org-hub', status: 'settled', filedAt: T - 2 * HOUR }],
        excursions: [
          { alertId: 'alert-1', attribution: attributed('org-hub'), custodianKind: 'warehouse' },
          { alertId: 'alert-2', attribution: attributed('org-reefer'), custodianKind: 'carrier' },
        ],
      },
      expected: { decision: 'auto_approve', claimId: null, alertId: 'alert-2', liableOrgId: 'org-reefer' },
    },
    {
      name: 'no evidence at all: the streamer decides within 24 h, the platform at 48 h',
      evidence: { claims: [], excursions: [] },
      expected: { decision: 'awaiting_shipper', remindAt: T + 22 * HOUR, decideBy: T + 24 * HOUR, escalateAt: T + 48 * HOUR },
    },
  ])('$name', ({ evidence, expected }) => {
    const decision = decideAfterSales(evidence, T);
    expect(decision).toMatchObject(expected);
    expect(Object.keys(decision.reason)).toEqual(['zh', 'en']);
  });

  it('names the liable organisation in both languages', () => {
    const decision = decideAfterSales({ claims: [{ id: 'c', liableOrgId: 'org-hub', status: 'filed', filedAt: T }], excursions: [], orgNames: names }, T);
    expect(decision.reason.zh).toContain('海口枢纽仓');
    expect(decision.reason.en).toContain('Haikou hub');
  });

  it('takes its deadlines from the plan: respond within 24 h, close within 48 h', () => {
    expect([AFTER_SALES_RESPOND_MS, AFTER_SALES_ESCALATE_MS]).toEqual([24 * HOUR, 48 * HOUR]);
  });
});
