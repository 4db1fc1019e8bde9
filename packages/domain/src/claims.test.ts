import { describe, expect, it } from 'vitest';
import type { Attribution } from './attribution.ts';
import { CLAIM_RESPONSE_MS, claimAmountCents, claimResponseMsFor, decideClaim, filedClaimFields, type ClaimDecision, type ShipmentValue } from './claims.ts';
import type { OrgKind } from './organisations.ts';
import { LYCHEE, type ProductProfile, type TemperatureLimit } from './profiles.ts';

const MIN = 60_000;

function lycheeLimit(id: 'high' | 'low'): TemperatureLimit {
  const limit = LYCHEE.limits.find((l) => l.id === id);
  if (!limit) throw new Error(`LYCHEE has no ${id} limit`);
  return limit;
}
const HIGH = lycheeLimit('high');
const LOW = lycheeLimit('low');

/** 200 boxes of lychee at ¥48 a box, ¥860 freight. */
const VALUE: ShipmentValue = { goodsValueCents: 960_000, freightCents: 86_000 };

describe('claimAmountCents', () => {
  it.each<{ value: ShipmentValue; share: number; goodsShareCents: number; amountCents: number }>([
    { value: VALUE, share: 1, goodsShareCents: 960_000, amountCents: 1_046_000 },
    { value: VALUE, share: 0.25, goodsShareCents: 240_000, amountCents: 326_000 },
    // half a cent rounds to the nearest cent
    { value: { goodsValueCents: 12_345, freightCents: 500 }, share: 0.5, goodsShareCents: 6_173, amountCents: 6_673 },
    { value: { goodsValueCents: 100, freightCents: 0 }, share: 1 / 3, goodsShareCents: 33, amountCents: 33 },
    // the share is clamped to [0, 1]: never more than the goods, never less than the freight
    { value: VALUE, share: 1.5, goodsShareCents: 960_000, amountCents: 1_046_000 },
    { value: VALUE, share: -0.2, goodsShareCents: 0, amountCents: 86_000 },
    { value: VALUE, share: 0, goodsShareCents: 0, amountCents: 86_000 },
  ])('$value.goodsValueCents goods × $share + $value.freightCents freight = $amountCents', ({ value, share, goodsShareCents, amountCents }) => {
    const result = claimAmountCents(value, share);
    expect(result).toEqual({ goodsShareCents, amountCents });
    expect(Number.isInteger(result.amountCents)).toBe(true);
  });
});

describe('decideClaim', () => {
  const attributed: Attribution = { status: 'attributed', orgId: 'org-reefer', legIndex: 3, reason: { zh: '干线', en: 'line haul' } };
  const indeterminate: Attribution = { status: 'indeterminate', orgId: null, legIndex: 3, reason: { zh: '缺数据', en: 'gap' } };
  const partial: ProductProfile = { ...LYCHEE, claim: { ...LYCHEE.claim, damagedShare: 0.4 } };

  type Case = {
    name: string;
    profile?: ProductProfile;
    limit?: TemperatureLimit;
    outsideMs?: number;
    attribution?: Attribution;
    liableOrgKind?: OrgKind | null;
    expected: ClaimDecision;
  };

  const filed: ClaimDecision = { shouldFile: true, liableOrgId: 'org-reefer', amountCents: 1_046_000, goodsShareCents: 960_000, freightCents: 86_000 };

  const cases: Array<Case> = [
    { name: 'an hour above 15 °C in a carrier’s reefer: full goods value plus freight', expected: filed },
    { name: 'three hours: the same claim', outsideMs: 180 * MIN, expected: filed },
    { name: 'a warehouse is a logistics provider', liableOrgKind: 'warehouse', expected: filed },
    { name: 'a courier is a logistics provider', liableOrgKind: 'courier', expected: filed },
    {
      name: 'a profile with a partial damaged share claims that share of the goods',
      profile: partial,
      expected: { shouldFile: true, liableOrgId: 'org-reefer', amountCents: 384_000 + 86_000, goodsShareCents: 384_000, freightCents: 86_000 },
    },
    { name: 'the low limit is not claimable', limit: LOW, expected: { shouldFile: false, why: 'not_claimable' } },
    { name: 'one minute short of the hour: below threshold', outsideMs: 59 * MIN, expected: { shouldFile: false, why: 'below_threshold' } },
    { name: 'no time outside: below threshold', outsideMs: 0, expected: { shouldFile: false, why: 'below_threshold' } },
    { name: 'an indeterminate attribution files nothing', attribution: indeterminate, expected: { shouldFile: false, why: 'indeterminate' } },
    { name: 'the shipper itself is liable: not a logistics provider', liableOrgKind: 'shipper', expected: { shouldFile: false, why: 'not_logistics' } },
    { name: 'the platform is not a logistics provider', liableOrgKind: 'platform', expected: { shouldFile: false, why: 'not_logistics' } },
    { name: 'an unknown organisation kind files nothing', liableOrgKind: null, expected: { shouldFile: false, why: 'not_logistics' } },
    // when several reasons apply, the first in the order of the rules is given
    { name: 'low limit and short: not claimable', limit: LOW, outsideMs: MIN, expected: { shouldFile: false, why: 'not_claimable' } },
    { name: 'short and indeterminate: below threshold', outsideMs: MIN, attribution: indeterminate, expected: { shouldFile: false, why: 'below_threshold' } },
    { name: 'indeterminate and no kind: indeterminate', attribution: indeterminate, liableOrgKind: null, expected: { shouldFile: false, why: 'indeterminate' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = decideClaim({
        profile: c.profile ?? LYCHEE,
        limit: c.limit ?? HIGH,
        outsideMs: c.outsideMs ?? LYCHEE.claim.minOutsideMs,
        attribution: c.attribution ?? attributed,
        liableOrgKind: c.liableOrgKind === undefined ? 'carrier' : c.liableOrgKind,
        value: VALUE,
      });
      expect(decision).toEqual(c.expected);
    });
  }
});

describe('filedClaimFields', () => {
  const decision = { shouldFile: true, liableOrgId: 'org-hub', amountCents: 1_046_000, goodsShareCents: 960_000, freightCents: 86_000 } as const;
  const now = Date.UTC(2026, 5, 20, 2, 0);
  it.each<{ name: string; responseMs?: number | null; respondBy: number }>([
    { name: "no setting: the plan's 2 h", respondBy: now + CLAIM_RESPONSE_MS },
    { name: 'the default (null): 2 h', responseMs: null, respondBy: now + 2 * 3_600_000 },
    { name: "the liable organisation's 20 min", responseMs: 20 * 60_000, respondBy: now + 20 * 60_000 },
  ])('$name', ({ responseMs, respondBy }) => {
    expect(filedClaimFields(decision, now, responseMs)).toMatchObject({ liableOrgId: 'org-hub', status: 'filed', filedAt: now, respondBy });
  });
});

describe('claimResponseMsFor', () => {
  it.each<{ setting: number | null; speed?: number; ms: number }>([
    { setting: null, ms: 2 * 3_600_000 },
    { setting: 20 * 60_000, ms: 20 * 60_000 },
    { setting: null, speed: 720, ms: 10_000 },
    { setting: 20 * 60_000, speed: 20, ms: 60_000 },
  ])('setting $setting at speed $speed: $ms ms', ({ setting, speed, ms }) => {
    expect(claimResponseMsFor(setting, speed)).toBe(ms);
  });
});
