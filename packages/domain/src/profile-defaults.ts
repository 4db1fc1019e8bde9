/**
 * The documents product profiles cite, and the platform defaults they share, each with its reason.
 * Facts come from shared/reference/produce.md; "[weak]" is kept where that file marks a source weak.
 */

import type { TemperatureLimit } from './profiles.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Short names of the documents profiles cite; a profile's field sources quote them verbatim. */
export const SOURCE = {
  plan: 'plan document',
  ctahr: 'Hawaii CTAHR F_N-29',
  ucDavis: 'UC Davis Produce Facts',
  taiwanTrial: 'Taiwan trial (airitilibrary DocID 18198317-201306-201307240017)',
  jiangsuKinetics: '江苏农业科学 2016',
  prangeWright: 'Prange & Wright, Foods 2023 12(3):466',
  usEggRule: 'US 63 FR 45663',
  tradeWeak: '[weak] trade sources',
  packagingReview: '包装工程 2025 review',
  growerTradeWeak: '[weak] grower and trade sources',
  flowerTrade: 'flower trade sources',
  blueBook: 'Produce Blue Book, "assessing transit temperatures"',
  controlant: 'Controlant time allowances',
  beijingStandard: 'Beijing low-temperature food traceability standard [weak copy]',
  usp: 'USP <1079.2>',
  adr0002: 'docs/decisions/0002-lychee-alert-and-claim-thresholds.md',
} as const;

/** Marks a number no reference gives: the platform chose it, and says why. */
export const PLATFORM_DEFAULT = 'platform default';

/**
 * Produce Blue Book: a reading more than 4–5 °F (about 2.2–2.8 °C) from the agreed transit temperature
 * suggests improper carriage. Upper limits without a commodity figure sit this far above the warm end
 * of the optimum, so fruit anywhere in its optimum never alarms.
 */
export const BLUE_BOOK_VARIANCE_C = 2.2;
export const BLUE_BOOK_LIMIT_SOURCE = `${SOURCE.blueBook}: more than 4 °F (2.2 °C) off the agreed transit temperature suggests improper carriage; measured from the optimum's warm end`;

/** Hold-for for limits that guard damage within hours: the shortest allowance Controlant offers. */
export const HOLD_FOR_URGENT_MS = 10 * MIN;
export const HOLD_FOR_URGENT_SOURCE = `hold-for 10 min: ${SOURCE.controlant} start at 10 min, long enough to ignore a door opened for a scan (${SOURCE.adr0002})`;
/** Hold-for for limits that flag improper carriage or slow damage. */
export const HOLD_FOR_SLOW_MS = 30 * MIN;
export const HOLD_FOR_SLOW_SOURCE = `hold-for 30 min: ${PLATFORM_DEFAULT}, as lychee's low limit (${SOURCE.adr0002}): slow damage, so a loading dock is not an alert`;

export const KEEP_FIRING_FOR_MS = 15 * MIN;
export const HYSTERESIS_C = 0.5;
export const NO_FLAPPING_SOURCE = `keep-firing-for 15 min, hysteresis 0.5 °C: ${PLATFORM_DEFAULT} against flapping (${SOURCE.adr0002})`;

/** Tier policy: how soon the limit's damage comes. */
export const TIER_SOURCE = {
  1: `tier 1: ${PLATFORM_DEFAULT}, the limit guards damage within hours`,
  2: `tier 2: ${PLATFORM_DEFAULT}, the limit guards damage within days`,
  3: `tier 3: ${PLATFORM_DEFAULT}, a life of weeks to months: the limit flags improper carriage, not imminent loss`,
} as const;

/**
 * Cumulative budget outside the optimum: the Blue Book's "slight" variance, under 12 h and at most
 * 4 °F (2.2 °C) off, as time and as degree-minutes (2.2 °C × 720 min = 1 584 °C·min, a derivation).
 */
export const BLUE_BOOK_BUDGET = {
  maxOutsideMs: 12 * HOUR,
  maxDegreeMinutes: 1_584, // 2.2 °C × 720 min
  source: `${SOURCE.blueBook}: a variance under 12 h may be "slight"; 2.2 °C × 720 min = 1 584 °C·min (derivation)`,
};

