import type { ProductProfile } from './profiles.ts';
import {
  BLUE_BOOK_BUDGET,
  BLUE_BOOK_LIMIT_SOURCE,
  blueBookHighLimit,
  CLAIM_AFTER_DAMAGE_MS,
  CLAIM_AFTER_DAMAGE_SOURCE,
  DEFAULT_Q10,
  DEFAULT_Q10_SOURCE,
  FULL_VALUE_SHARE,
  FULL_VALUE_SOURCE,
  HOLD_FOR_SLOW_MS,
  HOLD_FOR_SLOW_SOURCE,
  HOLD_FOR_URGENT_MS,
  HOLD_FOR_URGENT_SOURCE,
  HYSTERESIS_C,
  KEEP_FIRING_FOR_MS,
  MKT_AND_GAP_DEFAULTS,
  NO_FLAPPING_SOURCE,
  PLATFORM_DEFAULT,
  SOURCE,
  TIER_SOURCE,
  VARIANCE_CLAIM,
} from './profile-defaults.ts';

/**
 * Lychee. The 15 °C high alert is the plan document's promise ("once the temperature goes above
 * 15 °C the system notifies the logistics station"); the optimum and humidity are from Hawaii CTAHR
 * F_N-29 and UC Davis Produce Facts; the numbers around the alert are ADR 0002's.
 */
export const LYCHEE: ProductProfile = {
  id: 'lychee',
  name: { zh: '荔枝', en: 'Lychee' },
  optimumC: { min: 2, max: 5, source: `${SOURCE.ctahr} (2–5 °C); ${SOURCE.ucDavis} (5 °C)` },
  rhPct: { min: 90, max: 95, source: `${SOURCE.ucDavis} (90–95 % RH)` },
  limits: [
    {
      id: 'high',
      direction: 'above',
      thresholdC: 15, // plan document: notify the logistics station above 15 °C
      holdForMs: 10 * 60_000,
      keepFiringForMs: 15 * 60_000,
      hysteresisC: 0.5,
      // Tier 1: at room temperature unpackaged lychee loses all marketable fruit in about 30 h, so the
      // station has an hour, not four.
      tier: 1,
      isClaimable: true,
      source: [
        `${SOURCE.plan} (15 °C high alert)`,
        HOLD_FOR_URGENT_SOURCE,
        NO_FLAPPING_SOURCE,
        `tier 1: ${SOURCE.adr0002}, unpackaged lychee at room temperature is unmarketable after about 30 h (${SOURCE.ctahr}; ${SOURCE.ucDavis})`,
      ].join('; '),
    },
    {
      id: 'low',
      direction: 'below',
      // Chilling injury is ill-defined for lychee; a Taiwan 28-day trial found 2 °C worse than 4 °C.
      // 1 °C flags a reefer set too cold without alarming on the 2–5 °C optimum.
      thresholdC: 1,
      holdForMs: 30 * 60_000,
      keepFiringForMs: 15 * 60_000,
      hysteresisC: 0.5,
      tier: 3,
      isClaimable: false,
      source: [
        `${SOURCE.taiwanTrial}: 2 °C worse than 4 °C; chilling injury ill-defined, so 1 °C flags a reefer set too cold (${SOURCE.adr0002})`,
        HOLD_FOR_SLOW_SOURCE,
        NO_FLAPPING_SOURCE,
        TIER_SOURCE[3],
      ].join('; '),
    },
  ],
  claim: {
    minOutsideMs: CLAIM_AFTER_DAMAGE_MS,
    damagedShare: FULL_VALUE_SHARE,
    source: `${CLAIM_AFTER_DAMAGE_SOURCE}: an hour above 15 °C; ${FULL_VALUE_SOURCE}`,
  },
  budget: BLUE_BOOK_BUDGET,
  // Reference at the warm end of the optimum with the short end of its life (3 weeks at 5 °C); with
  // the derived Q10 of 2.9 this gives about 4.3 days at 20 °C, inside the reference's 3–5 days.
  shelfLife: {
    model: 'q10',
    referenceC: 5,
    referenceLifeHours: 21 * 24,
    q10: 2.9,
    source: `life 3–5 weeks at 2–5 °C, 3–5 days at 20 °C (${SOURCE.ctahr}; ${SOURCE.ucDavis}), 3 weeks taken at 5 °C; Q10 2.9: derivation from ${SOURCE.ucDavis} respiration 5→20 °C, not a published figure`,
  },
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.plan, SOURCE.ctahr, SOURCE.ucDavis, SOURCE.taiwanTrial, SOURCE.blueBook, SOURCE.controlant, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002],
};

