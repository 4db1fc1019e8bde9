import { describe, expect, it } from 'vitest';
import { LYCHEE } from '@coldchain/domain';
import { useTestApi } from './test-harness.ts';

describe('product profiles through the API: read, edited with validation, audited', () => {
  const api = useTestApi();

  it('lists the ten profiles, every limit with its source, publicly', async () => {
    const { status, body } = await api.call('GET', '/api/v1/profiles', undefined, null);
    expect(status).toBe(200);
    const ids = body.profiles.map((p: { id: string }) => p.id).sort();
    expect(ids).toEqual(['apple', 'banana', 'cut-roses', 'kiwifruit', 'lychee', 'mango', 'navel-orange', 'shell-eggs', 'strawberry', 'yangmei']);
    for (const profile of body.profiles) for (const limit of profile.limits) expect(limit.source.length).toBeGreaterThan(0);
  });

  it('takes an edit that passes validation, keeps who/when/before/after, and serves the new profile', async () => {
    const edited = { ...LYCHEE, limits: LYCHEE.limits.map((l) => (l.id === 'high' ? { ...l, holdForMs: 5 * 60_000 } : l)) };
    const typed = await api.call('PUT', '/api/v1/profiles/lychee?by=qa-lead', edited);
    expect(typed.status).toBe(400);
    expect(typed.body.error.message).toContain('by: the actor is the signed-in user');
    const put = await api.call('PUT', '/api/v1/profiles/lychee', edited);
    expect(put.status).toBe(200);
    expect((await api.call('GET', '/api/v1/profiles/lychee')).body.limits[0].holdForMs).toBe(5 * 60_000);
    const { body } = await api.call('GET', '/api/v1/profiles/lychee/audit');
    expect(body.changes).toHaveLength(1);
    expect(body.changes[0]).toMatchObject({ profileId: 'lychee', changedBy: 'platform admin token 平台管理令牌' });
    expect(body.changes[0].before.limits[0].holdForMs).toBe(10 * 60_000);
    expect(body.changes[0].after.limits[0].holdForMs).toBe(5 * 60_000);
  });

  it('refuses an edit that breaks a rule, naming the field, and changes nothing', async () => {
    const broken = { ...LYCHEE, limits: LYCHEE.limits.map((l) => (l.id === 'high' ? { ...l, thresholdC: 3 } : l)) };
    const put = await api.call('PUT', '/api/v1/profiles/lychee', broken);
    expect(put.status).toBe(400);
    expect(put.body.error.message).toMatch(/limits\[0\]\.thresholdC/);
    const missingSource = { ...LYCHEE, optimumC: { ...LYCHEE.optimumC, source: '' } };
    expect((await api.call('PUT', '/api/v1/profiles/lychee', missingSource)).body.error.message).toMatch(/optimumC\.source/);
    expect((await api.call('GET', '/api/v1/profiles/lychee')).body.limits[0].thresholdC).toBe(15);
    expect((await api.call('GET', '/api/v1/profiles/lychee/audit')).body.changes).toEqual([]);
  });

  it('needs the admin token to edit', async () => {
    expect((await api.call('PUT', '/api/v1/profiles/lychee', LYCHEE, null)).status).toBe(401);
  });

  it('sets response deadlines per organisation and refuses nonsense', async () => {
    await api.call('POST', '/api/v1/organisations', { id: 'org-hub', name: '枢纽仓', kind: 'warehouse' });
    expect((await api.call('PUT', '/api/v1/organisations/org-hub/response-times', { 1: 30 * 60_000 })).status).toBe(200);
    expect((await api.ops.getOrgResponseTimes('org-hub'))?.[1]).toBe(30 * 60_000);
    const bad = await api.call('PUT', '/api/v1/organisations/org-hub/response-times', { 1: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/1.*at least a minute/);
  });

  it('creates and ends silences, refusing one that covers everything', async () => {
    const now = Date.now();
    const refused = await api.call('POST', '/api/v1/silences', { endsAt: now + 3_600_000, reason: '计划开门' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/shipmentId/);
    const created = await api.call('POST', '/api/v1/silences', { shipmentId: 'LZ-1', endsAt: now + 3_600_000, reason: '计划开门装卸' });
    expect(created.status).toBe(201);
    expect((await api.call('GET', '/api/v1/silences')).body.silences).toHaveLength(1);
    expect((await api.call('DELETE', `/api/v1/silences/${created.body.id}`)).status).toBe(200);
    expect((await api.call('GET', '/api/v1/silences')).body.silences).toHaveLength(0);
  });
});
