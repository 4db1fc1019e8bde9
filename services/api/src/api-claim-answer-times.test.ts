import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;

/** An organisation's claim answer time over HTTP (issue 13, item 1; decision 0023). */
describe('GET/PUT /api/v1/organisations/{id}/claim-response', () => {
  let api: TestApi;
  let hubAdmin: string;
  let hubViewer: string;
  const url = '/api/v1/organisations/w-hub/claim-response';

  beforeAll(async () => {
    api = await startTestApi();
    await api.call('POST', '/api/v1/organisations', { id: 'platform', name: '平台运营', kind: 'platform' });
    await api.call('POST', '/api/v1/organisations', { id: 'w-hub', name: '白云冷库', kind: 'warehouse' });
    hubAdmin = await api.apiKey('w-hub', 'admin');
    hubViewer = await api.apiKey('w-hub', 'viewer');
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('answers the 2 h default until the platform sets one, with the reminder 30 min before', async () => {
    const { status, body } = await api.call('GET', url, undefined, hubViewer);
    expect(status).toBe(200);
    expect(body).toEqual({ orgId: 'w-hub', responseMinutes: null, defaultMinutes: 120, responseMs: 120 * MIN, remindBeforeMs: 30 * MIN });
  });

  it('takes the platform\'s 20 min, reminds a quarter of it before, audits who changed it, and goes back to the default on null', async () => {
    expect((await api.call('PUT', url, { responseMinutes: 20 })).body).toMatchObject({ responseMinutes: 20, responseMs: 20 * MIN, remindBeforeMs: 5 * MIN });
    expect((await api.call('GET', url, undefined, hubViewer)).body).toMatchObject({ responseMinutes: 20 });
    expect(await api.ops.getOrgClaimResponseMs('w-hub')).toBe(20 * MIN);
    const audit = (await api.call('GET', '/api/v1/audit?target=organisation:w-hub')).body.entries;
    expect(audit[0]).toMatchObject({ action: 'organisation.claim_response_changed', actorName: expect.stringContaining('platform'), orgId: 'w-hub' });
    expect(JSON.parse(audit[0].detail)).toEqual({ before: null, after: 20 });
    expect((await api.call('PUT', url, { responseMinutes: null })).body).toMatchObject({ responseMinutes: null, responseMs: 120 * MIN });
    expect(await api.ops.getOrgClaimResponseMs('w-hub')).toBeNull();
  });

  it('refuses the organisation itself: a carrier must not lengthen its own deadline', async () => {
    const { status, body } = await api.call('PUT', url, { responseMinutes: 10_080 }, hubAdmin);
    expect(status).toBe(403);
    expect(body.error.code).toBe('auth.forbidden');
    expect(await api.ops.getOrgClaimResponseMs('w-hub')).toBeNull();
  });

  it.each<{ name: string; body: unknown }>([
    { name: 'under 5 min', body: { responseMinutes: 4 } },
    { name: 'over a week', body: { responseMinutes: 10_081 } },
    { name: 'not whole minutes', body: { responseMinutes: 7.5 } },
    { name: 'text', body: { responseMinutes: '30' } },
    { name: 'missing', body: {} },
  ])('refuses $name naming the field and the rule in Chinese and English, and keeps what was set', async ({ body }) => {
    await api.call('PUT', url, { responseMinutes: 45 });
    const answer = await api.call('PUT', url, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('request.invalid');
    expect(answer.body.error.message).toContain('body.responseMinutes: 须为 5 至 10080 之间的整数分钟');
    expect(answer.body.error.message).toContain('must be a whole number of minutes from 5 to 10080');
    expect(await api.ops.getOrgClaimResponseMs('w-hub')).toBe(45 * MIN);
  });

  it('answers 404 for an organisation that does not exist', async () => {
    expect((await api.call('PUT', '/api/v1/organisations/nobody/claim-response', { responseMinutes: 30 })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/organisations/nobody/claim-response')).status).toBe(404);
  });
});
