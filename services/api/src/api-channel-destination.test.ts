import { describe, expect, it } from 'vitest';
import { useTestApi } from './test-harness.ts';

const webhook = (url: string) => ({ channels: [{ id: 'ops', type: 'webhook', url, secret: 'a-signing-secret' }] });

describe("an organisation's channels point at public destinations only (issue 12, review: no calls into the service's network)", () => {
  const api = useTestApi(async (a) => {
    await a.call('POST', '/api/v1/organisations', { id: 'courier', name: '城市鲜达', kind: 'courier' });
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:8080/api/v1/session',
    'http://[::1]:8080/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://localhost:9000/hook',
    'http://db.localhost/hook',
    'http://10.1.2.3/hook',
    'http://192.168.1.10/hook',
    'http://172.20.0.5/hook',
    'http://100.64.1.1/hook',
    'http://0.0.0.0/hook',
    'https://[fd00::1]/hook',
  ])("refuses %s from an organisation's administrator, naming the field, and stores nothing", async (url) => {
    const admin = await api.apiKey('courier', 'admin');
    const refused = await api.call('PUT', '/api/v1/organisations/courier/channels', webhook(url), admin);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^channels\.0\.url: .+ public internet destination/);
    expect(await api.ops.getOrgChannels('courier')).toEqual([]);
  });

  it('takes a public address from the organisation, and an internal one from the platform', async () => {
    const admin = await api.apiKey('courier', 'admin');
    expect((await api.call('PUT', '/api/v1/organisations/courier/channels', webhook('https://203.0.113.9/hook'), admin)).status).toBe(200);
    expect((await api.call('PUT', '/api/v1/organisations/courier/channels', webhook('http://127.0.0.1:9/hook'))).status).toBe(200);
  });
});
