import { describe, expect, it } from 'vitest';
import { buildLegs, type CustodyEvent, type Stage } from './custody.ts';
import { applyCorrections, checkHandoffTime, correctionWithdrawalReason, validateCorrection, type CorrectionChanges, type CustodyCorrection } from './custody-corrections.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 1, 2, 0);

function event(seq: number, atMin: number, stage: Stage, toOrgId: string | null, extra: Partial<CustodyEvent> = {}): CustodyEvent {
  return { id: `ev-${seq}`, shipmentId: 'sh-1', seq, at: T0 + atMin * MIN, stage, toOrgId, station: null, probeTempC: null, recordedAt: T0 + atMin * MIN, ...extra };
}

/** Packhouse 0, first mile 60, hub 180, line haul 300, last mile 1500, delivered 1620 (minutes). */
const JOURNEY: readonly CustodyEvent[] = [
  event(1, 0, 'packhouse', 'org-farm', { station: 'Maoming packhouse' }),
  event(2, 60, 'first_mile', 'org-van'),
  event(3, 180, 'hub', 'org-hub', { station: 'Guangzhou hub', probeTempC: 5.1 }),
  event(4, 300, 'line_haul', 'org-reefer', { probeTempC: 4.8 }),
  event(5, 1500, 'last_mile', 'org-courier'),
  event(6, 1620, 'delivered', null),
];

let nextSeq = 1;
function correction(eventId: string, changes: CorrectionChanges): CustodyCorrection {
  const seq = nextSeq++;
  return { id: `co-${seq}`, shipmentId: 'sh-1', seq, eventId, changes, reason: 'scan entered late', correctedBy: 'ops@platform', recordedAt: T0 + 2000 * MIN + seq };
}

const minutes = (events: readonly CustodyEvent[]) => events.map((e) => [e.id, (e.at - T0) / MIN]);

describe('applyCorrections', () => {
  const cases: { name: string; corrections: CustodyCorrection[]; expected: (e: CustodyEvent[]) => unknown; value: unknown }[] = [
    { name: 'no corrections: the events in time order', corrections: [], expected: minutes, value: [['ev-1', 0], ['ev-2', 60], ['ev-3', 180], ['ev-4', 300], ['ev-5', 1500], ['ev-6', 1620]] },
    { name: 'a corrected time moves the event and re-sorts', corrections: [correction('ev-4', { at: T0 + 170 * MIN })], expected: minutes, value: [['ev-1', 0], ['ev-2', 60], ['ev-4', 170], ['ev-3', 180], ['ev-5', 1500], ['ev-6', 1620]] },
    { name: 'a later correction of the same field wins', corrections: [correction('ev-3', { at: T0 + 200 * MIN }), correction('ev-3', { at: T0 + 240 * MIN })], expected: (e) => e[2]!.at, value: T0 + 240 * MIN },
    { name: 'corrections are applied in recording order, not list order', corrections: [correction('ev-3', { at: T0 + 200 * MIN }), correction('ev-3', { at: T0 + 240 * MIN })].reverse(), expected: (e) => e[2]!.at, value: T0 + 240 * MIN },
    { name: 'a field left out is unchanged', corrections: [correction('ev-3', { toOrgId: 'org-hub-2' })], expected: (e) => [e[2]!.toOrgId, e[2]!.station, e[2]!.probeTempC, e[2]!.at], value: ['org-hub-2', 'Guangzhou hub', 5.1, T0 + 180 * MIN] },
    { name: 'probeTempC null clears the probe', corrections: [correction('ev-3', { probeTempC: null })], expected: (e) => e[2]!.probeTempC, value: null },
    { name: 'corrections of different fields add up', corrections: [correction('ev-3', { station: 'Foshan hub' }), correction('ev-3', { probeTempC: 9.1 })], expected: (e) => [e[2]!.station, e[2]!.probeTempC], value: ['Foshan hub', 9.1] },
    { name: 'a correction naming an unknown event is ignored', corrections: [correction('ev-99', { at: T0 })], expected: (e) => e.length, value: 6 },
  ];
  it.each(cases)('$name', ({ corrections, expected, value }) => {
    expect(expected(applyCorrections(JOURNEY, corrections))).toEqual(value);
  });

  it('leaves the original events as they were scanned', () => {
    const before = structuredClone(JOURNEY);
    applyCorrections(JOURNEY, [correction('ev-3', { at: T0 + 200 * MIN, toOrgId: 'x', probeTempC: null })]);
    expect(JOURNEY).toEqual(before);
  });

  it('gives the legs of the corrected custody: the hub leg ends at the corrected line-haul handoff', () => {
    const legs = buildLegs(applyCorrections(JOURNEY, [correction('ev-4', { at: T0 + 240 * MIN })]));
    expect(legs.map((l) => [l.stage, (l.startedAt - T0) / MIN, l.endedAt === null ? null : (l.endedAt - T0) / MIN])).toEqual([
      ['packhouse', 0, 60],
      ['first_mile', 60, 180],
      ['hub', 180, 240],
      ['line_haul', 240, 1500],
      ['last_mile', 1500, 1620],
    ]);
  });
});

