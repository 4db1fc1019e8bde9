import { describe, expect, it } from 'vitest';
import { telemetryMessageSchema } from './telemetry.ts';
import { decodeCommonShape } from './telemetry-fast-path.ts';

/** What zod makes of the same JSON, in the decoded form; undefined when zod refuses it. */
function viaZod(json: unknown) {
  const parsed = telemetryMessageSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return { seq: parsed.data.seq ?? null, readings: parsed.data.readings.map((r) => ({ sampledAt: r.ts, tempC: r.tempC, rhPct: r.rhPct ?? null })) };
}

// A small deterministic generator (mulberry32), so a failure replays.
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES: unknown[] = [0, 1, -1, 4.5, -0.5, 100, 100.5, 101, 2 ** 53, 2 ** 53 - 1, 1e300, -1e300, '4', '2026-07-01T16:05:00+08:00', null, true, [], {}, undefined];

describe('decodeCommonShape: the fast path accepts only what zod accepts, with the same result', () => {
  it.each([
    ['the usual message', { seq: 3, readings: [{ ts: 1_782_892_800_000, tempC: 4.3, rhPct: 91 }] }],
    ['no seq, null humidity', { readings: [{ ts: 1, tempC: -2, rhPct: null }] }],
    ['unknown keys ignored', { seq: 0, extra: 'x', readings: [{ ts: 5, tempC: 4, note: 'hi' }] }],
  ])('decodes %s as zod does', (_name, json) => {
    expect(decodeCommonShape(json)).toEqual(viaZod(json));
    expect(decodeCommonShape(json)).toBeDefined();
  });

  it.each([
    ['an ISO time (left to zod)', { readings: [{ ts: '2026-07-01T16:05:00+08:00', tempC: 4 }] }],
    ['a fractional ts', { readings: [{ ts: 1.5, tempC: 4 }] }],
    ['a negative seq', { seq: -1, readings: [{ ts: 1, tempC: 4 }] }],
    ['humidity above 100', { readings: [{ ts: 1, tempC: 4, rhPct: 100.1 }] }],
    ['no readings', { readings: [] }],
    ['10,001 readings', { readings: Array.from({ length: 10_001 }, (_, i) => ({ ts: i, tempC: 4 })) }],
    ['an array', [{ ts: 1, tempC: 4 }]],
  ])('leaves %s to zod', (_name, json) => {
    expect(decodeCommonShape(json)).toBeUndefined();
  });

  it('never disagrees with zod on 20,000 random messages', () => {
    const next = random(8);
    const pick = () => VALUES[Math.floor(next() * VALUES.length)];
    let fast = 0;
    for (let n = 0; n < 20_000; n++) {
      const readings = Array.from({ length: Math.floor(next() * 4) }, () => {
        const r: Record<string, unknown> = {};
        // Mostly valid fields, sometimes anything: both sides of every check get exercised.
        r.ts = next() < 0.7 ? Math.floor(next() * 2e12) : pick();
        r.tempC = next() < 0.7 ? next() * 40 - 10 : pick();
        if (next() < 0.8) r.rhPct = next() < 0.6 ? next() * 100 : pick();
        return next() < 0.97 ? r : pick();
      });
      const json: Record<string, unknown> = { readings: next() < 0.95 ? readings : pick() };
      if (next() < 0.6) json.seq = next() < 0.7 ? Math.floor(next() * 1000) : pick();
      const result = decodeCommonShape(json);
      if (result === undefined) continue;
      fast++;
      expect(result, JSON.stringify(json)).toEqual(viaZod(json));
    }
    // The fast path took a good share: the comparison above is not vacuous.
    expect(fast).toBeGreaterThan(2_000);
  });
});
