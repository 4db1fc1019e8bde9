import type { Attribution, CorrectionChanges, CustodyCorrection, CustodyEvent, LocalizedText, OrgKind, PublicView, Stage, Tier } from '@coldchain/domain';
import type { Alert, Claim, DeadLetter, Organisation, Review, Shipment } from '../../ports.ts';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

const num = (v: unknown) => v as number;
const str = (v: unknown) => v as string;
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : (v as number));
const strOrNull = (v: unknown) => (v === null || v === undefined ? null : (v as string));

export function rowToOrg(r: Row): Organisation {
  return { id: str(r.id), name: str(r.name), nameEn: str(r.name_en), kind: str(r.kind) as OrgKind, createdAt: num(r.created_at) };
}

export function rowToShipment(r: Row): Shipment {
  return {
    id: str(r.id),
    traceCode: str(r.trace_code),
    profileId: str(r.profile_id),
    shipperOrgId: str(r.shipper_org_id),
    deviceId: str(r.device_id),
    origin: str(r.origin),
    destination: str(r.destination),
    boxes: num(r.boxes),
    goodsValueCents: num(r.goods_value_cents),
    freightCents: num(r.freight_cents),
    startedAt: num(r.started_at),
    deliveredAt: numOrNull(r.delivered_at),
    createdAt: num(r.created_at),
    publicView: r.public_view ? (JSON.parse(str(r.public_view)) as PublicView) : null,
  };
}

export function rowToCustodyEvent(r: Row): CustodyEvent {
  return {
    id: str(r.id),
    shipmentId: str(r.shipment_id),
    seq: num(r.seq),
    at: num(r.at),
    stage: str(r.stage) as Stage,
    toOrgId: strOrNull(r.to_org_id),
    station: strOrNull(r.station),
    probeTempC: numOrNull(r.probe_temp_c),
    recordedAt: num(r.recorded_at),
  };
}

export function rowToCorrection(r: Row): CustodyCorrection {
  return {
    id: str(r.id),
    shipmentId: str(r.shipment_id),
    seq: num(r.seq),
    eventId: str(r.event_id),
    changes: JSON.parse(str(r.changes)) as CorrectionChanges,
    reason: str(r.reason),
    correctedBy: str(r.corrected_by),
    recordedAt: num(r.recorded_at),
  };
}

export function rowToAlert(r: Row): Alert {
  return {
    id: str(r.id),
    shipmentId: str(r.shipment_id),
    deviceId: str(r.device_id),
    ruleId: str(r.rule_id),
    kind: (strOrNull(r.kind) ?? 'excursion') as Alert['kind'],
    message: r.message ? (JSON.parse(str(r.message)) as LocalizedText) : null,
    tier: num(r.tier) as Tier,
    status: str(r.status) as Alert['status'],
    conditionState: str(r.condition_state) as Alert['conditionState'],
    thresholdC: num(r.threshold_c),
    direction: str(r.direction) as Alert['direction'],
    activeAt: num(r.active_at),
    firedAt: num(r.fired_at),
    clearedAt: numOrNull(r.cleared_at),
    peakTempC: num(r.peak_temp_c),
    outsideMs: num(r.outside_ms),
    degreeMinutes: num(r.degree_minutes),
    attribution: JSON.parse(str(r.attribution)) as Attribution,
    routedTo: JSON.parse(str(r.routed_to)) as string[],
    respondBy: num(r.respond_by),
    acknowledgedAt: numOrNull(r.acknowledged_at),
    acknowledgedBy: strOrNull(r.acknowledged_by),
    resolvedAt: numOrNull(r.resolved_at),
    resolvedBy: strOrNull(r.resolved_by),
    resolutionNote: strOrNull(r.resolution_note),
    escalatedAt: numOrNull(r.escalated_at),
    lastNotifiedAt: numOrNull(r.last_notified_at),
    reminders: (r.reminders as number | null) ?? 0,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export function alertToRow(a: Alert): Row {
  return {
    id: a.id,
    shipment_id: a.shipmentId,
    device_id: a.deviceId,
    rule_id: a.ruleId,
    kind: a.kind,
    message: a.message ? JSON.stringify(a.message) : null,
    tier: a.tier,
    status: a.status,
    condition_state: a.conditionState,
    threshold_c: a.thresholdC,
    direction: a.direction,
    active_at: a.activeAt,
    fired_at: a.firedAt,
    cleared_at: a.clearedAt,
    peak_temp_c: a.peakTempC,
    outside_ms: a.outsideMs,
    degree_minutes: a.degreeMinutes,
    attribution: JSON.stringify(a.attribution),
    routed_to: JSON.stringify(a.routedTo),
    respond_by: a.respondBy,
    acknowledged_at: a.acknowledgedAt,
    acknowledged_by: a.acknowledgedBy,
    resolved_at: a.resolvedAt,
    resolved_by: a.resolvedBy,
    resolution_note: a.resolutionNote,
    escalated_at: a.escalatedAt,
    last_notified_at: a.lastNotifiedAt,
    reminders: a.reminders,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

/** Bilingual text stored as JSON; a plain string (older rows) stands for both languages. */
function parseLocalized(text: string): LocalizedText {
  if (text.startsWith('{')) return JSON.parse(text) as LocalizedText;
  return { zh: text, en: text };
}

export function rowToClaim(r: Row): Claim {
  return {
    id: str(r.id),
    shipmentId: str(r.shipment_id),
    alertId: str(r.alert_id),
    liableOrgId: str(r.liable_org_id),
    amountCents: num(r.amount_cents),
    goodsShareCents: num(r.goods_share_cents),
    freightCents: num(r.freight_cents),
    currency: 'CNY',
    status: str(r.status) as Claim['status'],
    reason: parseLocalized(str(r.reason)),
    filedAt: num(r.filed_at),
    respondBy: num(r.respond_by),
    withdrawnAt: numOrNull(r.withdrawn_at),
    withdrawnReason: r.withdrawn_reason === null || r.withdrawn_reason === undefined ? null : (JSON.parse(str(r.withdrawn_reason)) as LocalizedText),
    answeredAt: numOrNull(r.answered_at),
    remindedAt: numOrNull(r.reminded_at),
    escalatedAt: numOrNull(r.escalated_at),
    closedAt: numOrNull(r.closed_at),
    advancedCents: num(r.advanced_cents ?? 0),
    recoveredCents: num(r.recovered_cents ?? 0),
  };
}

export function rowToDeadLetter(r: Row): DeadLetter {
  return {
    id: num(r.id),
    deviceId: strOrNull(r.device_id),
    topic: str(r.topic),
    code: str(r.code),
    reason: str(r.reason),
    payload: str(r.payload),
    payloadBytes: num(r.payload_bytes),
    receivedAt: num(r.received_at),
  };
}

export function rowToReview(r: Row): Review {
  const decidedAt = numOrNull(r.decided_at);
  return {
    id: str(r.id),
    shipmentId: str(r.shipment_id),
    alertId: str(r.alert_id),
    reason: JSON.parse(str(r.reason)) as LocalizedText,
    state: str(r.state) as Review['state'],
    createdAt: num(r.created_at),
    decision:
      decidedAt === null
        ? null
        : { liableOrgId: strOrNull(r.liable_org_id), reason: str(r.decision_reason), decidedBy: str(r.decided_by), decidedAt, claimId: strOrNull(r.claim_id) },
  };
}
