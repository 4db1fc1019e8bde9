import { linearRegression } from 'simple-statistics';
import type { TemperatureLimit } from './profiles.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A reading as the detectors need it. */
export type Sample = { sampledAt: number; tempC: number; rhPct: number | null };

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
export function forecastCrossing(samples: readonly Sample[], limit: TemperatureLimit, settings: WarningSettings['trend']): Forecast {
  const last = samples[samples.length - 1];
  if (!last) return { willCross: false };
  const recent = samples.filter((s) => s.sampledAt >= last.sampledAt - settings.windowMs);
  if (recent.length < settings.minSamples) return { willCross: false };
  const sign = limit.direction === 'above' ? 1 : -1;
  if (sign * (last.tempC - limit.thresholdC) >= 0) return { willCross: false };
  const { m } = linearRegression(recent.map((s) => [(s.sampledAt - last.sampledAt) / HOUR, s.tempC]));
  const towards = sign * m;
  if (!(towards >= settings.minSlopeCPerHour)) return { willCross: false };
  const inMs = ((Math.abs(limit.thresholdC - last.tempC) / towards) * HOUR);
  return inMs <= settings.horizonMs ? { willCross: true, inMs, slopeCPerHour: m } : { willCross: false };
}

/** Whether the readings show reefer start-stop cycling, and how strongly. */
export type Cycling = { isCycling: boolean; swings: number; amplitudeC: number };

/**
 * Counts swings of at least `minSwingC` between turning points (a zigzag with that hysteresis) over the
 * window before the last reading. A reefer that should run continuously shows many; sensor noise none.
 */
export function detectCycling(samples: readonly Sample[], settings: WarningSettings['cycling']): Cycling {
  const last = samples[samples.length - 1];
  if (!last) return { isCycling: false, swings: 0, amplitudeC: 0 };
  const recent = samples.filter((s) => s.sampledAt >= last.sampledAt - settings.windowMs);
  let swings = 0;
  let amplitude = 0;
  let direction = 0; // 1 rising, -1 falling, 0 not yet known
  // The extremes since the last turning point: the running peak while rising, trough while falling.
  let peak = recent[0]?.tempC ?? 0;
  let trough = peak;
  for (const s of recent) {
    peak = Math.max(peak, s.tempC);
    trough = Math.min(trough, s.tempC);
    if (direction >= 0 && peak - s.tempC >= settings.minSwingC) {
      // Turned down from the peak: one swing.
      swings++;
      amplitude = Math.max(amplitude, peak - s.tempC);
      direction = -1;
      trough = s.tempC;
      peak = s.tempC;
    } else if (direction <= 0 && s.tempC - trough >= settings.minSwingC) {
      swings++;
      amplitude = Math.max(amplitude, s.tempC - trough);
      direction = 1;
      peak = s.tempC;
      trough = s.tempC;
    }
  }
  return { isCycling: swings >= settings.minSwings, swings, amplitudeC: amplitude };
}
