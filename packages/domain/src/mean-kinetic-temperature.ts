import { USP_DELTA_H_OVER_R_K } from './profile-defaults.ts';
import { integrateRate, segmentsOf, type TemperatureSample, type TraceSegment } from './temperature-trace.ts';

const KELVIN_OFFSET = 273.15;

/**
 * MKT over monitored segments: `MKT = (ΔH/R) / −ln( Σ tᵢ·exp(−ΔH/(R·Tᵢ)) / Σ tᵢ )`, kelvin inside
 * (reference/produce.md), each segment weighted by its duration. Null when the segments hold no time.
 */
export function mktOfSegments(segments: readonly TraceSegment[], deltaHOverR: number): number | null {
  const rate = mktRateOf(deltaHOverR);
  let weighted = 0;
  let totalMs = 0;
  for (const segment of segments) {
    weighted += integrateRate(segment, rate);
    totalMs += segment.endAt - segment.startAt;
  }
  return mktOfSums(weighted, totalMs, deltaHOverR);
}

/** The MKT term `exp(−ΔH/(R·T))` as a function of °C; throws a RangeError for a ΔH/R not above 0 K. */
export function mktRateOf(deltaHOverR: number): (tempC: number) => number {
  if (!(deltaHOverR > 0)) throw new RangeError(`deltaHOverR: must be above 0 K, got ${deltaHOverR}`);
  return (tempC) => Math.exp(-deltaHOverR / (tempC + KELVIN_OFFSET));
}

/** MKT from the time-integral of the MKT term over `totalMs` of monitored time; null without time. */
export function mktOfSums(weighted: number, totalMs: number, deltaHOverR: number): number | null {
  if (totalMs === 0) return null;
  return deltaHOverR / -Math.log(weighted / totalMs) - KELVIN_OFFSET;
}

/**
 * Mean kinetic temperature (°C) of a series, time-weighted: each interval between consecutive samples
 * weighs its duration, the temperature running straight from one sample to the next. A step change is
 * two samples at the same time (before, after). ΔH/R defaults to USP <1079.2>'s 10 000 K; for produce
 * MKT is indicative only, so profiles may set their own. Null for fewer than two samples in time.
 *
 * @example meanKineticTemperatureC([{ sampledAt: 0, tempC: 4 }, { sampledAt: 3_600_000, tempC: 4 }]) // 4
 */
export function meanKineticTemperatureC(samples: readonly TemperatureSample[], deltaHOverR: number = USP_DELTA_H_OVER_R_K): number | null {
  return mktOfSegments(segmentsOf(samples.filter((s) => Number.isFinite(s.tempC))), deltaHOverR);
}
