import type { ReadingBucket } from '@coldchain/storage';

/** The interval of the temperature series: one hour of the UTC grid (Beijing hours too: UTC+8). */
export const INTERVAL_MS = 3_600_000;

/**
 * One interval of a leg: an hour of the grid, cut at the leg's ends. `isWholeHour` when the leg holds
 * the whole hour, so the store's hourly rollup is exactly its readings; otherwise (a handoff or the
 * delivery within the hour) only the raw readings of the part are.
 */
export type IntervalWindow = { startAt: number; endAt: number; isWholeHour: boolean };

/** What the readings of one interval come to. `endAt` is exclusive. */
export type TemperatureInterval = {
  startAt: number;
  endAt: number;
  minC: number;
  maxC: number;
  meanC: number;
  count: number;
  /** Whole hour from the hourly rollup, or part of an hour from the raw readings. */
  source: 'hourly_rollup' | 'raw_readings';
};

/** The grid's hours that meet [from, to), cut to it, in time order. */
export function intervalWindows(from: number, to: number): IntervalWindow[] {
  const windows: IntervalWindow[] = [];
  for (let hour = Math.floor(from / INTERVAL_MS) * INTERVAL_MS; hour < to; hour += INTERVAL_MS) {
    const startAt = Math.max(hour, from);
    const endAt = Math.min(hour + INTERVAL_MS, to);
    windows.push({ startAt, endAt, isWholeHour: startAt === hour && endAt === hour + INTERVAL_MS });
  }
  return windows;
}

/** Rounds a temperature for the document: 0.01 °C, finer than any logger here reads. */
function roundC(tempC: number): number {
  return Math.round(tempC * 100) / 100;
}

/** An interval from its hour's rollup; null when the hour holds no reading. */
export function intervalFromBucket(window: IntervalWindow, bucket: ReadingBucket | undefined): TemperatureInterval | null {
  if (!bucket || bucket.count === 0) return null;
  return { startAt: window.startAt, endAt: window.endAt, minC: bucket.min, maxC: bucket.max, meanC: roundC(bucket.sum / bucket.count), count: bucket.count, source: 'hourly_rollup' };
}

/** An interval from the raw temperatures of its part of an hour; null when there are none. */
export function intervalFromReadings(window: IntervalWindow, tempsC: readonly number[]): TemperatureInterval | null {
  if (tempsC.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const t of tempsC) {
    if (t < min) min = t;
    if (t > max) max = t;
    sum += t;
  }
  return { startAt: window.startAt, endAt: window.endAt, minC: min, maxC: max, meanC: roundC(sum / tempsC.length), count: tempsC.length, source: 'raw_readings' };
}
