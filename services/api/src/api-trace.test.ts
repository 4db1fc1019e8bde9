import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredReading } from '@coldchain/storage';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 4, 20);

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      keysOf(inner, into);
    }
  }
  return into;
}

/** One lychee shipment through the hub, its readings and an alert; returns the shipment's trace code. */
async function seedTracedShipment({ call, ops, telemetry }: TestApi): Promise<{ traceCode: string }> {
  await call('POST', '/api/v1/organisations', { id: 'org-coop', name: '海南永兴荔枝合作社', nameEn: 'Yongxing Lychee Cooperative', kind: 'shipper' });
  await call('POST', '/api/v1/organisations', { id: 'org-hub', name: '海口南港冷库枢纽', nameEn: 'Haikou South Port Cold Hub', kind: 'warehouse' });
  await call('POST', '/api/v1/devices', { id: 'logger-hn-0042' });
  const created = await call('POST', '/api/v1/shipments', {
    id: 'shp-trace-0520',
    profileId: 'lychee',
    shipperOrgId: 'org-coop',
    deviceId: 'logger-hn-0042',
    origin: '海南 海口',
    destination: '上海 浦东',
    boxes: 120,
    goodsValueCents: 3_612_345,
    freightCents: 481_234,
    startedAt: T0,
  });
  expect(created.status).toBe(201);
  await call('POST', '/api/v1/shipments/shp-trace-0520/handoffs', { at: T0 + 8 * HOUR, stage: 'hub', toOrgId: 'org-hub', probeTempC: 5.1 });
  const readings: StoredReading[] = Array.from({ length: 24 * 12 }, (_, i) => {
    const t = T0 + i * 5 * MIN;
    const tempC = t >= T0 + 11 * HOUR && t < T0 + 13 * HOUR ? 24.5 : 4.2;
    return { deviceId: 'logger-hn-0042', sampledAt: t, tempC, rhPct: 91, receivedAt: t + 20_000 };
  });
  await telemetry.insertReadings(readings);
  await ops.insertAlert({
    id: randomUUID(),
    shipmentId: 'shp-trace-0520',
    deviceId: 'logger-hn-0042',
    ruleId: 'high',
    kind: 'excursion',
    message: null,
    escalatedAt: null,
    lastNotifiedAt: null,
    reminders: 0,
    tier: 1,
    status: 'open',
    conditionState: 'cleared',
    thresholdC: 15,
    direction: 'above',
    activeAt: T0 + 11 * HOUR,
    firedAt: T0 + 11 * HOUR + 10 * MIN,
    clearedAt: T0 + 13 * HOUR,
    peakTempC: 24.5,
    outsideMs: 2 * HOUR,
    degreeMinutes: 1140,
    attribution: { status: 'attributed', orgId: 'org-hub', legIndex: 1, reason: { zh: '枢纽仓', en: 'hub' } },
    routedTo: ['org-hub', 'org-coop', 'platform'],
    respondBy: T0 + 12 * HOUR + 10 * MIN,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolutionNote: null,
    createdAt: T0 + 11 * HOUR + 10 * MIN,
    updatedAt: T0 + 13 * HOUR,
  });
  return { traceCode: created.body.traceCode as string };
}

describe('consumer trace API', () => {
  const api = useTestApi(seedTracedShipment);

  it('shows the curve, legs and excursion to anyone holding the trace code', async () => {
    const response = await api.call('GET', `/api/v1/trace/${api.traceCode}?points=100`, undefined, null);
    expect(response.status).toBe(200);
    const trace = response.body;
    expect(trace.traceCode).toBe(api.traceCode);
    expect(trace.product).toEqual({ zh: '荔枝', en: 'Lychee' });
    expect(trace.legs.map((l: any) => [l.stage, l.custodian.name, l.custodian.nameEn])).toEqual([
      ['packhouse', '海南永兴荔枝合作社', 'Yongxing Lychee Cooperative'],
      ['hub', '海口南港冷库枢纽', 'Haikou South Port Cold Hub'],
    ]);
    expect(trace.curve.length).toBeGreaterThan(10);
    expect(Math.max(...trace.curve.map(([, v]: [number, number]) => v))).toBe(24.5);
    expect(trace.excursions).toEqual([{ direction: 'above', thresholdC: 15, startedAt: T0 + 11 * HOUR, endedAt: T0 + 13 * HOUR, peakTempC: 24.5, outsideMs: 2 * HOUR }]);
    expect(trace.verdict.status).toBe('excursion');
  });

  it('carries no ids, device, money or routing: nothing but what the consumer may see', async () => {
    const response = await api.call('GET', `/api/v1/trace/${api.traceCode}`, undefined, null);
    expect(response.status).toBe(200);

    const keys = [...keysOf(response.body)];
    const forbidden = ['id', 'shipmentId', 'deviceId', 'alertId', 'orgId', 'shipperOrgId', 'custodianOrgId', 'toOrgId', 'liableOrgId', 'goodsValueCents', 'freightCents', 'amountCents', 'routedTo', 'attribution', 'station', 'secret', 'secretHash'];
    expect(keys.filter((key) => forbidden.includes(key))).toEqual([]);
    expect(keys.filter((key) => /Id$|Cents$/.test(key))).toEqual([]);

    const text = JSON.stringify(response.body);
    for (const value of ['shp-trace-0520', 'logger-hn-0042', 'org-hub', 'org-coop', '3612345', '481234']) expect(text).not.toContain(value);
  });

  it('answers 404 trace.not_found for an unknown code, and does not take a shipment id for a code', async () => {
    for (const code of [randomBytes(16).toString('base64url'), 'shp-trace-0520']) {
      const response = await api.call('GET', `/api/v1/trace/${code}`, undefined, null);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('trace.not_found');
    }
  });

  it('leaves out of the verdict an excursion raised by readings after the delivery time (the scan recorded late)', async () => {
    const delivered = await api.call('POST', '/api/v1/shipments/shp-trace-0520/handoffs', { at: T0 + 20 * HOUR, stage: 'delivered' });
    expect(delivered.status).toBe(201);
    // The logger, left in a warm office after delivery, raised an alert before the delivery was scanned.
    const [inTransit] = await api.ops.listAlerts({ shipmentId: 'shp-trace-0520' });
    await api.ops.insertAlert({ ...inTransit!, id: randomUUID(), ruleId: 'high-after', activeAt: T0 + 21 * HOUR, firedAt: T0 + 21 * HOUR + 10 * MIN, clearedAt: null, conditionState: 'firing', peakTempC: 30, outsideMs: 3 * HOUR });
    const trace = (await api.call('GET', `/api/v1/trace/${api.traceCode}`, undefined, null)).body;
    expect(trace.excursions.map((e: { peakTempC: number }) => e.peakTempC)).toEqual([24.5]);
    expect(JSON.stringify(trace.verdict)).not.toContain('30.0');
    const curve = (await api.call('GET', '/api/v1/shipments/shp-trace-0520/curve')).body;
    expect(curve.excursions).toEqual(trace.excursions);
  });
});
