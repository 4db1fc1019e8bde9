import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, StoredReading } from '@coldchain/storage';
import { buildApi } from '../app.ts';
import { openTempStores } from '../test-harness.ts';
import { ADMIN_TOKEN_ACTOR } from '../auth/authenticate.ts';
import type { TempStores } from '../test-harness.ts';
import { checkEpcisSchema } from './epcis-schema-check.ts';
import type { EpcisDocument, ObjectEvent } from './epcis-types.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
// 08:20 Beijing time: the journey's handoffs fall inside hours, so every leg has partial-hour edges.
const T0 = Date.UTC(2025, 5, 10, 0, 20);
const NOW = T0 + 20 * HOUR;

const ORGS = [
  { id: 'org-coop', name: '海南永兴荔枝合作社', kind: 'shipper' },
  { id: 'org-yecheng', name: '椰城冷链运输', kind: 'carrier' },
  { id: 'org-hub', name: '海口南港冷库枢纽', kind: 'warehouse' },
  { id: 'org-reefer', name: '南北干线冷运', kind: 'carrier' },
  { id: 'org-courier', name: '浦东同城冷配', kind: 'courier' },
] as const;

/** The journey: each handoff with the stage it opens, who takes the goods, where, and the probe. */
const HANDOFFS = [
  { at: T0 + 70 * MIN, stage: 'first_mile', toOrgId: 'org-yecheng', station: '永兴预冷站', probeTempC: 4.6 },
  { at: T0 + 3 * HOUR + 40 * MIN, stage: 'hub', toOrgId: 'org-hub', station: '海口南港冷库 3号月台', probeTempC: 16.2 },
  { at: T0 + 6 * HOUR + 5 * MIN, stage: 'line_haul', toOrgId: 'org-reefer', station: '海口南港冷库 3号月台', probeTempC: 9.1 },
  { at: T0 + 9 * HOUR + 30 * MIN, stage: 'last_mile', toOrgId: 'org-courier', station: '上海浦东分拨中心', probeTempC: 4.8 },
  { at: T0 + 11 * HOUR + 15 * MIN, stage: 'delivered', station: '浦东驿站' },
] as const;
const DELIVERED_AT = HANDOFFS[4].at;

/**
 * One reading a minute from the start to an hour after the delivery: cold at 3–5 °C, but the first-mile
 * truck warms to 18.4 °C between 2 h and 3 h in (above lychee's 15 °C limit for 42 minutes), and after
 * the delivery the logger sits in a warm room (those readings are not the shipment's).
 */
function temperatureAt(t: number): number {
  const m = (t - T0) / MIN;
  if (t >= DELIVERED_AT) return 25;
  if (m >= 120 && m < 180) return Math.round((12 + 6.4 * Math.sin(((m - 120) / 60) * Math.PI)) * 10) / 10;
  return Math.round((4 + Math.sin(m / 17)) * 10) / 10;
}
const READINGS: StoredReading[] = [];
for (let t = T0; t <= DELIVERED_AT + HOUR; t += MIN) READINGS.push({ deviceId: 'logger-01', sampledAt: t, tempC: temperatureAt(t), rhPct: 92, receivedAt: t + 5_000 });

/** The excursion alert the rules would have raised for those readings, with its measures. */
function excursionAlert(): Alert {
  const above = READINGS.filter((r) => r.sampledAt < DELIVERED_AT && r.tempC > 15);
  const activeAt = above[0]!.sampledAt;
  const peak = Math.max(...above.map((r) => r.tempC));
  const clearedAt = READINGS.find((r) => r.sampledAt > activeAt && r.tempC <= 14.5)!.sampledAt + 15 * MIN;
  return {
    id: randomUUID(), shipmentId: 'shp-lychee-0610', deviceId: 'logger-01', ruleId: 'high', kind: 'excursion', message: null, tier: 1, status: 'acknowledged', conditionState: 'cleared',
    thresholdC: 15, direction: 'above', activeAt, firedAt: activeAt + 10 * MIN, clearedAt, peakTempC: peak, outsideMs: above.length * MIN,
    degreeMinutes: Math.round(above.reduce((sum, r) => sum + (r.tempC - 15), 0) * 10) / 10,
    attribution: { status: 'attributed', orgId: 'org-yecheng', legIndex: 1, reason: { zh: '超温始于椰城冷链运输承运期间', en: 'The excursion began while 椰城冷链运输 held the goods' } },
    routedTo: ['org-yecheng', 'org-coop', 'platform'], respondBy: activeAt + 70 * MIN, acknowledgedAt: activeAt + 20 * MIN, acknowledgedBy: '椰城值班', resolvedAt: null, resolvedBy: null, resolutionNote: null,
    escalatedAt: null, lastNotifiedAt: activeAt + 10 * MIN, reminders: 0, createdAt: activeAt + 10 * MIN, updatedAt: clearedAt,
  };
}