/** The plan document: a carrier pays the full goods value plus the freight for goods damaged in transport. */
export const FULL_VALUE_SHARE = 1;
export const FULL_VALUE_SOURCE = `damaged share 100 %: ${SOURCE.plan}, the carrier pays the full goods value plus freight`;

/** Claim threshold where the claimable limits guard damage within hours (lychee's, ADR 0002). */
export const CLAIM_AFTER_DAMAGE_MS = HOUR;
export const CLAIM_AFTER_DAMAGE_SOURCE = `claim after 60 min: ${PLATFORM_DEFAULT} (${SOURCE.adr0002}), well past a handling blip and inside the damage window`;
/** Claim threshold where the claimable limit is the Blue Book's improper-carriage variance. */
export const CLAIM_AFTER_VARIANCE_MS = 12 * HOUR;
export const CLAIM_AFTER_VARIANCE_SOURCE = `claim after 12 h: ${SOURCE.blueBook}, a variance under 12 h may be "slight"`;

/** Beijing local standard: record every 10 min; three missed records is a gap (ADR 0002). */
export const MAX_READING_GAP_MS = 30 * MIN;
export const MAX_READING_GAP_SOURCE = `${SOURCE.beijingStandard}: record every 10 min; three missed records is a gap (${SOURCE.adr0002})`;

/** USP default ΔH/R for mean kinetic temperature (ΔH = 83.144 kJ/mol); indicative only for produce. */
export const USP_DELTA_H_OVER_R_K = 10_000;
export const USP_DELTA_H_OVER_R_SOURCE = `${SOURCE.usp}: ΔH/R = 10 000 K by default (ΔH = 83.144 kJ/mol)`;

/** Q10 where the reference gives a storage life but no temperature sensitivity for the commodity. */
export const DEFAULT_Q10 = 2;
export const DEFAULT_Q10_SOURCE = `Q10 2: ${PLATFORM_DEFAULT}, no figure for this commodity in the reference; near the low end of its fruit figures (apple 2–3× per 10 °C, ${SOURCE.prangeWright}; lychee, strawberry about 2.9–3.2 by derivation), so the estimate never overstates loss`;

/** Humidity where the reference gives none: unconstrained, rather than a borrowed range. */
export const UNCONSTRAINED_RH_SOURCE = `${PLATFORM_DEFAULT}: no humidity figure in the reference, so humidity is unconstrained (0–100 %) until one is sourced`;

/** Gas constant, J/(mol·K): converts an activation energy to ΔH/R. */
export const GAS_CONSTANT_J_PER_MOL_K = 8.314_462_618;

/**
 * The Blue Book upper limit most profiles share: the optimum's warm end plus 2.2 °C, held 30 min, no
 * flapping, tier 3. `thresholdC` is that sum, written out where the profile is.
 */
export function blueBookHighLimit(thresholdC: number, isClaimable: boolean): TemperatureLimit {
  return {
    id: 'high',
    direction: 'above',
    thresholdC,
    holdForMs: HOLD_FOR_SLOW_MS,
    keepFiringForMs: KEEP_FIRING_FOR_MS,
    hysteresisC: HYSTERESIS_C,
    tier: 3,
    isClaimable,
    source: [BLUE_BOOK_LIMIT_SOURCE, HOLD_FOR_SLOW_SOURCE, NO_FLAPPING_SOURCE, TIER_SOURCE[3]].join('; '),
  };
}

/** A claim after the Blue Book's 12 h variance, for the full value. */
export const VARIANCE_CLAIM = { minOutsideMs: CLAIM_AFTER_VARIANCE_MS, damagedShare: FULL_VALUE_SHARE, source: `${CLAIM_AFTER_VARIANCE_SOURCE}; ${FULL_VALUE_SOURCE}` };

/** The MKT constant and the reading gap every profile takes by default. */
export const MKT_AND_GAP_DEFAULTS = {
  mktDeltaHOverR: USP_DELTA_H_OVER_R_K,
  mktDeltaHOverRSource: USP_DELTA_H_OVER_R_SOURCE,
  maxReadingGapMs: MAX_READING_GAP_MS,
  maxReadingGapSource: MAX_READING_GAP_SOURCE,
};
