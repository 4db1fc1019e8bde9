import type { CustodyEvent, Stage } from './custody.ts';
import { STAGES } from './custody.ts';
import type { LocalizedText } from './text.ts';

/**
 * What a correction changes in a custody event: a field left out is unchanged; `probeTempC: null` and
 * `station: null` clear the value. The receiving party (`toOrgId`) can be replaced, never cleared.
 */
export type CorrectionChanges = { at?: number; toOrgId?: string; station?: string | null; probeTempC?: number | null };

/**
 * A correction of a recorded handoff (DESIGN.md: "corrections are appended, never edited"): the original
 * event stays as it was scanned, and the effective custody is the events with their corrections applied.
 */
export type CustodyCorrection = {
  id: string;
  shipmentId: string;
  /** Order of recording: later corrections of the same event win. */
  seq: number;
  /** The custody event corrected (its original id). */
  eventId: string;
  changes: CorrectionChanges;
  /** Why, in the words of who corrected it. */
  reason: string;
  /** Who corrected it (issue 12 names the authenticated actor). */
  correctedBy: string;
  /** Server time the correction was recorded. */
  recordedAt: number;
};

/** Why a correction (or a handoff) is refused: a stable code, the field at fault and the rule in words. */
export type CustodyRefusal = {
  code:
    | 'correction.event_not_found'
    | 'correction.no_change'
    | 'correction.not_applicable'
    | 'correction.first_leg'
    | 'correction.stage_order'
    | 'handoff.before_start'
    | 'handoff.same_time'
    | 'handoff.repeated'
    /** The corrected delivery would overlap the logger's next shipment (judged by the store, which knows it). */
    | 'shipment.device_busy';
  field: 'eventId' | 'at' | 'toOrgId' | 'station' | 'probeTempC';
  message: string;
};

const FIELDS = ['at', 'toOrgId', 'station', 'probeTempC'] as const;

/** Time order of custody: by time, ties by order of recording (as buildLegs reads them). */
function byTime(a: CustodyEvent, b: CustodyEvent): number {
  return a.at - b.at || a.seq - b.seq;
}

/** An event with a correction's changes applied. */
function applyChanges(event: CustodyEvent, changes: CorrectionChanges): CustodyEvent {
  const next = { ...event };
  if (changes.at !== undefined) next.at = changes.at;
  if (changes.toOrgId !== undefined) next.toOrgId = changes.toOrgId;
  if (changes.station !== undefined) next.station = changes.station;
  if (changes.probeTempC !== undefined) next.probeTempC = changes.probeTempC;
  return next;
}

/**
 * The effective custody events: each event with its corrections applied in recording order (a later
 * correction of a field wins), in time order. Corrections naming an event not in `events` are ignored.
 * The originals are not changed.
 */
export function applyCorrections(events: readonly CustodyEvent[], corrections: readonly CustodyCorrection[]): CustodyEvent[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const correction of [...corrections].sort((a, b) => a.seq - b.seq)) {
    const event = byId.get(correction.eventId);
    if (event) byId.set(event.id, applyChanges(event, correction.changes));
  }
  return [...byId.values()].sort(byTime);
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function describeEvent(event: CustodyEvent): string {
  return `event ${event.id} (${event.stage}${event.toOrgId ? `, ${event.toOrgId}` : ''}, ${iso(event.at)})`;
}

/**
 * A handoff or a corrected time at exactly the time of another event of the shipment is refused: a
 * repeated scan would leave a zero-length leg, and two events at one time have no order the record can
 * show. `exceptId` is the event being corrected.
 */
export function checkHandoffTime(input: { startedAt: number; events: readonly CustodyEvent[]; at: number; exceptId?: string; scan?: Pick<CustodyEvent, 'stage' | 'toOrgId'> }): CustodyRefusal | null {
  const { startedAt, events, at, exceptId, scan } = input;
  if (at < startedAt) return { code: 'handoff.before_start', field: 'at', message: `at: ${iso(at)} is before the shipment started (${iso(startedAt)})` };
  const other = events.find((e) => e.id !== exceptId && e.at === at);
  if (other) {
    return {
      code: 'handoff.same_time',
      field: 'at',
      message: `at: ${iso(at)} is the time of ${describeEvent(other)}; two custody events of a shipment cannot share a time (a repeated scan?)`,
    };
  }
  // The same handoff scanned again moments later (a double scan at the dock) would leave a leg of a few
  // seconds: refused within REPEATED_SCAN_MS of the scan it repeats (docs/decisions/0016).
  const repeated = scan && events.find((e) => e.id !== exceptId && e.stage === scan.stage && e.toOrgId === scan.toOrgId && Math.abs(e.at - at) < REPEATED_SCAN_MS);
  if (repeated) {
    return {
      code: 'handoff.repeated',
      field: 'at',
      message: `at: ${iso(at)} repeats ${describeEvent(repeated)}, ${Math.round(Math.abs(repeated.at - at) / 1000)} s apart; the same handoff is not recorded twice within ${REPEATED_SCAN_MS / 60_000} min (correct the first scan instead)`,
    };
  }
  return null;
}

