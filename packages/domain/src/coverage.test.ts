import { describe, expect, it } from 'vitest';
import { unmonitoredMs } from './coverage.ts';
import { LYCHEE } from './profiles.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 1, 2, 0);
const MAX_GAP_MS = LYCHEE.maxReadingGapMs; // 30 min

/** Readings every `stepMin` minutes from `fromMin` to `toMin` inclusive, as minutes after T0. */
function every(stepMin: number, fromMin: number, toMin: number): number[] {
  const out: number[] = [];
  for (let m = fromMin; m <= toMin; m += stepMin) out.push(m);
  return out;
}

describe('unmonitoredMs', () => {
  const cases: Array<{ name: string; readingsMin: number[]; fromMin: number; toMin: number; expectedMin: number }> = [
    { name: 'no readings: the whole window', readingsMin: [], fromMin: 0, toMin: 600, expectedMin: 600 },
    { name: 'readings every 10 min: none', readingsMin: every(10, 0, 600), fromMin: 0, toMin: 600, expectedMin: 0 },
    { name: 'one 45-min silence: 45 min', readingsMin: [...every(10, 0, 100), ...every(10, 145, 600)], fromMin: 0, toMin: 600, expectedMin: 45 },
    { name: 'two silences add up', readingsMin: [...every(10, 0, 100), ...every(10, 140, 300), ...every(10, 400, 600)], fromMin: 0, toMin: 600, expectedMin: 40 + 100 },
    { name: 'a silence of exactly the max gap is monitored', readingsMin: [0, 30, 60], fromMin: 0, toMin: 60, expectedMin: 0 },
    { name: 'one minute over the max gap counts whole', readingsMin: [0, 31, 60], fromMin: 0, toMin: 60, expectedMin: 31 },
    { name: 'a logger switched on late: the time before its first reading', readingsMin: every(10, 120, 600), fromMin: 0, toMin: 600, expectedMin: 120 },
    { name: 'a logger that died: the time after its last reading', readingsMin: every(10, 0, 400), fromMin: 0, toMin: 600, expectedMin: 200 },
    { name: 'short stretches at both ends are monitored', readingsMin: every(10, 20, 580), fromMin: 0, toMin: 600, expectedMin: 0 },
    { name: 'readings outside the window do not cover it', readingsMin: [-10, -5, 605, 610], fromMin: 0, toMin: 600, expectedMin: 600 },
    { name: 'readings exactly on the window edges count', readingsMin: [0, 30, 60, 90], fromMin: 0, toMin: 90, expectedMin: 0 },
    { name: 'repeated readings (redelivery) change nothing', readingsMin: [0, 0, 10, 10, 20, 55, 55, 60], fromMin: 0, toMin: 60, expectedMin: 35 },
    { name: 'an empty window: none', readingsMin: [], fromMin: 100, toMin: 100, expectedMin: 0 },
    { name: 'a reversed window: none', readingsMin: [50], fromMin: 100, toMin: 0, expectedMin: 0 },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const { readingsMin, fromMin, toMin, expectedMin } = row;
      const sampledAts = readingsMin.map((m) => T0 + m * MIN);
      expect(unmonitoredMs(sampledAts, T0 + fromMin * MIN, T0 + toMin * MIN, MAX_GAP_MS)).toBe(expectedMin * MIN);
    });
  }

  it('gives the same answer for readings in arrival order as in device-time order', () => {
    // Late readings flushed from a logger's buffer arrive after newer ones.
    const deviceOrder = [0, 10, 50, 60].map((m) => T0 + m * MIN);
    const arrivalOrder = [50, 0, 60, 10].map((m) => T0 + m * MIN);
    const sorted = unmonitoredMs(deviceOrder, T0, T0 + 60 * MIN, MAX_GAP_MS);
    expect(sorted).toBe(40 * MIN);
    expect(unmonitoredMs(arrivalOrder, T0, T0 + 60 * MIN, MAX_GAP_MS)).toBe(sorted);
  });

  it('never reports more unmonitored time than the window holds', () => {
    const windowMs = 60 * MIN;
    const arrivalOrder = [50, 10].map((m) => T0 + m * MIN);
    expect(unmonitoredMs(arrivalOrder, T0, T0 + windowMs, MAX_GAP_MS)).toBeLessThanOrEqual(windowMs);
  });
});
