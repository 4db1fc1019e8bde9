/**
 * Product profiles: the types, and the registry of the commodities the service knows. The data lives
 * in one file per group of commodities, every number with its source (shared/reference/produce.md).
 */
import { BANANA, LYCHEE, MANGO } from './tropical-fruit-profiles.ts';
import { STRAWBERRY, YANGMEI } from './berry-profiles.ts';
import { APPLE, KIWIFRUIT, NAVEL_ORANGE } from './temperate-fruit-profiles.ts';
import { CUT_ROSES, SHELL_EGGS } from './egg-and-flower-profiles.ts';
import { HOUR } from './profile-defaults.ts';

/** Alert tiers: 1 is the most severe. */
export type Tier = 1 | 2 | 3;

/** One temperature limit of a profile: the rule a device's readings are evaluated against. */
export type TemperatureLimit = {
  /** Rule id, unique within the profile (`high`, `low`). */
  id: string;
  direction: 'above' | 'below';
  thresholdC: number;
  /** How long the limit must be breached before the alert fires (Prometheus `for`). */
  holdForMs: number;
  /** How long the reading must be back inside before the alert clears (Prometheus `keep_firing_for`). */
  keepFiringForMs: number;
  /** The reading must come back this far inside the threshold to count as clear: no flapping. */
  hysteresisC: number;
  tier: Tier;
  /** Whether an attributed excursion of this limit can become a claim. */
  isClaimable: boolean;
  /** Where the threshold, the timings and the tier come from. */
  source: string;
};

/**
 * How fast shelf life is used up at a temperature: the life at a reference temperature, scaled by a
 * Q10 (life divides by `q10` for every 10 °C warmer) or by Arrhenius with an activation energy.
 */
export type ShelfLifeModel =
  | { model: 'q10'; referenceC: number; referenceLifeHours: number; q10: number; source: string }
  | { model: 'arrhenius'; referenceC: number; referenceLifeHours: number; eaKjPerMol: number; source: string };

/** A commodity's cold-chain profile: every number with its source. */
export type ProductProfile = {
  id: string;
  name: { zh: string; en: string };
  optimumC: { min: number; max: number; source: string };
  rhPct: { min: number; max: number; source: string };
  limits: TemperatureLimit[];
  /** A claim is filed when an attributed excursion has been outside its limit at least this long. */
  claim: { minOutsideMs: number; damagedShare: number; source: string };
  /** What a shipment may spend outside the optimum in all: time, and °C·min. */
  budget: { maxOutsideMs: number; maxDegreeMinutes: number; source: string };
  /** Temperature sensitivity of shelf life; null where the reference gives no storage life. */
  shelfLife: ShelfLifeModel | null;
  /** ΔH/R in kelvin for the mean kinetic temperature. */
  mktDeltaHOverR: number;
  mktDeltaHOverRSource: string;
  /** Readings further apart than this leave the time between them unmonitored. */
  maxReadingGapMs: number;
  maxReadingGapSource: string;
  /** The documents the profile cites; every field source quotes one of them or says "platform default". */
  sources: string[];
  /** Response deadlines per tier for this commodity, where they differ from the defaults (1 h / 4 h / 24 h). */
  responseMs?: Partial<Record<Tier, number>>;
};

export { APPLE, BANANA, CUT_ROSES, KIWIFRUIT, LYCHEE, MANGO, NAVEL_ORANGE, SHELL_EGGS, STRAWBERRY, YANGMEI };

/** The profiles the service knows, by id. */
export const PROFILES: Readonly<Record<string, ProductProfile>> = Object.fromEntries(
  [LYCHEE, STRAWBERRY, YANGMEI, KIWIFRUIT, NAVEL_ORANGE, APPLE, BANANA, MANGO, SHELL_EGGS, CUT_ROSES].map((p) => [p.id, p]),
);

/** Looks a profile up by id. */
export function findProfile(id: string): ProductProfile | undefined {
  return Object.hasOwn(PROFILES, id) ? PROFILES[id] : undefined;
}

/** Response deadline per tier, the plan document's defaults: 1 h, 4 h, 24 h. */
export const DEFAULT_RESPONSE_MS: Readonly<Record<Tier, number>> = { 1: HOUR, 2: 4 * HOUR, 3: 24 * HOUR };

/**
 * The response deadline of an alert: the organisation's setting wins over the commodity's, which wins
 * over the default (issue 4: configurable per organisation and profile).
 */
export function responseMsFor(tier: Tier, profile: Pick<ProductProfile, 'responseMs'> | undefined, orgResponseMs: Partial<Record<Tier, number>> | undefined): number {
  return orgResponseMs?.[tier] ?? profile?.responseMs?.[tier] ?? DEFAULT_RESPONSE_MS[tier];
}
