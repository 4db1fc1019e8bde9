import { describe, expect, it } from 'vitest';
import { unmonitoredMs } from './coverage.ts';
import { buildLegs, type CustodyEvent, type Stage } from './custody.ts';
import { computeMeasures, measuresPerLeg, totalMeasures, type Measures } from './measures.ts';
import { BANANA, LYCHEE, STRAWBERRY, type ProductProfile } from './profiles.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 5, 1, 2, 0);
type Sample = { sampledAt: number; tempC: number };

/** Readings every `stepMin` minutes from `fromMin` to `toMin` inclusive, the temperature a function of the minute. */
function series(fromMin: number, toMin: number, stepMin: number, tempAt: (m: number) => number): Sample[] {
  const out: Sample[] = [];
  for (let m = fromMin; m <= toMin; m += stepMin) out.push({ sampledAt: T0 + m * MIN, tempC: tempAt(m) });
  return out;
}
const at = (m: number, tempC: number): Sample => ({ sampledAt: T0 + m * MIN, tempC });
const measure = (readings: Sample[], fromMin: number, toMin: number, profile: ProductProfile = LYCHEE) =>
  computeMeasures({ readings, from: T0 + fromMin * MIN, to: T0 + toMin * MIN, profile });

describe('computeMeasures against the lychee optimum (2–5 °C, gaps over 30 min)', () => {
  type Expected = { aboveMin: number; belowMin: number; dmAbove: number; dmBelow: number; unmonitoredMin: number };
  it.each<{ name: string; readings: Sample[]; toMin: number; expected: Expected }>([
    { name: 'a day at 4 °C: nothing outside', readings: series(0, 1440, 10, () => 4), toMin: 1440, expected: { aboveMin: 0, belowMin: 0, dmAbove: 0, dmBelow: 0, unmonitoredMin: 0 } },
    { name: 'an hour at 20 °C: 60 min and 15 °C × 60 min above', readings: series(0, 60, 10, () => 20), toMin: 60, expected: { aboveMin: 60, belowMin: 0, dmAbove: 900, dmBelow: 0, unmonitoredMin: 0 } },
    { name: 'an hour at 0 °C: 60 min and 2 °C × 60 min below', readings: series(0, 60, 10, () => 0), toMin: 60, expected: { aboveMin: 0, belowMin: 60, dmAbove: 0, dmBelow: 120, unmonitoredMin: 0 } },
    { name: 'warming 3 → 7 °C over 20 min crosses 5 °C halfway', readings: [at(0, 3), at(20, 7)], toMin: 20, expected: { aboveMin: 10, belowMin: 0, dmAbove: 10, dmBelow: 0, unmonitoredMin: 0 } },
    { name: 'cooling 6 → 0 °C over 30 min: 5 min above, 10 min below', readings: [at(0, 6), at(30, 0)], toMin: 30, expected: { aboveMin: 5, belowMin: 10, dmAbove: 2.5, dmBelow: 10, unmonitoredMin: 0 } },
    {
      name: 'a 2-h silence between two hot hours is unmonitored, not above',
      readings: [...series(0, 60, 10, () => 20), ...series(180, 240, 10, () => 20)],
      toMin: 240,
      expected: { aboveMin: 120, belowMin: 0, dmAbove: 1800, dmBelow: 0, unmonitoredMin: 120 },
    },
    { name: 'a silence from 4 °C to 20 °C: no guess at when it warmed', readings: [at(0, 4), at(120, 20)], toMin: 120, expected: { aboveMin: 0, belowMin: 0, dmAbove: 0, dmBelow: 0, unmonitoredMin: 120 } },
    { name: 'readings exactly 30 min apart are monitored', readings: [at(0, 20), at(30, 20)], toMin: 30, expected: { aboveMin: 30, belowMin: 0, dmAbove: 450, dmBelow: 0, unmonitoredMin: 0 } },
    { name: 'no readings: the whole window is unmonitored', readings: [], toMin: 240, expected: { aboveMin: 0, belowMin: 0, dmAbove: 0, dmBelow: 0, unmonitoredMin: 240 } },
    { name: 'a logger switched on 2 h late', readings: series(120, 240, 10, () => 20), toMin: 240, expected: { aboveMin: 120, belowMin: 0, dmAbove: 1800, dmBelow: 0, unmonitoredMin: 120 } },
    { name: 'a logger switched on 20 min late: its first reading covers the start', readings: series(20, 60, 10, () => 20), toMin: 60, expected: { aboveMin: 60, belowMin: 0, dmAbove: 900, dmBelow: 0, unmonitoredMin: 0 } },
  ])('$name', ({ readings, toMin, expected }) => {
    const m = measure(readings, 0, toMin);
    expect(m.timeAboveMs / MIN).toBeCloseTo(expected.aboveMin, 9);
    expect(m.timeBelowMs / MIN).toBeCloseTo(expected.belowMin, 9);
    expect(m.degreeMinutesAbove).toBeCloseTo(expected.dmAbove, 9);
    expect(m.degreeMinutesBelow).toBeCloseTo(expected.dmBelow, 9);
    expect(m.unmonitoredMs / MIN).toBeCloseTo(expected.unmonitoredMin, 9);
    expect(m.monitoredMs + m.unmonitoredMs).toBe(toMin * MIN);
  });

  it('a constant temperature is its own mean and MKT; the extremes are the readings', () => {
    const m = measure(series(0, 1440, 10, () => 4.2), 0, 1440);
    expect(m).toMatchObject({ readingCount: 145, minTempC: 4.2, maxTempC: 4.2 });
    expect(m.meanTempC).toBeCloseTo(4.2, 9);
    expect(m.mktC).toBeCloseTo(4.2, 9);
  });

  it('a logger reading every minute through the published example gives its MKT, 15.7 °C', () => {
    const readings = series(0, 420, 1, (m) => (m < 120 ? 20 : m < 360 ? 2 : 25));
    const m = measure(readings, 0, 420);
    expect(m.mktC).toBeCloseTo(15.7, 1);
    expect(m.meanTempC).toBeCloseTo(10.4, 1);
  });

  it('has no mean or MKT without monitored time, and says so rather than 0', () => {
    const m = measure([], 0, 240);
    expect(m).toMatchObject({ readingCount: 0, minTempC: null, maxTempC: null, meanTempC: null, mktC: null, shelfLifeConsumedPct: 0 });
  });

  it('gives the same answer for readings in arrival order, redelivered twice', () => {
    const readings = series(0, 600, 10, (m) => 4 + 10 * Math.sin(m / 100));
    const arrival = [...readings.slice(300 / 10), ...readings, ...readings.slice(0, 20)].reverse();
    expect(measure(arrival, 0, 600)).toEqual(measure(readings, 0, 600));
  });

  it('ignores a sensor fault (a reading that is not a number)', () => {
    const readings = [...series(0, 60, 10, () => 4), at(65, Number.NaN)];
    expect(measure(readings, 0, 60)).toEqual(measure(series(0, 60, 10, () => 4), 0, 60));
  });

  it.each<{ name: string; minutes: number[] }>([
    { name: 'readings every 10 min', minutes: Array.from({ length: 61 }, (_, i) => i * 10) },
    { name: 'one 45-min silence', minutes: [0, 10, 20, 65, 75, 600] },
    { name: 'a logger that died', minutes: [0, 10, 20, 400] },
    { name: 'a logger switched on late', minutes: [120, 130, 600] },
    { name: 'one minute over the max gap', minutes: [0, 31, 62, 600] },
    { name: 'readings only outside the window', minutes: [-10, -5, 605, 610] },
    { name: 'no readings', minutes: [] },
  ])('counts unmonitored time as coverage.ts does: $name', ({ minutes }) => {
    const readings = minutes.map((m) => at(m, 4));
    const expected = unmonitoredMs(readings.map((r) => r.sampledAt), T0, T0 + 600 * MIN, LYCHEE.maxReadingGapMs);
    expect(measure(readings, 0, 600).unmonitoredMs).toBe(expected);
  });
});

