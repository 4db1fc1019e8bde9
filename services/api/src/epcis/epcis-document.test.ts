import { describe, expect, it } from 'vitest';
import { buildLegs } from '@coldchain/domain';
import type { CustodyEvent, Stage } from '@coldchain/domain';
import { buildEpcisDocument } from './epcis-document.ts';
import { checkEpcisSchema } from './epcis-schema-check.ts';
import type { EpcisExcursion, EpcisInput, ObjectEvent } from './epcis-types.ts';
import { meetsExcursion } from './sensor-events.ts';
import { intervalFromReadings, intervalWindows } from './temperature-intervals.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 5, 10, 0, 0); // 08:00 Beijing time

function handoff(seq: number, at: number, stage: Stage, toOrgId: string | null, station: string | null, probeTempC: number | null = null): CustodyEvent {
  return { id: `00000000-0000-4000-8000-00000000000${seq}`, shipmentId: 'shp-1', seq, at, stage, toOrgId, station, probeTempC, recordedAt: at + MIN };
}

const EVENTS = [
  handoff(1, T0, 'packhouse', 'org-coop', '永兴预冷站'),
  handoff(2, T0 + 90 * MIN, 'first_mile', 'org-truck', '永兴预冷站', 4.2),
  handoff(3, T0 + 4 * HOUR, 'hub', 'org-hub', '海口南港冷库', 16.5),
  handoff(4, T0 + 6 * HOUR + 30 * MIN, 'delivered', null, '浦东驿站'),
];

const EXCURSION: EpcisExcursion = {
  id: 'alert-1', ruleId: 'high', direction: 'above', thresholdC: 15, activeAt: T0 + 3 * HOUR + 10 * MIN, clearedAt: T0 + 4 * HOUR + 20 * MIN,
  peakTempC: 18.4, outsideMs: 70 * MIN, degreeMinutes: 150,
  attribution: { status: 'attributed', orgId: 'org-truck', legIndex: 1, reason: { zh: '头程运输期间超温', en: 'Too warm during the first-mile carriage' } },
};

