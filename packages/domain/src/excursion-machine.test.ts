import { describe, expect, it } from 'vitest';
import { evaluateReading, excessC, initialRuleState, type RuleState, type RuleStateName, type Transition } from './excursion-machine.ts';
import { LYCHEE, type TemperatureLimit } from './profiles.ts';

const MIN = 60_000;
/** 2025-06-01 02:00 UTC (10:00 in Guangdong), the start of every scenario. */
const T0 = Date.UTC(2025, 5, 1, 2, 0);
const MAX_GAP_MS = LYCHEE.maxReadingGapMs;

function lycheeLimit(id: 'high' | 'low'): TemperatureLimit {
  const limit = LYCHEE.limits.find((l) => l.id === id);
  if (!limit) throw new Error(`LYCHEE has no ${id} limit`);
  return limit;
}

// lychee high alert 15 °C, hold-for 10 min, keep-firing-for 15 min, hysteresis 0.5 °C (profiles.ts)
const HIGH = lycheeLimit('high');
// lychee low alert 1 °C, hold-for 30 min, keep-firing-for 15 min, hysteresis 0.5 °C (profiles.ts)
const LOW = lycheeLimit('low');

/** A reading as [minutes after T0 on device time, °C]. */
type Reading = readonly [atMin: number, tempC: number];

/** Feeds readings one by one, as the rules service would, and records what a user would see. */
function feed(limit: TemperatureLimit, readings: readonly Reading[], start: RuleState = initialRuleState()) {
  let state = start;
  const states: RuleStateName[] = [];
  const transitions: Transition[] = [];
  const evaluated: boolean[] = [];
  for (const [atMin, tempC] of readings) {
    const evaluation = evaluateReading(limit, state, { sampledAt: T0 + atMin * MIN, tempC }, MAX_GAP_MS);
    state = evaluation.state;
    states.push(state.state);
    evaluated.push(evaluation.isEvaluated);
    if (evaluation.transition) transitions.push(evaluation.transition);
  }
  return { state, states, transitions, evaluated };
}

/** A state already firing on the high limit: 16 °C from minute 0, fired at minute 10. */
function firingHigh(): RuleState {
  const { state } = feed(HIGH, [
    [0, 16],
    [5, 16],
    [10, 16],
  ]);
  expect(state.state).toBe('firing');
  return state;
}

