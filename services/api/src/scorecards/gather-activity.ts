import { buildLegs, isLogisticsProvider, legAt, monthRange } from '@coldchain/domain';
import type { Month, OrgActivity, ScorecardAlert, ScorecardClaim, ScorecardExcursion, ScorecardLeg } from '@coldchain/domain';
import type { OpsStore, Shipment } from '@coldchain/storage';

/** Shipments that started this long before the month are not looked at: a journey of produce lasts days. */
const LOOKBACK_MS = 60 * 86_400_000;

/**
 * What each logistics provider did in a month, read from the operational store for the scorecards
 * (issue 13, item 6; packages/domain scorecard.ts computes the figures): its legs, the excursions put on
 * it, the alerts raised while it held the goods, and the claims against it with their answers and decisions.
 */
export async function gatherMonthActivity(ops: OpsStore, month: Month): Promise<OrgActivity[]> {
  const { startMs, endMs } = monthRange(month);
  const orgs = (await ops.listOrganisations()).filter((org) => isLogisticsProvider(org.kind));
  const byOrg = new Map(orgs.map((org) => [org.id, { legs: [] as ScorecardLeg[], excursions: [] as ScorecardExcursion[], alerts: [] as ScorecardAlert[], claims: [] as ScorecardClaim[] }]));

  // Shipments newest first, from those started before the month's end back to the look-back.
  let after: { startedAt: number; id: string } | undefined;
  for (;;) {
    const page: Shipment[] = await ops.listShipments(500, after);
    for (const shipment of page) {
      if (shipment.startedAt >= endMs || (shipment.deliveredAt !== null && shipment.deliveredAt < startMs)) continue;
      const legs = buildLegs(await ops.listEffectiveCustodyEvents(shipment.id));
      for (const leg of legs) byOrg.get(leg.custodianOrgId)?.legs.push({ shipmentId: shipment.id, startedAt: leg.startedAt, endedAt: leg.endedAt });
      for (const alert of await ops.listAlerts({ shipmentId: shipment.id, limit: 1000 })) {
        if (alert.kind === 'excursion' && alert.attribution.status === 'attributed') {
          byOrg.get(alert.attribution.orgId)?.excursions.push({ alertId: alert.id, shipmentId: shipment.id, activeAt: alert.activeAt });
        }
        const holder = legAt(legs, alert.firedAt)?.custodianOrgId;
        if (holder) byOrg.get(holder)?.alerts.push({ alertId: alert.id, raisedAt: alert.createdAt, respondBy: alert.respondBy, acknowledgedAt: alert.acknowledgedAt });
      }
    }
    const last = page.at(-1);
    if (page.length < 500 || !last || last.startedAt < startMs - LOOKBACK_MS) break;
    after = { startedAt: last.startedAt, id: last.id };
  }

  for (const org of orgs) {
    for (const claim of await ops.listClaims({ orgId: org.id })) {
      if (claim.filedAt >= endMs || claim.filedAt < startMs - LOOKBACK_MS) continue;
      const events = await ops.listClaimEvents(claim.id);
      const answer = events.find((e) => e.action.kind === 'accept' || e.action.kind === 'dispute');
      const decision = events.find((e) => e.action.kind === 'decide');
      byOrg.get(org.id)!.claims.push({
        claimId: claim.id,
        filedAt: claim.filedAt,
        respondBy: claim.respondBy,
        answer: answer ? { kind: answer.action.kind === 'accept' ? 'accepted' : 'disputed', at: answer.at } : null,
        decision: decision && decision.action.kind === 'decide' ? { outcome: decision.action.outcome, at: decision.at } : null,
        withdrawnAt: claim.withdrawnAt,
      });
    }
  }
  return orgs.map((org) => ({ orgId: org.id, orgKind: org.kind, orgName: { zh: org.name, en: org.nameEn }, ...byOrg.get(org.id)! }));
}
