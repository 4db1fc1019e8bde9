import { describe, expect, it } from 'vitest';
import type { StoredReading } from '@coldchain/storage';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 4, 20);

const ORGS = [
  { id: 'org-coop', name: '海南永兴荔枝合作社', kind: 'shipper' },
  { id: 'org-yecheng', name: '椰城冷链运输', kind: 'carrier' },
  { id: 'org-hub', name: '海口南港冷库枢纽', kind: 'warehouse' },
] as const;

/** The organisations and two devices the shipments refer to. */
async function seedOrganisationsAndDevices(api: TestApi): Promise<void> {
  for (const org of ORGS) expect((await api.call('POST', '/api/v1/organisations', org)).status).toBe(201);
  for (const id of ['logger-01', 'logger-02']) expect((await api.call('POST', '/api/v1/devices', { id })).status).toBe(201);
}

const shipmentBody = (overrides: Record<string, unknown> = {}) => ({
  profileId: 'lychee',
  shipperOrgId: 'org-coop',
  deviceId: 'logger-01',
  origin: '海南 海口 永兴镇',
  destination: '上海 浦东新区',
  boxes: 120,
  goodsValueCents: 3_600_000,
  freightCents: 480_000,
  startedAt: T0,
  station: '永兴预冷站',
  ...overrides,
});

