import { budgetStatus, measuresPerLeg, totalMeasures, unmonitoredMs } from '@coldchain/domain';
import type { BudgetStatus, Leg, LegMeasures, Measures, ProductProfile } from '@coldchain/domain';
import type { TelemetryStore } from '@coldchain/storage';
import { buildCurve } from './curve.ts';
import { SamplesCache } from './samples-cache.ts';

/**
 * Most readings a shipment's measures are computed from: 11 days of a logger reporting every second, a
 * year of one every 30 s (about 40 MB held while computed). Beyond it the newest are left out.
 */
const MEASURES_LIMIT = 1_000_000;

/** What a shipment's readings-derived figures need: its device and span, legs and profile. */
export type SeriesRequest = {
  deviceId: string;
  startedAt: number;
  deliveredAt: number | null;
  legs: Leg[];
  profile: ProductProfile;
  /** Curve points wanted; 0 for none. */
  points: number;
  /** Measures per leg as well as in all (the consumer's page shows the total only). */
  perLeg: boolean;
  now: number;
};

/** Everything of a shipment's view that comes from its readings. */
export type Series = {
  curve: [number, number][];
  readingCount: number;
  lastReadingAt: number | null;
  unmonitoredMs: number;
  /** `legs` is empty unless asked for (`perLeg`). */
  measures: { total: Measures; legs: LegMeasures[]; budget: BudgetStatus };
};

/**
 * The curve (from the rollups) and the measures (from the readings, with the domain's code) of a
 * shipment. It scans the readings, so it runs on a reader thread (read-pool.ts), never on the event
 * loop that carries the broker, ingest and rules; `cache` keeps each shipment's readings for its next
 * computation.
 */
export async function computeSeries(
  telemetry: Pick<TelemetryStore, 'bucketsBetween' | 'readingsBetween' | 'samplesBetween'>,
  request: SeriesRequest,
  cache: SamplesCache = new SamplesCache(),
): Promise<Series> {
  const { deviceId, startedAt, deliveredAt, profile, legs, now } = request;
  const end = deliveredAt ?? Number.MAX_SAFE_INTEGER;
  // The curve's count of readings comes from the rollups: it tells whether the cached readings are whole.
  const curve = await buildCurve(telemetry, { deviceId, from: startedAt, to: end, points: Math.max(request.points, 10), now });
  const readings = await cache.load(telemetry, { deviceId, from: startedAt, to: end, limit: MEASURES_LIMIT, expectedCount: curve.readingCount });
  const lastReadingAt = readings.at(-1)?.sampledAt ?? null;
  // Unmonitored up to delivery, or up to the last reading while in transit: a device silent right now
  // is the no-data alert's business, and the page shows when it last reported.
  const coveredUntil = deliveredAt ?? lastReadingAt ?? startedAt;
  const measuredTo = deliveredAt ?? lastReadingAt ?? now;
  const measures = request.perLeg ? measuresPerLeg(legs, readings, profile, measuredTo) : { legs: [], total: totalMeasures(legs, readings, profile, measuredTo) };
  // The total's window is [first handoff, coveredUntil]: from the start, its unmonitored time is
  // coverage.ts's over the same window (measures.ts), with no second pass over the readings.
  const isSameWindow = legs[0]?.startedAt === startedAt && measures.total.from === startedAt && measures.total.to === coveredUntil;
  const unmonitored = isSameWindow ? measures.total.unmonitoredMs : unmonitoredMs(readings.map((r) => r.sampledAt), startedAt, coveredUntil, profile.maxReadingGapMs);
  return {
    curve: request.points > 0 ? curve.points : [],
    readingCount: readings.length,
    lastReadingAt,
    unmonitoredMs: unmonitored,
    measures: { ...measures, budget: budgetStatus(measures.total, profile) },
  };
}
