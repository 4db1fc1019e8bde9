import { MAX_READINGS_PER_MESSAGE } from './telemetry-types.ts';
import type { Reading, TelemetryMessage } from './telemetry-types.ts';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The common shape of a valid message, checked without zod: epoch-ms integer times, finite
 * temperatures, humidity absent, null or within 0–100, `seq` absent or a non-negative integer, 1 to
 * 10,000 readings. It accepts only what `telemetryMessageSchema` accepts (same rules, unknown keys
 * ignored as zod's object does), and gives up (undefined) on anything else: ISO-8601 times and every
 * invalid message go to zod, which names the field and the rule. zod's per-reading cost was the largest
 * share of ingest's CPU on the embedded broker's publish path (BENCHMARKS.md).
 */
export function decodeCommonShape(json: unknown): TelemetryMessage | undefined {
  if (!isRecord(json)) return undefined;
  const { seq, readings } = json;
  if (seq !== undefined && !(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0)) return undefined;
  if (!Array.isArray(readings) || readings.length === 0 || readings.length > MAX_READINGS_PER_MESSAGE) return undefined;
  const out: Reading[] = new Array(readings.length);
  for (let i = 0; i < readings.length; i++) {
    const r: unknown = readings[i];
    if (!isRecord(r)) return undefined;
    const { ts, tempC, rhPct } = r;
    if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) return undefined;
    if (typeof tempC !== 'number' || !Number.isFinite(tempC)) return undefined;
    if (rhPct !== undefined && rhPct !== null && !(typeof rhPct === 'number' && rhPct >= 0 && rhPct <= 100)) return undefined;
    out[i] = { sampledAt: ts, tempC, rhPct: rhPct ?? null };
  }
  return { seq: seq ?? null, readings: out };
}
