import type { Reading } from './telemetry.ts';

/**
 * Physical range of the sensors: outside it a reading is a sensor fault, kept apart from real
 * excursions (issue 3: below −60 °C or above 70 °C). Cold-chain loggers are typically rated −40…85 °C;
 * produce never meets either end.
 */
export const SENSOR_RANGE_C = { min: -60, max: 70 } as const;

/** How far a reading's device time may run ahead of the server's clock (logger clock drift). */
export const MAX_FUTURE_MS = 5 * 60_000;

/** How old a reading may be: loggers upload backlogs after days offline, not months. */
export const MAX_AGE_MS = 30 * 24 * 3_600_000;

export type ReadingRejectCode = 'reading.sensor_fault' | 'reading.future' | 'reading.too_old';

/** A reading refused on its own, with where it was in the message. */
export type RejectedReading = { index: number; code: ReadingRejectCode; reason: string; reading: Reading };

/**
 * Screens the readings of a valid message one by one: sensor faults and impossible times are refused,
 * the rest accepted. Pure; ingest and rules both apply it, with their own `now`.
 */
export function screenReadings(readings: readonly Reading[], now: number): { accepted: Reading[]; rejected: RejectedReading[] } {
  const accepted: Reading[] = [];
  const rejected: RejectedReading[] = [];
  readings.forEach((reading, index) => {
    const field = `readings[${index}]`;
    if (reading.tempC < SENSOR_RANGE_C.min || reading.tempC > SENSOR_RANGE_C.max) {
      rejected.push({ index, reading, code: 'reading.sensor_fault', reason: `${field}.tempC: ${reading.tempC} °C is outside the sensor's physical range ${SENSOR_RANGE_C.min}…${SENSOR_RANGE_C.max} °C (sensor fault)` });
    } else if (reading.sampledAt > now + MAX_FUTURE_MS) {
      rejected.push({ index, reading, code: 'reading.future', reason: `${field}.ts: ${new Date(reading.sampledAt).toISOString()} is more than ${MAX_FUTURE_MS / 60_000} min ahead of the server clock` });
    } else if (reading.sampledAt < now - MAX_AGE_MS) {
      rejected.push({ index, reading, code: 'reading.too_old', reason: `${field}.ts: ${new Date(reading.sampledAt).toISOString()} is more than ${MAX_AGE_MS / 86_400_000} days old` });
    } else {
      accepted.push(reading);
    }
  });
  return { accepted, rejected };
}
