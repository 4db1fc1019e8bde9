import type { Leg } from './custody.ts';
import { currentLeg, legAt } from './custody.ts';
import type { Tier } from './profiles.ts';

/**
 * Who receives an alert: the custodian of the current leg, the shipper (streamer), and the platform
 * for tier 1 (DESIGN.md, alerts). Each organisation once, custodian first.
 */
export function routeAlert(input: {
  tier: Tier;
  custodianOrgId: string | null;
  shipperOrgId: string;
  platformOrgId: string;
}): string[] {
  const targets = [input.custodianOrgId, input.shipperOrgId, input.tier === 1 ? input.platformOrgId : null];
  return [...new Set(targets.filter((id): id is string => id !== null))];
}

/**
 * Who receives an open alert's reminder or escalation now, from the shipment's custody as it stands
 * (issue 9, item 6: routing follows custody). The goods may have changed hands since the alert opened,
 * so this is recomputed each time rather than kept from the opening:
 * - whoever holds the goods now (the custodian of the current leg), who can act on them, first;
 * - the custodian of the leg where the excursion began (`activeAt`), and the party it is attributed to
 *   when that differs (a pre-cooling failure): they stay informed because they are liable;
 * - the shipper (streamer);
 * - the platform for tier 1, and for any tier once the response deadline passed (escalated).
 * A custodian in between, neither holding the goods nor where it began, drops out. After delivery
 * nobody on the list holds the goods; the others still hear. Each organisation once.
 */
export function routeOpenAlert(input: {
  tier: Tier;
  legs: readonly Leg[];
  /** Device time of the excursion's onset (the alert's `activeAt`). */
  activeAt: number;
  /** The party the excursion is attributed to, or null (indeterminate, or a warning). */
  liableOrgId: string | null;
  shipperOrgId: string;
  platformOrgId: string;
  isEscalated: boolean;
}): string[] {
  const holder = currentLeg(input.legs)?.custodianOrgId ?? null;
  const onset = legAt(input.legs, input.activeAt)?.custodianOrgId ?? null;
  const platform = input.tier === 1 || input.isEscalated ? input.platformOrgId : null;
  const targets = [holder, onset, input.liableOrgId, input.shipperOrgId, platform];
  return [...new Set(targets.filter((id): id is string => id !== null))];
}
