import { describe, expect, it } from 'vitest';
import { validateProfile } from './profile-validation.ts';
import { DEFAULT_RESPONSE_MS, findProfile, LYCHEE, PROFILES, type ProductProfile } from './profiles.ts';
import { shelfLifeHoursAt } from './shelf-life.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const profiles: Array<[string, ProductProfile]> = Object.entries(PROFILES);

/** Paths of numbers in `node` with neither a `source` beside them nor a `<name>Source` sibling. */
function unsourcedNumbers(node: unknown, path: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => unsourcedNumbers(item, `${path}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const hasSource = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return Object.entries(record).flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    // `maxReadingGapMs` is sourced by `maxReadingGapSource`: the unit drops from the sibling's name.
    const sibling = record[`${key}Source`] ?? record[`${key.replace(/(Ms|C|Pct)$/, '')}Source`];
    if (typeof value === 'number') return hasSource(record.source) || hasSource(sibling) ? [] : [at];
    return unsourcedNumbers(value, at);
  });
}

/** Every source string in a profile, with where it sits. */
function fieldSources(profile: ProductProfile): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['optimumC.source', profile.optimumC.source],
    ['rhPct.source', profile.rhPct.source],
    ['claim.source', profile.claim.source],
    ['budget.source', profile.budget.source],
    ['mktDeltaHOverRSource', profile.mktDeltaHOverRSource],
    ['maxReadingGapSource', profile.maxReadingGapSource],
    ...profile.limits.map((l, i): [string, string] => [`limits[${i}].source`, l.source]),
  ];
  if (profile.shelfLife) out.push(['shelfLife.source', profile.shelfLife.source]);
  return out;
}

describe('profiles: every number has its source', () => {
  it('covers the commodities the plan document sells, lychee first', () => {
    expect(profiles.map(([id]) => id)).toEqual([
      'lychee', 'strawberry', 'yangmei', 'kiwifruit', 'navel-orange', 'apple', 'banana', 'mango', 'shell-eggs', 'cut-roses',
    ]);
  });

  it.each(profiles)('%s: passes validateProfile', (_, profile) => {
    expect(validateProfile(profile)).toEqual([]);
  });

  it.each(profiles)('%s: every number sits beside a source', (_, profile) => {
    expect(unsourcedNumbers(profile, '')).toEqual([]);
  });

  it('the check finds a number whose source was left out', () => {
    const unsourced = { ...LYCHEE, budget: { ...LYCHEE.budget, source: ' ' }, maxReadingGapSource: '' };
    expect(unsourcedNumbers(unsourced, '')).toEqual(['budget.maxOutsideMs', 'budget.maxDegreeMinutes', 'maxReadingGapMs']);
  });

  it.each(profiles)('%s: every field source quotes a listed document or says it is a platform default', (_, profile) => {
    for (const [field, text] of fieldSources(profile)) {
      const cites = profile.sources.some((doc) => text.includes(doc)) || text.includes('platform default');
      expect(cites, `${field}: ${text}`).toBe(true);
    }
  });

  it.each(profiles)('%s: every listed document is cited by some field', (_, profile) => {
    const texts = fieldSources(profile).map(([, text]) => text);
    for (const doc of profile.sources) expect(texts.some((t) => t.includes(doc)), doc).toBe(true);
  });

  it.each(profiles)('%s: optimum, humidity, claim and reading gap cite a source', (_, profile) => {
    expect(profile.optimumC.source.trim()).not.toBe('');
    expect(profile.rhPct.source.trim()).not.toBe('');
    expect(profile.claim.source.trim()).not.toBe('');
    expect(profile.maxReadingGapSource.trim()).not.toBe('');
  });

  it.each(profiles)('%s: every limit cites a source', (_, profile) => {
    expect(profile.limits.length).toBeGreaterThan(0);
    for (const limit of profile.limits) expect(limit.source.trim(), `limit ${limit.id}`).not.toBe('');
  });

  it.each(profiles)('%s: is filed under its own id and named in both languages', (id, profile) => {
    expect(profile.id).toBe(id);
    expect(profile.name.zh.trim()).not.toBe('');
    expect(profile.name.en.trim()).not.toBe('');
  });
});

describe('profiles: the numbers are coherent', () => {
  it.each(profiles)('%s: ranges run from min to max, humidity within 0 to 100 per cent', (_, profile) => {
    expect(profile.optimumC.min).toBeLessThanOrEqual(profile.optimumC.max);
    expect(profile.rhPct.min).toBeLessThanOrEqual(profile.rhPct.max);
    expect(profile.rhPct.min).toBeGreaterThanOrEqual(0);
    expect(profile.rhPct.max).toBeLessThanOrEqual(100);
  });

  it.each(profiles)('%s: limits have unique ids and never alarm on fruit kept at its optimum', (_, profile) => {
    const ids = profile.limits.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const limit of profile.limits) {
      if (limit.direction === 'above') expect(limit.thresholdC - limit.hysteresisC, limit.id).toBeGreaterThanOrEqual(profile.optimumC.max);
      else expect(limit.thresholdC + limit.hysteresisC, limit.id).toBeLessThanOrEqual(profile.optimumC.min);
    }
  });

  it.each(profiles)('%s: durations are non-negative and the claim share is a share', (_, profile) => {
    for (const limit of profile.limits) {
      expect(limit.holdForMs, limit.id).toBeGreaterThanOrEqual(0);
      expect(limit.keepFiringForMs, limit.id).toBeGreaterThanOrEqual(0);
      expect(limit.hysteresisC, limit.id).toBeGreaterThan(0);
    }
    expect(profile.claim.minOutsideMs).toBeGreaterThan(0);
    expect(profile.claim.damagedShare).toBeGreaterThanOrEqual(0);
    expect(profile.claim.damagedShare).toBeLessThanOrEqual(1);
    expect(profile.maxReadingGapMs).toBeGreaterThan(0);
  });
});

describe('LYCHEE', () => {
  it('alerts above 15 °C as tier 1 and claimable (plan document)', () => {
    expect(LYCHEE.limits.find((l) => l.id === 'high')).toMatchObject({ direction: 'above', thresholdC: 15, holdForMs: 10 * MIN, tier: 1, isClaimable: true });
  });

  it('flags a reefer set too cold as tier 3, not claimable', () => {
    expect(LYCHEE.limits.find((l) => l.id === 'low')).toMatchObject({ direction: 'below', thresholdC: 1, tier: 3, isClaimable: false });
  });

  it('keeps 2–5 °C and 90–95 % RH (CTAHR F_N-29, UC Davis)', () => {
    expect(LYCHEE.optimumC).toMatchObject({ min: 2, max: 5 });
    expect(LYCHEE.rhPct).toMatchObject({ min: 90, max: 95 });
  });

  it('claims after an hour outside, for the full goods value; three missed 10-min records is a gap', () => {
    expect(LYCHEE.claim).toMatchObject({ minOutsideMs: HOUR, damagedShare: 1 });
    expect(LYCHEE.maxReadingGapMs).toBe(30 * MIN);
  });
});

describe('profiles: facts the reference marks [weak] stay marked', () => {
  it.each<{ id: string; field: (p: ProductProfile) => string | undefined }>([
    { id: 'yangmei', field: (p) => p.optimumC.source },
    { id: 'yangmei', field: (p) => p.shelfLife?.source },
    { id: 'kiwifruit', field: (p) => p.optimumC.source },
    { id: 'kiwifruit', field: (p) => p.limits.find((l) => l.id === 'low')?.source },
    { id: 'strawberry', field: (p) => p.shelfLife?.source },
    { id: 'cut-roses', field: (p) => p.shelfLife?.source },
    { id: 'lychee', field: (p) => p.maxReadingGapSource },
  ])('$id', ({ id, field }) => {
    const profile = findProfile(id);
    expect(profile && field(profile)).toMatch(/\[weak/);
  });

  it.each([['lychee'], ['banana'], ['mango'], ['navel-orange'], ['apple']])('%s: UC Davis and Prange & Wright figures are not marked weak', (id) => {
    expect(findProfile(id)?.optimumC.source).not.toMatch(/weak/);
  });
});

describe('profiles: the limits a station is alerted on', () => {
  it.each<{ id: string; limit: string; direction: 'above' | 'below'; thresholdC: number; tier: 1 | 2 | 3; isClaimable: boolean; why: string }>([
    { id: 'lychee', limit: 'high', direction: 'above', thresholdC: 15, tier: 1, isClaimable: true, why: 'plan document' },
    { id: 'strawberry', limit: 'high', direction: 'above', thresholdC: 2.7, tier: 1, isClaimable: true, why: 'optimum max 0.5 °C + Blue Book 2.2 °C' },
    { id: 'yangmei', limit: 'high', direction: 'above', thresholdC: 5, tier: 2, isClaimable: true, why: 'top of the 0–5 °C trade range' },
    { id: 'kiwifruit', limit: 'low', direction: 'below', thresholdC: -1, tier: 1, isClaimable: true, why: 'freezes below about −1 °C' },
    { id: 'kiwifruit', limit: 'high', direction: 'above', thresholdC: 2.2, tier: 3, isClaimable: false, why: 'Blue Book variance on a 3–6 month fruit' },
    { id: 'navel-orange', limit: 'low', direction: 'below', thresholdC: 2, tier: 3, isClaimable: false, why: 'platform default, no sourced chilling threshold' },
    { id: 'navel-orange', limit: 'high', direction: 'above', thresholdC: 10.2, tier: 3, isClaimable: true, why: 'optimum max 8 °C + 2.2 °C' },
    { id: 'apple', limit: 'high', direction: 'above', thresholdC: 3.2, tier: 3, isClaimable: true, why: 'optimum max 1 °C + 2.2 °C' },
    { id: 'banana', limit: 'low', direction: 'below', thresholdC: 12, tier: 1, isClaimable: true, why: 'chilling injury below 12–13 °C within hours' },
    { id: 'mango', limit: 'low', direction: 'below', thresholdC: 9.5, tier: 2, isClaimable: true, why: 'chilling injury below 10 °C (ripe fruit)' },
    { id: 'shell-eggs', limit: 'high', direction: 'above', thresholdC: 7.2, tier: 2, isClaimable: true, why: 'US 63 FR 45663: at most 45 °F' },
    { id: 'cut-roses', limit: 'high', direction: 'above', thresholdC: 4.2, tier: 3, isClaimable: true, why: 'optimum max 2 °C + 2.2 °C' },
  ])('$id $limit: $direction $thresholdC °C, tier $tier ($why)', ({ id, limit, ...expected }) => {
    const found = findProfile(id)?.limits.find((l) => l.id === limit);
    expect(found).toMatchObject({ direction: expected.direction, thresholdC: expected.thresholdC, tier: expected.tier, isClaimable: expected.isClaimable });
  });

  it.each(profiles)('%s: has a claimable limit, so an attributed excursion can become a claim', (_, profile) => {
    expect(profile.limits.some((l) => l.isClaimable)).toBe(true);
  });
});

describe('profiles: shelf-life models agree with the lives the reference gives', () => {
  const hoursAt = (id: string, tempC: number) => {
    const model = findProfile(id)?.shelfLife;
    if (!model) throw new Error(`${id} has no shelf-life model`);
    return shelfLifeHoursAt(model, tempC);
  };
  it.each<{ id: string; tempC: number; minHours: number; maxHours: number; fact: string }>([
    { id: 'lychee', tempC: 20, minHours: 3 * 24, maxHours: 5 * 24, fact: '3–5 days at 20 °C' },
    { id: 'lychee', tempC: 2, minHours: 3 * 7 * 24, maxHours: 5 * 7 * 24, fact: '3–5 weeks at 2–5 °C' },
    { id: 'strawberry', tempC: 0, minHours: 5 * 24, maxHours: 7 * 24, fact: '5–7 days at 0 °C' },
    { id: 'strawberry', tempC: 20, minHours: 0, maxHours: 24, fact: 'decays about 10× faster at 20 °C: under a day' },
    { id: 'yangmei', tempC: 20, minHours: 2 * 24, maxHours: 3 * 24, fact: '2–3 days ambient' },
    { id: 'kiwifruit', tempC: 0, minHours: 90 * 24, maxHours: 180 * 24, fact: '3–6 months' },
    { id: 'apple', tempC: 0, minHours: 90 * 24, maxHours: 180 * 24, fact: '3–6 months in air' },
    { id: 'mango', tempC: 13, minHours: 14 * 24, maxHours: 21 * 24, fact: '2–3 weeks' },
    { id: 'cut-roses', tempC: 1, minHours: 14 * 24, maxHours: 21 * 24, fact: '2–3 weeks' },
  ])('$id at $tempC °C: $fact', ({ id, tempC, minHours, maxHours }) => {
    const hours = hoursAt(id, tempC);
    expect(hours).toBeGreaterThanOrEqual(minHours - 1e-9);
    expect(hours).toBeLessThanOrEqual(maxHours + 1e-9);
  });

  it('apple spoils 2–3× faster at 10 °C than at 0 °C (Prange & Wright 2023)', () => {
    const ratio = hoursAt('apple', 0) / hoursAt('apple', 10);
    expect(ratio).toBeGreaterThanOrEqual(2);
    expect(ratio).toBeLessThanOrEqual(3);
  });

  it.each([['banana'], ['shell-eggs']])('%s: no storage life in the reference, so no estimate', (id) => {
    expect(findProfile(id)?.shelfLife).toBeNull();
  });
});

describe('findProfile', () => {
  it.each<{ id: string; expected: ProductProfile | undefined }>([
    { id: 'lychee', expected: LYCHEE },
    { id: 'Lychee', expected: undefined },
    { id: 'durian', expected: undefined },
    { id: '', expected: undefined },
    // ids arrive from API requests and device configuration: inherited object keys are not profiles
    { id: 'constructor', expected: undefined },
    { id: 'toString', expected: undefined },
    { id: '__proto__', expected: undefined },
  ])('$id', ({ id, expected }) => {
    expect(findProfile(id)).toBe(expected);
  });
});

describe('DEFAULT_RESPONSE_MS', () => {
  it('gives 1 h, 4 h and 24 h to respond to tiers 1, 2 and 3 (plan document)', () => {
    expect(DEFAULT_RESPONSE_MS).toEqual({ 1: HOUR, 2: 4 * HOUR, 3: 24 * HOUR });
  });
});
