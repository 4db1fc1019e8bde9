import { describe, expect, it } from 'vitest';
import { DEFAULT_RESPONSE_MS, findProfile, LYCHEE, PROFILES, type ProductProfile } from './profiles.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const profiles: Array<[string, ProductProfile]> = Object.entries(PROFILES);

describe('profiles: every number has its source', () => {
  it('has at least the lychee profile', () => {
    expect(profiles.map(([id]) => id)).toContain('lychee');
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
  it.each(profiles)('%s: ranges run from min to max, humidity within 0–100 %%', (_, profile) => {
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
