import { describe, expect, it } from 'vitest';
import { validateProfile } from './profile-validation.ts';
import { LYCHEE, STRAWBERRY, type ProductProfile, type TemperatureLimit } from './profiles.ts';

/** Lychee with its high limit (limits[0]) or low limit (limits[1]) changed. */
function withLimit(index: 0 | 1, change: Partial<TemperatureLimit>): ProductProfile {
  return { ...LYCHEE, limits: LYCHEE.limits.map((l, i) => (i === index ? { ...l, ...change } : l)) };
}
const [HIGH, LOW] = LYCHEE.limits as [TemperatureLimit, TemperatureLimit];

describe('validateProfile', () => {
  it('accepts the lychee profile as shipped', () => {
    expect(validateProfile(LYCHEE)).toEqual([]);
  });

  it.each<{ name: string; profile: ProductProfile; errors: string[] }>([
    { name: 'empty id', profile: { ...LYCHEE, id: ' ' }, errors: ['id: must not be empty'] },
    { name: 'no English name', profile: { ...LYCHEE, name: { zh: '荔枝', en: '' } }, errors: ['name.en: must not be empty'] },
    {
      name: 'optimum min above max',
      profile: { ...LYCHEE, optimumC: { ...LYCHEE.optimumC, min: 6 } },
      errors: ['optimumC.min: must not be above optimumC.max (5 °C)'],
    },
    { name: 'optimum max not a number', profile: { ...LYCHEE, optimumC: { ...LYCHEE.optimumC, max: Number.NaN } }, errors: ['optimumC.max: must be a finite number'] },
    { name: 'optimum without a source', profile: { ...LYCHEE, optimumC: { ...LYCHEE.optimumC, source: '' } }, errors: ['optimumC.source: must name a source'] },
    { name: 'humidity over 100 %', profile: { ...LYCHEE, rhPct: { ...LYCHEE.rhPct, max: 120 } }, errors: ['rhPct.max: must be at most 100'] },
    { name: 'humidity min above max', profile: { ...LYCHEE, rhPct: { ...LYCHEE.rhPct, min: 96 } }, errors: ['rhPct.min: must not be above rhPct.max (95 %)'] },
    { name: 'upper limit inside the optimum', profile: withLimit(0, { thresholdC: 4 }), errors: ['limits[0].thresholdC: must be above optimumC.max (5 °C)'] },
    { name: 'upper limit on the optimum max', profile: withLimit(0, { thresholdC: 5 }), errors: ['limits[0].thresholdC: must be above optimumC.max (5 °C)'] },
    { name: 'lower limit inside the optimum', profile: withLimit(1, { thresholdC: 3 }), errors: ['limits[1].thresholdC: must be below optimumC.min (2 °C)'] },
    {
      name: 'upper limit that clears only below the optimum max',
      profile: withLimit(0, { thresholdC: 5.2 }),
      errors: ['limits[0].hysteresisC: must not clear below optimumC.max (5 °C): produce kept at its optimum would never clear the alert'],
    },
    {
      name: 'lower limit that clears only above the optimum min',
      profile: withLimit(1, { hysteresisC: 2 }),
      errors: ['limits[1].hysteresisC: must not clear above optimumC.min (2 °C): produce kept at its optimum would never clear the alert'],
    },
    { name: 'no hysteresis', profile: withLimit(0, { hysteresisC: 0 }), errors: ['limits[0].hysteresisC: must be above 0'] },
    { name: 'negative hold-for', profile: withLimit(0, { holdForMs: -1 }), errors: ['limits[0].holdForMs: must be at least 0'] },
    { name: 'negative keep-firing-for', profile: withLimit(1, { keepFiringForMs: -60_000 }), errors: ['limits[1].keepFiringForMs: must be at least 0'] },
    { name: 'tier 4', profile: withLimit(0, { tier: 4 as never }), errors: ['limits[0].tier: must be 1, 2 or 3'] },
    { name: 'tier 0', profile: withLimit(1, { tier: 0 as never }), errors: ['limits[1].tier: must be 1, 2 or 3'] },
    { name: 'a limit without a source', profile: withLimit(0, { source: '' }), errors: ['limits[0].source: must name a source'] },
    { name: 'two limits with one id', profile: withLimit(1, { id: 'high' }), errors: ['limits[1].id: must be unique, "high" is also limits[0].id'] },
    { name: 'no upper limit', profile: { ...LYCHEE, limits: [LOW] }, errors: ['limits: must hold an upper (above) limit'] },
    { name: 'no limits at all', profile: { ...LYCHEE, limits: [] }, errors: ['limits: must hold at least one limit', 'limits: must hold an upper (above) limit'] },
    { name: 'claim after no time at all', profile: { ...LYCHEE, claim: { ...LYCHEE.claim, minOutsideMs: 0 } }, errors: ['claim.minOutsideMs: must be above 0'] },
    { name: 'a damaged share over 100 %', profile: { ...LYCHEE, claim: { ...LYCHEE.claim, damagedShare: 1.5 } }, errors: ['claim.damagedShare: must be at most 1'] },
    { name: 'a zero time budget', profile: { ...LYCHEE, budget: { ...LYCHEE.budget, maxOutsideMs: 0 } }, errors: ['budget.maxOutsideMs: must be above 0'] },
    { name: 'a negative degree-minute budget', profile: { ...LYCHEE, budget: { ...LYCHEE.budget, maxDegreeMinutes: -5 } }, errors: ['budget.maxDegreeMinutes: must be above 0'] },
    { name: 'a budget without a source', profile: { ...LYCHEE, budget: { ...LYCHEE.budget, source: '' } }, errors: ['budget.source: must name a source'] },
    {
      name: 'a shelf life of zero hours',
      profile: { ...LYCHEE, shelfLife: { model: 'q10', referenceC: 5, referenceLifeHours: 0, q10: 2.9, source: 'x' } },
      errors: ['shelfLife.referenceLifeHours: must be above 0'],
    },
    {
      name: 'a Q10 under 1 (warmer would keep longer)',
      profile: { ...LYCHEE, shelfLife: { model: 'q10', referenceC: 5, referenceLifeHours: 504, q10: 0.5, source: 'x' } },
      errors: ['shelfLife.q10: must be at least 1'],
    },
    {
      name: 'an activation energy of zero',
      profile: { ...STRAWBERRY, shelfLife: { model: 'arrhenius', referenceC: 0, referenceLifeHours: 120, eaKjPerMol: 0, source: 'x' } },
      errors: ['shelfLife.eaKjPerMol: must be above 0'],
    },
    {
      name: 'a shelf-life model without a source',
      profile: { ...LYCHEE, shelfLife: { model: 'q10', referenceC: 5, referenceLifeHours: 504, q10: 2.9, source: '' } },
      errors: ['shelfLife.source: must name a source'],
    },
    { name: 'ΔH/R of zero', profile: { ...LYCHEE, mktDeltaHOverR: 0 }, errors: ['mktDeltaHOverR: must be above 0'] },
    { name: 'a gap limit of zero', profile: { ...LYCHEE, maxReadingGapMs: 0 }, errors: ['maxReadingGapMs: must be above 0'] },
    { name: 'no sources listed', profile: { ...LYCHEE, sources: [] }, errors: ['sources: must list at least one source'] },
    { name: 'an empty source listed', profile: { ...LYCHEE, sources: [...LYCHEE.sources, ''] }, errors: [`sources[${LYCHEE.sources.length}]: must not be empty`] },
  ])('$name', ({ profile, errors }) => {
    expect(validateProfile(profile)).toEqual(errors);
  });

  it('reports every broken rule at once, so the platform can fix them in one edit', () => {
    const broken: ProductProfile = {
      ...LYCHEE,
      optimumC: { ...LYCHEE.optimumC, min: 8 },
      limits: [{ ...HIGH, tier: 5 as never }, { ...LOW, holdForMs: -1 }],
      sources: [],
    };
    expect(validateProfile(broken)).toEqual([
      'optimumC.min: must not be above optimumC.max (5 °C)',
      'limits[0].tier: must be 1, 2 or 3',
      'limits[1].holdForMs: must be at least 0',
      'sources: must list at least one source',
    ]);
  });
});
