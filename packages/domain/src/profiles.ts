/** Minutes and hours in milliseconds, for readable profile data. */
const MIN = 60_000;
const HOUR = 60 * MIN;

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
  source: string;
};

/** A commodity's cold-chain profile: every number with its source. */
export type ProductProfile = {
  id: string;
  name: { zh: string; en: string };
  optimumC: { min: number; max: number; source: string };
  rhPct: { min: number; max: number; source: string };
  limits: TemperatureLimit[];
  /** A claim is filed when an attributed excursion has been outside its limit at least this long. */
  claim: { minOutsideMs: number; damagedShare: number; source: string };
  /** Readings further apart than this leave the time between them unmonitored. */
  maxReadingGapMs: number;
  maxReadingGapSource: string;
};

/**
 * Lychee. The 15 °C high alert is the plan document's promise ("once the temperature goes above
 * 15 °C the system notifies the logistics station"); the optimum and humidity are from Hawaii CTAHR
 * F_N-29 and UC Davis Produce Facts (shared/reference/produce.md).
 */
export const LYCHEE: ProductProfile = {
  id: 'lychee',
  name: { zh: '荔枝', en: 'Lychee' },
  optimumC: { min: 2, max: 5, source: 'Hawaii CTAHR F_N-29 (2–5 °C); UC Davis Produce Facts (5 °C)' },
  rhPct: { min: 90, max: 95, source: 'UC Davis Produce Facts (90–95 % RH)' },
  limits: [
    {
      id: 'high',
      direction: 'above',
      thresholdC: 15, // plan document: notify the logistics station above 15 °C
      // 10 min: the shortest time allowance Controlant offers (reference/produce.md), long enough to
      // ignore a door opened for a scan, short against lychee's 3–5 days at 20 °C.
      holdForMs: 10 * MIN,
      keepFiringForMs: 15 * MIN,
      hysteresisC: 0.5,
      // Tier 1: at room temperature unpackaged lychee loses all marketable fruit in about 30 h
      // (reference/produce.md), so the station has an hour, not four.
      tier: 1,
      isClaimable: true,
      source: 'plan document (15 °C high alert); hold-for after Controlant minimum allowance (10 min)',
    },
    {
      id: 'low',
      direction: 'below',
      // Chilling injury is ill-defined for lychee; a Taiwan 28-day trial found 2 °C worse than 4 °C.
      // 1 °C flags a reefer set too cold without alarming on the 2–5 °C optimum.
      thresholdC: 1,
      holdForMs: 30 * MIN,
      keepFiringForMs: 15 * MIN,
      hysteresisC: 0.5,
      tier: 3,
      isClaimable: false,
      source: 'Taiwan trial (airitilibrary DocID 18198317-201306-201307240017): 2 °C worse than 4 °C',
    },
  ],
  claim: {
    minOutsideMs: 60 * MIN,
    damagedShare: 1,
    source:
      'platform default (docs/decisions/0002-claim-threshold.md): an hour above 15 °C; the plan document: carrier pays full goods value plus freight',
  },
  // Beijing local standard: record every 10 min; three missed records is a gap.
  maxReadingGapMs: 30 * MIN,
  maxReadingGapSource: 'Beijing low-temperature food traceability standard: record every 10 min [weak copy]',
};

/** The profiles the service knows, by id. */
export const PROFILES: Readonly<Record<string, ProductProfile>> = { lychee: LYCHEE };

/** Looks a profile up by id. */
export function findProfile(id: string): ProductProfile | undefined {
  return Object.hasOwn(PROFILES, id) ? PROFILES[id] : undefined;
}

/** Response deadline per tier, the plan document's defaults: 1 h, 4 h, 24 h. */
export const DEFAULT_RESPONSE_MS: Readonly<Record<Tier, number>> = { 1: HOUR, 2: 4 * HOUR, 3: 24 * HOUR };
