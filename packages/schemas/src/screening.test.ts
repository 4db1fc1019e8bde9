import { describe, expect, it } from 'vitest';
import { MAX_AGE_MS, MAX_FUTURE_MS, screenReadings } from './screening.ts';
import type { ReadingRejectCode } from './screening.ts';
import { decodeTelemetry } from './telemetry.ts';
import type { Reading } from './telemetry.ts';

// 2026-07-01T08:00:00Z (16:00 in Hainan), the server's clock in these tables.
const NOW = Date.UTC(2026, 6, 1, 8);
const at = (sampledAt: number, tempC = 4, rhPct: number | null = 90): Reading => ({ sampledAt, tempC, rhPct });

/** The readings of a message as a device sends it, through decodeTelemetry (so ISO and epoch ts meet). */
function decoded(readings: Array<Record<string, unknown>>): Reading[] {
  const result = decodeTelemetry(Buffer.from(JSON.stringify({ readings })));
  if (!result.ok) throw new Error(result.reason);
  return result.message.readings;
}

describe('screenReadings: a repeated ts in one message → reading.duplicate_ts', () => {
  const cases: Array<{ name: string; readings: Reading[]; accepted: number[]; rejected: Array<{ index: number; code: ReadingRejectCode; reason: string }> }> = [
    {
      name: 'the same epoch ms twice, different values: the first is kept',
      readings: [at(NOW - 60_000), at(NOW, 4), at(NOW, 30)],
      accepted: [0, 1],
      rejected: [{ index: 2, code: 'reading.duplicate_ts', reason: 'readings[2].ts: same time as readings[1] (2026-07-01T08:00:00.000Z); only the first is kept' }],
    },
    {
      name: 'two identical readings: the later one is still refused (one reading per time)',
      readings: [at(NOW, 4.3, 91), at(NOW, 4.3, 91)],
      accepted: [0],
      rejected: [{ index: 1, code: 'reading.duplicate_ts', reason: 'readings[1].ts: same time as readings[0] (2026-07-01T08:00:00.000Z); only the first is kept' }],
    },
    {
      name: 'three at one time: both later ones name the first',
      readings: [at(NOW - 2_000), at(NOW - 1_000), at(NOW - 2_000), at(NOW - 2_000)],
      accepted: [0, 1],
      rejected: [
        { index: 2, code: 'reading.duplicate_ts', reason: 'readings[2].ts: same time as readings[0] (2026-07-01T07:59:58.000Z); only the first is kept' },
        { index: 3, code: 'reading.duplicate_ts', reason: 'readings[3].ts: same time as readings[0] (2026-07-01T07:59:58.000Z); only the first is kept' },
      ],
    },
    {
      name: 'one millisecond apart: two times, both kept',
      readings: [at(NOW), at(NOW + 1)],
      accepted: [0, 1],
      rejected: [],
    },
    {
      name: 'out of order but distinct: all kept',
      readings: [at(NOW), at(NOW - 120_000), at(NOW - 60_000)],
      accepted: [0, 1, 2],
      rejected: [],
    },
    {
      // The first holds the time even when it is refused itself: the device sent two readings for one instant.
      name: 'the first at that time is a sensor fault: the later one is refused as a repeat, not kept instead',
      readings: [at(NOW, 85), at(NOW, 4)],
      accepted: [],
      rejected: [
        { index: 0, code: 'reading.sensor_fault', reason: "readings[0].tempC: 85 °C is outside the sensor's physical range -60…70 °C (sensor fault)" },
        { index: 1, code: 'reading.duplicate_ts', reason: 'readings[1].ts: same time as readings[0] (2026-07-01T08:00:00.000Z); only the first is kept' },
      ],
    },
    {
      name: 'a repeat that is also a sensor fault is named as the repeat',
      readings: [at(NOW, 4), at(NOW, 85)],
      accepted: [0],
      rejected: [{ index: 1, code: 'reading.duplicate_ts', reason: 'readings[1].ts: same time as readings[0] (2026-07-01T08:00:00.000Z); only the first is kept' }],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const { accepted, rejected } = screenReadings(c.readings, NOW);
      expect(accepted).toEqual(c.accepted.map((i) => c.readings[i]));
      expect(rejected).toEqual(c.rejected.map((r) => ({ ...r, reading: c.readings[r.index] })));
    });
  }
});