describe('evaluateReading: high limit (lychee 15 °C)', () => {
  const highCases: Array<{ name: string; readings: Reading[]; states: RuleStateName[] }> = [
    {
      name: 'a breach held for 10 min of device time fires',
      readings: [[0, 12], [5, 15.5], [10, 16], [15, 16.2]],
      states: ['inactive', 'pending', 'pending', 'firing'],
    },
    {
      name: 'just short of the hold-for is still pending',
      readings: [[0, 15.5], [9.99, 15.5]],
      states: ['pending', 'pending'],
    },
    {
      name: 'exactly the hold-for fires',
      readings: [[0, 15.5], [10, 15.5]],
      states: ['pending', 'firing'],
    },
    {
      name: 'back inside before the hold-for elapses: no alert (a door opened for a scan)',
      readings: [[0, 13], [2, 17], [6, 16], [9, 14.9], [30, 13]],
      states: ['inactive', 'pending', 'pending', 'inactive', 'inactive'],
    },
    {
      name: 'exactly 15 °C is not above 15 °C',
      readings: [[0, 15], [20, 15], [40, 15]],
      states: ['inactive', 'inactive', 'inactive'],
    },
    {
      name: 'a cold reading never breaches the high limit',
      readings: [[0, -3], [20, -3]],
      states: ['inactive', 'inactive'],
    },
  ];
  for (const row of highCases) {
    it(row.name, () => {
      const { readings, states } = row;
      expect(feed(HIGH, readings).states).toEqual(states);
    });
  }

  it('counts the hold-for on device time: readings sampled minutes apart do not fire however late they arrive', () => {
    // Two readings sampled 3 min apart; the machine has no arrival time to confuse it with.
    const { state } = feed(HIGH, [
      [0, 18],
      [3, 18],
    ]);
    expect(state.state).toBe('pending');
    expect(state.activeAt).toBe(T0);
    expect(state.firedAt).toBeNull();
  });

  it('records the onset and the firing time on device time', () => {
    const { state, transitions } = feed(HIGH, [
      [0, 12],
      [5, 15.5],
      [10, 16],
      [15, 16.2],
    ]);
    expect(state.activeAt).toBe(T0 + 5 * MIN);
    expect(state.firedAt).toBe(T0 + 15 * MIN);
    expect(state.previousReadingAt).toBe(T0);
    expect(transitions.map((t) => [t.previous, t.next, t.at])).toEqual([
      ['inactive', 'pending', T0 + 5 * MIN],
      ['pending', 'firing', T0 + 15 * MIN],
    ]);
  });

  it('has no previous reading when the onset is the first reading', () => {
    const { state } = feed(HIGH, [[0, 16]]);
    expect(state.previousReadingAt).toBeNull();
  });

  it('fires at once when hold-for is 0', () => {
    const immediate: TemperatureLimit = { ...HIGH, holdForMs: 0 };
    const { state, transitions } = feed(immediate, [
      [0, 10],
      [5, 15.1],
    ]);
    expect(state.state).toBe('firing');
    expect(state.activeAt).toBe(T0 + 5 * MIN);
    expect(state.firedAt).toBe(T0 + 5 * MIN);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ previous: 'inactive', next: 'firing', at: T0 + 5 * MIN });
  });

  describe('firing: hysteresis and keep-firing-for', () => {
    const firingCases: Array<{ name: string; readings: Reading[]; states: RuleStateName[] }> = [
      {
        name: 'readings in the hysteresis band (14.5–15 °C) keep it firing',
        readings: [[15, 14.9], [20, 14.6], [25, 14.8], [30, 14.7], [60, 14.9]],
        states: ['firing', 'firing', 'firing', 'firing', 'firing'],
      },
      {
        name: 'clear (≤ 14.5 °C) for 15 min resolves it',
        readings: [[15, 14], [20, 14], [25, 14], [30, 14]],
        states: ['firing', 'firing', 'firing', 'inactive'],
      },
      {
        name: 'exactly 14.5 °C counts as clear',
        readings: [[15, 14.5], [30, 14.5]],
        states: ['firing', 'inactive'],
      },
      {
        name: 'a band reading restarts the clear timer',
        readings: [[15, 14], [25, 14], [28, 14.8], [30, 14], [40, 14], [45, 14]],
        states: ['firing', 'firing', 'firing', 'firing', 'firing', 'inactive'],
      },
      {
        name: 'a breach restarts the clear timer',
        readings: [[15, 14], [25, 14], [28, 15.2], [30, 14], [44, 14], [45, 14]],
        states: ['firing', 'firing', 'firing', 'firing', 'firing', 'inactive'],
      },
      {
        name: 'a single clear reading after a long silence resolves it (the clear time is device time)',
        readings: [[15, 14], [45, 14]],
        states: ['firing', 'inactive'],
      },
    ];
    for (const row of firingCases) {
      it(row.name, () => {
        const { readings, states } = row;
        expect(feed(HIGH, readings, firingHigh()).states).toEqual(states);
      });
    }

    it('does not flap while the temperature wobbles around 15 °C for two hours', () => {
      const wobble: Reading[] = [];
      for (let m = 15; m <= 135; m += 5) wobble.push([m, m % 10 === 0 ? 15.1 : 14.9]);
      const { states, transitions } = feed(HIGH, wobble, firingHigh());
      expect(new Set(states)).toEqual(new Set(['firing']));
      expect(transitions).toEqual([]);
    });

    it('does not flap when a reefer cycles between clear and breaching every 5 min', () => {
      const cycling: Reading[] = [];
      for (let m = 15; m <= 135; m += 5) cycling.push([m, m % 10 === 0 ? 15.3 : 14]);
      const { states, transitions } = feed(HIGH, cycling, firingHigh());
      expect(new Set(states)).toEqual(new Set(['firing']));
      expect(transitions).toEqual([]);
    });

    it('records one alert, not one per wobble, over a warm afternoon', () => {
      const readings: Reading[] = [[0, 12], [5, 16], [10, 16], [15, 16]];
      for (let m = 20; m <= 140; m += 5) readings.push([m, m % 10 === 0 ? 15.4 : 14.8]);
      for (let m = 145; m <= 175; m += 5) readings.push([m, 12]);
      const { transitions, state } = feed(HIGH, readings);
      expect(transitions.map((t) => [t.next, (t.at - T0) / MIN])).toEqual([
        ['pending', 5],
        ['firing', 15],
        ['inactive', 160],
      ]);
      expect(state.state).toBe('inactive');
    });

    it('starts a fresh excursion after resolving, with its own onset and measures', () => {
      const resolved = feed(HIGH, [[15, 12], [30, 12], [40, 12]], firingHigh()).state;
      expect(resolved.state).toBe('inactive');
      const { state } = feed(HIGH, [[50, 15.6]], resolved);
      // The same as a device that never had the earlier excursion.
      const fresh = feed(HIGH, [
        [40, 12],
        [50, 15.6],
      ]).state;
      expect(state).toMatchObject({
        state: 'pending',
        activeAt: T0 + 50 * MIN,
        firedAt: null,
        previousReadingAt: T0 + 40 * MIN,
        clearSince: null,
        peakTempC: 15.6,
        outsideMs: fresh.outsideMs,
        degreeMinutes: fresh.degreeMinutes,
      });
      expect(state.outsideMs).toBeLessThan(resolved.outsideMs);
    });
  });

  describe('readings out of order or repeated', () => {
    const readings: Reading[] = [
      [0, 16],
      [10, 17],
      [20, 18],
    ];

    const staleReadings: Array<{ name: string; reading: Reading }> = [
      { name: 'a repeated reading (QoS 1 redelivery)', reading: [20, 18] },
      { name: 'the same time with a different value', reading: [20, 30] },
      { name: 'an older reading', reading: [5, 25] },
      { name: 'an older clear reading', reading: [15, 2] },
    ];
    for (const row of staleReadings) {
      it(`${row.name} is not evaluated and changes nothing`, () => {
        const { reading } = row;
        const before = feed(HIGH, readings).state;
        const evaluation = evaluateReading(HIGH, before, { sampledAt: T0 + reading[0] * MIN, tempC: reading[1] }, MAX_GAP_MS);
        expect(evaluation.isEvaluated).toBe(false);
        expect(evaluation.transition).toBeNull();
        expect(evaluation.state).toEqual(before);
      });
    }

    it('does not count a redelivered batch twice in the measures', () => {
      const once = feed(HIGH, readings).state;
      const twice = feed(HIGH, [...readings, ...readings]);
      expect(twice.evaluated).toEqual([true, true, true, false, false, false]);
      expect(twice.state.outsideMs).toBe(once.outsideMs);
      expect(twice.state.degreeMinutes).toBe(once.degreeMinutes);
    });

    it('does not start an excursion from a late breaching reading', () => {
      const calm = feed(HIGH, [
        [0, 5],
        [10, 5],
      ]).state;
      const late = evaluateReading(HIGH, calm, { sampledAt: T0 + 5 * MIN, tempC: 25 }, MAX_GAP_MS);
      expect(late.isEvaluated).toBe(false);
      expect(late.state.state).toBe('inactive');
    });

    it('evaluates the very first reading', () => {
      expect(feed(HIGH, [[0, 5]]).evaluated).toEqual([true]);
    });
  });

  describe('measures of the excursion', () => {
    it('accumulates time outside and degree-minutes trapezoid-wise, and keeps the peak', () => {
      // Excess over 15 °C: 1, 3, 2, 0, 0 at 10-min steps.
      // outside: 10 + 10 + 5 (half the interval leaving) = 25 min
      // degree-minutes: (1+3)/2·10 + (3+2)/2·10 + (2+0)/2·10 = 20 + 25 + 10 = 55
      const { state } = feed(HIGH, [
        [0, 16],
        [10, 18],
        [20, 17],
        [30, 14],
        [40, 14],
      ]);
      expect(state.outsideMs).toBe(25 * MIN);
      expect(state.degreeMinutes).toBeCloseTo(55, 9);
      expect(state.peakTempC).toBe(18);
    });

    it('counts the hysteresis band as inside for the measures', () => {
      // 16 → 14.8: excess 1 → 0, half the interval outside; 14.8 → 14.8 adds nothing.
      const { state } = feed(HIGH, [
        [0, 16],
        [10, 16],
        [20, 14.8],
        [30, 14.8],
      ]);
      expect(state.state).toBe('firing');
      expect(state.outsideMs).toBe(15 * MIN);
      expect(state.degreeMinutes).toBeCloseTo(10 + 5, 9);
    });

    it('measures the half-interval on the way in as it does on the way out', () => {
      // Excess 0, 1, 1, 0 at 10-min steps: a symmetric excursion.
      // Trapezoid-wise: 5 + 10 + 5 = 20 min outside, 5 + 10 + 5 = 20 degree-minutes.
      const { state } = feed(HIGH, [
        [0, 14],
        [10, 16],
        [20, 16],
        [30, 14],
      ]);
      expect(state.outsideMs).toBe(20 * MIN);
      expect(state.degreeMinutes).toBeCloseTo(20, 9);
    });

    it('adds nothing for an interval longer than the max gap, and resumes after it', () => {
      const beforeGap = feed(HIGH, [
        [0, 16],
        [10, 17],
      ]).state;
      // (1+2)/2·10 = 15 degree-minutes over 10 min.
      expect(beforeGap.outsideMs).toBe(10 * MIN);
      expect(beforeGap.degreeMinutes).toBeCloseTo(15, 9);

      const afterGap = feed(HIGH, [[41, 25]], beforeGap).state; // 31 min of silence
      expect(afterGap.outsideMs).toBe(10 * MIN);
      expect(afterGap.degreeMinutes).toBeCloseTo(15, 9);
      expect(afterGap.peakTempC).toBe(25); // the reading itself is still seen

      const resumed = feed(HIGH, [[51, 17]], afterGap).state;
      expect(resumed.outsideMs).toBe(20 * MIN);
      expect(resumed.degreeMinutes).toBeCloseTo(15 + ((10 + 2) / 2) * 10, 9);
    });

    it('remembers the first reading after a gap as the last reading', () => {
      const { state } = feed(HIGH, [
        [0, 16],
        [10, 17],
        [41, 25],
      ]);
      expect(state.lastReadingAt).toBe(T0 + 41 * MIN);
      expect(state.lastTempC).toBe(25);
    });

    it('does not evaluate a redelivered reading from inside a gap it has already passed', () => {
      const { state } = feed(HIGH, [
        [0, 16],
        [10, 17],
        [41, 25],
      ]);
      const redelivered = evaluateReading(HIGH, state, { sampledAt: T0 + 20 * MIN, tempC: 30 }, MAX_GAP_MS);
      expect(redelivered.isEvaluated).toBe(false);
      expect(redelivered.state).toEqual(state);
    });

    it('counts an interval of exactly the max gap', () => {
      const { state } = feed(HIGH, [
        [0, 16],
        [30, 16],
      ]);
      expect(state.outsideMs).toBe(30 * MIN);
      expect(state.degreeMinutes).toBeCloseTo(30, 9);
    });

    it('forgets the measures of a pending breach that came back inside', () => {
      const { state } = feed(HIGH, [
        [0, 16],
        [5, 17],
        [8, 14],
      ]);
      expect(state).toMatchObject({ state: 'inactive', activeAt: null, outsideMs: 0, degreeMinutes: 0, peakTempC: null });
    });

    it('keeps the measures of a resolved excursion until the next one begins', () => {
      const { state } = feed(HIGH, [
        [0, 16],
        [10, 16],
        [20, 14],
        [35, 14],
        [50, 14],
      ]);
      expect(state.state).toBe('inactive');
      expect(state.outsideMs).toBe(15 * MIN);
      expect(state.peakTempC).toBe(16);
    });
  });

  describe('transition reasons', () => {
    it('explains every transition with the temperature and the rule', () => {
      const { transitions } = feed(HIGH, [
        [0, 12],
        [5, 15.5],
        [15, 16.2],
        [20, 14],
        [35, 14],
        [40, 16],
        [45, 14.9],
      ]);
      expect(transitions.map((t) => `${t.previous}→${t.next}`)).toEqual([
        'inactive→pending',
        'pending→firing',
        'firing→inactive',
        'inactive→pending',
        'pending→inactive',
      ]);
      const [toPending, toFiring, resolved, , cancelled] = transitions;
      expect(toPending?.reason).toBe('15.5 °C above 15 °C');
      expect(toFiring?.reason).toBe('above 15 °C for 10 min (hold-for 10 min), now 16.2 °C');
      expect(resolved?.reason).toBe('back within 15 °C (by 0.5 °C) for 15 min, now 14.0 °C');
      expect(cancelled?.reason).toBe('14.9 °C back within 15 °C before the hold-for elapsed');
      for (const t of transitions) expect(t.reason.trim()).not.toBe('');
    });
  });
});

