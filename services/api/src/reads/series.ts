import { budgetStatus, measuresPerLeg, unmonitoredMs } from '@coldchain/domain';
import type { BudgetStatus, Leg, LegMeasures, Measures, ProductProfile } from '@coldchain/domain';
import type { TelemetryStore } from '@coldchain/storage';
import { buildCurve } from './curve.ts';

/** Most readings a shipment's measures are computed from (as before the rollups). */
const MEASURES_LIMIT = 200_000;

/** What a shipment's readings-derived figures need: its device and span, legs and profile. */
export type SeriesRequest = {
  deviceId: string;
  startedAt: number;
  deliveredAt: number | null;
  legs: Leg[];
  profile: ProductProfile;
  /** Curve points wanted; 0 for none. */
  points: number;
  now: number;
};

/** Everything of a shipment's view that comes from its readings. */
export type Series = {
  curve: [number, number][];
  readingCount: number;
  lastReadingAt: number | null;
  unmonitoredMs: number;
  measures: { total: Measures; legs: LegMeasures[]; budget: BudgetStatus };
};

/**
 * The curve (from the rollups) and the measures (from the readings, with the domain's code) of a
 * shipment. It scans the readings, so it runs on a reader thread (read-pool.ts), never on the event
 * loop that carries the broker, ingest and rules.
 */
export async function computeSeries(telemetry: Pick<TelemetryStore, 'bucketsBetween' | 'readingsBetween' | 'samplesBetween'>, request: SeriesRequest): Promise<Series> {
  const { deviceId, startedAt, deliveredAt, profile, legs, now } = request;
  const end = deliveredAt ?? Number.MAX_SAFE_INTEGER;
  const [readings, curve] = await Promise.all([
    telemetry.samplesBetween(deviceId, startedAt, end, MEASURES_LIMIT),
    request.points > 0 ? buildCurve(telemetry, { deviceId, from: startedAt, to: end, points: request.points, now }) : Promise.resolve(null),
  ]);
  const lastReadingAt = readings.at(-1)?.sampledAt ?? null;
  // Unmonitored up to delivery, or up to the last reading while in transit: a device silent right now
  // is the no-data alert's business, and the page shows when it last reported.
  const coveredUntil = deliveredAt ?? lastReadingAt ?? startedAt;
  const unmonitored = unmonitoredMs(readings.map((r) => r.sampledAt), startedAt, coveredUntil, profile.maxReadingGapMs);
  const perLeg = measuresPerLeg(legs, readings, profile, deliveredAt ?? lastReadingAt ?? now);
  return {
    curve: curve?.points ?? [],
    readingCount: readings.length,
    lastReadingAt,
    unmonitoredMs: unmonitored,
    measures: { ...perLeg, budget: budgetStatus(perLeg.total, profile) },
  };
}
