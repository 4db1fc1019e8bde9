import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Alert } from '@coldchain/storage';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 4, 20);

/** Two shipments (one per device) to hang alerts and claims on. */
async function seedShipments(api: TestApi): Promise<void> {
  for (const [id, kind] of [['org-coop', 'shipper'], ['org-hub', 'warehouse'], ['org-reefer', 'carrier']] as const) {
    await api.call('POST', '/api/v1/organisations', { id, name: `name of ${id}`, kind });
  }
  for (const [shipment, device] of [['shp-1', 'logger-01'], ['shp-2', 'logger-02']] as const) {
    await api.call('POST', '/api/v1/devices', { id: device });
    const created = await api.call('POST', '/api/v1/shipments', {
      id: shipment, profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: device, origin: '海口', destination: '上海',
      boxes: 10, goodsValueCents: 300_000, freightCents: 40_000, startedAt: T0,
    });
    expect(created.status).toBe(201);
  }
  // The hub holds shp-1 from T0 + 30 min: its station acts on the shipment's alerts.
  const handoff = await api.call('POST', '/api/v1/shipments/shp-1/handoffs', { at: T0 + 30 * MIN, stage: 'hub', toOrgId: 'org-hub' });
  expect(handoff.status).toBe(201);
}

function alert(shipmentId: string, ruleId: string, routedTo: string[], overrides: Partial<Alert> = {}): Alert {
  return {
    id: randomUUID(), shipmentId, deviceId: 'logger-01', ruleId, kind: 'excursion', message: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, tier: 1, status: 'open', conditionState: 'firing',
    thresholdC: 15, direction: 'above', activeAt: T0 + HOUR, firedAt: T0 + HOUR + 10 * MIN, clearedAt: null,
    peakTempC: 21.4, outsideMs: 30 * MIN, degreeMinutes: 96,
    attribution: { status: 'attributed', orgId: routedTo[0]!, legIndex: 0, reason: { zh: '原因', en: 'reason' } },
    routedTo, respondBy: T0 + 2 * HOUR + 10 * MIN, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolutionNote: null,
    createdAt: T0 + HOUR + 10 * MIN, updatedAt: T0 + HOUR + 10 * MIN, ...overrides,
  };
}