/** Banana: transported at 13–14 °C; chilling injury below about 12–13 °C, even after a few hours. */
export const BANANA: ProductProfile = {
  id: 'banana',
  name: { zh: '香蕉', en: 'Banana' },
  optimumC: { min: 13, max: 14, source: `${SOURCE.ucDavis} (13–14 °C in transport)` },
  rhPct: { min: 90, max: 95, source: `${SOURCE.ucDavis} (90–95 % RH)` },
  limits: [
    {
      id: 'low',
      direction: 'below',
      thresholdC: 12, // the cold end of "chilling injury below about 12–13 °C"
      holdForMs: HOLD_FOR_URGENT_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 1,
      isClaimable: true,
      source: [
        `${SOURCE.ucDavis}: chilling injury below about 12–13 °C, even after a few hours`,
        HOLD_FOR_URGENT_SOURCE,
        NO_FLAPPING_SOURCE,
        TIER_SOURCE[1],
      ].join('; '),
    },
    {
      id: 'high',
      direction: 'above',
      thresholdC: 16.2, // 14 °C + 2.2 °C
      holdForMs: HOLD_FOR_SLOW_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 3,
      // The reference has no damage figure above the optimum; the profile's claim threshold is chilling's.
      isClaimable: false,
      source: [BLUE_BOOK_LIMIT_SOURCE, HOLD_FOR_SLOW_SOURCE, NO_FLAPPING_SOURCE, TIER_SOURCE[3]].join('; '),
    },
  ],
  claim: {
    minOutsideMs: CLAIM_AFTER_DAMAGE_MS,
    damagedShare: FULL_VALUE_SHARE,
    source: `${CLAIM_AFTER_DAMAGE_SOURCE}: an hour below 12 °C, inside the "few hours" to chilling injury (${SOURCE.ucDavis}); ${FULL_VALUE_SOURCE}`,
  },
  budget: BLUE_BOOK_BUDGET,
  shelfLife: null, // the reference gives no storage life for banana
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.plan, SOURCE.ucDavis, SOURCE.blueBook, SOURCE.controlant, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002],
};

/**
 * Mango: 13 °C mature-green, 10 °C ripe; chilling injury below 10–13 °C. The profile spans both
 * stages, so its optimum is 10–13 °C and its chilling limit sits just below 10 °C.
 */
export const MANGO: ProductProfile = {
  id: 'mango',
  name: { zh: '芒果', en: 'Mango' },
  optimumC: { min: 10, max: 13, source: `${SOURCE.ucDavis} (13 °C mature-green, 10 °C ripe)` },
  rhPct: { min: 90, max: 95, source: `${SOURCE.ucDavis} (90–95 % RH)` },
  limits: [
    {
      id: 'low',
      direction: 'below',
      thresholdC: 9.5,
      holdForMs: HOLD_FOR_SLOW_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 2,
      isClaimable: true,
      source: [
        `${SOURCE.ucDavis}: chilling injury below 10–13 °C; 9.5 °C: ${PLATFORM_DEFAULT}, one hysteresis below 10 °C so ripe fruit back at 10 °C clears`,
        HOLD_FOR_SLOW_SOURCE,
        NO_FLAPPING_SOURCE,
        TIER_SOURCE[2],
      ].join('; '),
    },
    blueBookHighLimit(15.2, true), // 13 °C + 2.2 °C
  ],
  // No time-to-injury figure for mango in the reference: the Blue Book's 12 h for both limits.
  claim: VARIANCE_CLAIM,
  budget: BLUE_BOOK_BUDGET,
  shelfLife: {
    model: 'q10',
    referenceC: 13,
    referenceLifeHours: 14 * 24,
    q10: DEFAULT_Q10,
    source: `life 2–3 weeks (${SOURCE.ucDavis}), 2 weeks taken at 13 °C; ${DEFAULT_Q10_SOURCE}`,
  },
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.plan, SOURCE.ucDavis, SOURCE.blueBook, SOURCE.prangeWright, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002],
};
