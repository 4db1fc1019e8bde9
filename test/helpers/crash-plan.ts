/** What the crash tests' loggers publish: deterministic, so the store can be checked reading by reading. */

/** The loggers and what each publishes. */
export type FleetSpec = {
  deviceIds: string[];
  messagesPerLogger: number;
  readingsPerMessage: number;
  /** Unacknowledged messages a logger keeps outstanding. */
  window: number;
  /** Device time of the first reading (epoch ms), inside the 30 days ingest accepts. */
  firstTs: number;
};

/**
 * 20 loggers × 150 messages × 10 readings, 50 in flight each. 150 messages, resends included, stay
 * within the device rate limit's burst (200 per ingest lifetime): the run measures the interruption,
 * not the limiter's pacing.
 */
export function defaultFleet(prefix: string): FleetSpec {
  return {
    deviceIds: Array.from({ length: 20 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`),
    messagesPerLogger: 150,
    readingsPerMessage: 10,
    window: 50,
    firstTs: Math.floor((Date.now() - 2 * 3_600_000) / 1000) * 1000,
  };
}

/** Reading k of message m of logger d: one second apart, values distinct per device so mix-ups show. */
export function readingOf(spec: FleetSpec, d: number, m: number, k: number): { ts: number; tempC: number; rhPct: number } {
  const n = m * spec.readingsPerMessage + k;
  return { ts: spec.firstTs + n * 1000, tempC: 2 + ((d * 31 + n) % 90) / 10, rhPct: 80 + ((d + m) % 20) };
}

/** A seeded generator, so a failing interruption point can be replayed with CRASH_SEED. */
export { seededRandom } from '@coldchain/firmware-sim';
