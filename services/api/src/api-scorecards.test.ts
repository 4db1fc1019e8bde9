import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Alert, Claim } from '@coldchain/storage';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2026-11-10 00:00 in Beijing (UTC+8). */
const T0 = Date.UTC(2026, 10, 9, 16);

/**
 * November 2026: the co-op's shipment goes packhouse → reefer carrier → hub, delivered; an excursion in the
 * carrier's leg, its alert never acknowledged, the claim accepted in time. A second shipment only through
 * the hub. The courier handled nothing.
 */
async function seed(api: TestApi) {
  for (const org of [
    { id: 'coop', name: '合作社', kind: 'shipper' },
    { id: 'reefer', name: '南北冷运', kind: 'carrier' },
    { id: 'hub', name: '白云冷库', kind: 'warehouse' },
    { id: 'courier', name: '城市鲜达', kind: 'courier' },
  ]) {
    await api.call('POST', '/api/v1/organisations', org);
  }
  for (const [id, device, first] of [['shp-1', 'logger-1', 'reefer'], ['shp-2', 'logger-2', 'hub']] as const) {
    await api.call('POST', '/api/v1/devices', { id: device, ownerOrgId: 'coop' });
    await api.call('POST', '/api/v1/shipments', { id, profileId: 'lychee', shipperOrgId: 'coop', deviceId: device, origin: '海口', destination: '上海', boxes: 10, goodsValueCents: 300_000, freightCents: 40_000, startedAt: T0 });
    await api.call('POST', `/api/v1/shipments/${id}/handoffs`, { at: T0 + HOUR, stage: 'first_mile', toOrgId: first });
    if (first === 'reefer') await api.call('POST', `/api/v1/shipments/${id}/handoffs`, { at: T0 + 5 * HOUR, stage: 'hub', toOrgId: 'hub' });
    await api.call('POST', `/api/v1/shipments/${id}/handoffs`, { at: T0 + 30 * HOUR, stage: 'delivered' });
  }
  const alert: Alert = {
    id: randomUUID(), shipmentId: 'shp-1', deviceId: 'logger-1', ruleId: 'high', kind: 'excursion', message: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, tier: 1,
    status: 'open', conditionState: 'cleared', thresholdC: 15, direction: 'above', activeAt: T0 + 2 * HOUR, firedAt: T0 + 2 * HOUR + 10 * MIN, clearedAt: T0 + 4 * HOUR, peakTempC: 22, outsideMs: 2 * HOUR, degreeMinutes: 600,
    attribution: { status: 'attributed', orgId: 'reefer', legIndex: 1, reason: { zh: '原因', en: 'reason' } }, routedTo: ['reefer', 'coop', 'platform'], respondBy: T0 + 3 * HOUR + 10 * MIN,
    acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolutionNote: null, createdAt: T0 + 2 * HOUR + 10 * MIN, updatedAt: T0 + 4 * HOUR,
  };
  await api.ops.insertAlert(alert);
  const claim: Claim = {
    id: randomUUID(), shipmentId: 'shp-1', alertId: alert.id, liableOrgId: 'reefer', amountCents: 340_000, goodsShareCents: 300_000, freightCents: 40_000, currency: 'CNY',
    status: 'filed', reason: { zh: '原因', en: 'reason' }, filedAt: T0 + 4 * HOUR, respondBy: T0 + 6 * HOUR, withdrawnAt: null, withdrawnReason: null,
  };
  await api.ops.fileClaimOnce(claim);
  const answered = await api.ops.applyClaimAction(claim.id, { kind: 'accept' }, { actor: { name: '冷运调度', orgId: 'reefer' }, party: 'carrier', now: T0 + 5 * HOUR });
  expect(answered.status).toBe('applied');
}

describe('carrier scorecards over HTTP (issue 13, item 6)', () => {
  const api = useTestApi(seed);

  it("ranks the month's logistics providers from the store, and each sees its own card", async () => {
    const all = await api.call('GET', '/api/v1/scorecards?month=2026-11');
    expect(all.status).toBe(200);
    const byOrg = Object.fromEntries(all.body.scorecards.map((c: any) => [c.orgId, c]));
    expect(Object.keys(byOrg).sort()).toEqual(['courier', 'hub', 'reefer']);
    expect(byOrg.reefer).toMatchObject({
      shipmentsHandled: 1, excursions: 1, excursionsPer100Shipments: 100, alertsRaised: 1, alertsAcknowledged: 0, alertsLate: 1,
      claimsFiled: 1, claimsAccepted: 1, claimsAnsweredInTime: 1, claimsAnsweredLate: 0,
    });
    // 100 − 40 (excursions: 2 × 100 per 100, capped at 40) − 20 (the one alert acknowledged late: 20 × 1/1).
    expect(byOrg.reefer.score).toBe(40);
    expect(byOrg.hub).toMatchObject({ shipmentsHandled: 2, excursions: 0, score: 100, rank: 1 });
    expect(byOrg.courier).toMatchObject({ shipmentsHandled: 0, score: null, grade: null });

    const own = await api.call('GET', '/api/v1/scorecards?month=2026-11', undefined, await api.apiKey('hub', 'viewer'));
    expect(own.body.scorecards.map((c: any) => c.orgId)).toEqual(['hub']);
    const shipper = await api.call('GET', '/api/v1/scorecards?month=2026-11', undefined, await api.apiKey('coop', 'viewer'));
    expect(shipper.body.scorecards).toHaveLength(3);
  });

  it('exports CSV with a BOM and a Chinese header, and refuses a month that is no month, naming it', async () => {
    const response = await fetch(`${api.baseUrl}/api/v1/scorecards?month=2026-11&format=csv`, { headers: { authorization: `Bearer ${api.adminToken}` } });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.split('\r\n')[0]).toMatch(/^排名,月份,/);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(4);
    const bad = await api.call('GET', '/api/v1/scorecards?month=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^month: /);
    // A month that has not begun is refused, not scored with the open legs.
    const next = new Date(Date.now() + 8 * 3_600_000);
    next.setUTCMonth(next.getUTCMonth() + 1, 1);
    const future = await api.call('GET', `/api/v1/scorecards?month=${next.toISOString().slice(0, 7)}`);
    expect([future.status, future.body.error.message]).toEqual([400, expect.stringContaining('has not begun')]);
    expect((await api.call('GET', '/api/v1/scorecards/trend?to=2099-01')).status).toBe(400);
  });
});