describe('computeMeasures: shelf life consumed', () => {
  const constant = (tempC: number, hours: number, profile: ProductProfile = LYCHEE) =>
    measure(series(0, hours * 60, 10, () => tempC), 0, hours * 60, profile).shelfLifeConsumedPct ?? Number.NaN;

  it('at the reference temperature equals elapsed time over the reference life (lychee: 50.4 h of 504 h at 5 °C = 10 %)', () => {
    expect(constant(5, 50.4)).toBeCloseTo(10, 9);
  });

  it.each<{ tempC: number; factor: number }>([
    { tempC: -5, factor: 1 / 2.9 },
    { tempC: 5, factor: 1 },
    { tempC: 15, factor: 2.9 },
    { tempC: 25, factor: 2.9 ** 2 },
  ])('lychee at $tempC °C for 10 h uses $factor × what 5 °C does (Q10 2.9)', ({ tempC, factor }) => {
    expect(constant(tempC, 10) / constant(5, 10)).toBeCloseTo(factor, 9);
  });

  it('strawberry (Arrhenius, Ea 58.2 kJ/mol): 12 h at 0 °C is 10 % of 120 h; at 20 °C about 5.8× as much', () => {
    expect(constant(0, 12, STRAWBERRY)).toBeCloseTo(10, 9);
    const factor = Math.exp(((58.2e3 / 8.314_462_618) * 20) / (273.15 * 293.15));
    expect(constant(20, 12, STRAWBERRY) / constant(0, 12, STRAWBERRY)).toBeCloseTo(factor, 9);
    expect(factor).toBeCloseTo(5.75, 2);
  });

  it('a warming ramp costs the same whether read every 10 min or every minute', () => {
    const ramp = (m: number) => 5 + m / 60; // 5 → 15 °C over 10 h
    const coarse = measure(series(0, 600, 10, ramp), 0, 600).shelfLifeConsumedPct ?? Number.NaN;
    const fine = measure(series(0, 600, 1, ramp), 0, 600).shelfLifeConsumedPct ?? Number.NaN;
    expect(coarse).toBeCloseTo(fine, 9);
    expect(coarse).toBeGreaterThan(constant(5, 10));
    expect(coarse).toBeLessThan(constant(15, 10));
  });

  it('counts no shelf life over unmonitored time, which the measures report instead', () => {
    const withGap = measure([...series(0, 60, 10, () => 5), ...series(180, 240, 10, () => 5)], 0, 240);
    expect(withGap.shelfLifeConsumedPct).toBeCloseTo(constant(5, 2), 9);
    expect(withGap.unmonitoredMs).toBe(2 * HOUR);
  });

  it('is null for a commodity the reference gives no storage life for (banana)', () => {
    expect(measure(series(0, 60, 10, () => 13.5), 0, 60, BANANA).shelfLifeConsumedPct).toBeNull();
  });
});