describe('validateCorrection', () => {
  const base = { startedAt: T0, shipperOrgId: 'org-farm', events: JOURNEY };
  const at = (m: number) => T0 + m * MIN;
  const cases: { name: string; eventId: string; changes: CorrectionChanges; code: string | null; field?: string; message?: RegExp }[] = [
    { name: 'a time between the neighbours', eventId: 'ev-4', changes: { at: at(240) }, code: null },
    { name: 'a party, station and probe', eventId: 'ev-3', changes: { toOrgId: 'org-hub-2', station: 'Foshan', probeTempC: null }, code: null },
    { name: 'the packhouse station and probe', eventId: 'ev-1', changes: { station: 'Maoming 2', probeTempC: 4 }, code: null },
    { name: 'the packhouse party kept the shipper', eventId: 'ev-1', changes: { toOrgId: 'org-farm' }, code: null },
    { name: 'the delivery time', eventId: 'ev-6', changes: { at: at(1700) }, code: null },
    { name: 'the same time again (no move)', eventId: 'ev-3', changes: { at: at(180), probeTempC: 6 }, code: null },
    { name: 'an unknown event', eventId: 'ev-99', changes: { at: at(10) }, code: 'correction.event_not_found', field: 'eventId', message: /^eventId: no custody event ev-99/ },
    { name: 'no change at all', eventId: 'ev-3', changes: {}, code: 'correction.no_change', field: 'eventId' },
    { name: 'a party for the delivery', eventId: 'ev-6', changes: { toOrgId: 'org-x' }, code: 'correction.not_applicable', field: 'toOrgId' },
    { name: "the packhouse party away from the shipper", eventId: 'ev-1', changes: { toOrgId: 'org-van' }, code: 'correction.first_leg', field: 'toOrgId', message: /packhouse leg is the shipper's \(org-farm\)/ },
    { name: "the packhouse time (the shipment's start)", eventId: 'ev-1', changes: { at: at(5) }, code: 'correction.first_leg', field: 'at' },
    { name: 'a time before the start', eventId: 'ev-2', changes: { at: at(-1) }, code: 'handoff.before_start', field: 'at' },
    { name: "a time at another event's time", eventId: 'ev-4', changes: { at: at(180) }, code: 'handoff.same_time', field: 'at', message: /^at: .* is the time of event ev-3 \(hub, org-hub, / },
    { name: 'a time at the start (the packhouse event)', eventId: 'ev-2', changes: { at: at(0) }, code: 'handoff.same_time', field: 'at' },
    { name: 'a line haul moved before the hub', eventId: 'ev-4', changes: { at: at(100) }, code: 'correction.stage_order', field: 'at', message: /line_haul event before event ev-3/ },
    { name: 'a hub moved after the line haul', eventId: 'ev-3', changes: { at: at(400) }, code: 'correction.stage_order', field: 'at', message: /hub event after event ev-4/ },
    { name: 'a handoff moved after the delivery', eventId: 'ev-5', changes: { at: at(1700) }, code: 'correction.stage_order', field: 'at' },
    { name: 'the delivery moved before the last mile', eventId: 'ev-6', changes: { at: at(1400) }, code: 'correction.stage_order', field: 'at' },
  ];
  it.each(cases)('$name: $code', ({ eventId, changes, code, field, message }) => {
    const refusal = validateCorrection({ ...base, eventId, changes });
    if (code === null) return expect(refusal).toBeNull();
    expect(refusal).toMatchObject({ code, field });
    if (message) expect(refusal?.message).toMatch(message);
  });

  it('judges against the effective events: a time freed by an earlier correction can be taken', () => {
    const effective = applyCorrections(JOURNEY, [correction('ev-4', { at: at(240) })]);
    expect(validateCorrection({ ...base, events: effective, eventId: 'ev-3', changes: { at: at(230) } })).toBeNull();
    expect(validateCorrection({ ...base, events: effective, eventId: 'ev-3', changes: { at: at(240) } })).toMatchObject({ code: 'handoff.same_time' });
    expect(validateCorrection({ ...base, events: effective, eventId: 'ev-3', changes: { at: at(250) } })).toMatchObject({ code: 'correction.stage_order' });
  });

  it('allows a repeated stage (a relay of two line-haul trucks) in either order between them', () => {
    const relay = [...JOURNEY.slice(0, 4), event(7, 900, 'line_haul', 'org-reefer-2'), ...JOURNEY.slice(4)];
    expect(validateCorrection({ ...base, events: relay, eventId: 'ev-7', changes: { at: at(320) } })).toBeNull();
  });
});

describe('checkHandoffTime', () => {
  const cases = [
    { name: 'a new time', atMin: 200, code: null },
    { name: 'a repeated scan at the same time', atMin: 300, code: 'handoff.same_time' },
    { name: 'before the start', atMin: -5, code: 'handoff.before_start' },
  ];
  it.each(cases)('$name', ({ atMin, code }) => {
    const refusal = checkHandoffTime({ startedAt: T0, events: JOURNEY, at: T0 + atMin * MIN });
    expect(refusal?.code ?? null).toBe(code);
    if (code) expect(refusal?.field).toBe('at');
  });

  const scans = [
    { name: 'the line haul scanned again 385 ms later', at: T0 + 300 * MIN + 385, scan: { stage: 'line_haul' as const, toOrgId: 'org-reefer' }, code: 'handoff.repeated' },
    { name: 'the line haul scanned again 4 min earlier', at: T0 + 296 * MIN, scan: { stage: 'line_haul' as const, toOrgId: 'org-reefer' }, code: 'handoff.repeated' },
    { name: 'the same stage to another party 1 min later', at: T0 + 301 * MIN, scan: { stage: 'line_haul' as const, toOrgId: 'org-reefer-2' }, code: null },
    { name: 'the same handoff 5 min later (a new one)', at: T0 + 305 * MIN, scan: { stage: 'line_haul' as const, toOrgId: 'org-reefer' }, code: null },
    { name: 'another stage 1 min later', at: T0 + 301 * MIN, scan: { stage: 'last_mile' as const, toOrgId: 'org-reefer' }, code: null },
  ];
  it.each(scans)('$name', ({ at, scan, code }) => {
    const refusal = checkHandoffTime({ startedAt: T0, events: JOURNEY, at, scan });
    expect(refusal?.code ?? null).toBe(code);
    if (code) expect(refusal?.message).toMatch(/^at: .* repeats .*, \d+ s apart; the same handoff is not recorded twice within 5 min \(correct the first scan instead\)$/);
  });
});

describe('correctionWithdrawalReason', () => {
  it('says who corrected what and why, and where the claim goes, in Chinese and English', () => {
    const reason = correctionWithdrawalReason({ correctedBy: 'ops@platform', reason: 'scan entered late' }, { stage: { zh: '干线冷运', en: 'Line-haul reefer' }, holder: { zh: '南北干线冷运', en: 'Nanbei Reefer' } });
    expect(reason.zh).toBe('交接记录已由 ops@platform 更正（原因：scan entered late）；按更正后的交接记录，超标开始于由南北干线冷运持有的「干线冷运」段，索赔转由南北干线冷运承担');
    expect(reason.en).toBe('the custody record was corrected by ops@platform (scan entered late); on the corrected custody the excursion began in the Line-haul reefer leg held by Nanbei Reefer; the claim passes to Nanbei Reefer');
  });

  it('says the claim no longer holds when nobody takes it over', () => {
    expect(correctionWithdrawalReason({ correctedBy: 'a', reason: 'b' }, null).en).toMatch(/can no longer be placed on this party, so the claim is withdrawn$/);
  });
});
