import { STAGE_NAMES } from '@coldchain/domain';
import type { CustodyEvent, LocalizedText, ClaimStatus } from '@coldchain/domain';
import type { OpsStore, ProfileCatalog, Shipment } from '@coldchain/storage';
import type { EvidenceService } from '../evidence/evidence-types.ts';
import type { Reads } from '../reads/read-types.ts';
import { loadShipmentContext, loadShipmentView } from '../shipment-view.ts';

/** Points of the report's curve: about two per horizontal point of the chart (each bucket keeps its min and max). */
const CURVE_POINTS = 800;

/** A leg of the journey as the report shows it. */
export type ReportLeg = {
  index: number;
  stage: LocalizedText;
  custodian: LocalizedText;
  station: string | null;
  startedAt: number;
  endedAt: number | null;
  /** Probe temperature taken at the handoff that opened the leg. */
  startProbeTempC: number | null;
  /** Time outside the optimum, MKT and unmonitored time within the leg (null when not computed). */
  outsideMs: number | null;
  mktC: number | null;
  unmonitoredMs: number | null;
};

/** An excursion (an excursion alert) with its attribution. */
export type ReportExcursion = {
  direction: 'above' | 'below';
  thresholdC: number;
  /** Device time of the onset, and of clearing (null while it goes on). */
  startedAt: number;
  endedAt: number | null;
  peakTempC: number;
  outsideMs: number;
  degreeMinutes: number;
  attribution: { status: 'attributed' | 'indeterminate'; liable: LocalizedText | null; reason: LocalizedText };
};

/** A claim filed for an excursion. */
export type ReportClaim = {
  id: string;
  liable: LocalizedText;
  amountCents: number;
  goodsShareCents: number;
  freightCents: number;
  status: ClaimStatus;
  reason: LocalizedText;
  filedAt: number;
  respondBy: number;
  withdrawnAt: number | null;
  withdrawnReason: LocalizedText | null;
};

/** A handoff as scanned, or as a correction makes it. */
export type ReportHandoffFields = { at: number; custodian: LocalizedText | null; station: string | null; probeTempC: number | null };

/** A correction of a recorded handoff: the original stays in the record; the legs show the corrected custody. */
export type ReportCorrection = {
  recordedAt: number;
  correctedBy: string;
  reason: string;
  stage: LocalizedText;
  original: ReportHandoffFields;
  /** Only the fields the correction changes. */
  changes: Partial<ReportHandoffFields>;
};

/** A head handed to a party (at a handoff, at delivery): the service cannot rewrite what came before it. */
export type ReportWitness = { seq: number; hash: string; at: number; to: LocalizedText };

/** The chain head as signed by the service, with the heads handed out so far, or why it could not be had. */
export type ReportChainHead =
  | { isAvailable: true; seq: number; hash: string; keyId: string; signedAt: number; witnesses: ReportWitness[] }
  | { isAvailable: false; problem: string };

/**
 * Everything a trip report shows, as plain data in both languages: the renderer (trip-report-pdf.ts)
 * reads nothing else, so a report can be drawn from a fixture as well as from the stores.
 */
export type TripReportData = {
  /** Server time the report was made. */
  generatedAt: number;
  shipment: {
    id: string;
    traceCode: string;
    origin: string;
    destination: string;
    boxes: number;
    goodsValueCents: number;
    freightCents: number;
    deviceId: string;
    startedAt: number;
    deliveredAt: number | null;
  };
  shipper: LocalizedText;
  product: {
    name: LocalizedText;
    optimumC: { min: number; max: number };
    limits: { id: string; direction: 'above' | 'below'; thresholdC: number }[];
    /** Readings further apart than this are a gap (unmonitored). */
    maxReadingGapMs: number;
  };
  legs: ReportLeg[];
  /** `[t, tempC]` pairs, min and max per bucket so no peak is lost. */
  curve: [number, number][];
  readingCount: number;
  lastReadingAt: number | null;
  verdict: { status: 'ok' | 'excursion' | 'unmonitored'; text: LocalizedText };
  measures: {
    mktC: number | null;
    minTempC: number | null;
    maxTempC: number | null;
    /** Time outside the optimum (above and below), and the profile's budget for it. */
    outsideMs: number;
    maxOutsideMs: number;
    degreeMinutes: number;
    maxDegreeMinutes: number;
    shelfLifeConsumedPct: number | null;
    unmonitoredMs: number;
    /** Unmonitored time may hide more: the shares are then at least these. */
    isLowerBound: boolean;
  };
  excursions: ReportExcursion[];
  claims: ReportClaim[];
  /** Corrections of handoffs, in the order recorded. */
  corrections: ReportCorrection[];
  chain: ReportChainHead;
  /** Absolute URL of the consumer page (the QR code). */
  consumerUrl: string;
  /** Absolute URLs of the evidence bundle and the service's public keys. */
  evidenceUrl: string;
  keysUrl: string;
};

