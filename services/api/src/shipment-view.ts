import { createHash } from 'node:crypto';
import { buildLegs, buildVerdict, legAt, STAGE_NAMES } from '@coldchain/domain';
import type { BudgetStatus, CustodyEvent, Leg, LegMeasures, Measures, ProductProfile, Verdict } from '@coldchain/domain';
import type { Alert, OpsStore, ProfileCatalog, Shipment, TelemetryStore } from '@coldchain/storage';
import type { Reads } from './reads/read-types.ts';

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
  /** Time and degree-minutes outside the optimum, MKT, shelf life used, unmonitored time: in all, and per leg when asked. */
  measures: { total: Measures; legs: LegMeasures[]; budget: BudgetStatus };
};

/** What a shipment's view is made of in the operational store: small, read on every request. */
export type ShipmentContext = {
  shipment: Shipment;
  profile: ProductProfile;
  events: CustodyEvent[];
  legs: LegView[];
  alerts: Alert[];
};

/** When the mark of a store that cannot tell its changes (remote stores) expires: answers may lag this much. */
const UNMARKED_TTL_MS = 10_000;

/** A shipment's profile, which must exist. */
export async function requireProfile(profiles: ProfileCatalog, shipment: Shipment): Promise<ProductProfile> {
  const profile = await profiles.get(shipment.profileId);
  if (!profile) throw new Error(`shipment ${shipment.id} has unknown profile ${shipment.profileId}`);
  return profile;
}

/** Reads a shipment's context: profile, custody legs with their custodians' names, alerts. */
export async function loadShipmentContext(stores: { ops: OpsStore; profiles: ProfileCatalog }, shipment: Shipment): Promise<ShipmentContext> {
  const { ops } = stores;
  const profile = await requireProfile(stores.profiles, shipment);
  const [events, alerts] = await Promise.all([ops.listEffectiveCustodyEvents(shipment.id), ops.listAlerts({ shipmentId: shipment.id, limit: 1000 })]);
  const custodianIds = [...new Set(events.map((e) => e.toOrgId).filter((id): id is string => id !== null))];
  const orgs = await Promise.all(custodianIds.map((id) => ops.getOrganisation(id)));
  const orgById = new Map(orgs.filter((o) => o !== undefined).map((o) => [o.id, o]));
  const legs: LegView[] = buildLegs(events).map((leg) => {
    const org = orgById.get(leg.custodianOrgId);
    return { ...leg, stageName: STAGE_NAMES[leg.stage], custodian: { id: leg.custodianOrgId, name: org?.name ?? leg.custodianOrgId, nameEn: org?.nameEn ?? leg.custodianOrgId } };
  });
  return { shipment, profile, events, legs, alerts };
}

/** Each profile object's hash, computed once (the catalog hands out the same object until it changes). */
const profileHashes = new WeakMap<ProductProfile, string>();

function profileHash(profile: ProductProfile): string {
  let hash = profileHashes.get(profile);
  if (!hash) {
    hash = createHash('sha256').update(JSON.stringify(profile)).digest('base64url');
    profileHashes.set(profile, hash);
  }
  return hash;
}

/**
 * The version of everything a shipment's view is computed from (readings, custody, custodians' names,
 * alerts, profile) and the server time of its newest change, from two cheap marks and no row of
 * readings: answers are cached per version, so a request for an unchanged shipment computes nothing.
 */
export async function shipmentVersion(
  stores: { ops: Pick<OpsStore, 'shipmentChangeMark'>; telemetry: Pick<TelemetryStore, 'changeMark'> },
  shipment: Shipment,
  profile: ProductProfile,
  now: number,
): Promise<{ version: string; lastModified: number }> {
  const [readings, operational] = await Promise.all([stores.telemetry.changeMark(shipment.deviceId), stores.ops.shipmentChangeMark(shipment.id)]);
  // A store that cannot tell its changes: the version moves every UNMARKED_TTL_MS.
  const slot = Math.floor(now / UNMARKED_TTL_MS) * UNMARKED_TTL_MS;
  const version = createHash('sha256')
    .update(JSON.stringify([shipment.deliveredAt, readings?.mark ?? `t${slot}`, operational.mark, profileHash(profile)]))
    .digest('base64url');
  return { version, lastModified: Math.max(shipment.createdAt, readings?.changedAt ?? slot, operational.changedAt) };
}

/** Assembles a shipment's view: the context from the operational store, the figures from a reader thread. */
export async function loadShipmentView(reads: Reads, context: ShipmentContext, options: { points: number; perLeg: boolean; until?: number }, now: number): Promise<ShipmentView> {
  const { shipment, profile, legs, alerts } = context;
  const series = await reads.series({
    deviceId: shipment.deviceId,
    startedAt: shipment.startedAt,
    // A custodian that handed the goods over sees the record up to then (issue 12; auth/scope.ts).
    deliveredAt: options.until ?? shipment.deliveredAt,
    legs: legs.map(({ stageName: _s, custodian: _c, ...leg }) => leg),
    profile,
    points: options.points,
    perLeg: options.perLeg,
    now,
  });
  const verdict = buildVerdict({
    isDelivered: shipment.deliveredAt !== null,
    unmonitoredMs: series.unmonitoredMs,
    // Only excursions say the cold chain broke; warnings and no-data alerts are not verdicts.
    excursions: excursionsWithin(shipment, alerts).map((alert) => ({
      direction: alert.direction,
      thresholdC: alert.thresholdC,
      outsideMs: alert.outsideMs,
      peakTempC: alert.peakTempC,
      stageName: STAGE_NAMES[legAt(legs, alert.activeAt)?.stage ?? 'packhouse'],
    })),
  });
  return {
    shipment,
    profile: profileSummary(profile),
    legs,
    curve: series.curve,
    readingCount: series.readingCount,
    lastReadingAt: series.lastReadingAt,
    unmonitoredMs: series.unmonitoredMs,
    alerts,
    verdict,
    measures: series.measures,
  };
}

/** A profile as views show it: name, optimum and limits. */
export function profileSummary(profile: ProductProfile): ShipmentView['profile'] {
  return {
    id: profile.id,
    name: profile.name,
    optimumC: { min: profile.optimumC.min, max: profile.optimumC.max },
    limits: profile.limits.map(({ id, direction, thresholdC }) => ({ id, direction, thresholdC })),
  };
}

/**
 * The shipment's excursion alerts that began while it travelled: an alert raised by readings after the
 * delivery time (the delivery scan recorded late) is not the shipment's, as its curve and measures are
 * not. The alert itself stays for the station to resolve.
 */
function excursionsWithin(shipment: Shipment, alerts: readonly Alert[]): Alert[] {
  const end = shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER;
  return alerts.filter((alert) => alert.kind === 'excursion' && alert.activeAt >= shipment.startedAt && alert.activeAt <= end);
}

/** Excursions as answers show them: exact spans from the alerts (device time). */
export function excursionSpans(shipment: Shipment, alerts: readonly Alert[]) {
  return excursionsWithin(shipment, alerts).map((alert) => ({
    direction: alert.direction,
    thresholdC: alert.thresholdC,
    startedAt: alert.activeAt,
    endedAt: alert.clearedAt,
    peakTempC: alert.peakTempC,
    outsideMs: alert.outsideMs,
  }));
}
