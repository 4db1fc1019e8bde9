import type { TemperatureLimit } from './profiles.ts';

/** The states of one rule for one device (after Prometheus: inactive, pending, firing). */
export type RuleStateName = 'inactive' | 'pending' | 'firing';

/**
 * A rule's state for one device, with the running measures of the current excursion. Everything is
 * on device time (`sampledAt` of the readings), never arrival time.
 */
export type RuleState = {
  state: RuleStateName;
  /** Time of the first breaching reading of the current excursion: its onset. */
  activeAt: number | null;
  firedAt: number | null;
  /** Reading before the onset, so attribution can tell a clean onset from one hidden in a gap. */
  previousReadingAt: number | null;
  /** Firing, and back inside the limit (past the hysteresis) since this time. */
  clearSince: number | null;
  lastReadingAt: number | null;
  lastTempC: number | null;
  peakTempC: number | null;
  /** Time spent beyond the threshold during the current excursion. */
  outsideMs: number;
  /** Degree-minutes beyond the threshold during the current excursion. */
  degreeMinutes: number;
};

/** A change of state, with its reason (after Grafana's `{previous, next, reason}`). */
export type Transition = {
  previous: RuleStateName;
  next: RuleStateName;
  at: number;
  reason: string;
};

/** The outcome of evaluating one reading. */
export type Evaluation = {
  state: RuleState;
  transition: Transition | null;
  /** Whether the reading was evaluated (false for readings at or before the last one). */
  isEvaluated: boolean;
};

/** The state of a rule before any reading. */
export function initialRuleState(): RuleState {
  return {
    state: 'inactive',
    activeAt: null,
    firedAt: null,
    previousReadingAt: null,
    clearSince: null,
    lastReadingAt: null,
    lastTempC: null,
    peakTempC: null,
    outsideMs: 0,
    degreeMinutes: 0,
  };
}

/** How far a temperature is beyond the limit, in °C; 0 or less when inside. */
export function excessC(limit: TemperatureLimit, tempC: number): number {
  return limit.direction === 'above' ? tempC - limit.thresholdC : limit.thresholdC - tempC;
}

function isBreaching(limit: TemperatureLimit, tempC: number): boolean {
  return excessC(limit, tempC) > 0;
}

function isClear(limit: TemperatureLimit, tempC: number): boolean {
  return excessC(limit, tempC) <= -limit.hysteresisC;
}

function isMoreExtreme(limit: TemperatureLimit, tempC: number, peakC: number | null): boolean {
  if (peakC === null) return true;
  return limit.direction === 'above' ? tempC > peakC : tempC < peakC;
}

/**
 * Accumulates time and degree-minutes outside between two readings, trapezoid-wise on the excess.
 * An interval longer than `maxGapMs` is unmonitored time and adds nothing.
 */
function accumulate(
  limit: TemperatureLimit,
  state: RuleState,
  sampledAt: number,
  tempC: number,
  maxGapMs: number,
): Pick<RuleState, 'outsideMs' | 'degreeMinutes'> {
  const unchanged = { outsideMs: state.outsideMs, degreeMinutes: state.degreeMinutes };
  if (state.lastReadingAt === null || state.lastTempC === null) return unchanged;
  const dt = sampledAt - state.lastReadingAt;
  if (dt <= 0 || dt > maxGapMs) return unchanged;
  const before = Math.max(0, excessC(limit, state.lastTempC));
  const after = Math.max(0, excessC(limit, tempC));
  const outsideShare = (before > 0 ? 0.5 : 0) + (after > 0 ? 0.5 : 0);
  return {
    outsideMs: state.outsideMs + dt * outsideShare,
    degreeMinutes: state.degreeMinutes + ((before + after) / 2) * (dt / 60_000),
  };
}

/**
 * Evaluates one reading against one limit. Pure: the next state and the transition, if any, follow
 * from the arguments alone. Readings must arrive in device-time order; a reading at or before the
 * last evaluated one is not evaluated (`isEvaluated: false`), which makes redelivered messages harmless.
 */
