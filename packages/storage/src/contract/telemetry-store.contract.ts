import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReadingBucket, StoredReading, TelemetryStore } from '../ports.ts';
import { ROLLUP_RESOLUTIONS_MS } from '../ports.ts';

/** What an adapter's test gives the contract: a fresh, empty store, how to reopen it, how to dispose of it. */
export type TelemetryStoreHarness = {
  store: TelemetryStore;
  /** Opens the same data again, after `store.close()`; adapters without durable data omit it. */
  reopen?: () => Promise<TelemetryStore>;
  /** Closes whatever is still open and removes the data. */
  cleanup: () => Promise<void>;
};

const MIN = 60_000;
// A realistic device time (2025-05-20T00:00:00Z): adapters must keep epoch milliseconds exact.
const T0 = Date.UTC(2025, 4, 20);

function reading(deviceId: string, sampledAt: number, tempC: number, rhPct: number | null = 90): StoredReading {
  return { deviceId, sampledAt, tempC, rhPct, receivedAt: sampledAt + 20_000 };
}

/**
 * The one contract every TelemetryStore adapter passes (SQLite now; InfluxDB and VictoriaMetrics later).
 * `open` gives a fresh, empty store for each test.
 */
export function describeTelemetryStoreContract(name: string, open: () => Promise<TelemetryStoreHarness>): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let harness: TelemetryStoreHarness;
    let store: TelemetryStore;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it('reads back what was inserted, in device-time order, whatever the arrival order', async () => {
      // Loggers upload buffered readings late and out of order.
      const batch = [reading('dev-a', T0 + 2 * MIN, 5.5, 91), reading('dev-a', T0, 4.25, 90.5), reading('dev-a', T0 + MIN, -18.75, 0)];
      expect(await store.insertReadings(batch)).toEqual({ inserted: 3, duplicates: 0 });
      await store.insertReadings([reading('dev-a', T0 - MIN, 3)]);

      const back = await store.readingsBetween('dev-a', T0 - MIN, T0 + 2 * MIN);
      expect(back.map((r) => r.sampledAt)).toEqual([T0 - MIN, T0, T0 + MIN, T0 + 2 * MIN]);
      expect(back[1]).toEqual(batch[1]);
      expect(back[2]).toEqual(batch[2]);
      expect(back[3]).toEqual(batch[0]);
    });

    it('counts a second reading for the same (device, time) as a duplicate and keeps the first value', async () => {
      await store.insertReadings([reading('dev-a', T0, 4.2, 90), reading('dev-a', T0 + MIN, 4.4, 90)]);
      const again = await store.insertReadings([reading('dev-a', T0, 30, 10), reading('dev-a', T0 + 2 * MIN, 4.6, 90)]);

      expect(again).toEqual({ inserted: 1, duplicates: 1 });
      const back = await store.readingsBetween('dev-a', T0, T0 + 2 * MIN);
      expect(back.map((r) => [r.sampledAt, r.tempC, r.rhPct])).toEqual([
        [T0, 4.2, 90],
        [T0 + MIN, 4.4, 90],
        [T0 + 2 * MIN, 4.6, 90],
      ]);
    });

    it('treats a repeated (device, time) inside one batch as a duplicate, the first one winning', async () => {
      const result = await store.insertReadings([reading('dev-a', T0, 4.2), reading('dev-a', T0, 29.9), reading('dev-a', T0 + MIN, 4.3)]);

      expect(result).toEqual({ inserted: 2, duplicates: 1 });
      const back = await store.readingsBetween('dev-a', T0, T0);
      expect(back.map((r) => r.tempC)).toEqual([4.2]);
    });

    it('keeps the first of repeated readings spread through a large batch, within and across the rows a store writes together', async () => {
      // 300 readings where every 7th repeats an earlier time (one 50 rows back, so repeats fall both
      // inside and across any grouping of rows a store makes when it writes), with another value.
      const batch = Array.from({ length: 300 }, (_, i) => (i % 7 === 6 && i >= 50 ? reading('dev-a', T0 + (i - 50) * MIN, 30) : reading('dev-a', T0 + i * MIN, 4 + (i % 5) / 10)));
      const repeats = batch.filter((r) => r.tempC === 30).length;
      expect(await store.insertReadings(batch)).toEqual({ inserted: 300 - repeats, duplicates: repeats });
      const back = await store.readingsBetween('dev-a', T0, T0 + 400 * MIN);
      expect(back).toHaveLength(300 - repeats);
      expect(back.some((r) => r.tempC === 30)).toBe(false);
    });

    it('stores nothing twice when a whole upload is retried', async () => {
      const batch = Array.from({ length: 100 }, (_, i) => reading('dev-a', T0 + i * MIN, 4 + (i % 7) / 10));
      expect(await store.insertReadings(batch)).toEqual({ inserted: 100, duplicates: 0 });
      expect(await store.insertReadings(batch)).toEqual({ inserted: 0, duplicates: 100 });
      expect(await store.readingsBetween('dev-a', T0, T0 + 200 * MIN)).toHaveLength(100);
    });

    it('includes both bounds of readingsBetween and nothing outside them', async () => {
      await store.insertReadings([0, 1, 2, 3, 4, 5].map((i) => reading('dev-a', T0 + i * MIN, i)));

      const inside = await store.readingsBetween('dev-a', T0 + MIN, T0 + 4 * MIN);
      expect(inside.map((r) => r.tempC)).toEqual([1, 2, 3, 4]);
      expect((await store.readingsBetween('dev-a', T0 + 3 * MIN, T0 + 3 * MIN)).map((r) => r.tempC)).toEqual([3]);
      expect(await store.readingsBetween('dev-a', T0 + MIN + 1, T0 + 2 * MIN - 1)).toEqual([]);
      expect(await store.readingsBetween('dev-a', T0 + 10 * MIN, T0 + 20 * MIN)).toEqual([]);
    });

    it('returns at most `limit` readings, the earliest ones', async () => {
      await store.insertReadings([5, 3, 1, 4, 2, 0].map((i) => reading('dev-a', T0 + i * MIN, i)));

      const firstTwo = await store.readingsBetween('dev-a', T0, T0 + 10 * MIN, 2);
      expect(firstTwo.map((r) => r.tempC)).toEqual([0, 1]);
      const fromThird = await store.readingsBetween('dev-a', T0 + 2 * MIN, T0 + 10 * MIN, 3);
      expect(fromThird.map((r) => r.tempC)).toEqual([2, 3, 4]);
    });

    it('keeps devices apart, even for readings at the same time', async () => {
      const result = await store.insertReadings([reading('dev-a', T0, 4), reading('dev-b', T0, 12), reading('dev-b', T0 + MIN, 13)]);

      expect(result).toEqual({ inserted: 3, duplicates: 0 });
      expect((await store.readingsBetween('dev-a', T0, T0 + MIN)).map((r) => [r.deviceId, r.tempC])).toEqual([['dev-a', 4]]);
      expect((await store.readingsBetween('dev-b', T0, T0 + MIN)).map((r) => [r.deviceId, r.tempC])).toEqual([
        ['dev-b', 12],
        ['dev-b', 13],
      ]);
      expect(await store.readingsBetween('dev-c', T0, T0 + MIN)).toEqual([]);
    });

    it('accepts an empty insert as a no-op', async () => {
      expect(await store.insertReadings([])).toEqual({ inserted: 0, duplicates: 0 });
      expect(await store.readingsBetween('dev-a', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    });

    it('round-trips a missing humidity as null, distinct from 0 %', async () => {
      await store.insertReadings([reading('dev-a', T0, 4, null), reading('dev-a', T0 + MIN, 4, 0)]);

      const back = await store.readingsBetween('dev-a', T0, T0 + MIN);
      expect(back.map((r) => r.rhPct)).toEqual([null, 0]);
    });

    it('takes a batch of 10,000 readings in one call', async () => {
      // 10,000 is the most one telemetry message may carry (MAX_READINGS_PER_MESSAGE).
      const batch = Array.from({ length: 10_000 }, (_, i) => reading('dev-bulk', T0 + i * 10_000, Math.round(Math.sin(i / 50) * 100) / 10 + 5));
      expect(await store.insertReadings(batch)).toEqual({ inserted: 10_000, duplicates: 0 });

      const back = await store.readingsBetween('dev-bulk', T0, T0 + 10_000 * 10_000, 20_000);
      expect(back).toHaveLength(10_000);
      expect(back[0]).toEqual(batch[0]);
      expect(back[9_999]).toEqual(batch[9_999]);
      expect(back.every((r, i) => r.sampledAt === T0 + i * 10_000 && r.tempC === batch[i]!.tempC)).toBe(true);
    });

    it('keeps the data through close and reopen', async (context) => {
      if (!harness.reopen) {
        context.skip('this adapter has no reopen');
        return;
      }
      const batch = [reading('dev-a', T0, 4.2, null), reading('dev-a', T0 + MIN, 16.5, 88), reading('dev-b', T0, 2)];
      await store.insertReadings(batch);
      await store.close();

      const reopened = await harness.reopen();
      try {
        expect(await reopened.readingsBetween('dev-a', T0, T0 + MIN)).toEqual([batch[0], batch[1]]);
        expect(await reopened.readingsBetween('dev-b', T0, T0)).toEqual([batch[2]]);
        // Deduplication holds across the restart too.
        expect(await reopened.insertReadings([reading('dev-a', T0, 99)])).toEqual({ inserted: 0, duplicates: 1 });
      } finally {
        await reopened.close();
      }
    });

    it('gives the temperatures of a window, in time order, as the readings hold them', async () => {
      await store.insertReadings([reading('dev-s', T0 + 2 * MIN, 5.5), reading('dev-s', T0, 4.25), reading('dev-s', T0 + MIN, -18.75), reading('dev-t', T0, 9)]);
      expect(await store.samplesBetween('dev-s', T0, T0 + 2 * MIN)).toEqual([
        { sampledAt: T0, tempC: 4.25 },
        { sampledAt: T0 + MIN, tempC: -18.75 },
        { sampledAt: T0 + 2 * MIN, tempC: 5.5 },
      ]);
      expect(await store.samplesBetween('dev-s', T0 + MIN, T0 + 2 * MIN, 1)).toEqual([{ sampledAt: T0 + MIN, tempC: -18.75 }]);
      expect(await store.samplesBetween('dev-none', T0, T0 + MIN)).toEqual([]);
    });

    it('keeps each rollup bucket equal to the raw readings on the same grid, through a late backfill and a duplicate upload', async () => {
      // Six hours of a logger at 1/min with a sawtooth, then the hour it buffered during a signal loss
      // arrives late (with a peak), then a duplicate upload of part of it with other values.
      const live = Array.from({ length: 360 }, (_, i) => reading('dev-r', T0 + i * MIN, 4 + ((i * 7) % 23) / 10));
      const withoutLost = live.filter((r) => r.sampledAt < T0 + 120 * MIN || r.sampledAt >= T0 + 180 * MIN);
      await store.insertReadings(withoutLost);
      const lost = live.filter((r) => r.sampledAt >= T0 + 120 * MIN && r.sampledAt < T0 + 180 * MIN).map((r, i) => (i === 17 ? { ...r, tempC: 16.25 } : r));
      await store.insertReadings(lost.reverse());
      const duplicate = lost.slice(0, 30).map((r) => ({ ...r, tempC: -30 + r.tempC }));
      expect(await store.insertReadings(duplicate)).toEqual({ inserted: 0, duplicates: 30 });
      await store.insertReadings([reading('dev-other', T0 + 30 * MIN, 40)]);
      // A logger re-sends its last 40 readings (other values: a firmware bug) with 40 new ones, interleaved.
      const resent = live.slice(-40).map((r) => ({ ...r, tempC: r.tempC + 50 }));
      const fresh = Array.from({ length: 40 }, (_, i) => reading('dev-r', T0 + (360 + i) * MIN, i === 5 ? -3.5 : 5));
      expect(await store.insertReadings(resent.flatMap((r, i) => [r, fresh[i]!]))).toEqual({ inserted: 40, duplicates: 40 });

      const raw = await store.readingsBetween('dev-r', T0 - 3_600_000, T0 + 7 * 3_600_000, 10_000);
      expect(raw).toHaveLength(400);
      for (const resolution of ROLLUP_RESOLUTIONS_MS) {
        const buckets = await store.bucketsBetween('dev-r', T0 - 3_600_000, T0 + 7 * 3_600_000, resolution);
        expect(buckets.map(withoutSum)).toEqual(expectedBuckets(raw, resolution).map(withoutSum));
        for (const [i, bucket] of expectedBuckets(raw, resolution).entries()) expect(buckets[i]?.sum).toBeCloseTo(bucket.sum, 9);
      }
      const hour = await store.bucketsBetween('dev-r', T0 + 2 * 3_600_000, T0 + 2 * 3_600_000, 3_600_000);
      expect(hour).toHaveLength(1);
      expect(hour[0]).toMatchObject({ max: 16.25, maxAt: T0 + 137 * MIN, count: 60 });
    });
  });
}

/** The buckets of readings on the grid of `resolutionMs`, by a plain scan: the oracle for the rollups. */
function expectedBuckets(readings: readonly StoredReading[], resolutionMs: number): ReadingBucket[] {
  const byStart = new Map<number, StoredReading[]>();
  for (const r of readings) {
    const start = Math.floor(r.sampledAt / resolutionMs) * resolutionMs;
    byStart.set(start, [...(byStart.get(start) ?? []), r]);
  }
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, inBucket]) => {
      const min = Math.min(...inBucket.map((r) => r.tempC));
      const max = Math.max(...inBucket.map((r) => r.tempC));
      return {
        start,
        min,
        minAt: Math.min(...inBucket.filter((r) => r.tempC === min).map((r) => r.sampledAt)),
        max,
        maxAt: Math.min(...inBucket.filter((r) => r.tempC === max).map((r) => r.sampledAt)),
        sum: inBucket.reduce((total, r) => total + r.tempC, 0),
        count: inBucket.length,
      };
    });
}

function withoutSum({ sum: _sum, ...rest }: ReadingBucket) {
  return rest;
}
