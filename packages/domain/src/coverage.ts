/**
 * Time inside [from, to] not covered by readings: every interval between consecutive readings longer
 * than `maxGapMs`, plus the stretches before the first and after the last reading beyond that gap.
 * DESIGN.md: hours with no readings are unmonitored time, never "no excursion".
 */
export function unmonitoredMs(sampledAts: readonly number[], from: number, to: number, maxGapMs: number): number {
  if (to <= from) return 0;
  const inside = sampledAts.filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  if (inside.length === 0) return to - from;
  let total = 0;
  let previous = from;
  for (const t of [...inside, to]) {
    const gap = t - previous;
    if (gap > maxGapMs) total += gap;
    previous = t;
  }
  return total;
}
