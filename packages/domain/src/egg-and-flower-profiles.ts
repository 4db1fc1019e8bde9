import type { ProductProfile } from './profiles.ts';
import {
  BLUE_BOOK_BUDGET,
  BLUE_BOOK_LIMIT_SOURCE,
  DEFAULT_Q10,
  DEFAULT_Q10_SOURCE,
  HOLD_FOR_SLOW_MS,
  HOLD_FOR_SLOW_SOURCE,
  HYSTERESIS_C,
  KEEP_FIRING_FOR_MS,
  MKT_AND_GAP_DEFAULTS,
  NO_FLAPPING_SOURCE,
  PLATFORM_DEFAULT,
  SOURCE,
  TIER_SOURCE,
  UNCONSTRAINED_RH_SOURCE,
  VARIANCE_CLAIM,
} from './profile-defaults.ts';

/** US rule for shell eggs: ambient at most 7.2 °C (45 °F) in storage and transport. */
const EGG_CEILING_C = 7.2;

/**
 * Shell eggs. The reference gives only the US ceiling of 7.2 °C: the alert fires above it, and the
 * optimum stops one hysteresis below it so cartons kept in range always clear the alert.
 */
export const SHELL_EGGS: ProductProfile = {
  id: 'shell-eggs',
  name: { zh: '鲜鸡蛋', en: 'Shell eggs' },
  optimumC: {
    min: 0,
    max: EGG_CEILING_C - HYSTERESIS_C,
    source: `max: ${SOURCE.usEggRule}, at most 7.2 °C, less the limit's 0.5 °C hysteresis; min 0 °C: ${PLATFORM_DEFAULT}, the reference gives no floor, and time below freezing counts as outside`,
  },
  rhPct: { min: 0, max: 100, source: UNCONSTRAINED_RH_SOURCE },
  limits: [
    {
      id: 'high',
      direction: 'above',
      thresholdC: EGG_CEILING_C,
      holdForMs: HOLD_FOR_SLOW_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 2,
      isClaimable: true,
      source: [
        `${SOURCE.usEggRule}: ambient at most 7.2 °C (45 °F) in storage and transport`,
        HOLD_FOR_SLOW_SOURCE,
        NO_FLAPPING_SOURCE,
        `${TIER_SOURCE[2]}: a food-safety ceiling (${SOURCE.usEggRule})`,
      ].join('; '),
    },
  ],
  claim: VARIANCE_CLAIM,
  budget: BLUE_BOOK_BUDGET,
  shelfLife: null, // the reference gives no storage life for eggs
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.plan, SOURCE.usEggRule, SOURCE.blueBook, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002],
};

/** Cut roses: 0–2 °C (trade sources), 2–3 weeks [weak]. Tropical flowers (10–13 °C) need their own profile. */
export const CUT_ROSES: ProductProfile = {
  id: 'cut-roses',
  name: { zh: '鲜切玫瑰', en: 'Cut roses' },
  optimumC: { min: 0, max: 2, source: `${SOURCE.flowerTrade} (0–2 °C)` },
  rhPct: { min: 0, max: 100, source: UNCONSTRAINED_RH_SOURCE },
  limits: [
    {
      id: 'high',
      direction: 'above',
      thresholdC: 4.2, // 2 °C + 2.2 °C
      holdForMs: HOLD_FOR_SLOW_MS,
      keepFiringForMs: KEEP_FIRING_FOR_MS,
      hysteresisC: HYSTERESIS_C,
      tier: 3,
      isClaimable: true,
      source: [`${BLUE_BOOK_LIMIT_SOURCE} (a produce rule, applied to flowers by analogy)`, HOLD_FOR_SLOW_SOURCE, NO_FLAPPING_SOURCE, TIER_SOURCE[3]].join('; '),
    },
  ],
  claim: VARIANCE_CLAIM,
  budget: BLUE_BOOK_BUDGET,
  shelfLife: {
    model: 'q10',
    referenceC: 2,
    referenceLifeHours: 14 * 24,
    q10: DEFAULT_Q10,
    source: `life 2–3 weeks [weak] (${SOURCE.flowerTrade}), 2 weeks taken at 2 °C; ${DEFAULT_Q10_SOURCE}`,
  },
  ...MKT_AND_GAP_DEFAULTS,
  sources: [SOURCE.plan, SOURCE.flowerTrade, SOURCE.blueBook, SOURCE.prangeWright, SOURCE.beijingStandard, SOURCE.usp, SOURCE.adr0002],
};
