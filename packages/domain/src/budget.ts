import type { Measures } from './measures.ts';
import type { ProductProfile } from './profiles.ts';

/** How much of a profile's cumulative budget outside the optimum a shipment (or leg) has used. */
export type BudgetStatus = {
  outsideMs: number;
  maxOutsideMs: number;
  /** Share of the time budget used, in % (may exceed 100). */
  outsideUsedPct: number;
  degreeMinutes: number;
  maxDegreeMinutes: number;
  /** Share of the degree-minute budget used, in % (may exceed 100). */
  degreeMinutesUsedPct: number;
  /** Either budget used up. */
  isExceeded: boolean;
  /** Unmonitored time may hide more: the shares are then at least these. */
  isLowerBound: boolean;
};

/** The used share of each budget: time and degree-minutes outside the optimum, above and below together. */
export function budgetStatus(measures: Measures, profile: ProductProfile): BudgetStatus {
  const { maxOutsideMs, maxDegreeMinutes } = profile.budget;
  const outsideMs = measures.timeAboveMs + measures.timeBelowMs;
  const degreeMinutes = measures.degreeMinutesAbove + measures.degreeMinutesBelow;
  return {
    outsideMs,
    maxOutsideMs,
    outsideUsedPct: (outsideMs / maxOutsideMs) * 100,
    degreeMinutes,
    maxDegreeMinutes,
    degreeMinutesUsedPct: (degreeMinutes / maxDegreeMinutes) * 100,
    isExceeded: outsideMs > maxOutsideMs || degreeMinutes > maxDegreeMinutes,
    isLowerBound: measures.unmonitoredMs > 0,
  };
}