/** What gathering a report reads. */
export type TripReportSources = {
  ops: OpsStore;
  profiles: ProfileCatalog;
  reads: Reads;
  evidence: EvidenceService;
};

/**
 * Gathers a shipment's report from the stores, the reader threads and the evidence chain. `baseUrl`
 * (scheme and host, no trailing slash) makes the consumer page and download links absolute.
 */
export async function gatherTripReportData(sources: TripReportSources, shipment: Shipment, options: { baseUrl: string; now: number }): Promise<TripReportData> {
  const { ops, profiles, reads, evidence } = sources;
  const { now, baseUrl } = options;
  const context = await loadShipmentContext({ ops, profiles }, shipment);
  const [view, claims, shipper, corrections, recorded, chain] = await Promise.all([
    loadShipmentView(reads, context, { points: CURVE_POINTS, perLeg: true }, now),
    ops.listClaims({ shipmentId: shipment.id }),
    ops.getOrganisation(shipment.shipperOrgId),
    ops.listCorrections(shipment.id),
    ops.listCustodyEvents(shipment.id),
    readChain(evidence, shipment.id),
  ]);
  const names = new Map<string, LocalizedText>(context.legs.map((leg) => [leg.custodian.id, { zh: leg.custodian.name, en: leg.custodian.nameEn }]));
  if (shipper) names.set(shipper.id, { zh: shipper.name, en: shipper.nameEn });
  const orgIds = [...claims.map((c) => c.liableOrgId), ...recorded.map((e) => e.toOrgId), ...corrections.map((c) => c.changes.toOrgId)];
  const missing = [...new Set(orgIds.filter((id): id is string => typeof id === 'string' && !names.has(id)))];
  for (const org of await Promise.all(missing.map((id) => ops.getOrganisation(id)))) {
    if (org) names.set(org.id, { zh: org.name, en: org.nameEn });
  }
  const nameOf = (id: string): LocalizedText => names.get(id) ?? { zh: id, en: id };
  const originals = new Map(recorded.map((e) => [e.id, e]));
  const legMeasures = new Map(view.measures.legs.map((m) => [m.legIndex, m.measures]));
  const end = shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER;
  const { total, budget } = view.measures;

  return {
    generatedAt: now,
    shipment: {
      id: shipment.id,
      traceCode: shipment.traceCode,
      origin: shipment.origin,
      destination: shipment.destination,
      boxes: shipment.boxes,
      goodsValueCents: shipment.goodsValueCents,
      freightCents: shipment.freightCents,
      deviceId: shipment.deviceId,
      startedAt: shipment.startedAt,
      deliveredAt: shipment.deliveredAt,
    },
    shipper: nameOf(shipment.shipperOrgId),
    product: { name: view.profile.name, optimumC: view.profile.optimumC, limits: view.profile.limits, maxReadingGapMs: context.profile.maxReadingGapMs },
    legs: view.legs.map((leg) => {
      const m = legMeasures.get(leg.index);
      return {
        index: leg.index,
        stage: leg.stageName,
        custodian: { zh: leg.custodian.name, en: leg.custodian.nameEn },
        station: leg.station,
        startedAt: leg.startedAt,
        endedAt: leg.endedAt,
        startProbeTempC: leg.startProbeTempC,
        outsideMs: m ? m.timeAboveMs + m.timeBelowMs : null,
        mktC: m?.mktC ?? null,
        unmonitoredMs: m?.unmonitoredMs ?? null,
      };
    }),
    curve: view.curve,
    readingCount: view.readingCount,
    lastReadingAt: view.lastReadingAt,
    verdict: view.verdict,
    measures: {
      mktC: total.mktC,
      minTempC: total.minTempC,
      maxTempC: total.maxTempC,
      outsideMs: budget.outsideMs,
      maxOutsideMs: budget.maxOutsideMs,
      degreeMinutes: budget.degreeMinutes,
      maxDegreeMinutes: budget.maxDegreeMinutes,
      shelfLifeConsumedPct: total.shelfLifeConsumedPct,
      unmonitoredMs: view.unmonitoredMs,
      isLowerBound: budget.isLowerBound,
    },
    // The shipment's own excursions, as its verdict counts them (shipment-view.ts: excursionsWithin).
    excursions: view.alerts
      .filter((a) => a.kind === 'excursion' && a.activeAt >= shipment.startedAt && a.activeAt <= end)
      .sort((a, b) => a.activeAt - b.activeAt)
      .map((a) => ({
        direction: a.direction,
        thresholdC: a.thresholdC,
        startedAt: a.activeAt,
        endedAt: a.clearedAt,
        peakTempC: a.peakTempC,
        outsideMs: a.outsideMs,
        degreeMinutes: a.degreeMinutes,
        attribution: { status: a.attribution.status, liable: a.attribution.orgId === null ? null : nameOf(a.attribution.orgId), reason: a.attribution.reason },
      })),
    claims: claims
      .sort((a, b) => a.filedAt - b.filedAt)
      .map((c) => ({
        id: c.id,
        liable: nameOf(c.liableOrgId),
        amountCents: c.amountCents,
        goodsShareCents: c.goodsShareCents,
        freightCents: c.freightCents,
        status: c.status,
        reason: c.reason,
        filedAt: c.filedAt,
        respondBy: c.respondBy,
        withdrawnAt: c.withdrawnAt,
        withdrawnReason: c.withdrawnReason,
      })),
    corrections: corrections
      .sort((a, b) => a.seq - b.seq)
      .flatMap((c) => {
        const original = originals.get(c.eventId);
        if (!original) return [];
        const { at, toOrgId, station, probeTempC } = c.changes;
        return [{
          recordedAt: c.recordedAt,
          correctedBy: c.correctedBy,
          reason: c.reason,
          stage: STAGE_NAMES[original.stage],
          original: { at: original.at, custodian: original.toOrgId === null ? null : nameOf(original.toOrgId), station: original.station, probeTempC: original.probeTempC },
          changes: {
            ...(at === undefined ? {} : { at }),
            ...(toOrgId === undefined ? {} : { custodian: nameOf(toOrgId) }),
            ...(station === undefined ? {} : { station }),
            ...(probeTempC === undefined ? {} : { probeTempC }),
          },
        }];
      }),
    chain: chain.isAvailable ? { ...chain.head, witnesses: chain.witnesses.map((w) => ({ seq: w.seq, hash: w.hash, at: w.at, to: witnessName(w.to, originals, nameOf) })) } : chain,
    consumerUrl: `${baseUrl}/t/${encodeURIComponent(shipment.traceCode)}`,
    evidenceUrl: `${baseUrl}/api/v1/shipments/${encodeURIComponent(shipment.id)}/evidence`,
    keysUrl: `${baseUrl}/api/v1/keys`,
  };
}

