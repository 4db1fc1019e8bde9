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

export type ReadingRejectCode = 'reading.sensor_fault' | 'reading.future' | 'reading.too_old' | 'reading.duplicate_ts';

/** A reading refused on its own, with where it was in the message. */
export type RejectedReading = { index: number; code: ReadingRejectCode; reason: string; reading: Reading };

/**
 * Screens the readings of a valid message one by one: sensor faults and impossible times are refused,
 * the rest accepted. A device takes one reading per device time, so a later reading with the time of an
 * earlier one in the same message is refused (`reading.duplicate_ts`), even when it is identical: the
 * first holds that time, whether it is accepted or refused itself, and later ones are never kept instead.
 * Pure; ingest and rules both apply it, with their own `now`.
 */
export function screenReadings(readings: readonly Reading[], now: number): { accepted: Reading[]; rejected: RejectedReading[] } {
  const accepted: Reading[] = [];
  const rejected: RejectedReading[] = [];
  // Device time (epoch ms, so ISO and epoch forms of one instant are equal) → index of its first reading.
  // A message of a few readings (ten, usually) is searched instead: no Map to build on the hot path.
  const firstAt = readings.length > FEW_READINGS ? new Map<number, number>() : null;
  readings.forEach((reading, index) => {
    const first = firstAt ? firstAt.get(reading.sampledAt) : indexOfTime(readings, reading.sampledAt, index);
    if (first !== undefined) {
      rejected.push({ index, reading, code: 'reading.duplicate_ts', reason: `readings[${index}].ts: same time as readings[${first}] (${isoTime(reading.sampledAt)}); only the first is kept` });
      return;
    }
    firstAt?.set(reading.sampledAt, index);
    if (reading.tempC < SENSOR_RANGE_C.min || reading.tempC > SENSOR_RANGE_C.max) {
      rejected.push({ index, reading, code: 'reading.sensor_fault', reason: `readings[${index}].tempC: ${reading.tempC} °C is outside the sensor's physical range ${SENSOR_RANGE_C.min}…${SENSOR_RANGE_C.max} °C (sensor fault)` });
    } else if (reading.sampledAt > now + MAX_FUTURE_MS) {
      rejected.push({ index, reading, code: 'reading.future', reason: `readings[${index}].ts: ${isoTime(reading.sampledAt)} is more than ${MAX_FUTURE_MS / 60_000} min ahead of the server clock` });
    } else if (reading.sampledAt < now - MAX_AGE_MS) {
      rejected.push({ index, reading, code: 'reading.too_old', reason: `readings[${index}].ts: ${isoTime(reading.sampledAt)} is more than ${MAX_AGE_MS / 86_400_000} days old` });
    } else {
      accepted.push(reading);
    }
  });
  return { accepted, rejected };
}

const FEW_READINGS = 32;

/** Index of the first of `readings[0…end)` taken at `sampledAt`. */
function indexOfTime(readings: readonly Reading[], sampledAt: number, end: number): number | undefined {
  for (let i = 0; i < end; i++) if (readings[i]!.sampledAt === sampledAt) return i;
  return undefined;
}

/** A device time for a reason; epoch ms past the year 275760 pass the schema but have no ISO form. */
function isoTime(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? `${epochMs} ms since the epoch` : date.toISOString();
}
