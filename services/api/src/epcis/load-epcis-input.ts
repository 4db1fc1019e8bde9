import type { OpsStore, ProfileCatalog, Shipment, TelemetryStore } from '@coldchain/storage';
import { loadShipmentContext, profileSummary } from '../shipment-view.ts';
import type { LegView } from '../shipment-view.ts';
import type { EpcisInput, LegSeries } from './epcis-types.ts';
import { INTERVAL_MS, intervalFromBucket, intervalFromReadings, intervalWindows } from './temperature-intervals.ts';
import type { TemperatureInterval } from './temperature-intervals.ts';

type Stores = { ops: OpsStore; telemetry: TelemetryStore; profiles: ProfileCatalog };

/**
 * A leg's intervals: whole hours from the hourly rollup (one read for the leg), the partial hours at its
 * edges from the raw readings (at most two small reads), so every interval is exactly the leg's readings.
 */
async function readLegSeries(telemetry: TelemetryStore, deviceId: string, legIndex: number, from: number, to: number): Promise<LegSeries> {
  const windows = intervalWindows(from, to);
  const whole = windows.filter((w) => w.isWholeHour);
  const buckets =
    whole.length === 0 ? [] : await telemetry.bucketsBetween(deviceId, whole[0]!.startAt, whole[whole.length - 1]!.startAt, INTERVAL_MS);
  const bucketByStart = new Map(buckets.map((b) => [b.start, b]));
  const intervals: TemperatureInterval[] = [];
  for (const window of windows) {
    const interval = window.isWholeHour
      ? intervalFromBucket(window, bucketByStart.get(window.startAt))
      : // readingsBetween is inclusive at both ends; the window's end is not its own.
        intervalFromReadings(window, (await telemetry.readingsBetween(deviceId, window.startAt, window.endAt - 1)).map((r) => r.tempC));
    if (interval) intervals.push(interval);
  }
  return { legIndex, from, to, intervals };
}

/**
 * Where a leg's readings end: at the next handoff or the delivery; an open leg at `now` (a reading
 * stamped in the future is not the shipment's yet).
 */
function legEnd(leg: LegView, now: number): number {
  return leg.endedAt ?? Math.max(leg.startedAt, now);
}

/** Reads what the EPCIS document of a shipment is built from. */
export async function loadEpcisInput(stores: Stores, shipment: Shipment, now: number): Promise<EpcisInput> {
  const [context, recordedEvents, corrections] = await Promise.all([
    loadShipmentContext(stores, shipment),
    stores.ops.listCustodyEvents(shipment.id),
    stores.ops.listCorrections(shipment.id),
  ]);
  // Names of every party the document names: custodians in effect, the shipper, and those of the
  // handoffs as recorded (a correction may have named another party).
  const orgNames: Record<string, string> = {};
  for (const leg of context.legs) orgNames[leg.custodian.id] = leg.custodian.name;
  const unnamed = [shipment.shipperOrgId, ...recordedEvents.map((e) => e.toOrgId)].filter((id): id is string => id !== null && !(id in orgNames));
  for (const id of new Set(unnamed)) orgNames[id] = (await stores.ops.getOrganisation(id))?.name ?? id;
  const series: LegSeries[] = [];
  for (const leg of context.legs) series.push(await readLegSeries(stores.telemetry, shipment.deviceId, leg.index, leg.startedAt, legEnd(leg, now)));
  // The shipment's excursions are those whose onset lies within the journey, as its view counts them:
  // an alert raised by readings after the delivery is not the shipment's.
  const end = shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER;
  const excursions = context.alerts
    .filter((a) => a.kind === 'excursion' && a.activeAt >= shipment.startedAt && a.activeAt <= end)
    .sort((a, b) => a.activeAt - b.activeAt);
  return {
    shipment,
    profile: profileSummary(context.profile),
    orgNames,
    events: context.events,
    recordedEvents,
    corrections,
    legs: context.legs.map(({ stageName: _s, custodian: _c, ...leg }) => leg),
    series,
    excursions,
    createdAt: now,
  };
}
