import type { ReadingBucket, StoredReading } from '../ports.ts';

/**
 * Buckets of `resolutionMs` computed from readings in time order (stores without maintained rollups:
 * VictoriaMetrics and InfluxDB behind the spool). A reading joins the bucket its device time falls in;
 * the first of equal extremes keeps its time.
 */
export function bucketsFromReadings(readings: readonly Pick<StoredReading, 'sampledAt' | 'tempC'>[], resolutionMs: number): ReadingBucket[] {
  const buckets: ReadingBucket[] = [];
  let current: ReadingBucket | undefined;
  for (const { sampledAt, tempC } of readings) {
    if (!Number.isFinite(tempC)) continue;
    const start = Math.floor(sampledAt / resolutionMs) * resolutionMs;
    if (!current || current.start !== start) {
      current = { start, min: tempC, minAt: sampledAt, max: tempC, maxAt: sampledAt, sum: 0, count: 0 };
      buckets.push(current);
    }
    if (tempC < current.min) {
      current.min = tempC;
      current.minAt = sampledAt;
    }
    if (tempC > current.max) {
      current.max = tempC;
      current.maxAt = sampledAt;
    }
    current.sum += tempC;
    current.count += 1;
  }
  return buckets;
}

/** bucketsBetween for a store that can only list readings: the buckets starting in [from, to], whole. */
export async function bucketsByScanning(
  store: { readingsBetween(deviceId: string, from: number, to: number, limit?: number): Promise<StoredReading[]> },
  deviceId: string,
  from: number,
  to: number,
  resolutionMs: number,
): Promise<ReadingBucket[]> {
  const first = Math.ceil(from / resolutionMs) * resolutionMs;
  const last = Math.floor(to / resolutionMs) * resolutionMs + resolutionMs - 1;
  if (last < first) return [];
  const readings = await store.readingsBetween(deviceId, first, last, Number.MAX_SAFE_INTEGER);
  return bucketsFromReadings(readings, resolutionMs);
}