describe('screenReadings: one instant written as epoch ms and as ISO-8601', () => {
  const epoch = NOW;
  const cases: Array<{ name: string; ts: [unknown, unknown]; isRepeat: boolean }> = [
    { name: 'epoch ms, then ISO in UTC', ts: [epoch, '2026-07-01T08:00:00Z'], isRepeat: true },
    { name: 'ISO with +08:00, then epoch ms', ts: ['2026-07-01T16:00:00+08:00', epoch], isRepeat: true },
    { name: 'ISO in two offsets', ts: ['2026-07-01T16:00:00+08:00', '2026-07-01T08:00:00+00:00'], isRepeat: true },
    { name: 'ISO with and without milliseconds', ts: ['2026-07-01T08:00:00.000Z', '2026-07-01T08:00:00Z'], isRepeat: true },
    { name: 'ISO one millisecond later', ts: [epoch, '2026-07-01T08:00:00.001Z'], isRepeat: false },
    { name: 'the same wall time in two zones is two instants', ts: ['2026-07-01T16:00:00+08:00', '2026-07-01T16:00:00Z'], isRepeat: false },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.isRepeat ? 'the second refused' : 'both kept'}`, () => {
      const readings = decoded([{ ts: c.ts[0], tempC: 4 }, { ts: c.ts[1], tempC: 5 }]);
      const { accepted, rejected } = screenReadings(readings, NOW + 10 * 3_600_000);
      if (!c.isRepeat) {
        expect(accepted).toHaveLength(2);
        expect(rejected).toEqual([]);
        return;
      }
      expect(accepted).toEqual([readings[0]]);
      expect(rejected).toEqual([{ index: 1, code: 'reading.duplicate_ts', reading: readings[1], reason: 'readings[1].ts: same time as readings[0] (2026-07-01T08:00:00.000Z); only the first is kept' }]);
    });
  }

  it('finds a repeat far apart in a message of 10,000 readings', () => {
    const readings = Array.from({ length: 10_000 }, (_, i) => at(NOW - i * 60_000));
    readings[9_999] = at(NOW - 17 * 60_000, 30);
    const { accepted, rejected } = screenReadings(readings, NOW);
    expect(accepted).toHaveLength(9_999);
    expect(rejected).toEqual([{ index: 9_999, code: 'reading.duplicate_ts', reading: readings[9_999], reason: `readings[9999].ts: same time as readings[17] (${new Date(NOW - 17 * 60_000).toISOString()}); only the first is kept` }]);
  });
});

describe('screenReadings: impossible readings', () => {
  const cases: Array<{ name: string; reading: Reading; code: ReadingRejectCode | null; reason?: RegExp }> = [
    { name: 'lychee at 4 °C, now', reading: at(NOW), code: null },
    { name: 'at −60 °C, the edge of the sensor range', reading: at(NOW, -60), code: null },
    { name: 'above 70 °C', reading: at(NOW, 70.1), code: 'reading.sensor_fault', reason: /^readings\[0\]\.tempC: 70\.1 °C is outside/ },
    { name: 'below −60 °C', reading: at(NOW, -60.1), code: 'reading.sensor_fault', reason: /sensor fault/ },
    { name: 'exactly 5 min ahead of the server', reading: at(NOW + MAX_FUTURE_MS), code: null },
    { name: 'more than 5 min ahead', reading: at(NOW + MAX_FUTURE_MS + 1), code: 'reading.future', reason: /^readings\[0\]\.ts: 2026-07-01T08:05:00\.001Z is more than 5 min ahead/ },
    { name: 'exactly 30 days old', reading: at(NOW - MAX_AGE_MS), code: null },
    { name: 'older than 30 days', reading: at(NOW - MAX_AGE_MS - 1), code: 'reading.too_old', reason: /is more than 30 days old$/ },
    // Valid epoch ms for the schema, but past what a Date can hold: the reason must still be written.
    { name: 'a ts past the year 275760', reading: at(9e15), code: 'reading.future', reason: /^readings\[0\]\.ts: 9000000000000000 ms since the epoch is more than 5 min ahead/ },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.code ?? 'accepted'}`, () => {
      const { accepted, rejected } = screenReadings([c.reading], NOW);
      if (c.code === null) {
        expect(accepted).toEqual([c.reading]);
        expect(rejected).toEqual([]);
        return;
      }
      expect(accepted).toEqual([]);
      expect(rejected).toMatchObject([{ index: 0, code: c.code }]);
      expect(rejected[0]!.reason).toMatch(c.reason!);
    });
  }
});
