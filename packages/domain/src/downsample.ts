/** A point of a curve: time (epoch ms) and value. */
export type CurvePoint = { t: number; v: number };

/**
 * Downsamples a time-ordered curve to about `maxPoints` points, keeping the minimum and the maximum of
 * every time bucket, so no excursion's peak (or trough) is lost. Curves already small enough are
 * returned as they are.
 */
export function downsampleMinMax(points: readonly CurvePoint[], maxPoints: number): CurvePoint[] {
  if (points.length <= maxPoints || points.length < 3) return [...points];
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const bucketCount = Math.max(1, Math.floor(maxPoints / 2));
  const width = (last.t - first.t) / bucketCount || 1;
  const out: CurvePoint[] = [];
  let bucket = -1;
  let min: CurvePoint | null = null;
  let max: CurvePoint | null = null;
  const flush = () => {
    if (!min || !max) return;
    if (min === max) out.push(min);
    else out.push(...(min.t <= max.t ? [min, max] : [max, min]));
  };
  for (const p of points) {
    const b = Math.min(bucketCount - 1, Math.floor((p.t - first.t) / width));
    if (b !== bucket) {
      flush();
      bucket = b;
      min = p;
      max = p;
      continue;
    }
    if (p.v < min!.v) min = p;
    if (p.v > max!.v) max = p;
  }
  flush();
  return out;
}
