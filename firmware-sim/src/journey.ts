/** Minutes and hours in ms. */
const MIN = 60_000;
const HOUR = 60 * MIN;

/** Who holds the goods in a stage, as a role the fleet maps to an organisation. */
export type Role = 'shipper' | 'first_mile' | 'hub' | 'line_haul' | 'last_mile';

/** One stage of the simulated journey: how long, and what the goods' surroundings do to them. */
export type StagePlan = {
  stage: 'packhouse' | 'first_mile' | 'hub' | 'line_haul' | 'last_mile';
  role: Role;
  durationMs: number;
  /** Set point of the cold room, reefer or box, °C. */
  targetC: number;
  station: string;
};

/**
 * A lychee journey from Hainan: packhouse → first-mile carrier → hub warehouse → line-haul reefer →
 * last-mile courier, about 40 h, the set points inside lychee's 2–5 °C optimum (CTAHR F_N-29) except the
 * insulated last-mile box.
 */
export const LYCHEE_JOURNEY: readonly StagePlan[] = [
  { stage: 'packhouse', role: 'shipper', durationMs: 2 * HOUR, targetC: 4, station: '海南海口 妃子笑荔枝产地仓' },
  { stage: 'first_mile', role: 'first_mile', durationMs: 3 * HOUR, targetC: 5, station: '海口新海港' },
  { stage: 'hub', role: 'hub', durationMs: 6 * HOUR, targetC: 5, station: '广州白云冷链枢纽仓' },
  { stage: 'line_haul', role: 'line_haul', durationMs: 24 * HOUR, targetC: 4, station: '广州—武汉干线' },
  { stage: 'last_mile', role: 'last_mile', durationMs: 5 * HOUR, targetC: 8, station: '武汉洪山配送站' },
];

/** A hub air-conditioning failure: the cold room drifts to the outside air until repaired. */
export type AcFailure = { afterHubStartMs: number; durationMs: number; ambientC: number };

/** The failure the demo and the end-to-end test use: 15 min into the hub leg, 4 h, Guangzhou summer air. */
export const HUB_AC_FAILURE: AcFailure = { afterHubStartMs: 15 * MIN, durationMs: 4 * HOUR, ambientC: 30 };

/**
 * A reefer failing by degrees on the line haul: its compressor starts and stops (the air swings by
 * `amplitudeC` every `periodMs`) while the mean drifts up, until the fruit is out of range.
 */
export type ReeferCycling = { afterStageStartMs: number; periodMs: number; amplitudeC: number; driftCPerHour: number };

/** The line-haul failure the early-warning scenario uses: swings of ±1.5 °C every 40 min, drifting 4 °C/h. */
export const LINE_HAUL_CYCLING: ReeferCycling = { afterStageStartMs: 2 * HOUR, periodMs: 40 * MIN, amplitudeC: 1.5, driftCPerHour: 4 };

export type PlannedReading = { ts: number; tempC: number; rhPct: number };
export type PlannedHandoff = { at: number; stage: StagePlan['stage'] | 'delivered'; role: Role | null; station: string; probeTempC: number };

/** A journey laid out in time: the handoffs and every reading the logger takes. */
export type JourneyPlan = { startAt: number; endAt: number; handoffs: PlannedHandoff[]; readings: PlannedReading[] };

/** A small deterministic PRNG (mulberry32), so a seed replays the same journey (or test run). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Plans a journey: readings every `intervalMs` (5 min by default), the fruit's temperature following its
 * surroundings with a first-order lag (time constant about an hour for boxed fruit), plus sensor noise.
 */
export function planJourney(options: {
  startAt: number;
  seed: number;
  intervalMs?: number;
  stages?: readonly StagePlan[];
  acFailure?: AcFailure | null;
  cycling?: ReeferCycling | null;
}): JourneyPlan {
  const { startAt, seed, intervalMs = 5 * MIN, stages = LYCHEE_JOURNEY, acFailure = null, cycling = null } = options;
  const rand = seededRandom(seed);
  const tauMs = 60 * MIN;
  const handoffs: PlannedHandoff[] = [];
  const readings: PlannedReading[] = [];
  let tempC = stages[0]!.targetC + 1.5; // pre-cooled, still settling
  let stageStart = startAt;
  let t = startAt;
  for (const [index, stage] of stages.entries()) {
    const stageEnd = stageStart + stage.durationMs;
    if (index > 0) {
      handoffs.push({ at: stageStart, stage: stage.stage, role: stage.role, station: stage.station, probeTempC: round(tempC + (rand() - 0.5) * 0.4) });
    }
    for (; t < stageEnd; t += intervalMs) {
      const failing = stage.stage === 'hub' && acFailure !== null && t >= stageStart + acFailure.afterHubStartMs && t < stageStart + acFailure.afterHubStartMs + acFailure.durationMs;
      const target = failing ? acFailure.ambientC : stage.targetC;
      tempC += (target - tempC) * (1 - Math.exp(-intervalMs / tauMs));
      const rhPct = failing ? 72 + rand() * 4 : 89 + rand() * 4;
      const cyclingFor = stage.stage === 'line_haul' && cycling !== null && t >= stageStart + cycling.afterStageStartMs ? t - stageStart - cycling.afterStageStartMs : null;
      if (cyclingFor !== null && cycling) {
        // The logger reads the air at the pallet: it follows the compressor closely.
        const phase = (cyclingFor % cycling.periodMs) / cycling.periodMs;
        const swing = cycling.amplitudeC * (phase < 0.5 ? 4 * phase - 1 : 3 - 4 * phase);
        // The mean drifts up to the outside air (30 °C) and no further.
        tempC = Math.min(30, stage.targetC + (cycling.driftCPerHour * cyclingFor) / HOUR) + swing;
      }
      readings.push({ ts: t, tempC: round(tempC + (rand() - 0.5) * 0.3), rhPct: round(rhPct) });
    }
    stageStart = stageEnd;
  }
  handoffs.push({ at: stageStart, stage: 'delivered', role: null, station: '消费者签收', probeTempC: round(tempC) });
  return { startAt, endAt: stageStart, handoffs, readings };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