/**
 * The signed head of the shipment's chain and the heads handed out. A report without them is still worth
 * having (the figures stand on their own), so a chain that cannot answer is said in the report instead
 * of failing it.
 */
async function readChain(evidence: EvidenceService, shipmentId: string) {
  try {
    const [head, witnesses] = await Promise.all([evidence.head(shipmentId), evidence.witnesses(shipmentId)]);
    return { isAvailable: true as const, head: { isAvailable: true as const, seq: head.seq, hash: head.hash, keyId: head.keyId, signedAt: head.signedAt }, witnesses };
  } catch (error) {
    return { isAvailable: false as const, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Whom a head was handed to, in words: `handoff:<event>` and `delivery:<event>` (routes/shipments.ts) name the scan. */
function witnessName(to: string, events: ReadonlyMap<string, CustodyEvent>, nameOf: (id: string) => LocalizedText): LocalizedText {
  const colonAt = to.indexOf(':');
  const kind = to.slice(0, colonAt);
  const event = colonAt < 0 ? undefined : events.get(to.slice(colonAt + 1));
  if (!event) return { zh: to, en: to };
  if (kind === 'delivery' || event.toOrgId === null) return event.station ? { zh: `签收（${event.station}）`, en: `delivery (${event.station})` } : { zh: '签收', en: 'delivery' };
  const stage = STAGE_NAMES[event.stage];
  const at = event.station ? { zh: `，${event.station}`, en: `, ${event.station}` } : { zh: '', en: '' };
  const custodian = nameOf(event.toOrgId);
  return { zh: `交接给${custodian.zh}（${stage.zh}${at.zh}）`, en: `handoff to ${custodian.en} (${stage.en}${at.en})` };
}
