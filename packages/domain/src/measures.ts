import type { Leg } from './custody.ts';
import { mktOfSums, mktRateOf } from './mean-kinetic-temperature.ts';
import type { ProductProfile } from './profiles.ts';
import { shelfLifeHoursAt } from './shelf-life.ts';
import { beyondThreshold, integrateRate, orderedSamples, walkOrdered, type TemperatureSample, type TraceSegment } from './temperature-trace.ts';

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
  let monitoredMs = 0;
  let unmonitoredMs = 0;
  let tempIntegral = 0;
  let timeAboveMs = 0;
  let timeBelowMs = 0;
  let degreeMinutesAbove = 0;
  let degreeMinutesBelow = 0;
  let lifeUsed = 0;
  let mktWeighted = 0;
  const model = profile.shelfLife;
  const lifeRate = model ? lastValueKept((tempC: number) => 1 / shelfLifeHoursAt(model, tempC)) : null;
  const mktRate = lastValueKept(mktRateOf(profile.mktDeltaHOverR));
  // One segment object, reused: the walk allocates nothing per reading.
  const segment: TraceSegment = { startAt: 0, endAt: 0, startC: 0, endC: 0 };
  // Time-ordered, one per time: the walk and the counts below read the same readings.
  const points = orderedSamples(readings, span.from, span.to);
  walkOrdered(
    points,
    { from, to },
    span,
    maxGapMs,
    (startAt, endAt, startC, endC) => {
      segment.startAt = startAt;
      segment.endAt = endAt;
      segment.startC = startC;
      segment.endC = endC;
      const durationMs = endAt - startAt;
      monitoredMs += durationMs;
      tempIntegral += ((startC + endC) / 2) * durationMs;
      const above = beyondThreshold(segment, profile.optimumC.max, 'above');
      const below = beyondThreshold(segment, profile.optimumC.min, 'below');
      timeAboveMs += above.ms;
      degreeMinutesAbove += above.degreeMinutes;
      timeBelowMs += below.ms;
      degreeMinutesBelow += below.degreeMinutes;
      if (lifeRate) lifeUsed += integrateRate(segment, lifeRate) / HOUR_MS;
      mktWeighted += integrateRate(segment, mktRate);
    },
    (ms) => (unmonitoredMs += ms),
  );

  // Half-open, so a reading at a handoff counts in one leg only; the shipment's last instant is its own.
  const isInWindow = (t: number) => t >= from && (t < to || (t === to && to === span.to && to > from));
  let readingCount = 0;
  let minTempC: number | null = null;
  let maxTempC: number | null = null;
  for (const r of points) {
    if (!isInWindow(r.sampledAt)) continue;
    readingCount += 1;
    minTempC = minTempC === null ? r.tempC : Math.min(minTempC, r.tempC);
    maxTempC = maxTempC === null ? r.tempC : Math.max(maxTempC, r.tempC);
  }
  return {
    from,
    to,
    readingCount,
    monitoredMs,
    unmonitoredMs,
    timeAboveMs,
    timeBelowMs,
    degreeMinutesAbove,
    degreeMinutesBelow,
    minTempC,
    maxTempC,
    meanTempC: monitoredMs > 0 ? tempIntegral / monitoredMs : null,
    mktC: mktOfSums(mktWeighted, monitoredMs, profile.mktDeltaHOverR),
    shelfLifeConsumedPct: model ? lifeUsed * 100 : null,
  };
}

/**
 * `rate`, remembering its last answer: consecutive segments share a reading, so the rate at one's end
 * is asked again at the next one's start (half the exponentials of a long shipment).
 */
function lastValueKept(rate: (tempC: number) => number): (tempC: number) => number {
  let lastC = Number.NaN;
  let lastRate = Number.NaN;
  return (tempC) => {
    if (tempC !== lastC) {
      lastC = tempC;
      lastRate = rate(tempC);
    }
    return lastRate;
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
  const { ordered, windowOf, span } = spanOfLegs(legs, now);
  if (!span) return { legs: [], total: computeMeasures({ readings, from: now, to: now, profile }) };
  // Sorted once; each leg then reads only its own readings and one neighbour on each side, which is all
  // a window's pieces depend on (a piece is judged by its two readings), so legs cost their share only.
  const samples = orderedSamples(readings, span.from, span.to);
  const around = (window: { from: number; to: number }) =>
    samples.slice(Math.max(0, firstAtOrAfter(samples, window.from) - 1), Math.min(samples.length, firstAtOrAfter(samples, window.to + 1) + 1));
  return {
    legs: ordered.map((leg) => ({
      legIndex: leg.index,
      stage: leg.stage,
      custodianOrgId: leg.custodianOrgId,
      measures: computeMeasures({ readings: around(windowOf(leg)), ...windowOf(leg), profile, span }),
    })),
    total: computeMeasures({ readings: samples, ...span, profile, span }),
  };
}

/** The whole shipment's measures alone, the same as measuresPerLeg's total, at half its cost. */
export function totalMeasures(legs: readonly Leg[], readings: readonly TemperatureSample[], profile: ProductProfile, now: number): Measures {
  const { span } = spanOfLegs(legs, now);
  if (!span) return computeMeasures({ readings, from: now, to: now, profile });
  return computeMeasures({ readings, ...span, profile, span });
}

/** Legs in time order, each one's window, and the span from the first handoff to the last leg's end. */
function spanOfLegs(legs: readonly Leg[], now: number) {
  const ordered = [...legs].sort((a, b) => a.startedAt - b.startedAt);
  const windowOf = (leg: Leg) => ({ from: leg.startedAt, to: Math.max(leg.startedAt, leg.endedAt ?? now) });
  const first = ordered[0];
  const span = first ? { from: first.startedAt, to: Math.max(...ordered.map((leg) => windowOf(leg).to)) } : null;
  return { ordered, windowOf, span };
}

/** Index of the first sample at or after `t` in time-ordered samples (their length when none). */
function firstAtOrAfter(samples: readonly TemperatureSample[], t: number): number {
  let low = 0;
  let high = samples.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((samples[mid] as TemperatureSample).sampledAt < t) low = mid + 1;
    else high = mid;
  }
  return low;
}
