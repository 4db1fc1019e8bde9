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

const THREE_MONTHS_HOURS = 90 * 24;

/**
 * Kiwifruit: −0.5–0 °C, freezes below about −1 °C, keeps 3–6 months ([weak] grower and trade sources).
 * Freezing is the damage; warmth over a day or two is improper carriage, not loss.
 */
export const KIWIFRUIT: ProductProfile = {
  id: 'kiwifruit',
  name: { zh: '猕猴桃', en: 'Kiwifruit' },
  optimumC: { min: -0.5, max: 0, source: `${SOURCE.growerTradeWeak} (−0.5–0 °C)` },
  rhPct: { min: 90, max: 95, source: `${SOURCE.growerTradeWeak} (90–95 % RH)` },
  limits: [
    {
      id: 'low',
      direction: 'below',
      thresholdC: -1,
      holdForMs: HOLD_FOR_URGENT_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 1,
      isClaimable: true,
      source: [
        `${SOURCE.growerTradeWeak}: freezes below about −1 °C`,
        HOLD_FOR_URGENT_SOURCE,
        NO_FLAPPING_SOURCE,
        `${TIER_SOURCE[1]}: freezing is never excused (${SOURCE.blueBook})`,
      ].join('; '),
    },
    {
      id: 'high',
      direction: 'above',
      thresholdC: 2.2, // 0 °C + 2.2 °C
      holdForMs: HOLD_FOR_SLOW_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 3,
      // A 3–6 month fruit: the reference has no damage figure above the optimum, and the profile's
      // one-hour claim threshold is freezing's.
      isClaimable: false,
      source: [BLUE_BOOK_LIMIT_SOURCE, HOLD_FOR_SLOW_SOURCE, NO_FLAPPING_SOURCE, TIER_SOURCE[3]].join('; '),
    },
  ],
  claim: {
    minOutsideMs: CLAIM_AFTER_DAMAGE_MS,
    damagedShare: FULL_VALUE_SHARE,
    source: `${CLAIM_AFTER_DAMAGE_SOURCE}: an hour below −1 °C, freezing is never excused (${SOURCE.blueBook}); ${FULL_VALUE_SOURCE}`,
  },
  budget: BLUE_BOOK_BUDGET,
  shelfLife: {
    model: 'q10',
    referenceC: 0,
    referenceLifeHours: THREE_MONTHS_HOURS,
    q10: DEFAULT_Q10,
    source: `life 3–6 months (${SOURCE.growerTradeWeak}), 3 months taken at 0 °C; ${DEFAULT_Q10_SOURCE}`,
  },
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.plan, SOURCE.growerTradeWeak, SOURCE.blueBook, SOURCE.controlant, SOURCE.prangeWright, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002],
};

/**
 * Navel orange, California/Arizona fruit: 3–8 °C and chilling-sensitive (UC Davis). Florida/Texas fruit
 * keeps at 0–1 °C and would need a profile of its own; a reefer set for it trips this profile's low limit.
 */
export const NAVEL_ORANGE: ProductProfile = {
  id: 'navel-orange',
  name: { zh: '脐橙', en: 'Navel orange' },
  optimumC: { min: 3, max: 8, source: `${SOURCE.ucDavis} (3–8 °C, California/Arizona fruit)` },
  rhPct: { min: 85, max: 95, source: `${SOURCE.ucDavis} (85–95 % RH)` },
  limits: [
    {
      id: 'low',
      direction: 'below',
      thresholdC: 2,
      holdForMs: HOLD_FOR_SLOW_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 3,
      // No chilling threshold in the reference: no automatic claim on a platform-chosen number.
      isClaimable: false,
      source: [
        `${SOURCE.ucDavis}: California/Arizona fruit is chilling-sensitive, no threshold given; 2 °C: ${PLATFORM_DEFAULT}, catches a reefer set to the 0–1 °C Florida/Texas range`,
        HOLD_FOR_SLOW_SOURCE,
        NO_FLAPPING_SOURCE,
        TIER_SOURCE[3],
      ].join('; '),
    },
    blueBookHighLimit(10.2, true), // 8 °C + 2.2 °C
  ],
  claim: VARIANCE_CLAIM,
  budget: BLUE_BOOK_BUDGET,
  shelfLife: {
    model: 'q10',
    referenceC: 8,
    referenceLifeHours: THREE_MONTHS_HOURS,
    q10: DEFAULT_Q10,
    source: `life up to 3 months (${SOURCE.ucDavis}), taken at the optimum's warm end, 8 °C; ${DEFAULT_Q10_SOURCE}`,
  },
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.plan, SOURCE.ucDavis, SOURCE.blueBook, SOURCE.prangeWright, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002],
};

/**
 * Apple: −0.5–1 °C (above 1 °C for sensitive cultivars), 3–6 months in air, spoils 2–3× faster at
 * 10 °C than at 0 °C (Prange & Wright 2023). Chilling is cultivar-specific with no figure: no low limit.
 */
export const APPLE: ProductProfile = {
  id: 'apple',
  name: { zh: '苹果', en: 'Apple' },
  optimumC: { min: -0.5, max: 1, source: `${SOURCE.prangeWright} (−0.5–1 °C; above 1 °C for sensitive cultivars)` },
  rhPct: { min: 90, max: 95, source: `${SOURCE.prangeWright} (90–95 % RH)` },
  limits: [
    blueBookHighLimit(3.2, true), // 1 °C + 2.2 °C
  ],
  claim: VARIANCE_CLAIM,
  budget: BLUE_BOOK_BUDGET,
  // "2–3× faster at 10 °C than at 0 °C" is a Q10 of 2–3 by definition; the middle is taken.
  shelfLife: {
    model: 'q10',
    referenceC: 0,
    referenceLifeHours: THREE_MONTHS_HOURS,
    q10: 2.5,
    source: `life 3–6 months in air, 3 months taken at 0 °C; Q10 2.5: derivation, the middle of "spoils 2–3× faster at 10 °C than 0 °C" (${SOURCE.prangeWright})`,
  },
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.plan, SOURCE.prangeWright, SOURCE.blueBook, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002],
};
