import { evaluateReading, initialRuleState } from './excursion-machine.ts';
import type { RuleState } from './excursion-machine.ts';
import type { TemperatureLimit } from './profiles.ts';

/** One excursion found by a replay: the state when it fired, its last state, and how it ended. */
export type Episode = {
  /** The state at the reading that made it fire: onset (`activeAt`) and the reading before it. */
  fired: RuleState;
  last: RuleState;
  /** The most time outside it reached (what the claim threshold is measured against). */
  maxOutsideMs: number;
  cleared: { at: number; reason: string } | null;
};

/**
 * Runs one limit's state machine over readings in device-time order from a fresh state: what the rule
 * would have decided had every reading arrived in order (issue 9, item 1). Pure.
 */
export function replayLimit(limit: TemperatureLimit, readings: readonly { sampledAt: number; tempC: number }[], maxGapMs: number): { state: RuleState; episodes: Episode[] } {
  let state = initialRuleState();
  const episodes: Episode[] = [];
  for (const reading of readings) {
    const evaluation = evaluateReading(limit, state, reading, maxGapMs);
    if (!evaluation.isEvaluated) continue;
    state = evaluation.state;
    const { transition } = evaluation;
    const current = episodes.at(-1);
    if (transition?.next === 'firing') {
      episodes.push({ fired: state, last: state, maxOutsideMs: state.outsideMs, cleared: null });
    } else if (state.state === 'firing' && current) {
      current.last = state;
      current.maxOutsideMs = Math.max(current.maxOutsideMs, state.outsideMs);
    } else if (transition?.previous === 'firing' && current) {
      current.last = state;
      current.maxOutsideMs = Math.max(current.maxOutsideMs, state.outsideMs);
      current.cleared = { at: transition.at, reason: transition.reason };
    }
  }
  return { state, episodes };
}
