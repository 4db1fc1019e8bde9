import { describe, expect, it } from 'vitest';
import { downsampleMinMax, type CurvePoint } from './downsample.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 1, 2, 0);

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Two days of a reefer at one reading a minute: 4 °C with compressor cycling and noise, a door left open
 * at `spikeAt` (one reading at 19.7 °C) and a defrost dip at `troughAt` (one reading at -1.3 °C).
 */
function reeferDay(spikeAt: number, troughAt: number, count = 2 * 24 * 60, seed = 7): CurvePoint[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => ({
    t: T0 + i * MIN,
    v: i === spikeAt ? 19.7 : i === troughAt ? -1.3 : 4 + Math.sin(i / 20) + (next() - 0.5) * 0.4,
  }));
}

function isTimeOrdered(points: readonly CurvePoint[]): boolean {
  return points.every((p, i) => i === 0 || points[i - 1]!.t <= p.t);
}

describe('downsampleMinMax', () => {
  const cases: Array<{ name: string; points: CurvePoint[]; maxPoints: number }> = [
    { name: 'empty', points: [], maxPoints: 10 },
    { name: 'one point', points: [{ t: T0, v: 4 }], maxPoints: 10 },
    { name: 'two points, max 1', points: [{ t: T0, v: 4 }, { t: T0 + MIN, v: 5 }], maxPoints: 1 },
    { name: 'exactly max points', points: reeferDay(3, 7, 10), maxPoints: 10 },
    { name: 'fewer than max points', points: reeferDay(3, 7, 50), maxPoints: 500 },
  ];
  for (const row of cases) {
    it(`returns an already small curve unchanged: ${row.name}`, () => {
      const { points, maxPoints } = row;
      const out = downsampleMinMax(points, maxPoints);
      expect(out).toEqual(points);
      expect(out).not.toBe(points); // a copy: the caller may sort or push without touching the input
    });
  }

  it.each<{ spikeAt: number; troughAt: number; maxPoints: number }>([
    { spikeAt: 1000, troughAt: 2500, maxPoints: 300 },
    { spikeAt: 0, troughAt: 2879, maxPoints: 300 }, // at the very ends
    { spikeAt: 2879, troughAt: 0, maxPoints: 300 },
    { spikeAt: 1439, troughAt: 1440, maxPoints: 100 }, // side by side
    { spikeAt: 17, troughAt: 2000, maxPoints: 10 },
    { spikeAt: 1234, troughAt: 99, maxPoints: 3 },
    { spikeAt: 1234, troughAt: 99, maxPoints: 2 },
  ])('keeps the spike at $spikeAt and the trough at $troughAt within $maxPoints points, in time order', ({ spikeAt, troughAt, maxPoints }) => {
    const points = reeferDay(spikeAt, troughAt);
    const out = downsampleMinMax(points, maxPoints);
    expect(out.length).toBeLessThanOrEqual(maxPoints);
    expect(out.length).toBeGreaterThan(0);
    expect(out).toContainEqual(points[spikeAt]);
    expect(out).toContainEqual(points[troughAt]);
    expect(Math.max(...out.map((p) => p.v))).toBe(19.7);
    expect(Math.min(...out.map((p) => p.v))).toBe(-1.3);
    expect(isTimeOrdered(out)).toBe(true);
  });

  it('keeps only real readings, never an invented or averaged one', () => {
    const points = reeferDay(500, 600);
    const out = downsampleMinMax(points, 200);
    const byTime = new Map(points.map((p) => [p.t, p.v]));
    for (const p of out) expect(byTime.get(p.t)).toBe(p.v);
    expect(new Set(out.map((p) => p.t)).size).toBe(out.length);
  });

  it('reduces a two-day curve to about the asked size', () => {
    const out = downsampleMinMax(reeferDay(500, 600), 400);
    expect(out.length).toBeLessThanOrEqual(400);
    expect(out.length).toBeGreaterThan(300);
  });

  it('keeps every short excursion of a long curve, one per bucket', () => {
    // A spike every 6 hours over two days, 8 in all; 100 points is ample for all of them.
    const points = reeferDay(-1, -1).map((p, i) => (i % 360 === 180 ? { ...p, v: 16 + i / 1000 } : p));
    const out = downsampleMinMax(points, 100);
    const spikes = points.filter((p) => p.v >= 16);
    expect(spikes).toHaveLength(8);
    for (const spike of spikes) expect(out).toContainEqual(spike);
  });

  it('handles irregular sampling and readings at the same time', () => {
    const points: CurvePoint[] = [
      { t: T0, v: 4 },
      { t: T0, v: 4.5 },
      { t: T0 + 1 * MIN, v: 3.9 },
      { t: T0 + 2 * MIN, v: 18 },
      { t: T0 + 90 * MIN, v: 4.1 },
      { t: T0 + 91 * MIN, v: 0.2 },
      { t: T0 + 92 * MIN, v: 4 },
      { t: T0 + 300 * MIN, v: 4.2 },
    ];
    const out = downsampleMinMax(points, 4);
    expect(out.length).toBeLessThanOrEqual(4);
    expect(out).toContainEqual({ t: T0 + 2 * MIN, v: 18 });
    expect(out).toContainEqual({ t: T0 + 91 * MIN, v: 0.2 });
    expect(isTimeOrdered(out)).toBe(true);
  });

  it('keeps a flat curve flat', () => {
    const flat = Array.from({ length: 1000 }, (_, i) => ({ t: T0 + i * MIN, v: 4 }));
    const out = downsampleMinMax(flat, 50);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.every((p) => p.v === 4)).toBe(true);
    expect(isTimeOrdered(out)).toBe(true);
  });

  it('does not change the curve it is given', () => {
    const points = reeferDay(10, 20, 500);
    const copy = structuredClone(points);
    downsampleMinMax(points, 20);
    expect(points).toEqual(copy);
  });
});
