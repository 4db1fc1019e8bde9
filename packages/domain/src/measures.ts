import type { Leg } from './custody.ts';
import { mktOfSegments } from './mean-kinetic-temperature.ts';
import type { ProductProfile } from './profiles.ts';
import { shelfLifeHoursAt } from './shelf-life.ts';
import { beyondThreshold, integrateRate, traceWindow, type TemperatureSample } from './temperature-trace.ts';

const HOUR_MS = 3_600_000;

/**
 * Cumulative cold-chain measures of a window (a leg, or the whole shipment). Time and degree-minutes
 * are counted against the profile's optimum range; intervals longer than the gap limit are
 * unmonitored and count as nothing else (DESIGN.md: never "no excursion").
 */
export type Measures = {
  from: number;
  to: number;
  /** Readings in the window (from inclusive, to exclusive, but inclusive at the end of the shipment). */
  readingCount: number;
  monitoredMs: number;
  unmonitoredMs: number;
  /** Time above the optimum's max and below its min. */
  timeAboveMs: number;
  timeBelowMs: number;
  /** °C·min above the optimum's max and below its min. */
  degreeMinutesAbove: number;
  degreeMinutesBelow: number;
  /** Extremes of the readings in the window; null without readings. */
  minTempC: number | null;
  maxTempC: number | null;
  /** Time-weighted over monitored time; null without any. */
  meanTempC: number | null;
  /** Mean kinetic temperature with the profile's ΔH/R; null without monitored time. */
  mktC: number | null;
  /** Estimated share of shelf life used over monitored time, in %; null when the profile has no shelf-life model. */
  shelfLifeConsumedPct: number | null;
};

/** What `computeMeasures` needs. */
export type MeasuresInput = {
  readings: readonly TemperatureSample[];
  from: number;
  to: number;
  profile: ProductProfile;
  /** Defaults to the profile's `maxReadingGapMs`. */
  maxGapMs?: number;
  /**
   * The whole time the shipment is observed, containing [from, to]; silences running into its ends
   * or across the window's edges are judged by their whole length. Defaults to [from, to].
   */
  span?: { from: number; to: number };
};

/** Computes a window's measures from its readings (any order, redeliveries included). */
export function computeMeasures(input: MeasuresInput): Measures {
  const { readings, from, profile } = input;
  const to = Math.max(from, input.to);
  const maxGapMs = input.maxGapMs ?? profile.maxReadingGapMs;
  const span = { from: Math.min(from, input.span?.from ?? from), to: Math.max(to, input.span?.to ?? to) };
  const { segments, unmonitoredMs } = traceWindow(readings, { from, to }, span, maxGapMs);

  let monitoredMs = 0;
  let tempIntegral = 0;
  let timeAboveMs = 0;
  let timeBelowMs = 0;
  let degreeMinutesAbove = 0;
  let degreeMinutesBelow = 0;
  let lifeUsed = 0;
  const model = profile.shelfLife;
  for (const segment of segments) {
    const durationMs = segment.endAt - segment.startAt;
    monitoredMs += durationMs;
    tempIntegral += ((segment.startC + segment.endC) / 2) * durationMs;
    const above = beyondThreshold(segment, profile.optimumC.max, 'above');
    const below = beyondThreshold(segment, profile.optimumC.min, 'below');
    timeAboveMs += above.ms;
    degreeMinutesAbove += above.degreeMinutes;
    timeBelowMs += below.ms;
    degreeMinutesBelow += below.degreeMinutes;
    if (model) lifeUsed += integrateRate(segment, (tempC) => 1 / shelfLifeHoursAt(model, tempC)) / HOUR_MS;
  }

  // Half-open, so a reading at a handoff counts in one leg only; the shipment's last instant is its own.
  const isInWindow = (t: number) => t >= from && (t < to || (t === to && to === span.to && to > from));
  const times = new Set<number>();
  let minTempC: number | null = null;
  let maxTempC: number | null = null;
  for (const r of readings) {
    if (!isInWindow(r.sampledAt) || !Number.isFinite(r.tempC)) continue;
    times.add(r.sampledAt);
    minTempC = minTempC === null ? r.tempC : Math.min(minTempC, r.tempC);
    maxTempC = maxTempC === null ? r.tempC : Math.max(maxTempC, r.tempC);
  }
  return {
    from,
    to,
    readingCount: times.size,
    monitoredMs,
    unmonitoredMs,
    timeAboveMs,
    timeBelowMs,
    degreeMinutesAbove,
    degreeMinutesBelow,
    minTempC,
    maxTempC,
    meanTempC: monitoredMs > 0 ? tempIntegral / monitoredMs : null,
    mktC: mktOfSegments(segments, profile.mktDeltaHOverR),
    shelfLifeConsumedPct: model ? lifeUsed * 100 : null,
  };
}

/** One leg's measures, with whose leg it was. */
export type LegMeasures = { legIndex: number; stage: Leg['stage']; custodianOrgId: string; measures: Measures };

/**
 * Measures per custody leg and for the whole shipment (first handoff to delivery, or to `now` while
 * a leg is open). Legs partition the shipment, so times, degree-minutes, unmonitored time, reading
 * counts and shelf life used add up to the total.
 */
export function measuresPerLeg(
  legs: readonly Leg[],
  readings: readonly TemperatureSample[],
  profile: ProductProfile,
  now: number,
): { legs: LegMeasures[]; total: Measures } {
  const ordered = [...legs].sort((a, b) => a.startedAt - b.startedAt);
  const windowOf = (leg: Leg) => ({ from: leg.startedAt, to: Math.max(leg.startedAt, leg.endedAt ?? now) });
  const first = ordered[0];
  if (!first) return { legs: [], total: computeMeasures({ readings, from: now, to: now, profile }) };
  const span = { from: first.startedAt, to: Math.max(...ordered.map((leg) => windowOf(leg).to)) };
  return {
    legs: ordered.map((leg) => ({
      legIndex: leg.index,
      stage: leg.stage,
      custodianOrgId: leg.custodianOrgId,
      measures: computeMeasures({ readings, ...windowOf(leg), profile, span }),
    })),
    total: computeMeasures({ readings, ...span, profile, span }),
  };
}