/** A scan of the same stage to the same party this close to another is the same handoff scanned twice. */
export const REPEATED_SCAN_MS = 5 * 60_000;

const stageIndex = (stage: Stage) => STAGES.indexOf(stage);

/**
 * Whether a correction may be appended, judged against the effective custody events of the shipment
 * (null: it may). Refused: an unknown event; no change; a party for the delivery (it has none); the
 * packhouse event's time (it is the shipment's start) or its party away from the shipper (the first leg
 * is the shipper's by definition: docs/decisions/0016); a time before the start or at another event's
 * time; a time that puts the event out of journey order (packhouse, first mile, hub, line haul, last
 * mile, delivered; a stage may repeat).
 */
export function validateCorrection(input: {
  startedAt: number;
  shipperOrgId: string;
  events: readonly CustodyEvent[];
  eventId: string;
  changes: CorrectionChanges;
}): CustodyRefusal | null {
  const { events, eventId, changes } = input;
  const event = events.find((e) => e.id === eventId);
  if (!event) return { code: 'correction.event_not_found', field: 'eventId', message: `eventId: no custody event ${eventId} in this shipment` };
  if (!FIELDS.some((field) => changes[field] !== undefined)) {
    return { code: 'correction.no_change', field: 'eventId', message: `a correction changes at least one of ${FIELDS.join(', ')}` };
  }
  if (event.stage === 'delivered' && changes.toOrgId !== undefined) {
    return { code: 'correction.not_applicable', field: 'toOrgId', message: 'toOrgId: the delivery hands the goods to the consignee; it names no custodian to correct' };
  }
  if (event.stage === 'packhouse') {
    if (changes.at !== undefined && changes.at !== event.at) {
      return { code: 'correction.first_leg', field: 'at', message: "at: the packhouse event's time is the shipment's start and cannot be corrected" };
    }
    if (changes.toOrgId !== undefined && changes.toOrgId !== input.shipperOrgId) {
      return { code: 'correction.first_leg', field: 'toOrgId', message: `toOrgId: the packhouse leg is the shipper's (${input.shipperOrgId}); it cannot pass to another party` };
    }
  }
  if (changes.at === undefined || changes.at === event.at) return null;
  const timing = checkHandoffTime({ startedAt: input.startedAt, events, at: changes.at, exceptId: event.id });
  if (timing) return timing;
  const corrected = applyChanges(event, changes);
  const order = events.map((e) => (e.id === event.id ? corrected : e)).sort(byTime);
  const position = order.indexOf(corrected);
  const own = stageIndex(corrected.stage);
  const before = order.slice(0, position).find((e) => stageIndex(e.stage) > own);
  const after = order.slice(position + 1).find((e) => stageIndex(e.stage) < own);
  const broken = before ?? after;
  if (broken) {
    return {
      code: 'correction.stage_order',
      field: 'at',
      message: `at: ${iso(changes.at)} would put the ${corrected.stage} event ${before ? 'after' : 'before'} ${describeEvent(broken)}, out of journey order (${STAGES.join(' → ')})`,
    };
  }
  return null;
}

/**
 * Why a claim is withdrawn after a custody correction: who corrected what and why, and where the
 * excursion now falls (the new liable party, or that the record no longer puts it on a provider).
 */
export function correctionWithdrawalReason(correction: Pick<CustodyCorrection, 'correctedBy' | 'reason'>, now: { stage: LocalizedText; holder: LocalizedText } | 'outside_journey' | null): LocalizedText {
  const by = { zh: `交接记录已由 ${correction.correctedBy} 更正（原因：${correction.reason}）`, en: `the custody record was corrected by ${correction.correctedBy} (${correction.reason})` };
  if (now === 'outside_journey') {
    return {
      zh: `${by.zh}；按更正后的交接记录，超标开始于本次运输之外（签收之后或起运之前），不属于本次运输，索赔撤回`,
      en: `${by.en}; on the corrected custody the excursion began outside the journey (after the delivery or before the start), so it is not this shipment's and the claim is withdrawn`,
    };
  }
  if (!now) {
    return {
      zh: `${by.zh}；按更正后的交接记录，本次超标不再能归责于该方，索赔撤回`,
      en: `${by.en}; on the corrected custody the excursion can no longer be placed on this party, so the claim is withdrawn`,
    };
  }
  return {
    zh: `${by.zh}；按更正后的交接记录，超标开始于由${now.holder.zh}持有的「${now.stage.zh}」段，索赔转由${now.holder.zh}承担`,
    en: `${by.en}; on the corrected custody the excursion began in the ${now.stage.en} leg held by ${now.holder.en}; the claim passes to ${now.holder.en}`,
  };
}