describe('alerts, claims and dead letters API', () => {
  const api = useTestApi(seedShipments);

  it('acknowledges, then resolves an alert; a resolved alert cannot change again', async () => {
    const a = alert('shp-1', 'high', ['org-hub', 'org-coop', 'platform']);
    await api.ops.insertAlert(a);

    const hub = await api.signIn('org-hub', 'operator', '海口南港值班');
    const before = Date.now();
    const acked = await hub.call('POST', `/api/v1/alerts/${a.id}/ack`);
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: a.id, status: 'acknowledged', acknowledgedBy: hub.name, resolvedAt: null });
    expect(acked.body.acknowledgedAt).toBeGreaterThanOrEqual(before);
    expect(acked.body.acknowledgedAt).toBeLessThanOrEqual(Date.now());

    // A second acknowledgement keeps who acted first, and when.
    const later = await api.signIn('org-hub', 'operator', 'someone later');
    const again = await later.call('POST', `/api/v1/alerts/${a.id}/ack`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ acknowledgedBy: hub.name, acknowledgedAt: acked.body.acknowledgedAt });

    // A typed name is refused: who acted is the signed-in caller.
    const typed = await later.call('POST', `/api/v1/alerts/${a.id}/resolve`, { by: '调度', note: '空调已修复' });
    expect(typed.status).toBe(400);
    expect(typed.body.error.message).toContain('by: the actor is the signed-in user');

    const resolved = await later.call('POST', `/api/v1/alerts/${a.id}/resolve`, { note: '空调已修复' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: later.name, acknowledgedBy: hub.name, resolutionNote: '空调已修复' });
    expect(resolved.body.resolvedAt).toBeGreaterThanOrEqual(acked.body.acknowledgedAt);
    expect(await api.ops.getAlert(a.id)).toMatchObject({ status: 'resolved', resolvedBy: later.name, resolvedAt: resolved.body.resolvedAt, resolutionNote: '空调已修复' });

    for (const action of ['resolve', 'ack']) {
      const refused = await hub.call('POST', `/api/v1/alerts/${a.id}/${action}`, { note: 'again' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('alert.resolved');
    }
    expect(await api.ops.getAlert(a.id)).toMatchObject({ status: 'resolved', resolvedBy: later.name, resolvedAt: resolved.body.resolvedAt });
    // The audit trail names them, as authenticated.
    const audit = await api.call('GET', `/api/v1/audit?target=alert:${a.id}`);
    expect(audit.body.entries.map((e: { action: string; actorName: string }) => [e.action, e.actorName])).toEqual([
      ['alert.resolved', later.name],
      ['alert.acknowledged', hub.name],
    ]);
  });

  it('resolves an open alert directly, recording it as acknowledged too', async () => {
    const a = alert('shp-1', 'high', ['org-hub']);
    await api.ops.insertAlert(a);

    const resolved = await api.call('POST', `/api/v1/alerts/${a.id}/resolve`, { note: '  货物已转入备用冷库  ' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolutionNote).toBe('货物已转入备用冷库');
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.acknowledgedAt).toBe(resolved.body.resolvedAt);
    expect(resolved.body.resolvedBy).toEqual(expect.any(String));
    // Resolving frees the alert identity: the rule may raise a new alert for the shipment.
    expect(await api.ops.findUnresolvedAlert('shp-1', 'high')).toBeUndefined();
  });

  it('refuses to resolve without a note, naming the field and the rule, and leaves the alert as it was', async () => {
    // An excursion that cleared by itself, nobody has seen it yet.
    const a = alert('shp-1', 'high', ['org-hub'], { conditionState: 'cleared', clearedAt: T0 + 2 * HOUR });
    await api.ops.insertAlert(a);
    for (const body of [undefined, {}, { note: '' }, { note: '   \n ' }, { note: 42 }]) {
      const refused = await api.call('POST', `/api/v1/alerts/${a.id}/resolve`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('request.invalid');
      expect(refused.body.error.message).toContain('body.note');
      expect(refused.body.error.message).toContain('a note is required to resolve an alert');
    }
    expect(await api.ops.getAlert(a.id)).toEqual(a);
  });

  it('acknowledges an alert posted without a body: every body field is optional', async () => {
    // `curl -X POST .../ack` sends no body; the route's body schema defaults to {} for this case.
    const a = alert('shp-1', 'high', ['org-hub']);
    await api.ops.insertAlert(a);

    const acked = await api.call('POST', `/api/v1/alerts/${a.id}/ack`);
    expect(acked.body).toMatchObject({ status: 'acknowledged' });
    expect(acked.status).toBe(200);
    expect((await api.ops.getAlert(a.id))?.status).toBe('acknowledged');
  });

  it('answers 404 alert.not_found for an unknown alert', async () => {
    for (const action of ['ack', 'resolve']) {
      const response = await api.call('POST', `/api/v1/alerts/${randomUUID()}/${action}`, { note: 'n' });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('alert.not_found');
    }
  });

  it('lists alerts by the organisation they were routed to, by status and by shipment', async () => {
    const hub = alert('shp-1', 'high', ['org-hub', 'org-coop', 'platform'], { createdAt: T0 + HOUR });
    const reefer = alert('shp-2', 'high', ['org-reefer', 'org-coop', 'platform'], { createdAt: T0 + 2 * HOUR });
    const cold = alert('shp-1', 'low', ['org-hub', 'org-coop'], { createdAt: T0 + 3 * HOUR, status: 'acknowledged', direction: 'below', thresholdC: 1, tier: 3 });
    for (const a of [hub, reefer, cold]) await api.ops.insertAlert(a);

    const ids = async (query: string) => {
      const response = await api.call('GET', `/api/v1/alerts${query}`);
      expect(response.status).toBe(200);
      return response.body.alerts.map((a: Alert) => a.id);
    };
    expect(await ids('')).toEqual([cold.id, reefer.id, hub.id]);
    expect(await ids('?orgId=org-hub')).toEqual([cold.id, hub.id]);
    expect(await ids('?orgId=org-reefer')).toEqual([reefer.id]);
    expect(await ids('?orgId=org-nobody')).toEqual([]);
    expect(await ids('?status=open')).toEqual([reefer.id, hub.id]);
    expect(await ids('?orgId=org-hub&status=open')).toEqual([hub.id]);
    expect(await ids('?shipmentId=shp-2')).toEqual([reefer.id]);
    expect(await ids('?limit=1')).toEqual([cold.id]);

    const badStatus = await api.call('GET', '/api/v1/alerts?status=firing');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.message).toContain('status');
    expect((await api.call('GET', '/api/v1/alerts?orgId=org-hub', undefined, null)).status).toBe(401);
  });

  it('lists claims, by shipment and by liable organisation', async () => {
    const a = alert('shp-1', 'high', ['org-hub']);
    await api.ops.insertAlert(a);
    const claim = {
      id: randomUUID(), shipmentId: 'shp-1', alertId: a.id, liableOrgId: 'org-hub', amountCents: 340_000, goodsShareCents: 300_000,
      freightCents: 40_000, currency: 'CNY' as const, status: 'filed' as const, reason: { zh: '枢纽仓空调故障', en: 'hub air-conditioning failure' }, filedAt: T0 + 3 * HOUR, respondBy: T0 + 5 * HOUR, withdrawnAt: null, withdrawnReason: null, answeredAt: null, remindedAt: null, escalatedAt: null, closedAt: null, advancedCents: 0, recoveredCents: 0,
    };
    await api.ops.fileClaimOnce(claim);

    expect(await api.call('GET', '/api/v1/claims')).toEqual({ status: 200, body: { claims: [claim], nextCursor: null } });
    expect((await api.call('GET', '/api/v1/claims?orgId=org-hub')).body.claims).toEqual([claim]);
    expect((await api.call('GET', '/api/v1/claims?orgId=org-reefer')).body.claims).toEqual([]);
    expect((await api.call('GET', '/api/v1/claims?shipmentId=shp-2')).body.claims).toEqual([]);
    expect((await api.call('GET', '/api/v1/shipments/shp-1')).body.claims).toEqual([claim]);
    expect((await api.call('GET', '/api/v1/claims', undefined, null)).status).toBe(401);
  });

  it('lists dead letters newest first, and by device', async () => {
    const letter = (deviceId: string | null, code: string, receivedAt: number) =>
      api.ops.insertDeadLetter({ deviceId, topic: `coldchain/v1/devices/${deviceId ?? 'x'}/telemetry`, code, reason: `${code}: test`, payload: '{"readings":[]}', payloadBytes: 15, receivedAt });
    const first = await letter('logger-01', 'message.invalid', T0);
    const second = await letter('logger-02', 'message.not_json', T0 + MIN);
    const third = await letter('logger-01', 'message.empty', T0 + 2 * MIN);

    expect(await api.call('GET', '/api/v1/dead-letters')).toEqual({ status: 200, body: { deadLetters: [third, second, first], nextCursor: null } });
    expect((await api.call('GET', '/api/v1/dead-letters?deviceId=logger-01')).body.deadLetters).toEqual([third, first]);
    expect((await api.call('GET', '/api/v1/dead-letters?limit=1')).body.deadLetters).toEqual([third]);
    expect((await api.call('GET', '/api/v1/dead-letters', undefined, null)).status).toBe(401);
  });
});
