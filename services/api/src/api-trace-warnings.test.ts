import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApi } from './test-harness.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 4, 20);

describe('the consumer verdict counts excursions only, not warnings or no-data alerts', () => {
  const api = useTestApi(async ({ call, ops, telemetry }) => {
    await call('POST', '/api/v1/organisations', { id: 'org-coop', name: '合作社', kind: 'shipper' });
    await call('POST', '/api/v1/devices', { id: 'logger-w1' });
    const created = await call('POST', '/api/v1/shipments', { id: 'shp-w1', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-w1', origin: '海口', destination: '武汉', boxes: 1, goodsValueCents: 100, freightCents: 10, startedAt: T0 });
    await telemetry.insertReadings(Array.from({ length: 48 }, (_, i) => ({ deviceId: 'logger-w1', sampledAt: T0 + i * 5 * MIN, tempC: 4 + i / 10, rhPct: 90, receivedAt: T0 })));
    for (const [ruleId, kind] of [['high.trend', 'warning'], ['no_data', 'no_data']] as const) {
      await ops.insertAlert({
        id: randomUUID(), shipmentId: 'shp-w1', deviceId: 'logger-w1', ruleId, kind, message: { zh: '预警', en: 'warning' }, escalatedAt: null, lastNotifiedAt: null, reminders: 0,
        tier: 3, status: 'open', conditionState: 'firing', thresholdC: 15, direction: 'above', activeAt: T0 + HOUR_MS, firedAt: T0 + HOUR_MS, clearedAt: null,
        peakTempC: 8, outsideMs: 0, degreeMinutes: 0, attribution: { status: 'indeterminate', orgId: null, legIndex: 0, reason: { zh: '预警，不涉及责任认定', en: 'no liability' } },
        routedTo: ['org-coop'], respondBy: T0 + 25 * HOUR_MS, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolutionNote: null, createdAt: T0, updatedAt: T0,
      });
    }
    return { traceCode: created.body.traceCode as string };
  });

  it('shows no excursion and no "温度异常" verdict for a shipment with only a warning and a no-data alert', async () => {
    const { status, body } = await api.call('GET', `/api/v1/trace/${api.traceCode}`, undefined, null);
    expect(status).toBe(200);
    expect(body.excursions).toEqual([]);
    expect(body.verdict.status).not.toBe('excursion');
    expect(body.verdict.text.zh).not.toContain('温度异常');
    // The station's view still lists both alerts.
    expect((await api.call('GET', '/api/v1/shipments/shp-w1')).body.alerts).toHaveLength(2);
  });
});

const HOUR_MS = 60 * MIN;
