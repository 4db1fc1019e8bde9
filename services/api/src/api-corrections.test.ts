import { describe, expect, it } from 'vitest';
import { useTestApi } from './test-harness.ts';
import { ADMIN_TOKEN_ACTOR } from './auth/authenticate.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 4, 20);

const ORGS = [
  { id: 'org-coop', name: '海南永兴荔枝合作社', kind: 'shipper' },
  { id: 'org-hub', name: '海口南港冷库枢纽', kind: 'warehouse' },
  { id: 'org-reefer', name: '南北干线冷运', kind: 'carrier' },
  { id: 'org-reefer-2', name: '顺丰冷运', kind: 'carrier' },
] as const;

/** A delivered lychee shipment: packhouse 0 h, hub 3 h, line haul 8 h, delivered 30 h. */
async function seedDeliveredShipment(api: TestApi) {
  for (const org of ORGS) expect((await api.call('POST', '/api/v1/organisations', org)).status).toBe(201);
  expect((await api.call('POST', '/api/v1/devices', { id: 'logger-01' })).status).toBe(201);
  const shipment = await api.call('POST', '/api/v1/shipments', {
    id: 'shp-a', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-01', origin: '海口', destination: '上海',
    boxes: 120, goodsValueCents: 3_600_000, freightCents: 480_000, startedAt: T0, station: '永兴预冷站',
  });
  expect(shipment.status).toBe(201);
  const handoff = async (body: Record<string, unknown>) => {
    const response = await api.call('POST', '/api/v1/shipments/shp-a/handoffs', body);
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const hubId = await handoff({ at: T0 + 3 * HOUR, stage: 'hub', toOrgId: 'org-hub', station: '海口南港冷库', probeTempC: 4.8 });
  const lineHaulId = await handoff({ at: T0 + 8 * HOUR, stage: 'line_haul', toOrgId: 'org-reefer', station: '海口南港冷库', probeTempC: 9.1 });
  const deliveredId = await handoff({ at: T0 + 30 * HOUR, stage: 'delivered', station: '上海浦东' });
  return { traceCode: shipment.body.traceCode as string, hubId, lineHaulId, deliveredId };
}

const correction = (eventId: string, fields: Record<string, unknown> = {}) => ({ eventId, reason: '扫描时间录入错误 / scan time keyed in wrong', ...fields });

describe('custody corrections API (issue 11, item 6)', () => {
  const api = useTestApi(seedDeliveredShipment);
  const legsOf = (legs: any[]) => legs.map((l) => [l.stage, l.custodian.id, l.startedAt, l.endedAt, l.station, l.startProbeTempC]);

  it('appends a correction after delivery: 201 with the stored correction and the corrected legs', async () => {
    const response = await api.call('POST', '/api/v1/shipments/shp-a/corrections', correction(api.lineHaulId, { at: new Date(T0 + 6 * HOUR).toISOString(), toOrgId: 'org-reefer-2', probeTempC: null }));
    expect(response.status).toBe(201);
    expect(response.body.correction).toMatchObject({
      shipmentId: 'shp-a', eventId: api.lineHaulId, changes: { at: T0 + 6 * HOUR, toOrgId: 'org-reefer-2', probeTempC: null },
      reason: '扫描时间录入错误 / scan time keyed in wrong', correctedBy: ADMIN_TOKEN_ACTOR, id: expect.any(String), seq: expect.any(Number), recordedAt: expect.any(Number),
    });
    expect(response.body.correction.changes).not.toHaveProperty('station');
    expect(legsOf(response.body.legs)).toEqual([
      ['packhouse', 'org-coop', T0, T0 + 3 * HOUR, '永兴预冷站', null],
      ['hub', 'org-hub', T0 + 3 * HOUR, T0 + 6 * HOUR, '海口南港冷库', 4.8],
      ['line_haul', 'org-reefer-2', T0 + 6 * HOUR, T0 + 30 * HOUR, '海口南港冷库', null],
    ]);
    expect(response.body.legs[2].custodian.name).toBe('顺丰冷运');
    // The shipment's view follows the corrected custody.
    expect(legsOf((await api.call('GET', '/api/v1/shipments/shp-a')).body.legs)).toEqual(legsOf(response.body.legs));
  });

  it('keeps the original event; the list shows the events as recorded, the corrections and the custody in effect', async () => {
    await api.call('POST', '/api/v1/shipments/shp-a/corrections', correction(api.lineHaulId, { at: T0 + 6 * HOUR }));
    await api.call('POST', '/api/v1/shipments/shp-a/corrections', correction(api.lineHaulId, { at: T0 + 7 * HOUR, station: null }));
    const listed = await api.call('GET', '/api/v1/shipments/shp-a/corrections');
    expect(listed.status).toBe(200);
    expect(listed.body.events.find((e: any) => e.id === api.lineHaulId)).toMatchObject({ at: T0 + 8 * HOUR, toOrgId: 'org-reefer', station: '海口南港冷库', probeTempC: 9.1 });
    expect(listed.body.corrections.map((c: any) => c.changes)).toEqual([{ at: T0 + 6 * HOUR }, { at: T0 + 7 * HOUR, station: null }]);
    expect(listed.body.effective.find((e: any) => e.id === api.lineHaulId)).toMatchObject({ at: T0 + 7 * HOUR, toOrgId: 'org-reefer', station: null, probeTempC: 9.1 });
    expect(await api.ops.listCustodyEvents('shp-a')).toEqual(listed.body.events);
  });

  it("moves the delivery time with a correction of the delivery scan, not into the logger's next shipment", async () => {
    expect((await api.call('POST', '/api/v1/shipments/shp-a/corrections', correction(api.deliveredId, { at: T0 + 31 * HOUR }))).status).toBe(201);
    expect((await api.call('GET', '/api/v1/shipments/shp-a')).body.shipment.deliveredAt).toBe(T0 + 31 * HOUR);
    const next = await api.call('POST', '/api/v1/shipments', {
      id: 'shp-next', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-01', origin: '海口', destination: '上海', boxes: 1, goodsValueCents: 1, freightCents: 1, startedAt: T0 + 32 * HOUR,
    });
    expect(next.status).toBe(201);
    const overlapping = await api.call('POST', '/api/v1/shipments/shp-a/corrections', correction(api.deliveredId, { at: T0 + 33 * HOUR }));
    expect([overlapping.status, overlapping.body.error.code]).toEqual([409, 'shipment.device_busy']);
    expect(overlapping.body.error.message).toMatch(/^at: the logger of this shipment is with shipment shp-next from /);
    expect((await api.call('POST', '/api/v1/shipments/shp-a/corrections', correction(api.deliveredId, { at: T0 + 32 * HOUR - MIN }))).status).toBe(201);
  });

  it('shows the corrected legs on the consumer trace, the cached answer replaced', async () => {
    const before = await api.call('GET', `/api/v1/trace/${api.traceCode}`, undefined, null);
    expect(before.status).toBe(200);
    expect(JSON.stringify(before.body)).toContain(String(T0 + 8 * HOUR));
    await api.call('POST', '/api/v1/shipments/shp-a/corrections', correction(api.lineHaulId, { at: T0 + 6 * HOUR }));
    const after = await api.call('GET', `/api/v1/trace/${api.traceCode}`, undefined, null);
    const starts = JSON.stringify(after.body);
    expect(starts).toContain(String(T0 + 6 * HOUR));
    expect(starts).not.toContain(String(T0 + 8 * HOUR));
  });

  const refused: { name: string; body: (ids: { hubId: string; lineHaulId: string; deliveredId: string }) => unknown; status: number; code: string; message: RegExp }[] = [
    { name: 'no reason', body: ({ hubId }) => ({ eventId: hubId, at: T0 + HOUR }), status: 400, code: 'request.invalid', message: /body\.reason/ },
    { name: 'a blank reason', body: ({ hubId }) => correction(hubId, { at: T0 + HOUR, reason: '   ' }), status: 400, code: 'request.invalid', message: /body\.reason: required/ },
    { name: 'a typed correctedBy (the actor is the caller)', body: ({ hubId }) => correction(hubId, { at: T0 + HOUR, correctedBy: 'someone else' }), status: 400, code: 'request.invalid', message: /body\.correctedBy: correctedBy: the actor is the signed-in user/ },
    { name: 'no eventId', body: () => ({ at: T0 + HOUR, reason: 'r' }), status: 400, code: 'request.invalid', message: /body\.eventId/ },
    { name: 'a time that is no time', body: ({ hubId }) => correction(hubId, { at: 'yesterday' }), status: 400, code: 'request.invalid', message: /body\.at/ },
    { name: 'a probe out of range', body: ({ hubId }) => correction(hubId, { probeTempC: 200 }), status: 400, code: 'request.invalid', message: /body\.probeTempC/ },
    { name: 'a stage (not correctable)', body: ({ hubId }) => correction(hubId, { stage: 'first_mile' }), status: 400, code: 'request.invalid', message: /stage/ },
    { name: 'nothing to change', body: ({ hubId }) => correction(hubId), status: 400, code: 'correction.no_change', message: /at least one of at, toOrgId, station, probeTempC/ },
    { name: 'a party for the delivery', body: ({ deliveredId }) => correction(deliveredId, { toOrgId: 'org-hub' }), status: 400, code: 'correction.not_applicable', message: /^toOrgId:/ },
    { name: 'an unknown event', body: () => correction('no-such-event', { at: T0 + HOUR }), status: 404, code: 'correction.event_not_found', message: /^eventId: no custody event no-such-event/ },
    { name: 'an unknown party', body: ({ hubId }) => correction(hubId, { toOrgId: 'org-nobody' }), status: 422, code: 'organisation.not_found', message: /^toOrgId:/ },
    { name: "another event's time (a repeated scan)", body: ({ lineHaulId }) => correction(lineHaulId, { at: T0 + 3 * HOUR }), status: 409, code: 'handoff.same_time', message: /^at: .* is the time of event .* \(hub, org-hub, / },
    { name: 'a time out of journey order', body: ({ lineHaulId }) => correction(lineHaulId, { at: T0 + 2 * HOUR }), status: 409, code: 'correction.stage_order', message: /^at: .*line_haul event before event/ },
    { name: 'a time before the start', body: ({ hubId }) => correction(hubId, { at: T0 - HOUR }), status: 422, code: 'handoff.before_start', message: /^at:/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} (${c.status} ${c.code}), storing nothing`, async () => {
      const response = await api.call('POST', '/api/v1/shipments/shp-a/corrections', c.body(api));
      expect(response.status).toBe(c.status);
      expect(response.body.error.code).toBe(c.code);
      expect(response.body.error.message).toMatch(c.message);
      expect(await api.ops.listCorrections('shp-a')).toEqual([]);
    });
  }

  it('is in the OpenAPI document', async () => {
    const doc = await api.call('GET', '/docs/json', undefined, null);
    expect(Object.keys(doc.body.paths['/api/v1/shipments/{id}/corrections'])).toEqual(expect.arrayContaining(['post', 'get']));
  });

  it('404 for an unknown shipment, 401 without the admin token', async () => {
    const unknown = await api.call('POST', '/api/v1/shipments/shp-x/corrections', correction(api.hubId, { at: T0 + HOUR }));
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'shipment.not_found']);
    expect((await api.call('GET', '/api/v1/shipments/shp-x/corrections')).status).toBe(404);
    expect((await api.call('POST', '/api/v1/shipments/shp-a/corrections', correction(api.hubId, { at: T0 + HOUR }), null)).status).toBe(401);
    expect((await api.call('GET', '/api/v1/shipments/shp-a/corrections', undefined, null)).status).toBe(401);
  });
});

describe('handoffs: a repeated scan at the same time (issue 11, item 6)', () => {
  const api = useTestApi(async (test) => {
    for (const org of ORGS) await test.call('POST', '/api/v1/organisations', org);
    await test.call('POST', '/api/v1/devices', { id: 'logger-01' });
    await test.call('POST', '/api/v1/shipments', { id: 'shp-b', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-01', origin: '海口', destination: '上海', boxes: 1, goodsValueCents: 1, freightCents: 1, startedAt: T0 });
  });

  it('refuses a handoff at the time of an existing event with 409, naming at and the other event; no zero-length leg', async () => {
    const first = await api.call('POST', '/api/v1/shipments/shp-b/handoffs', { at: T0 + 3 * HOUR, stage: 'hub', toOrgId: 'org-hub' });
    expect(first.status).toBe(201);
    const repeated = await api.call('POST', '/api/v1/shipments/shp-b/handoffs', { at: T0 + 3 * HOUR, stage: 'hub', toOrgId: 'org-hub' });
    expect(repeated.status).toBe(409);
    expect(repeated.body.error.code).toBe('handoff.same_time');
    expect(repeated.body.error.message).toContain(`at: ${new Date(T0 + 3 * HOUR).toISOString()} is the time of event ${first.body.id} (hub, org-hub,`);
    const atStart = await api.call('POST', '/api/v1/shipments/shp-b/handoffs', { at: T0, stage: 'first_mile', toOrgId: 'org-reefer' });
    expect([atStart.status, atStart.body.error.code]).toEqual([409, 'handoff.same_time']);
    expect(await api.ops.listCustodyEvents('shp-b')).toHaveLength(2);
    const legs = (await api.call('GET', '/api/v1/shipments/shp-b')).body.legs;
    expect(legs.every((l: any) => l.endedAt === null || l.endedAt > l.startedAt)).toBe(true);
  });

  it('judges the time against the corrected custody: a time a correction moved away from is free', async () => {
    const hub = await api.call('POST', '/api/v1/shipments/shp-b/handoffs', { at: T0 + 3 * HOUR, stage: 'hub', toOrgId: 'org-hub' });
    expect((await api.call('POST', '/api/v1/shipments/shp-b/corrections', correction(hub.body.id, { at: T0 + 2 * HOUR }))).status).toBe(201);
    expect((await api.call('POST', '/api/v1/shipments/shp-b/handoffs', { at: T0 + 2 * HOUR, stage: 'line_haul', toOrgId: 'org-reefer' })).status).toBe(409);
    expect((await api.call('POST', '/api/v1/shipments/shp-b/handoffs', { at: T0 + 3 * HOUR, stage: 'line_haul', toOrgId: 'org-reefer' })).status).toBe(201);
  });
});