describe('GET /api/v1/shipments/{id}/epcis over HTTP, on SQLite', () => {
  let stores: TempStores;
  let api: ReturnType<typeof buildApi>;
  let base: string;
  const adminToken = randomBytes(24).toString('base64url');
  const alert = excursionAlert();
  const get = (path: string, token: string | null = adminToken) => fetch(`${base}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(201);
  };
  let document: EpcisDocument;
  let contentType: string | null;

  beforeAll(async () => {
    stores = openTempStores();
    api = buildApi({ host: '127.0.0.1', port: 0, ops: stores.ops, telemetry: stores.telemetry, adminToken, clock: { now: () => NOW }, log: pino({ level: 'silent' }) });
    base = `http://127.0.0.1:${(await api.start()).port}`;
    for (const org of ORGS) await post('/api/v1/organisations', org);
    await post('/api/v1/devices', { id: 'logger-01' });
    await post('/api/v1/shipments', {
      id: 'shp-lychee-0610', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-01', origin: '海南 海口 永兴镇', destination: '上海 浦东新区',
      boxes: 120, goodsValueCents: 3_600_000, freightCents: 480_000, startedAt: T0, station: '永兴预冷站',
    });
    for (const handoff of HANDOFFS) await post('/api/v1/shipments/shp-lychee-0610/handoffs', handoff);
    await stores.telemetry.insertReadings(READINGS);
    await stores.ops.insertAlert(alert);
    // Raised by the warm room after the delivery: not the shipment's excursion.
    await stores.ops.insertAlert({ ...alert, id: randomUUID(), activeAt: DELIVERED_AT + 20 * MIN, firedAt: DELIVERED_AT + 30 * MIN, clearedAt: null, conditionState: 'firing', status: 'open', peakTempC: 25 });
    const response = await get('/api/v1/shipments/shp-lychee-0610/epcis');
    expect(response.status).toBe(200);
    contentType = response.headers.get('content-type');
    document = (await response.json()) as EpcisDocument;
  });

  afterAll(async () => {
    await api?.stop();
    await stores?.close();
  });

  it('answers JSON-LD that the GS1 EPCIS 2.0 JSON schema accepts', () => {
    expect(contentType).toMatch(/^application\/ld\+json/);
    expect(document).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0', creationDate: new Date(NOW).toISOString() });
    const errors = checkEpcisSchema(document);
    expect(errors, `EPCIS schema errors:\n${errors.join('\n')}`).toEqual([]);
  });

  it('and the schema check can fail: a broken copy of the document is rejected, naming what is wrong', () => {
    const broken = structuredClone(document) as unknown as { epcisBody: { eventList: Record<string, unknown>[] } };
    const first = broken.epcisBody.eventList[0]!;
    delete first.eventTimeZoneOffset;
    first.bizStep = 'teleporting';
    broken.epcisBody.eventList[1]!.sourceList = [{ type: 'possessing_party', source: '椰城冷链运输' }];
    const errors = checkEpcisSchema(broken);
    expect(errors.some((e) => e.startsWith("/epcisBody/eventList/0 must have required property 'eventTimeZoneOffset'"))).toBe(true);
    expect(errors.some((e) => e.startsWith('/epcisBody/eventList/0/bizStep'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/epcisBody/eventList/1/sourceList/0/source must match format "uri"'))).toBe(true);
  });

  it('makes one ObjectEvent per handoff with its step, read point, and the parties giving and taking the goods', () => {
    const handoffs = document.epcisBody.eventList.filter((e) => e.eventID !== undefined);
    const station = (name: string) => `urn:coldchain:station:${encodeURIComponent(name)}`;
    const party = (id: string) => [`urn:coldchain:org:${id}`];
    expect(handoffs.map((e) => ({
      time: Date.parse(e.eventTime), step: e.bizStep, readPoint: e.readPoint?.id,
      from: e.sourceList?.filter((s) => s.type === 'possessing_party').map((s) => s.source),
      to: e.destinationList?.filter((d) => d.type === 'possessing_party').map((d) => d.destination),
      probe: e.sensorElementList?.[0]?.sensorReport[0]?.value,
    }))).toEqual([
      { time: T0, step: 'storing', readPoint: station('永兴预冷站'), from: [], to: party('org-coop'), probe: undefined },
      { time: HANDOFFS[0].at, step: 'shipping', readPoint: station('永兴预冷站'), from: party('org-coop'), to: party('org-yecheng'), probe: 4.6 },
      { time: HANDOFFS[1].at, step: 'receiving', readPoint: station('海口南港冷库 3号月台'), from: party('org-yecheng'), to: party('org-hub'), probe: 16.2 },
      { time: HANDOFFS[2].at, step: 'shipping', readPoint: station('海口南港冷库 3号月台'), from: party('org-hub'), to: party('org-reefer'), probe: 9.1 },
      { time: HANDOFFS[3].at, step: 'shipping', readPoint: station('上海浦东分拨中心'), from: party('org-reefer'), to: party('org-courier'), probe: 4.8 },
      { time: DELIVERED_AT, step: 'receiving', readPoint: station('浦东驿站'), from: party('org-courier'), to: [], probe: undefined },
    ]);
    expect(handoffs[2]!.bizLocation).toEqual({ id: station('海口南港冷库 3号月台') });
    expect(handoffs[5]!.destinationList).toEqual([{ type: 'location', destination: `urn:coldchain:place:${encodeURIComponent('上海 浦东新区')}` }]);
    // The hub took the goods at 16.2 °C, above the 15 °C limit: the probe report is an alarm.
    expect(handoffs[2]!.sensorElementList![0]!.sensorReport[0]!.exception).toBe('ALARM_CONDITION');
    const names = document.epcisHeader.epcisMasterData.vocabularyList.find((v) => v.type === 'urn:epcglobal:epcis:vtype:SourceDest')!.vocabularyElementList;
    expect(names.find((n) => n.id === 'urn:coldchain:org:org-hub')!.attributes[0]!.attribute).toBe('海口南港冷库枢纽');
  });

  it("reports each interval's min, max and mean as the readings of that interval are, and no reading after the delivery", () => {
    const legEvents = document.epcisBody.eventList.filter((e) => e['coldchain:legIndex'] !== undefined && e.bizStep !== 'sensor_reporting');
    expect(legEvents.map((e) => [e['coldchain:stage'], e['coldchain:custodian'], e.bizStep])).toEqual([
      ['packhouse', 'urn:coldchain:org:org-coop', 'storing'],
      ['first_mile', 'urn:coldchain:org:org-yecheng', 'transporting'],
      ['hub', 'urn:coldchain:org:org-hub', 'storing'],
      ['line_haul', 'urn:coldchain:org:org-reefer', 'transporting'],
      ['last_mile', 'urn:coldchain:org:org-courier', 'transporting'],
    ]);
    const elements = legEvents.flatMap((e) => e.sensorElementList ?? []);
    const methods = new Set<string>();
    let counted = 0;
    for (const element of elements) {
      const from = Date.parse(element.sensorMetadata!.startTime!);
      const to = Date.parse(element.sensorMetadata!.endTime!);
      const temps = READINGS.filter((r) => r.sampledAt >= from && r.sampledAt < to).map((r) => r.tempC);
      const report = element.sensorReport[0]!;
      const mean = temps.reduce((a, b) => a + b, 0) / temps.length;
      expect({ type: report.type, uom: report.uom, min: report.minValue, max: report.maxValue, count: report['coldchain:readingCount'] }, `interval ${element.sensorMetadata!.startTime}`).toEqual({
        type: 'gs1:Temperature', uom: 'CEL', min: Math.min(...temps), max: Math.max(...temps), count: temps.length,
      });
      expect(report.meanValue).toBeCloseTo(mean, 2);
      methods.add(element.sensorMetadata!.dataProcessingMethod!);
      counted += temps.length;
    }
    // Every reading of the journey is in exactly one interval; the warm room after the delivery in none.
    expect(counted).toBe(READINGS.filter((r) => r.sampledAt < DELIVERED_AT).length);
    expect(Math.max(...elements.map((e) => e.sensorReport[0]!.maxValue!))).toBe(18.4);
    expect(methods).toEqual(new Set(['urn:coldchain:method:hourly-rollup', 'urn:coldchain:method:raw-readings']));
  });

  it('makes the excursion visible: an event at its onset with the limit and attribution, alarms on the hours it ran, none after the delivery', () => {
    const excursions = document.epcisBody.eventList.filter((e) => e.bizStep === 'sensor_reporting');
    expect(excursions).toHaveLength(1);
    expect(excursions[0]).toMatchObject({
      eventTime: new Date(alert.activeAt).toISOString(),
      'coldchain:custodian': 'urn:coldchain:org:org-yecheng',
      sensorElementList: [{ sensorMetadata: { bizRules: 'urn:coldchain:profile:lychee:limit:high' }, sensorReport: [{ type: 'gs1:Temperature', exception: 'ALARM_CONDITION', maxValue: 18.4, uom: 'CEL', 'coldchain:thresholdC': 15 }] }],
      'coldchain:excursion': { 'coldchain:alertId': alert.id, 'coldchain:outsideMinutes': alert.outsideMs / MIN, 'coldchain:attribution': { 'coldchain:status': 'attributed', 'coldchain:liableParty': 'urn:coldchain:org:org-yecheng' } },
    });
    const alarmed = document.epcisBody.eventList
      .flatMap((e: ObjectEvent) => (e.bizStep === 'sensor_reporting' || e.eventID !== undefined ? [] : (e.sensorElementList ?? [])))
      .filter((el) => el.sensorReport[0]!.exception === 'ALARM_CONDITION')
      .map((el) => [Date.parse(el.sensorMetadata!.startTime!), Date.parse(el.sensorMetadata!.endTime!)]);
    expect(alarmed.length).toBeGreaterThan(0);
    for (const [from, to] of alarmed) expect(from! < alert.clearedAt! && to! > alert.activeAt).toBe(true);
    // Every interval holding a reading above 15 °C is flagged.
    const hot = READINGS.filter((r) => r.sampledAt < DELIVERED_AT && r.tempC > 15).map((r) => r.sampledAt);
    for (const t of hot) expect(alarmed.some(([from, to]) => from! <= t && t < to!)).toBe(true);
  });

  it('answers 404 shipment.not_found for an unknown shipment, 401 without the admin token', async () => {
    const missing = await get('/api/v1/shipments/shp-nowhere/epcis');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('shipment.not_found');
    expect((await get('/api/v1/shipments/shp-lychee-0610/epcis', null)).status).toBe(401);
  });

  // Last: it changes the record the tests above read.
  it('shows a corrected handoff as recorded with an errorDeclaration, and its corrective event', async () => {
    const lineHaul = document.epcisBody.eventList.find((e) => e.eventID !== undefined && Date.parse(e.eventTime) === HANDOFFS[2].at)!;
    const eventId = lineHaul.eventID!.replace('urn:uuid:', '');
    await post('/api/v1/shipments/shp-lychee-0610/corrections', { eventId, probeTempC: 7.9, reason: '探针读数抄错：9.1 应为 7.9' });
    const response = await get('/api/v1/shipments/shp-lychee-0610/epcis');
    const corrected = (await response.json()) as EpcisDocument;
    const errors = checkEpcisSchema(corrected);
    expect(errors, `EPCIS schema errors:\n${errors.join('\n')}`).toEqual([]);
    const original = corrected.epcisBody.eventList.find((e) => e.eventID === lineHaul.eventID)!;
    expect(original.errorDeclaration).toMatchObject({ reason: 'incorrect_data', correctiveEventIDs: [expect.stringMatching(/^urn:uuid:/)] });
    expect(original.sensorElementList![0]!.sensorReport[0]!.value).toBe(9.1);
    const corrective = corrected.epcisBody.eventList.find((e) => e.eventID === original.errorDeclaration!.correctiveEventIDs[0])!;
    expect(corrective).toMatchObject({ eventTime: lineHaul.eventTime, bizStep: 'shipping', 'coldchain:corrects': lineHaul.eventID, destinationList: lineHaul.destinationList });
    expect(corrective.sensorElementList![0]!.sensorReport[0]!.value).toBe(7.9);
    expect(corrective['coldchain:corrections']).toEqual([expect.objectContaining({ 'coldchain:reason': '探针读数抄错：9.1 应为 7.9', 'coldchain:correctedBy': ADMIN_TOKEN_ACTOR })]);
    // Six handoffs still in effect, one of them the corrective event.
    expect(corrected.epcisBody.eventList.filter((e) => e.eventID !== undefined && e.errorDeclaration === undefined)).toHaveLength(6);
  });
});
