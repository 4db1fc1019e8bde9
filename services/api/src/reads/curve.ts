import { downsampleMinMax } from '@coldchain/domain';
import type { CurvePoint } from '@coldchain/domain';
import { ROLLUP_RESOLUTIONS_MS } from '@coldchain/storage';
import type { TelemetryStore } from '@coldchain/storage';

/** Most readings a curve reads raw (a short span, or a span no rollup fills). */
const RAW_LIMIT = 200_000;

/** What a curve is drawn from: a device's readings in [from, to] (to may be open: MAX_SAFE_INTEGER). */
export type CurveRequest = { deviceId: string; from: number; to: number; points: number; now: number };

/** A curve as answered: `[t, tempC]` pairs keeping every bucket's min and max, and the readings behind it. */
export type Curve = { points: [number, number][]; readingCount: number };

/**
 * A device's curve from the rollups (decision 0014): the coarsest resolution with at least `points / 2`
 * buckets over the span (each bucket gives its min and max), whole buckets from the rollup table and
 * the partial buckets at the span's edges from the raw readings, so every extreme inside [from, to] is
 * kept exactly and nothing outside it leaks in. A span no rollup fills is read raw.
 */
export async function buildCurve(telemetry: Pick<TelemetryStore, 'bucketsBetween' | 'readingsBetween'>, request: CurveRequest): Promise<Curve> {
  const { deviceId, from, to, points } = request;
  const spanMs = Math.max(0, Math.min(to, Math.max(request.now, from)) - from);
  const resolution = [...ROLLUP_RESOLUTIONS_MS].reverse().find((r) => spanMs / r >= points / 2);
  if (resolution === undefined) {
    const raw = await telemetry.readingsBetween(deviceId, from, to, RAW_LIMIT);
    return { points: toPairs(downsampleMinMax(raw.map((r) => ({ t: r.sampledAt, v: r.tempC })), points)), readingCount: raw.length };
  }
  const firstWhole = Math.ceil(from / resolution) * resolution;
  // The last bucket that ends inside the span: its start + resolution - 1 <= to.
  const lastWhole = Math.floor((to + 1) / resolution) * resolution - resolution;
  const [head, buckets, tail] = await Promise.all([
    telemetry.readingsBetween(deviceId, from, Math.min(to, firstWhole - 1), RAW_LIMIT),
    lastWhole >= firstWhole ? telemetry.bucketsBetween(deviceId, firstWhole, lastWhole, resolution) : Promise.resolve([]),
    lastWhole >= firstWhole ? telemetry.readingsBetween(deviceId, lastWhole + resolution, to, RAW_LIMIT) : Promise.resolve([]),
  ]);
  const all: CurvePoint[] = head.map((r) => ({ t: r.sampledAt, v: r.tempC }));
  let readingCount = head.length + tail.length;
  for (const bucket of buckets) {
    readingCount += bucket.count;
    const low = { t: bucket.minAt, v: bucket.min };
    const high = { t: bucket.maxAt, v: bucket.max };
    if (bucket.minAt === bucket.maxAt) all.push(low);
    else all.push(...(bucket.minAt < bucket.maxAt ? [low, high] : [high, low]));
  }
  for (const r of tail) all.push({ t: r.sampledAt, v: r.tempC });
  return { points: toPairs(downsampleMinMax(all, points)), readingCount };
}

function toPairs(points: readonly CurvePoint[]): [number, number][] {
  return points.map((p): [number, number] => [p.t, p.v]);
}
