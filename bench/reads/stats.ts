// Nearest-rank percentiles of latencies in ms, as the other benchmarks report them.

export type Percentiles = { count: number; p50: number; p95: number; p99: number; max: number };

/** p50, p95, p99 and max of `values` (NaN when there are none). */
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
  return { count: sorted.length, p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), max: sorted.length === 0 ? NaN : sorted[sorted.length - 1]! };
}

/** A latency for a table: one decimal below 10 ms, whole ms above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}
