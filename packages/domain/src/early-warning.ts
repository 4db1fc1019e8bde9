import { linearRegression } from 'simple-statistics';
import type { TemperatureLimit } from './profiles.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A reading as the detectors need it. */
export type Sample = { sampledAt: number; tempC: number; rhPct: number | null };

/**
 * Recent readings as two parallel number arrays (device time, °C), oldest first: about 16 bytes a
 * reading where objects take about 100, for 100,000 tracked devices (BENCHMARKS.md).
 */
export type SampleWindow = { t: number[]; v: number[] };

/** A window holding these samples (tests, and callers that have objects). */
export function windowOf(samples: readonly Pick<Sample, 'sampledAt' | 'tempC'>[]): SampleWindow {
  return { t: samples.map((s) => s.sampledAt), v: samples.map((s) => s.tempC) };
}

/** Appends a reading and drops those older than `keepMs` before it. */
export function pushToWindow(window: SampleWindow, sampledAt: number, tempC: number, keepMs: number): void {
  window.t.push(sampledAt);
  window.v.push(tempC);
  let drop = 0;
  while (drop < window.t.length && window.t[drop]! < sampledAt - keepMs) drop++;
  if (drop > 0) {
    window.t.splice(0, drop);
    window.v.splice(0, drop);
  }
}

/** The index of the first reading within `ms` before the last one. */
function windowStart(window: SampleWindow, ms: number): number {
  const last = window.t[window.t.length - 1]!;
  let i = window.t.length - 1;
  while (i > 0 && window.t[i - 1]! >= last - ms) i--;
  return i;
}

/** How the early warnings of a profile are tuned; every number with its reason. */
export type WarningSettings = {
  trend: {
    /** Fit a line over the readings of this window. */
    windowMs: number;
    /** Warn when the line crosses the limit within this horizon. */
    horizonMs: number;
    /** Ignore rises slower than this: sensor noise and slow drift. */
    minSlopeCPerHour: number;
    minSamples: number;
  };
  cycling: {
    windowMs: number;
    /** A swing is a move of at least this much between turning points. */
    minSwingC: number;
    /** Swings within the window that make it cycling (two are a door opened and closed). */
    minSwings: number;
  };
  /** Low humidity warning (lychee pericarp browning is driven by water loss), or null. */
  lowHumidity: { belowPct: number; holdForMs: number; keepFiringForMs: number; hysteresisPct: number } | null;
};

/**
 * Default warning settings. Trend: a 30 min window (six readings at the 5-min logging interval) and an
 * hour's horizon, so a station is told before the hold-for even starts. Cycling: Tive's reefer
 * start/stop alert, swings of more than 0.8 °C that persist 60–120 min within a 2–4 h window
 * (reference/produce.md, vendor documentation); four swings in 3 h are two full on/off cycles.
 */
export const DEFAULT_WARNINGS: WarningSettings = {
  trend: { windowMs: 30 * MIN, horizonMs: 60 * MIN, minSlopeCPerHour: 1, minSamples: 4 },
  cycling: { windowMs: 3 * HOUR, minSwingC: 0.8, minSwings: 4 },
  lowHumidity: null,
};

/** Per-profile warning settings: lychee also warns on low humidity. */
export const WARNINGS_BY_PROFILE: Readonly<Record<string, WarningSettings>> = {
  // Lychee: optimum 90–95 % RH (UC Davis); no published browning threshold, pericarp browning is driven by
  // water loss (reference/produce.md). Platform default: warn below 85 % for 20 min (four readings at
  // the 5-min logging interval), soon enough to act before a failing cold room warms the fruit.
  lychee: { ...DEFAULT_WARNINGS, lowHumidity: { belowPct: 85, holdForMs: 20 * MIN, keepFiringForMs: 15 * MIN, hysteresisPct: 2 } },
};

/** The warning settings of a profile. */
export function warningSettingsFor(profileId: string): WarningSettings {
  return Object.hasOwn(WARNINGS_BY_PROFILE, profileId) ? WARNINGS_BY_PROFILE[profileId]! : DEFAULT_WARNINGS;
}

/** A forecast that the temperature will cross a limit. */
export type Forecast = { willCross: true; inMs: number; slopeCPerHour: number } | { willCross: false };

/**
 * Extrapolates the trend of the recent readings (least squares over `windowMs` before the last one) and
 * says whether, and in how long, it crosses the limit. Nothing is forecast once the limit is crossed
 * (the excursion rule has it) or while the temperature moves away from it.
 */
export function forecastCrossing(window: SampleWindow, limit: TemperatureLimit, settings: WarningSettings['trend']): Forecast {
  const n = window.t.length;
  if (n === 0) return { willCross: false };
  const lastT = window.t[n - 1]!;
  const lastC = window.v[n - 1]!;
  const from = windowStart(window, settings.windowMs);
  if (n - from < settings.minSamples) return { willCross: false };
  const sign = limit.direction === 'above' ? 1 : -1;
  if (sign * (lastC - limit.thresholdC) >= 0) return { willCross: false };
  const points: [number, number][] = [];
  for (let i = from; i < n; i++) points.push([(window.t[i]! - lastT) / HOUR, window.v[i]!]);
  const { m } = linearRegression(points);
  const towards = sign * m;
  if (!(towards >= settings.minSlopeCPerHour)) return { willCross: false };
  const inMs = (Math.abs(limit.thresholdC - lastC) / towards) * HOUR;
  return inMs <= settings.horizonMs ? { willCross: true, inMs, slopeCPerHour: m } : { willCross: false };
}

/** Whether the readings show reefer start-stop cycling, and how strongly. */
export type Cycling = { isCycling: boolean; swings: number; amplitudeC: number };

/**
 * Counts swings of at least `minSwingC` between turning points (a zigzag with that hysteresis) over the
 * window before the last reading. A reefer that should run continuously shows many; sensor noise none.
 */
export function detectCycling(window: SampleWindow, settings: WarningSettings['cycling']): Cycling {
  if (window.t.length === 0) return { isCycling: false, swings: 0, amplitudeC: 0 };
  const recent = window.v.slice(windowStart(window, settings.windowMs));
  let swings = 0;
  let amplitude = 0;
  let direction = 0; // 1 rising, -1 falling, 0 not yet known
  // The extremes since the last turning point: the running peak while rising, trough while falling.
  let peak = recent[0] ?? 0;
  let trough = peak;
  for (const tempC of recent) {
    peak = Math.max(peak, tempC);
    trough = Math.min(trough, tempC);
    if (direction >= 0 && peak - tempC >= settings.minSwingC) {
      // Turned down from the peak: one swing.
      swings++;
      amplitude = Math.max(amplitude, peak - tempC);
      direction = -1;
      trough = tempC;
      peak = tempC;
    } else if (direction <= 0 && tempC - trough >= settings.minSwingC) {
      swings++;
      amplitude = Math.max(amplitude, tempC - trough);
      direction = 1;
      peak = tempC;
      trough = tempC;
    }
  }
  return { isCycling: swings >= settings.minSwings, swings, amplitudeC: amplitude };
}