describe('evaluateReading: low limit (lychee 1 °C, below)', () => {
  const lowCases: Array<{ name: string; readings: Reading[]; states: RuleStateName[] }> = [
    {
      name: 'below 1 °C for the 30-min hold-for fires',
      readings: [[0, 3], [10, 0.8], [20, 0.5], [30, 0.4], [40, 0.6]],
      states: ['inactive', 'pending', 'pending', 'pending', 'firing'],
    },
    {
      name: 'warm readings never breach a low limit',
      readings: [[0, 20], [30, 25], [60, 30]],
      states: ['inactive', 'inactive', 'inactive'],
    },
    {
      name: 'exactly 1 °C is not below 1 °C',
      readings: [[0, 1], [40, 1]],
      states: ['inactive', 'inactive'],
    },
    {
      name: 'warming up before the hold-for cancels it',
      readings: [[0, 0.5], [20, 0.5], [25, 1.1]],
      states: ['pending', 'pending', 'inactive'],
    },
    {
      name: 'stays firing in the band (1–1.5 °C), resolves after 15 min at or above 1.5 °C',
      readings: [[0, 0.5], [30, 0.5], [35, 1.2], [40, 1.4], [45, 1.5], [55, 2], [60, 2.5]],
      states: ['pending', 'firing', 'firing', 'firing', 'firing', 'firing', 'inactive'],
    },
  ];
  for (const row of lowCases) {
    it(row.name, () => {
      const { readings, states } = row;
      expect(feed(LOW, readings).states).toEqual(states);
    });
  }

  it('keeps the coldest reading as the peak and measures degree-minutes below', () => {
    // Excess below 1 °C: 0.5, 1 (30 min apart, fires), then 0 (1.2 °C is inside, in the band) 10 min later.
    // outside 30 + 5 = 35 min; degree-minutes (0.5+1)/2·30 + (1+0)/2·10 = 22.5 + 5 = 27.5
    const { state } = feed(LOW, [
      [0, 0.5],
      [30, 0],
      [40, 1.2],
    ]);
    expect(state.state).toBe('firing');
    expect(state.peakTempC).toBe(0);
    expect(state.outsideMs).toBe(35 * MIN);
    expect(state.degreeMinutes).toBeCloseTo(27.5, 9);
  });

  it('words the reasons as below', () => {
    const { transitions } = feed(LOW, [
      [0, 0.5],
      [30, 0.4],
    ]);
    expect(transitions.map((t) => t.reason)).toEqual([
      '0.5 °C below 1 °C',
      'below 1 °C for 30 min (hold-for 30 min), now 0.4 °C',
    ]);
  });
});

describe('excessC', () => {
  it.each<{ limit: TemperatureLimit; tempC: number; excess: number }>([
    { limit: HIGH, tempC: 17.5, excess: 2.5 },
    { limit: HIGH, tempC: 15, excess: 0 },
    { limit: HIGH, tempC: 4, excess: -11 },
    { limit: LOW, tempC: -0.5, excess: 1.5 },
    { limit: LOW, tempC: 1, excess: 0 },
    { limit: LOW, tempC: 4, excess: -3 },
  ])('$limit.id limit at $tempC °C is $excess °C beyond', ({ limit, tempC, excess }) => {
    expect(excessC(limit, tempC)).toBeCloseTo(excess, 9);
  });
});