function input(overrides: Partial<EpcisInput> = {}): EpcisInput {
  const legs = buildLegs(EVENTS);
  return {
    shipment: { id: 'shp-1', traceCode: 'trace-abc', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-01', origin: '海南 海口 永兴镇', destination: '上海 浦东新区', boxes: 120, startedAt: T0, deliveredAt: EVENTS[3]!.at },
    profile: { id: 'lychee', name: { zh: '荔枝', en: 'Lychee' }, optimumC: { min: 2, max: 5 }, limits: [{ id: 'high', direction: 'above', thresholdC: 15 }, { id: 'low', direction: 'below', thresholdC: 1 }] },
    orgNames: { 'org-coop': '永兴荔枝合作社', 'org-truck': '椰城冷链运输', 'org-hub': '海口南港冷库枢纽' },
    events: EVENTS,
    recordedEvents: EVENTS,
    corrections: [],
    legs,
    series: [
      { legIndex: 0, from: T0, to: T0 + 90 * MIN, intervals: [
        { startAt: T0, endAt: T0 + HOUR, minC: 3.1, maxC: 4.0, meanC: 3.5, count: 60, source: 'hourly_rollup' },
        { startAt: T0 + HOUR, endAt: T0 + 90 * MIN, minC: 3.9, maxC: 4.2, meanC: 4.05, count: 30, source: 'raw_readings' },
      ] },
      { legIndex: 1, from: T0 + 90 * MIN, to: T0 + 4 * HOUR, intervals: [
        { startAt: T0 + 90 * MIN, endAt: T0 + 2 * HOUR, minC: 4.1, maxC: 5.0, meanC: 4.6, count: 30, source: 'raw_readings' },
        // T0+2h..3h has no readings: a gap.
        { startAt: T0 + 3 * HOUR, endAt: T0 + 4 * HOUR, minC: 9.0, maxC: 18.4, meanC: 15.9, count: 60, source: 'hourly_rollup' },
      ] },
      { legIndex: 2, from: T0 + 4 * HOUR, to: T0 + 6 * HOUR + 30 * MIN, intervals: [
        { startAt: T0 + 4 * HOUR, endAt: T0 + 5 * HOUR, minC: 6.0, maxC: 16.2, meanC: 11.0, count: 60, source: 'hourly_rollup' },
        { startAt: T0 + 5 * HOUR, endAt: T0 + 6 * HOUR, minC: 4.0, maxC: 6.0, meanC: 5.0, count: 60, source: 'hourly_rollup' },
        { startAt: T0 + 6 * HOUR, endAt: T0 + 6 * HOUR + 30 * MIN, minC: 3.8, maxC: 4.1, meanC: 3.9, count: 30, source: 'raw_readings' },
      ] },
    ],
    excursions: [EXCURSION],
    createdAt: T0 + 7 * HOUR,
    ...overrides,
  };
}

const handoffsOf = (events: ObjectEvent[]) => events.filter((e) => e.eventID !== undefined && e.errorDeclaration === undefined);
const legEventsOf = (events: ObjectEvent[]) => events.filter((e) => e['coldchain:legStartTime'] !== undefined);

describe('buildEpcisDocument', () => {
  const doc = buildEpcisDocument(input());
  const events = doc.epcisBody.eventList;

  it('is an EPCIS 2.0 document the GS1 JSON schema accepts', () => {
    expect(doc).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2025-06-10T07:00:00.000Z' });
    expect(doc['@context'][0]).toBe('https://ref.gs1.org/standards/epcis/epcis-context.jsonld');
    expect(checkEpcisSchema(doc)).toEqual([]);
  });

  it('makes one OBSERVE ObjectEvent per handoff with its CBV step, parties, read point and probe', () => {
    const handoffs = handoffsOf(events);
    expect(handoffs.map((e) => [e.eventID, e.eventTime, e.bizStep, e.disposition, e.readPoint?.id, e.bizLocation?.id])).toEqual([
      ['urn:uuid:00000000-0000-4000-8000-000000000001', '2025-06-10T00:00:00.000Z', 'storing', 'in_progress', 'urn:coldchain:station:%E6%B0%B8%E5%85%B4%E9%A2%84%E5%86%B7%E7%AB%99', 'urn:coldchain:station:%E6%B0%B8%E5%85%B4%E9%A2%84%E5%86%B7%E7%AB%99'],
      ['urn:uuid:00000000-0000-4000-8000-000000000002', '2025-06-10T01:30:00.000Z', 'shipping', 'in_transit', 'urn:coldchain:station:%E6%B0%B8%E5%85%B4%E9%A2%84%E5%86%B7%E7%AB%99', undefined],
      ['urn:uuid:00000000-0000-4000-8000-000000000003', '2025-06-10T04:00:00.000Z', 'receiving', 'in_progress', 'urn:coldchain:station:%E6%B5%B7%E5%8F%A3%E5%8D%97%E6%B8%AF%E5%86%B7%E5%BA%93', 'urn:coldchain:station:%E6%B5%B7%E5%8F%A3%E5%8D%97%E6%B8%AF%E5%86%B7%E5%BA%93'],
      ['urn:uuid:00000000-0000-4000-8000-000000000004', '2025-06-10T06:30:00.000Z', 'receiving', undefined, 'urn:coldchain:station:%E6%B5%A6%E4%B8%9C%E9%A9%BF%E7%AB%99', 'urn:coldchain:station:%E6%B5%A6%E4%B8%9C%E9%A9%BF%E7%AB%99'],
    ]);
    for (const e of handoffs) expect(e).toMatchObject({ action: 'OBSERVE', epcList: ['urn:coldchain:shipment:shp-1'], quantityList: [{ epcClass: 'urn:coldchain:product:lychee', quantity: 120 }], eventTimeZoneOffset: '+08:00' });
    expect(handoffs.map((e) => [e.sourceList, e.destinationList])).toEqual([
      [[{ type: 'location', source: 'urn:coldchain:place:%E6%B5%B7%E5%8D%97%20%E6%B5%B7%E5%8F%A3%20%E6%B0%B8%E5%85%B4%E9%95%87' }], [{ type: 'possessing_party', destination: 'urn:coldchain:org:org-coop' }, { type: 'owning_party', destination: 'urn:coldchain:org:org-coop' }]],
      [[{ type: 'possessing_party', source: 'urn:coldchain:org:org-coop' }], [{ type: 'possessing_party', destination: 'urn:coldchain:org:org-truck' }]],
      [[{ type: 'possessing_party', source: 'urn:coldchain:org:org-truck' }], [{ type: 'possessing_party', destination: 'urn:coldchain:org:org-hub' }]],
      [[{ type: 'possessing_party', source: 'urn:coldchain:org:org-hub' }], [{ type: 'location', destination: 'urn:coldchain:place:%E4%B8%8A%E6%B5%B7%20%E6%B5%A6%E4%B8%9C%E6%96%B0%E5%8C%BA' }]],
    ]);
    // Probes: 4.2 °C within the limits; 16.5 °C at the hub above the 15 °C limit is an alarm.
    expect(handoffs.map((e) => e.sensorElementList?.[0]?.sensorReport[0])).toEqual([
      undefined,
      { type: 'gs1:Temperature', value: 4.2, uom: 'CEL', time: '2025-06-10T01:30:00.000Z' },
      { type: 'gs1:Temperature', value: 16.5, uom: 'CEL', time: '2025-06-10T04:00:00.000Z', exception: 'ALARM_CONDITION' },
      undefined,
    ]);
  });

  it('carries each leg\'s intervals as min/max/mean of gs1:Temperature in CEL, alarms where an excursion ran', () => {
    const legs = legEventsOf(events);
    expect(legs.map((e) => [e['coldchain:legIndex'], e.bizStep, e['coldchain:custodian'], e.eventTime, e['coldchain:intervalsWithoutReadings']])).toEqual([
      [0, 'storing', 'urn:coldchain:org:org-coop', '2025-06-10T01:30:00.000Z', 0],
      [1, 'transporting', 'urn:coldchain:org:org-truck', '2025-06-10T04:00:00.000Z', 1],
      [2, 'storing', 'urn:coldchain:org:org-hub', '2025-06-10T06:30:00.000Z', 0],
    ]);
    const reports = legs.flatMap((e) => (e.sensorElementList ?? []).map((el) => [el.sensorMetadata?.startTime, el.sensorMetadata?.endTime, el.sensorMetadata?.dataProcessingMethod, el.sensorReport[0]]));
    expect(reports[3]).toEqual([
      '2025-06-10T03:00:00.000Z', '2025-06-10T04:00:00.000Z', 'urn:coldchain:method:hourly-rollup',
      { type: 'gs1:Temperature', minValue: 9, maxValue: 18.4, meanValue: 15.9, uom: 'CEL', exception: 'ALARM_CONDITION', 'coldchain:readingCount': 60 },
    ]);
    expect(reports[1]?.[2]).toBe('urn:coldchain:method:raw-readings');
    // The excursion ran 03:10–04:20 UTC: the hours 03–04 and 04–05 are alarms, no other.
    expect(reports.map((r) => (r[3] as { exception?: string }).exception ?? null)).toEqual([null, null, null, 'ALARM_CONDITION', 'ALARM_CONDITION', null, null]);
  });

  it('shows each excursion as a sensor_reporting event at its onset, with the limit, the peak and the attribution', () => {
    const excursion = events.find((e) => e.bizStep === 'sensor_reporting');
    expect(excursion).toMatchObject({
      eventTime: '2025-06-10T03:10:00.000Z',
      'coldchain:custodian': 'urn:coldchain:org:org-truck',
      sensorElementList: [{
        sensorMetadata: { startTime: '2025-06-10T03:10:00.000Z', endTime: '2025-06-10T04:20:00.000Z', bizRules: 'urn:coldchain:profile:lychee:limit:high' },
        sensorReport: [{ type: 'gs1:Temperature', exception: 'ALARM_CONDITION', maxValue: 18.4, uom: 'CEL', 'coldchain:thresholdC': 15 }],
      }],
      'coldchain:excursion': { 'coldchain:isOngoing': false, 'coldchain:outsideMinutes': 70, 'coldchain:attribution': { 'coldchain:status': 'attributed', 'coldchain:liableParty': 'urn:coldchain:org:org-truck', 'coldchain:legIndex': 1 } },
    });
  });

  it('orders events by time: a leg\'s series before the handoff that ends it, the onset inside its leg', () => {
    expect(events.map((e) => e.bizStep)).toEqual(['storing', 'storing', 'shipping', 'sensor_reporting', 'transporting', 'receiving', 'storing', 'receiving']);
    const times = events.map((e) => Date.parse(e.eventTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('names stations, parties and places in master data', () => {
    const vocab = doc.epcisHeader.epcisMasterData.vocabularyList;
    const parties = vocab.find((v) => v.type === 'urn:epcglobal:epcis:vtype:SourceDest')!.vocabularyElementList;
    expect(parties.find((p) => p.id === 'urn:coldchain:org:org-hub')?.attributes).toEqual([{ id: 'urn:epcglobal:cbv:mda#name', attribute: '海口南港冷库枢纽' }]);
    const locations = vocab.find((v) => v.type === 'urn:epcglobal:epcis:vtype:BusinessLocation')!.vocabularyElementList;
    expect(locations.map((l) => l.attributes[0]!.attribute)).toEqual(['永兴预冷站', '海口南港冷库', '浦东驿站']);
  });

  it('marks an excursion still firing as ongoing and keeps alarming the hours after its onset', () => {
    const ongoing = buildEpcisDocument(input({ excursions: [{ ...EXCURSION, clearedAt: null }] }));
    const excursion = ongoing.epcisBody.eventList.find((e) => e.bizStep === 'sensor_reporting')!;
    expect(excursion.sensorElementList![0]!.sensorMetadata).not.toHaveProperty('endTime');
    expect(excursion['coldchain:excursion']).toMatchObject({ 'coldchain:isOngoing': true, 'coldchain:clearedTime': null });
    const alarms = legEventsOf(ongoing.epcisBody.eventList).flatMap((e) => e.sensorElementList ?? []).map((el) => el.sensorReport[0]!.exception ?? null);
    expect(alarms).toEqual([null, null, null, 'ALARM_CONDITION', 'ALARM_CONDITION', 'ALARM_CONDITION', 'ALARM_CONDITION']);
    expect(checkEpcisSchema(ongoing)).toEqual([]);
  });

  it('exports a shipment still in its first leg, without readings, as a valid document', () => {
    const early = buildEpcisDocument(input({ events: [EVENTS[0]!], recordedEvents: [EVENTS[0]!], legs: buildLegs([EVENTS[0]!]), series: [{ legIndex: 0, from: T0, to: T0 + 30 * MIN, intervals: [] }], excursions: [] }));
    expect(early.epcisBody.eventList).toHaveLength(2);
    expect(legEventsOf(early.epcisBody.eventList)[0]).toMatchObject({ 'coldchain:readingCount': 0, 'coldchain:intervalsWithoutReadings': 1 });
    expect(legEventsOf(early.epcisBody.eventList)[0]).not.toHaveProperty('sensorElementList');
    expect(checkEpcisSchema(early)).toEqual([]);
  });
});

describe('buildEpcisDocument with a corrected handoff', () => {
  // The hub's scan named the wrong dock and a probe of 16.5 °C; corrected (twice) to dock 1 and 6.5 °C.
  const corrected = EVENTS.map((e) => (e.seq === 3 ? { ...e, station: '海口南港冷库 1号月台', probeTempC: 6.5 } : e));
  const corrections = [
    { id: 'c0000000-0000-4000-8000-000000000001', shipmentId: 'shp-1', seq: 1, eventId: EVENTS[2]!.id, changes: { probeTempC: 65 }, reason: '探针读数录入错误', correctedBy: '南港值班', recordedAt: T0 + 8 * HOUR },
    { id: 'c0000000-0000-4000-8000-000000000002', shipmentId: 'shp-1', seq: 2, eventId: EVENTS[2]!.id, changes: { probeTempC: 6.5, station: '海口南港冷库 1号月台' }, reason: '小数点错位，月台号扫错', correctedBy: '南港值班', recordedAt: T0 + 9 * HOUR },
  ];
  const doc = buildEpcisDocument(input({ events: corrected, corrections }));
  const events = doc.epcisBody.eventList;

  it('keeps the handoff as recorded with an errorDeclaration naming the corrective event, which holds the correction', () => {
    const original = events.find((e) => e.eventID === 'urn:uuid:00000000-0000-4000-8000-000000000003')!;
    expect(original.errorDeclaration).toEqual({ declarationTime: '2025-06-10T08:00:00.000Z', reason: 'incorrect_data', correctiveEventIDs: ['urn:uuid:c0000000-0000-4000-8000-000000000002'] });
    expect(original.sensorElementList![0]!.sensorReport[0]).toMatchObject({ value: 16.5, exception: 'ALARM_CONDITION' });
    const corrective = events.find((e) => e.eventID === 'urn:uuid:c0000000-0000-4000-8000-000000000002')!;
    expect(corrective).toMatchObject({
      eventTime: original.eventTime,
      recordTime: '2025-06-10T09:00:00.000Z',
      bizStep: 'receiving',
      readPoint: { id: `urn:coldchain:station:${encodeURIComponent('海口南港冷库 1号月台')}` },
      'coldchain:corrects': 'urn:uuid:00000000-0000-4000-8000-000000000003',
    });
    expect(corrective.sensorElementList![0]!.sensorReport[0]).toEqual({ type: 'gs1:Temperature', value: 6.5, uom: 'CEL', time: original.eventTime });
    expect((corrective['coldchain:corrections'] as { 'coldchain:reason': string }[]).map((c) => c['coldchain:reason'])).toEqual(['探针读数录入错误', '小数点错位，月台号扫错']);
    // Still one handoff in effect per custody event.
    expect(handoffsOf(events)).toHaveLength(EVENTS.length);
    expect(checkEpcisSchema(doc)).toEqual([]);
  });
});

describe('intervalWindows', () => {
  const cases: Array<{ name: string; from: number; to: number; expected: [number, number, boolean][] }> = [
    { name: 'a leg inside one hour', from: T0 + 10 * MIN, to: T0 + 50 * MIN, expected: [[T0 + 10 * MIN, T0 + 50 * MIN, false]] },
    { name: 'a leg on the grid', from: T0, to: T0 + 2 * HOUR, expected: [[T0, T0 + HOUR, true], [T0 + HOUR, T0 + 2 * HOUR, true]] },
    {
      name: 'a leg cut at both ends',
      from: T0 + 90 * MIN,
      to: T0 + 4 * HOUR + 5 * MIN,
      expected: [[T0 + 90 * MIN, T0 + 2 * HOUR, false], [T0 + 2 * HOUR, T0 + 3 * HOUR, true], [T0 + 3 * HOUR, T0 + 4 * HOUR, true], [T0 + 4 * HOUR, T0 + 4 * HOUR + 5 * MIN, false]],
    },
    { name: 'a zero-length leg', from: T0 + HOUR, to: T0 + HOUR, expected: [] },
  ];
  for (const c of cases) {
    it(`cuts ${c.name}`, () => {
      expect(intervalWindows(c.from, c.to).map((w) => [w.startAt, w.endAt, w.isWholeHour])).toEqual(c.expected);
    });
  }

  it('summarizes raw readings: min, max, mean to 0.01 °C, count; nothing from no readings', () => {
    const window = { startAt: T0, endAt: T0 + 30 * MIN, isWholeHour: false };
    expect(intervalFromReadings(window, [4.1, 3.9, 4.3])).toEqual({ startAt: T0, endAt: T0 + 30 * MIN, minC: 3.9, maxC: 4.3, meanC: 4.1, count: 3, source: 'raw_readings' });
    expect(intervalFromReadings(window, [])).toBeNull();
  });

  const hour = { startAt: T0 + HOUR, endAt: T0 + 2 * HOUR };
  const spans: Array<{ name: string; activeAt: number; clearedAt: number | null; expected: boolean }> = [
    { name: 'cleared as the hour begins', activeAt: T0 + 30 * MIN, clearedAt: T0 + HOUR, expected: false },
    { name: 'cleared a minute into the hour', activeAt: T0 + 30 * MIN, clearedAt: T0 + HOUR + MIN, expected: true },
    { name: 'begun as the hour ends', activeAt: T0 + 2 * HOUR, clearedAt: null, expected: false },
    { name: 'begun in the hour, still firing', activeAt: T0 + HOUR + 59 * MIN, clearedAt: null, expected: true },
    { name: 'begun before, still firing', activeAt: T0, clearedAt: null, expected: true },
  ];
  for (const c of spans) {
    it(`flags an hour for an excursion ${c.name}: ${c.expected}`, () => {
      expect(meetsExcursion(hour, c)).toBe(c.expected);
    });
  }
});