describe('shipments API', () => {
  const api = useTestApi(seedOrganisationsAndDevices);

  it('creates a shipment whose first leg is the packhouse, held by the shipper', async () => {
    const created = await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-0520' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'shp-0520', deviceId: 'logger-01', startedAt: T0, deliveredAt: null, goodsValueCents: 3_600_000 });
    expect(created.body.traceCode).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    const shown = await api.call('GET', '/api/v1/shipments/shp-0520');
    expect(shown.status).toBe(200);
    expect(shown.body.shipment).toEqual(created.body);
    expect(shown.body.legs).toHaveLength(1);
    expect(shown.body.legs[0]).toMatchObject({ stage: 'packhouse', station: '永兴预冷站', startedAt: T0, endedAt: null, custodian: { id: 'org-coop', name: '海南永兴荔枝合作社' } });

    const again = await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-0520', deviceId: 'logger-02' }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('shipment.exists');
  });

  const refused: Array<{ name: string; body: Record<string, unknown>; status: number; code: string; names: string }> = [
    { name: 'goods value in fractional cents', body: { goodsValueCents: 12.5 }, status: 400, code: 'request.invalid', names: 'goodsValueCents' },
    { name: 'goods value as a string', body: { goodsValueCents: '3600000' }, status: 400, code: 'request.invalid', names: 'goodsValueCents' },
    { name: 'negative goods value', body: { goodsValueCents: -1 }, status: 400, code: 'request.invalid', names: 'goodsValueCents' },
    { name: 'freight missing', body: { freightCents: undefined }, status: 400, code: 'request.invalid', names: 'freightCents' },
    { name: 'no boxes', body: { boxes: 0 }, status: 400, code: 'request.invalid', names: 'boxes' },
    { name: 'a start time without offset', body: { startedAt: '2025-05-20T08:00:00' }, status: 400, code: 'request.invalid', names: 'startedAt' },
    { name: 'an unknown profile', body: { profileId: 'durian' }, status: 422, code: 'profile.not_found', names: 'profileId' },
    { name: 'an unknown shipper', body: { shipperOrgId: 'org-nobody' }, status: 422, code: 'organisation.not_found', names: 'shipperOrgId' },
    { name: 'an unknown device', body: { deviceId: 'logger-99' }, status: 404, code: 'device.not_found', names: 'deviceId' },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}: ${c.status} ${c.code} naming ${c.names}, creating nothing`, async () => {
      const response = await api.call('POST', '/api/v1/shipments', shipmentBody(c.body));
      expect(response.status).toBe(c.status);
      expect(response.body.error.code).toBe(c.code);
      expect(response.body.error.message).toContain(c.names);
      expect(await api.ops.listShipments()).toEqual([]);
    });
  }

  it('refuses a device already with a shipment (409 shipment.device_busy), not another device', async () => {
    await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-a' }));

    const busy = await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-b', startedAt: T0 + 5 * HOUR }));
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('shipment.device_busy');
    expect(busy.body.error.message).toContain('shp-a');

    const otherDevice = await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-c', deviceId: 'logger-02', startedAt: T0 + 5 * HOUR }));
    expect(otherDevice.status).toBe(201);
    expect(await api.ops.getShipment('shp-b')).toBeUndefined();
  });

  it('refuses a backdated shipment that would share the device with its open shipment', async () => {
    await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-a', startedAt: T0 }));

    // Started an hour earlier and never delivered, it would hold the device from T0 - 1 h onwards,
    // overlapping shp-a: both would claim every reading from T0 on.
    const backdated = await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-b', startedAt: T0 - HOUR }));
    expect(backdated.status).toBe(409);
    expect(backdated.body.error.code).toBe('shipment.device_busy');
  });

  it('appends handoffs as legs with custodian names; delivery closes the shipment and frees the device', async () => {
    await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-a' }));
    const firstMile = await api.call('POST', '/api/v1/shipments/shp-a/handoffs', { at: T0 + 3 * HOUR, stage: 'first_mile', toOrgId: 'org-yecheng', station: '永兴预冷站', probeTempC: 4.6 });
    expect(firstMile.status).toBe(201);
    expect(firstMile.body).toMatchObject({ shipmentId: 'shp-a', at: T0 + 3 * HOUR, stage: 'first_mile', toOrgId: 'org-yecheng', probeTempC: 4.6 });
    const hubAt = new Date(T0 + 8 * HOUR).toISOString().replace('Z', '+00:00');
    expect((await api.call('POST', '/api/v1/shipments/shp-a/handoffs', { at: hubAt, stage: 'hub', toOrgId: 'org-hub' })).status).toBe(201);

    const inTransit = await api.call('GET', '/api/v1/shipments/shp-a');
    expect(inTransit.body.legs.map((l: any) => [l.stage, l.custodian.name, l.startedAt, l.endedAt])).toEqual([
      ['packhouse', '海南永兴荔枝合作社', T0, T0 + 3 * HOUR],
      ['first_mile', '椰城冷链运输', T0 + 3 * HOUR, T0 + 8 * HOUR],
      ['hub', '海口南港冷库枢纽', T0 + 8 * HOUR, null],
    ]);
    expect(inTransit.body.legs[1].startProbeTempC).toBe(4.6);

    const delivered = await api.call('POST', '/api/v1/shipments/shp-a/handoffs', { at: T0 + 30 * HOUR, stage: 'delivered', station: '上海浦东' });
    expect(delivered.status).toBe(201);
    const closed = await api.call('GET', '/api/v1/shipments/shp-a');
    expect(closed.body.shipment.deliveredAt).toBe(T0 + 30 * HOUR);
    expect(closed.body.legs).toHaveLength(3);
    expect(closed.body.legs[2].endedAt).toBe(T0 + 30 * HOUR);

    const late = await api.call('POST', '/api/v1/shipments/shp-a/handoffs', { at: T0 + 31 * HOUR, stage: 'last_mile', toOrgId: 'org-yecheng' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('shipment.delivered');
    expect(await api.ops.listCustodyEvents('shp-a')).toHaveLength(4);

    // The logger can travel again after delivery, but not back inside the delivered journey.
    expect((await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-b', startedAt: T0 + 31 * HOUR }))).status).toBe(201);
    const inside = await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-c', deviceId: 'logger-01', startedAt: T0 + 10 * HOUR }));
    expect(inside.status).toBe(409);
    expect(inside.body.error.code).toBe('shipment.device_busy');
  });

  const badHandoffs: Array<{ name: string; shipment: string; body: Record<string, unknown>; status: number; code: string }> = [
    { name: 'before the shipment started', shipment: 'shp-a', body: { at: T0 - MIN, stage: 'first_mile', toOrgId: 'org-yecheng' }, status: 422, code: 'handoff.before_start' },
    { name: 'to an unknown organisation', shipment: 'shp-a', body: { at: T0 + HOUR, stage: 'hub', toOrgId: 'org-nobody' }, status: 422, code: 'organisation.not_found' },
    { name: 'without a custodian', shipment: 'shp-a', body: { at: T0 + HOUR, stage: 'hub' }, status: 422, code: 'organisation.not_found' },
    { name: 'back to the packhouse stage', shipment: 'shp-a', body: { at: T0 + HOUR, stage: 'packhouse', toOrgId: 'org-coop' }, status: 400, code: 'request.invalid' },
    { name: 'with an impossible probe temperature', shipment: 'shp-a', body: { at: T0 + HOUR, stage: 'hub', toOrgId: 'org-hub', probeTempC: 400 }, status: 400, code: 'request.invalid' },
    { name: 'on an unknown shipment', shipment: 'shp-zz', body: { at: T0 + HOUR, stage: 'hub', toOrgId: 'org-hub' }, status: 404, code: 'shipment.not_found' },
  ];
  for (const c of badHandoffs) {
    it(`refuses a handoff ${c.name} (${c.status} ${c.code}), appending nothing`, async () => {
      await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-a' }));
      const response = await api.call('POST', `/api/v1/shipments/${c.shipment}/handoffs`, c.body);
      expect(response.status).toBe(c.status);
      expect(response.body.error.code).toBe(c.code);
      expect(await api.ops.listCustodyEvents('shp-a')).toHaveLength(1);
    });
  }

  it('answers 404 shipment.not_found for an unknown shipment and its curve', async () => {
    for (const url of ['/api/v1/shipments/shp-zz', '/api/v1/shipments/shp-zz/curve']) {
      const response = await api.call('GET', url);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('shipment.not_found');
    }
  });

  it('downsamples the curve on the server without losing the peak or the trough', async () => {
    await api.call('POST', '/api/v1/shipments', shipmentBody({ id: 'shp-a' }));
    const readings: StoredReading[] = Array.from({ length: 2_000 }, (_, i) => {
      const wobble = Math.round((0.4 * Math.sin(i / 9) + 0.2 * Math.sin(i / 2.3)) * 10) / 10;
      const tempC = i === 1_234 ? 27.3 : i === 321 ? 0.4 : 4 + wobble;
      return { deviceId: 'logger-01', sampledAt: T0 + i * MIN, tempC, rhPct: 90, receivedAt: T0 + i * MIN + 20_000 };
    });
    // Readings outside the shipment (before it started, or another device) must not reach its curve.
    const strays: StoredReading[] = [
      { deviceId: 'logger-01', sampledAt: T0 - MIN, tempC: 40, rhPct: null, receivedAt: T0 },
      { deviceId: 'logger-02', sampledAt: T0 + 500 * MIN, tempC: 50, rhPct: null, receivedAt: T0 },
    ];
    await api.telemetry.insertReadings([...readings, ...strays]);

    const response = await api.call('GET', '/api/v1/shipments/shp-a/curve?points=50');
    expect(response.status).toBe(200);
    expect(response.body.readingCount).toBe(2_000);
    const points = response.body.points as [number, number][];
    expect(points.length).toBeGreaterThan(10);
    expect(points.length).toBeLessThanOrEqual(50);

    const temps = points.map(([, v]) => v);
    expect(Math.max(...temps)).toBe(27.3);
    expect(points.find(([, v]) => v === 27.3)![0]).toBe(T0 + 1_234 * MIN);
    expect(Math.min(...temps)).toBe(0.4);
    // Every point is a real reading, in time order.
    const byTime = new Map(readings.map((r) => [r.sampledAt, r.tempC]));
    for (const [t, v] of points) expect(byTime.get(t)).toBe(v);
    expect(points.map(([t]) => t)).toEqual([...points.map(([t]) => t)].sort((a, b) => a - b));
    expect(response.body.limits.find((l: any) => l.direction === 'above')?.thresholdC).toBe(15);

    const tooFew = await api.call('GET', '/api/v1/shipments/shp-a/curve?points=2');
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.message).toContain('points');
  });
});
