import { budgetStatus, buildLegs, buildVerdict, downsampleMinMax, legAt, measuresPerLeg, STAGE_NAMES, unmonitoredMs } from '@coldchain/domain';
import type { BudgetStatus, Leg, LegMeasures, Measures, Verdict } from '@coldchain/domain';
import type { Alert, OpsStore, ProfileCatalog, Shipment, TelemetryStore } from '@coldchain/storage';

/** A leg as dashboards show it: who held the goods, by name. */
export type LegView = Leg & { stageName: { zh: string; en: string }; custodian: { id: string; name: string; nameEn: string } };

/** Everything a shipment's page needs: legs, curve (downsampled), limits, excursions, verdict. */
export type ShipmentView = {
  shipment: Shipment;
  profile: { id: string; name: { zh: string; en: string }; optimumC: { min: number; max: number }; limits: { id: string; direction: 'above' | 'below'; thresholdC: number }[] };
  legs: LegView[];
  /** `[t, tempC]` pairs, min/max per bucket so no peak is lost. */
  curve: [number, number][];
  readingCount: number;
  lastReadingAt: number | null;
  unmonitoredMs: number;
  alerts: Alert[];
  verdict: Verdict;
  /** Time and degree-minutes outside the optimum, MKT, shelf life used, unmonitored time: per leg and in all. */
  measures: { total: Measures; legs: LegMeasures[]; budget: BudgetStatus };
};

/** Assembles a shipment's view from the stores. */
export async function loadShipmentView(
  stores: { ops: OpsStore; telemetry: TelemetryStore; profiles: ProfileCatalog },
  shipment: Shipment,
  maxPoints: number,
  now: number,
): Promise<ShipmentView> {
  const { ops, telemetry } = stores;
  const profile = await stores.profiles.get(shipment.profileId);
  if (!profile) throw new Error(`shipment ${shipment.id} has unknown profile ${shipment.profileId}`);
  const [events, orgs, alerts] = await Promise.all([
    ops.listCustodyEvents(shipment.id),
    ops.listOrganisations(),
    ops.listAlerts({ shipmentId: shipment.id }),
  ]);
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const legs: LegView[] = buildLegs(events).map((leg) => {
    const org = orgById.get(leg.custodianOrgId);
    return { ...leg, stageName: STAGE_NAMES[leg.stage], custodian: { id: leg.custodianOrgId, name: org?.name ?? leg.custodianOrgId, nameEn: org?.nameEn ?? leg.custodianOrgId } };
  });
  const end = shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER;
  const readings = await telemetry.readingsBetween(shipment.deviceId, shipment.startedAt, end, 200_000);
  const lastReadingAt = readings.at(-1)?.sampledAt ?? null;
  // Unmonitored up to delivery, or up to the last reading while in transit: a device silent right now
  // is the no-data alert's business, and the page shows when it last reported.
  const coveredUntil = shipment.deliveredAt ?? lastReadingAt ?? shipment.startedAt;
  const unmonitored = unmonitoredMs(readings.map((r) => r.sampledAt), shipment.startedAt, coveredUntil, profile.maxReadingGapMs);
  const curve = downsampleMinMax(readings.map((r) => ({ t: r.sampledAt, v: r.tempC })), maxPoints).map((p): [number, number] => [p.t, p.v]);
  const verdict = buildVerdict({
    isDelivered: shipment.deliveredAt !== null,
    unmonitoredMs: unmonitored,
    // Only excursions say the cold chain broke; warnings and no-data alerts are not verdicts.
    excursions: alerts.filter((alert) => alert.kind === 'excursion').map((alert) => ({
      direction: alert.direction,
      thresholdC: alert.thresholdC,
      outsideMs: alert.outsideMs,
      peakTempC: alert.peakTempC,
      stageName: STAGE_NAMES[legAt(legs, alert.activeAt)?.stage ?? 'packhouse'],
    })),
  });
  return {
    shipment,
    profile: {
      id: profile.id,
      name: profile.name,
      optimumC: { min: profile.optimumC.min, max: profile.optimumC.max },
      limits: profile.limits.map(({ id, direction, thresholdC }) => ({ id, direction, thresholdC })),
    },
    legs,
    curve,
    readingCount: readings.length,
    lastReadingAt,
    unmonitoredMs: unmonitored,
    alerts,
    verdict,
    measures: (() => {
      const perLeg = measuresPerLeg(legs, readings, profile, shipment.deliveredAt ?? lastReadingAt ?? now);
      return { ...perLeg, budget: budgetStatus(perLeg.total, profile) };
    })(),
  };
}
