import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const T0 = Date.UTC(2025, 4, 20);

/**
 * Silences (issue 12): set and ended by the operators of the organisation holding the goods now, or the
 * platform; seen by the shipment's parties; recorded as the authenticated caller, never a typed name.
 */
describe('silences per organisation', () => {
  let api: TestApi;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    api = await startTestApi();
    for (const [id, kind] of [['org-coop', 'shipper'], ['org-hub', 'warehouse'], ['org-other', 'carrier']] as const) {
      expect((await api.call('POST', '/api/v1/organisations', { id, name: `name of ${id}`, kind })).status).toBeLessThan(300);
    }
    expect((await api.call('POST', '/api/v1/devices', { id: 'logger-s1' })).status).toBe(201);
    const created = await api.call('POST', '/api/v1/shipments', {
      id: 'shp-s1', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-s1', origin: '海口', destination: '上海',
      boxes: 10, goodsValueCents: 300_000, freightCents: 40_000, startedAt: T0,
    });
    expect(created.status).toBe(201);
    // The hub holds the goods from T0 + 30 min.
    expect((await api.call('POST', '/api/v1/shipments/shp-s1/handoffs', { at: T0 + 1_800_000, stage: 'hub', toOrgId: 'org-hub' })).status).toBe(201);
    for (const [name, orgId, role] of [
      ['hubOperator', 'org-hub', 'operator'],
      ['hubViewer', 'org-hub', 'viewer'],
      ['coopOperator', 'org-coop', 'operator'],
      ['otherOperator', 'org-other', 'operator'],
    ] as const) {
      const key = await api.call('POST', `/api/v1/organisations/${orgId}/api-keys`, { name, role });
      expect(key.status).toBe(201);
      keys[name] = key.body.key;
    }
  });
  afterAll(() => api?.stop());

  const body = () => ({ shipmentId: 'shp-s1', endsAt: Date.now() + 3_600_000, reason: '计划开门装卸' });

  it('lets the operators of the station holding the goods silence its shipment, recorded as their key', async () => {
    const created = await api.call('POST', '/api/v1/silences', body(), keys.hubOperator);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.createdBy).toBe('API key hubOperator (org-hub)');
    // Seen by the shipment's parties, not by another organisation.
    expect((await api.call('GET', '/api/v1/silences', undefined, keys.coopOperator)).body.silences.map((s: { id: string }) => s.id)).toContain(created.body.id);
    expect((await api.call('GET', '/api/v1/silences', undefined, keys.otherOperator)).body.silences).toEqual([]);
    // Another organisation cannot end it (404, as if it did not exist); the hub can, and it is audited.
    expect((await api.call('DELETE', `/api/v1/silences/${created.body.id}`, undefined, keys.otherOperator)).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/silences/${created.body.id}`, undefined, keys.hubOperator)).status).toBe(200);
    const audit = await api.call('GET', `/api/v1/audit?target=silence:${created.body.id}`);
    expect(audit.body.entries.map((e: { action: string; actorName: string }) => [e.action, e.actorName])).toEqual([
      ['silence.ended', 'API key hubOperator (org-hub)'],
      ['silence.created', 'API key hubOperator (org-hub)'],
    ]);
  });

  it('refuses a shipper not holding the goods (403), a viewer (403), another organisation (404) and a typed name (400)', async () => {
    expect((await api.call('POST', '/api/v1/silences', body(), keys.coopOperator)).status).toBe(403);
    expect((await api.call('POST', '/api/v1/silences', body(), keys.hubViewer)).status).toBe(403);
    expect((await api.call('POST', '/api/v1/silences', body(), keys.otherOperator)).status).toBe(404);
    const typed = await api.call('POST', '/api/v1/silences', { ...body(), by: '张三' }, keys.hubOperator);
    expect(typed.status).toBe(400);
    expect(typed.body.error.message).toContain('by');
  });
});
