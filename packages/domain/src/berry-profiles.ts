import type { ProductProfile } from './profiles.ts';
import {
  BLUE_BOOK_BUDGET,
  BLUE_BOOK_LIMIT_SOURCE,
  GAS_CONSTANT_J_PER_MOL_K,
  HOLD_FOR_SLOW_MS,
  HOLD_FOR_SLOW_SOURCE,
  HOLD_FOR_URGENT_MS,
  HOLD_FOR_URGENT_SOURCE,
  HYSTERESIS_C,
  KEEP_FIRING_FOR_MS,
  MAX_READING_GAP_MS,
  MAX_READING_GAP_SOURCE,
  MKT_AND_GAP_DEFAULTS,
  NO_FLAPPING_SOURCE,
  PLATFORM_DEFAULT,
  SOURCE,
  TIER_SOURCE,
  VARIANCE_CLAIM,
} from './profile-defaults.ts';

/** Strawberry decay index, zero-order kinetics (江苏农业科学 2016). */
const STRAWBERRY_EA_KJ_PER_MOL = 58.2;

/**
 * Strawberry: 0 ± 0.5 °C, decays about 10× faster at 20 °C than at 0 °C (UC Davis). The reference
 * names no freezing point, so the profile has no low limit; time below −0.5 °C still counts against
 * the budget.
 */
export const STRAWBERRY: ProductProfile = {
  id: 'strawberry',
  name: { zh: '草莓', en: 'Strawberry' },
  optimumC: { min: -0.5, max: 0.5, source: `${SOURCE.ucDavis} (0 ± 0.5 °C)` },
  rhPct: { min: 90, max: 95, source: `${SOURCE.ucDavis} (90–95 % RH)` },
  limits: [
    {
      id: 'high',
      direction: 'above',
      thresholdC: 2.7, // 0.5 °C + 2.2 °C
      holdForMs: HOLD_FOR_URGENT_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 1,
      isClaimable: true,
      source: [
        BLUE_BOOK_LIMIT_SOURCE,
        HOLD_FOR_URGENT_SOURCE,
        NO_FLAPPING_SOURCE,
        `${TIER_SOURCE[1]}: 5–7 days at 0 °C, about 10× faster at 20 °C (${SOURCE.ucDavis}), so about half a day in a failed reefer`,
      ].join('; '),
    },
  ],
  claim: VARIANCE_CLAIM,
  budget: BLUE_BOOK_BUDGET,
  // The published activation energy, rather than the Q10 of about 3.2 implied by UC Davis's "10× at
  // 20 °C": it gives a slower loss (about 5.8× at 20 °C), so the estimate does not overstate it.
  shelfLife: {
    model: 'arrhenius',
    referenceC: 0,
    referenceLifeHours: 5 * 24,
    eaKjPerMol: STRAWBERRY_EA_KJ_PER_MOL,
    source: `life about 5–7 days at 0 °C [weak] (${SOURCE.ucDavis}), 5 days taken; Ea 58.2 kJ/mol: ${SOURCE.jiangsuKinetics}, decay index, zero-order`,
  },
  mktDeltaHOverR: Math.round((STRAWBERRY_EA_KJ_PER_MOL * 1000) / GAS_CONSTANT_J_PER_MOL_K), // 7 000 K
  mktDeltaHOverRSource: `${SOURCE.jiangsuKinetics}: Ea 58.2 kJ/mol ÷ R = 7 000 K (derivation), in place of the ${SOURCE.usp} default, which the reference says to set per commodity for produce`,
  maxReadingGapMs: MAX_READING_GAP_MS,
  maxReadingGapSource: MAX_READING_GAP_SOURCE,
  sources: [SOURCE.ucDavis, SOURCE.jiangsuKinetics, SOURCE.blueBook, SOURCE.controlant, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002, SOURCE.plan],
};

/**
 * Yangmei (Chinese bayberry): about 0 °C (0–5 °C), microbial decay above 3 °C; 1–2 weeks cold, 2–3
 * days ambient. All from [weak] trade sources and a 包装工程 2025 review: check before quoting.
 */
export const YANGMEI: ProductProfile = {
  id: 'yangmei',
  name: { zh: '杨梅', en: 'Yangmei (Chinese bayberry)' },
  optimumC: {
    min: 0,
    max: 3,
    source: `${SOURCE.tradeWeak}; ${SOURCE.packagingReview}: about 0 °C (0–5 °C), capped at 3 °C, above which microbial decay sets in`,
  },
  rhPct: { min: 85, max: 95, source: `${SOURCE.tradeWeak} (85–95 % RH)` },
  limits: [
    {
      id: 'high',
      direction: 'above',
      thresholdC: 5,
      holdForMs: HOLD_FOR_SLOW_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 2,
      isClaimable: true,
      source: [
        `${SOURCE.tradeWeak}: the top of the 0–5 °C range`,
        HOLD_FOR_SLOW_SOURCE,
        NO_FLAPPING_SOURCE,
        `${TIER_SOURCE[2]}: 2–3 days ambient (${SOURCE.tradeWeak})`,
      ].join('; '),
    },
  ],
  claim: VARIANCE_CLAIM,
  budget: BLUE_BOOK_BUDGET,
  // Q10 from the two lives: 1 week at 0 °C against 2 days ambient (taken as 20 °C): (168/48)^(10/20) = 1.87.
  // A Q10 under 2 is low for fruit: one more reason to check these trade figures.
  shelfLife: {
    model: 'q10',
    referenceC: 0,
    referenceLifeHours: 7 * 24,
    q10: 1.87,
    source: `life 1–2 weeks cold, 2–3 days ambient (${SOURCE.tradeWeak}), 1 week taken at 0 °C; Q10 1.87: derivation from 1 week at 0 °C and 2 days ambient, ambient taken as 20 °C (${PLATFORM_DEFAULT}, as the reference's room temperature for lychee)`,
  },
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.tradeWeak, SOURCE.packagingReview, SOURCE.blueBook, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002, SOURCE.plan],
};