describe('measuresPerLeg', () => {
  const NOW = T0 + 900 * MIN;
  const event = (seq: number, atMin: number, stage: Stage, toOrgId: string | null): CustodyEvent => ({
    id: `e${seq}`, shipmentId: 's1', seq, at: T0 + atMin * MIN, stage, toOrgId, station: null, probeTempC: null, recordedAt: T0 + atMin * MIN,
  });
  const legs = buildLegs([
    event(1, 0, 'packhouse', 'org-farm'),
    event(2, 120, 'first_mile', 'org-truck'),
    event(3, 300, 'hub', 'org-hub'),
    event(4, 600, 'line_haul', 'org-reefer'),
  ]);
  // 4 °C throughout, every 10 min, except: the hub's air-conditioning fails (330–450 min, up to 20 °C),
  // the logger is silent from 580 to 650 min, across the hand-over to the reefer at 600 min, and the
  // reefer runs a little cold at the end.
  const tempAt = (m: number) => (m >= 330 && m <= 450 ? 4 + 16 * Math.sin((Math.PI * (m - 330)) / 120) : m >= 800 ? 1 : 4);
  const readings = series(0, 900, 10, tempAt).filter((r) => r.sampledAt <= T0 + 580 * MIN || r.sampledAt >= T0 + 650 * MIN);
  const result = measuresPerLeg(legs, readings, LYCHEE, NOW);
  const sum = (pick: (m: Measures) => number) => result.legs.reduce((acc, leg) => acc + pick(leg.measures), 0);

  it.each<[string, (m: Measures) => number]>([
    ['time above', (m) => m.timeAboveMs],
    ['time below', (m) => m.timeBelowMs],
    ['degree-minutes above', (m) => m.degreeMinutesAbove],
    ['degree-minutes below', (m) => m.degreeMinutesBelow],
    ['unmonitored time', (m) => m.unmonitoredMs],
    ['monitored time', (m) => m.monitoredMs],
    ['reading count', (m) => m.readingCount],
    ['shelf life consumed', (m) => m.shelfLifeConsumedPct ?? Number.NaN],
    ['time-weighted temperature', (m) => (m.meanTempC ?? 0) * m.monitoredMs],
  ])('the legs add up to the shipment: %s', (_, pick) => {
    expect(sum(pick)).toBeCloseTo(pick(result.total), 6);
    expect(pick(result.total)).not.toBeNaN();
  });

  it('gives the same total alone as with the legs', () => {
    expect(totalMeasures(legs, readings, LYCHEE, NOW)).toEqual(result.total);
    expect(totalMeasures(legs, [...readings].reverse(), LYCHEE, NOW)).toEqual(result.total);
    expect(totalMeasures([], readings, LYCHEE, NOW)).toEqual(measuresPerLeg([], readings, LYCHEE, NOW).total);
  });

  it('the legs cover the shipment, and their extremes are the shipment\'s', () => {
    expect(result.total).toMatchObject({ from: T0, to: NOW });
    expect(sum((m) => m.to - m.from)).toBe(NOW - T0);
    expect(Math.max(...result.legs.map((l) => l.measures.maxTempC ?? Number.NEGATIVE_INFINITY))).toBe(result.total.maxTempC);
    expect(Math.min(...result.legs.map((l) => l.measures.minTempC ?? Number.POSITIVE_INFINITY))).toBe(result.total.minTempC);
  });

  it('puts the time above the optimum in the hub leg, where the air-conditioning failed', () => {
    expect(result.legs.map((l) => [l.stage, l.custodianOrgId, l.measures.timeAboveMs > 0])).toEqual([
      ['packhouse', 'org-farm', false],
      ['first_mile', 'org-truck', false],
      ['hub', 'org-hub', true],
      ['line_haul', 'org-reefer', false],
    ]);
  });

  it('counts a silence across a handoff whole, on both sides: 20 min in the hub, 50 min on the reefer', () => {
    const [, , hub, reefer] = result.legs;
    expect(hub?.measures.unmonitoredMs).toBe(20 * MIN);
    expect(reefer?.measures.unmonitoredMs).toBe(50 * MIN);
  });

  it('measures the open leg up to now, and its cold end as time below', () => {
    const reefer = result.legs[3]?.measures;
    expect(reefer).toMatchObject({ from: T0 + 600 * MIN, to: NOW });
    expect(reefer?.timeBelowMs).toBeGreaterThan(90 * MIN);
  });

  it('has an empty total before the first handoff', () => {
    const empty = measuresPerLeg([], readings, LYCHEE, NOW);
    expect(empty.legs).toEqual([]);
    expect(empty.total).toMatchObject({ from: NOW, to: NOW, monitoredMs: 0, unmonitoredMs: 0, readingCount: 0 });
  });
});
