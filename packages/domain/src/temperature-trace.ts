/**
 * A shipment's temperature between readings, as the measures integrate it: straight lines between
 * readings no further apart than the gap limit, unmonitored time across longer silences.
 */

/** A stretch of monitored time along which the temperature runs linearly from `startC` to `endC`. */
export type TraceSegment = { startAt: number; endAt: number; startC: number; endC: number };

/** A reading as the measures need it. */
export type TemperatureSample = { sampledAt: number; tempC: number };

/**
 * Readings in time order, one per timestamp (a redelivered reading is the same reading), skipping
 * values that are not numbers: a sensor fault is never a temperature.
 */
export function orderedSamples(samples: readonly TemperatureSample[], from: number, to: number): readonly TemperatureSample[] {
  // Already so (a store's readings of a window): the same array, no copy of a long shipment's readings.
  if (isOrderedWithin(samples, from, to)) return samples;
  const inside = samples.filter((s) => s.sampledAt >= from && s.sampledAt <= to && Number.isFinite(s.tempC));
  const sorted = [...inside].sort((a, b) => a.sampledAt - b.sampledAt);
  return sorted.filter((s, i) => i === 0 || s.sampledAt !== sorted[i - 1]?.sampledAt);
}

/** Whether the samples are already what orderedSamples makes: strictly in time order, finite, inside [from, to]. */
function isOrderedWithin(samples: readonly TemperatureSample[], from: number, to: number): boolean {
  let previous = Number.NEGATIVE_INFINITY;
  for (const s of samples) {
    if (!(s.sampledAt > previous) || s.sampledAt < from || s.sampledAt > to || !Number.isFinite(s.tempC)) return false;
    previous = s.sampledAt;
  }
  return true;
}

/**
 * Walks the window [from, to] of readings as orderedSamples gives them for the span: `onSegment` for
 * monitored stretches (temperatures interpolated at the window's edges), `onGap` for unmonitored ones.
 * Silences are judged whole over `span` (the whole time the shipment is observed, containing the
 * window): a silence that straddles a handoff is unmonitored on both sides of it, so legs add up to the
 * shipment. Before the first and after the last reading the temperature is held at that reading, as
 * coverage.ts counts those stretches monitored when short. Nothing is allocated per piece: a
 * 200,000-reading shipment is measured on every change of it (decision 0014).
 */
export function walkOrdered(
  points: readonly TemperatureSample[],
  window: { from: number; to: number },
  span: { from: number; to: number },
  maxGapMs: number,
  onSegment: (startAt: number, endAt: number, startC: number, endC: number) => void,
  onGap: (ms: number) => void,
): void {
  if (window.to <= window.from) return;
  const visit = (aAt: number, aC: number, bAt: number, bC: number) => {
    const startAt = Math.max(aAt, window.from);
    const endAt = Math.min(bAt, window.to);
    if (endAt <= startAt) return;
    if (bAt - aAt > maxGapMs) onGap(endAt - startAt);
    else onSegment(startAt, endAt, temperatureAt(aAt, aC, bAt, bC, startAt), temperatureAt(aAt, aC, bAt, bC, endAt));
  };
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) {
    // No reading at all: the whole span is unmonitored, however short.
    const endAt = Math.min(span.to, window.to);
    const startAt = Math.max(span.from, window.from);
    if (endAt > startAt) onGap(endAt - startAt);
    return;
  }
  if (span.from < first.sampledAt) visit(span.from, first.tempC, first.sampledAt, first.tempC);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as TemperatureSample;
    const b = points[i] as TemperatureSample;
    // Pieces wholly before the window count for nothing; after it, nothing more can.
    if (b.sampledAt < window.from) continue;
    if (a.sampledAt > window.to) break;
    visit(a.sampledAt, a.tempC, b.sampledAt, b.tempC);
  }
  if (last.sampledAt < span.to) visit(last.sampledAt, last.tempC, span.to, last.tempC);
}

function temperatureAt(aAt: number, aC: number, bAt: number, bC: number, t: number): number {
  const duration = bAt - aAt;
  if (duration === 0) return aC;
  return aC + ((bC - aC) * (t - aAt)) / duration;
}

/**
 * The monitored segments of the window [from, to] and its unmonitored time (walkOrdered, collected).
 * Over a window equal to its span, the unmonitored time is coverage.ts's `unmonitoredMs`.
 */
export function traceWindow(
  samples: readonly TemperatureSample[],
  window: { from: number; to: number },
  span: { from: number; to: number },
  maxGapMs: number,
): { segments: TraceSegment[]; unmonitoredMs: number } {
  const segments: TraceSegment[] = [];
  let unmonitoredMs = 0;
  walkOrdered(
    orderedSamples(samples, span.from, span.to),
    window,
    span,
    maxGapMs,
    (startAt, endAt, startC, endC) => segments.push({ startAt, endAt, startC, endC }),
    (ms) => (unmonitoredMs += ms),
  );
  return { segments, unmonitoredMs };
}

/** Consecutive samples as segments, all monitored: for a plain series such as MKT's. */
export function segmentsOf(samples: readonly TemperatureSample[]): TraceSegment[] {
  const sorted = [...samples].sort((a, b) => a.sampledAt - b.sampledAt);
  const segments: TraceSegment[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as TemperatureSample;
    const b = sorted[i] as TemperatureSample;
    segments.push({ startAt: a.sampledAt, endAt: b.sampledAt, startC: a.tempC, endC: b.tempC });
  }
  return segments;
}

/**
 * Time (ms) and degree-minutes (°C·min) a segment spends beyond `thresholdC` on one side, exact for
 * the straight line: a crossing counts from the moment of crossing.
 */
export function beyondThreshold(segment: TraceSegment, thresholdC: number, side: 'above' | 'below'): { ms: number; degreeMinutes: number } {
  const sign = side === 'above' ? 1 : -1;
  const e0 = sign * (segment.startC - thresholdC);
  const e1 = sign * (segment.endC - thresholdC);
  const durationMs = segment.endAt - segment.startAt;
  if (e0 <= 0 && e1 <= 0) return { ms: 0, degreeMinutes: 0 };
  if (e0 > 0 && e1 > 0) return { ms: durationMs, degreeMinutes: ((e0 + e1) / 2) * (durationMs / 60_000) };
  const peak = Math.max(e0, e1);
  const ms = (durationMs * peak) / (Math.abs(e0) + Math.abs(e1));
  return { ms, degreeMinutes: (peak / 2) * (ms / 60_000) };
}

/**
 * The integral over a segment of a rate that grows exponentially with temperature (Q10 shelf-life
 * loss, and nearly so Arrhenius and the MKT term): along a straight line it is the duration times the
 * logarithmic mean of the end rates, so splitting a segment at a handoff changes nothing.
 */
export function integrateRate(segment: TraceSegment, rateAt: (tempC: number) => number): number {
  const r0 = rateAt(segment.startC);
  const r1 = rateAt(segment.endC);
  const logRatio = Math.log(r1 / r0);
  const mean = Math.abs(logRatio) < 1e-9 ? (r0 + r1) / 2 : (r1 - r0) / logRatio;
  return mean * (segment.endAt - segment.startAt);
}