export function evaluateReading(
  limit: TemperatureLimit,
  state: RuleState,
  reading: { sampledAt: number; tempC: number },
  maxGapMs: number,
): Evaluation {
  const { sampledAt: t, tempC } = reading;
  if (state.lastReadingAt !== null && t <= state.lastReadingAt) {
    return { state, transition: null, isEvaluated: false };
  }
  const seen = { lastReadingAt: t, lastTempC: tempC };
  const breaching = isBreaching(limit, tempC);
  const fmt = `${tempC.toFixed(1)} °C`;
  const side = limit.direction === 'above' ? 'above' : 'below';

  switch (state.state) {
    case 'inactive': {
      if (!breaching) return { state: { ...state, ...seen }, transition: null, isEvaluated: true };
      const fires = limit.holdForMs <= 0;
      // The way in counts as the way out does: half the interval before the first breaching reading.
      const measures = accumulate(limit, { ...state, outsideMs: 0, degreeMinutes: 0 }, t, tempC, maxGapMs);
      const next: RuleState = {
        ...initialRuleState(),
        ...seen,
        ...measures,
        state: fires ? 'firing' : 'pending',
        activeAt: t,
        firedAt: fires ? t : null,
        previousReadingAt: state.lastReadingAt,
        peakTempC: tempC,
      };
      return {
        state: next,
        transition: {
          previous: 'inactive',
          next: next.state,
          at: t,
          reason: `${fmt} ${side} ${limit.thresholdC} °C`,
        },
        isEvaluated: true,
      };
    }
    case 'pending': {
      if (!breaching) {
        return {
          state: { ...initialRuleState(), ...seen },
          transition: {
            previous: 'pending',
            next: 'inactive',
            at: t,
            reason: `${fmt} back within ${limit.thresholdC} °C before the hold-for elapsed`,
          },
          isEvaluated: true,
        };
      }
      const measures = accumulate(limit, state, t, tempC, maxGapMs);
      const peakTempC = isMoreExtreme(limit, tempC, state.peakTempC) ? tempC : state.peakTempC;
      const heldMs = t - (state.activeAt ?? t);
      if (heldMs < limit.holdForMs) {
        return { state: { ...state, ...seen, ...measures, peakTempC }, transition: null, isEvaluated: true };
      }
      return {
        state: { ...state, ...seen, ...measures, peakTempC, state: 'firing', firedAt: t },
        transition: {
          previous: 'pending',
          next: 'firing',
          at: t,
          reason: `${side} ${limit.thresholdC} °C for ${Math.round(heldMs / 60_000)} min (hold-for ${Math.round(limit.holdForMs / 60_000)} min), now ${fmt}`,
        },
        isEvaluated: true,
      };
    }
    case 'firing': {
      const measures = accumulate(limit, state, t, tempC, maxGapMs);
      const peakTempC = isMoreExtreme(limit, tempC, state.peakTempC) ? tempC : state.peakTempC;
      if (!isClear(limit, tempC)) {
        return {
          state: { ...state, ...seen, ...measures, peakTempC, clearSince: null },
          transition: null,
          isEvaluated: true,
        };
      }
      const clearSince = state.clearSince ?? t;
      if (t - clearSince < limit.keepFiringForMs) {
        return { state: { ...state, ...seen, ...measures, clearSince }, transition: null, isEvaluated: true };
      }
      return {
        state: { ...state, ...seen, ...measures, clearSince, state: 'inactive' },
        transition: {
          previous: 'firing',
          next: 'inactive',
          at: t,
          reason: `back within ${limit.thresholdC} °C (by ${limit.hysteresisC} °C) for ${Math.round((t - clearSince) / 60_000)} min, now ${fmt}`,
        },
        isEvaluated: true,
      };
    }
  }
}
