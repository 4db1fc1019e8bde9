import { describe, expect, it } from 'vitest';
import { budgetStatus } from './budget.ts';
import { computeMeasures } from './measures.ts';
import { LYCHEE } from './profiles.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 1, 2, 0);

/** A lychee shipment logged every 10 min for `hours` hours at a temperature set per minute. */
function lycheeShipment(hours: number, tempAt: (m: number) => number, silentFromMin = Number.POSITIVE_INFINITY) {
  const readings = [];
  for (let m = 0; m <= hours * 60; m += 10) if (m < silentFromMin) readings.push({ sampledAt: T0 + m * MIN, tempC: tempAt(m) });
  return computeMeasures({ readings, from: T0, to: T0 + hours * 60 * MIN, profile: LYCHEE });
}

// Lychee's budget: 12 h and 1 584 °C·min outside 2–5 °C (Produce Blue Book's "slight" variance).
describe('budgetStatus', () => {
  /**
   * A spell at `spellC` from `fromMin` to `toMin` in a day at 4 °C. The logger reads every 10 min, so
   * the temperature ramps in and out over one interval each side: those ramps count where they cross
   * the optimum's edge (5 °C above it, 2 °C below).
   */
  function expectedSpell(spellC: number, minutes: number) {
    const edgeC = spellC > 5 ? 5 : 2;
    const excessC = Math.abs(spellC - edgeC);
    const rampMin = (10 * excessC) / Math.abs(spellC - 4);
    return { outsideMin: minutes + 2 * rampMin, degreeMinutes: minutes * excessC + rampMin * excessC };
  }

  it.each<{ name: string; spellC: number; fromMin: number; toMin: number; isExceeded: boolean }>([
    { name: '1 h at 6 °C: a twelfth of the time, 60-odd of 1 584 °C·min', spellC: 6, fromMin: 60, toMin: 120, isExceeded: false },
    { name: '2 h at 20 °C: well inside the time, past the degree-minutes', spellC: 20, fromMin: 60, toMin: 180, isExceeded: true },
    { name: '13 h at 5.5 °C: past the time, inside the degree-minutes', spellC: 5.5, fromMin: 60, toMin: 840, isExceeded: true },
    { name: '3 h at 1 °C counts below the optimum too', spellC: 1, fromMin: 60, toMin: 240, isExceeded: false },
  ])('$name', ({ spellC, fromMin, toMin, isExceeded }) => {
    const status = budgetStatus(lycheeShipment(24, (m) => (m >= fromMin && m <= toMin ? spellC : 4)), LYCHEE);
    const expected = expectedSpell(spellC, toMin - fromMin);
    expect(status.outsideUsedPct).toBeCloseTo((expected.outsideMin / 720) * 100, 9);
    expect(status.degreeMinutesUsedPct).toBeCloseTo((expected.degreeMinutes / 1584) * 100, 9);
    expect(status.isExceeded).toBe(isExceeded);
    expect(status).toMatchObject({ maxOutsideMs: 12 * 60 * MIN, maxDegreeMinutes: 1584, isLowerBound: false });
  });

  it('a day at 4 °C uses nothing', () => {
    expect(budgetStatus(lycheeShipment(24, () => 4), LYCHEE)).toMatchObject({ outsideUsedPct: 0, degreeMinutesUsedPct: 0, isExceeded: false });
  });

  it('reports exactly the time and degree-minutes outside, above and below together', () => {
    const measures = lycheeShipment(24, (m) => (m >= 60 && m <= 120 ? 8 : m >= 600 && m <= 660 ? 0 : 4));
    const status = budgetStatus(measures, LYCHEE);
    expect(status.outsideMs).toBe(measures.timeAboveMs + measures.timeBelowMs);
    expect(status.degreeMinutes).toBeCloseTo(measures.degreeMinutesAbove + measures.degreeMinutesBelow, 9);
    expect(status.outsideUsedPct).toBeCloseTo((status.outsideMs / (12 * 60 * MIN)) * 100, 9);
  });

  it('marks the shares as lower bounds when part of the trip went unrecorded', () => {
    const status = budgetStatus(lycheeShipment(24, () => 4, 18 * 60), LYCHEE);
    expect(status).toMatchObject({ outsideUsedPct: 0, isExceeded: false, isLowerBound: true });
  });
});
