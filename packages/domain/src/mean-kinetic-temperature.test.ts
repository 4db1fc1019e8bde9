import { describe, expect, it } from 'vitest';
import { meanKineticTemperatureC } from './mean-kinetic-temperature.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 1, 0, 0);

/** A logger that reports at the start and the end of each period held at one temperature. */
function held(periods: Array<[tempC: number, hours: number]>): Array<{ sampledAt: number; tempC: number }> {
  const samples: Array<{ sampledAt: number; tempC: number }> = [];
  let t = T0;
  for (const [tempC, hours] of periods) {
    samples.push({ sampledAt: t, tempC });
    t += hours * HOUR;
    samples.push({ sampledAt: t, tempC });
  }
  return samples;
}

/** Readings every `stepMin` minutes for `hours` hours, the temperature a function of the hour. */
function logger(hours: number, stepMin: number, tempAt: (h: number) => number) {
  return Array.from({ length: (hours * 60) / stepMin + 1 }, (_, i) => ({ sampledAt: T0 + i * stepMin * 60_000, tempC: tempAt((i * stepMin) / 60) }));
}

describe('meanKineticTemperatureC', () => {
  it('reproduces the published example: 20 °C for 2 h, 2 °C for 4 h, 25 °C for 1 h → 15.7 °C (isopharm)', () => {
    const mkt = meanKineticTemperatureC(held([[20, 2], [2, 4], [25, 1]]));
    expect(mkt).toBeCloseTo(15.68, 2); // recomputed in reference/produce.md
    expect(mkt?.toFixed(1)).toBe('15.7');
  });

  it('sits well above the arithmetic mean of that example (10.4 °C): warm hours weigh more', () => {
    const mean = (20 * 2 + 2 * 4 + 25 * 1) / 7;
    expect(mean).toBeCloseTo(10.4, 1);
    expect(meanKineticTemperatureC(held([[20, 2], [2, 4], [25, 1]]))).toBeGreaterThan(mean + 5);
  });

  it('gives the same from a logger reporting every 5 min through the same day', () => {
    const stepped = logger(7, 5, (h) => (h < 2 ? 20 : h < 6 ? 2 : 25));
    // Steps now ramp over one 5-min interval each: a few hundredths of a degree.
    expect(meanKineticTemperatureC(stepped)).toBeCloseTo(15.68, 1);
  });

  it.each([[-1], [0], [4.2], [13], [25], [40]])('a constant %s °C has that MKT', (tempC) => {
    expect(meanKineticTemperatureC(logger(24, 10, () => tempC))).toBeCloseTo(tempC, 9);
  });

  // Expected values: the reference's formula evaluated independently (Python, ΔH/R = 10 000 K).
  it.each<{ name: string; periods: Array<[number, number]>; expectedC: number }>([
    { name: 'an hour at 25 °C in a day at 2 °C (arithmetic mean 2.96 °C)', periods: [[2, 23], [25, 1]], expectedC: 5.83 },
    { name: 'half the time at 0 °C, half at 10 °C (arithmetic mean 5 °C)', periods: [[0, 12], [10, 12]], expectedC: 6.43 },
    { name: 'the same, warm half first: only the weights matter, not the order', periods: [[10, 12], [0, 12]], expectedC: 6.43 },
  ])('$name → $expectedC °C', ({ periods, expectedC }) => {
    expect(meanKineticTemperatureC(held(periods))).toBeCloseTo(expectedC, 2);
  });

  it('weighs each interval by its duration: 61 readings in a cold hour do not outweigh 2 in a warm one', () => {
    const bunched = [...logger(1, 1, () => 2), { sampledAt: T0 + HOUR, tempC: 20 }, { sampledAt: T0 + 2 * HOUR, tempC: 20 }];
    expect(meanKineticTemperatureC(bunched)).toBeCloseTo(meanKineticTemperatureC(held([[2, 1], [20, 1]])) ?? Number.NaN, 9);
    expect(meanKineticTemperatureC(bunched)).toBeGreaterThan(11); // the plain mean of those temperatures, 2.6 °C, would hide the warm hour
  });

  it('takes readings in arrival order as well as device-time order', () => {
    const samples = logger(6, 10, (h) => 4 + 3 * Math.sin(h));
    const shuffled = [...samples].reverse();
    expect(meanKineticTemperatureC(shuffled)).toBeCloseTo(meanKineticTemperatureC(samples) ?? Number.NaN, 12);
  });

  it('weighs a warm spell more with a larger ΔH/R (per-commodity activation energy)', () => {
    const samples = held([[2, 20], [20, 4]]);
    const usp = meanKineticTemperatureC(samples) ?? Number.NaN;
    expect(meanKineticTemperatureC(samples, 15_000)).toBeGreaterThan(usp);
    expect(meanKineticTemperatureC(samples, 7_000)).toBeLessThan(usp);
  });

  it.each<{ name: string; samples: Array<{ sampledAt: number; tempC: number }> }>([
    { name: 'no readings', samples: [] },
    { name: 'one reading', samples: [{ sampledAt: T0, tempC: 4 }] },
    { name: 'two readings at the same time', samples: [{ sampledAt: T0, tempC: 4 }, { sampledAt: T0, tempC: 6 }] },
  ])('has no MKT for $name: no time to weigh', ({ samples }) => {
    expect(meanKineticTemperatureC(samples)).toBeNull();
  });

  it('skips a sensor fault (not a number) rather than returning NaN', () => {
    const samples = [{ sampledAt: T0, tempC: 4 }, { sampledAt: T0 + HOUR, tempC: Number.NaN }, { sampledAt: T0 + 2 * HOUR, tempC: 4 }];
    expect(meanKineticTemperatureC(samples)).toBeCloseTo(4, 9);
  });

  it('refuses a ΔH/R that is not positive', () => {
    expect(() => meanKineticTemperatureC(held([[4, 1]]), 0)).toThrow(/deltaHOverR/);
  });
});
