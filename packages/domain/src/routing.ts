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
