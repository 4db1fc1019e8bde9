import pino from 'pino';
import { Registry, Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@coldchain/bus';
import { PLATFORM_ORG_ID } from '@coldchain/domain';
import { buildApi } from './app.ts';
import { maskChannelUrl } from './routes/channel-mask.ts';
import { openTempStores, startTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const DINGTALK_TOKEN = '5d41402abc4b2a76b9719d911017c592ae5f7e3b0d2c1f4e9a8b7c6d5e4f3a2b';
const WECOM_KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
const FEISHU_TOKEN = 'c8f3e2a1-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const WEBHOOK_SECRET = 'whsec-hub-0123456789abcdef';

const CHANNELS = [
  { id: 'ops', type: 'webhook', url: 'https://hooks.example.cn/coldchain?sign=abcdefghijklmnop', secret: WEBHOOK_SECRET },
  { id: 'ding', type: 'dingtalk', url: `https://oapi.dingtalk.com/robot/send?access_token=${DINGTALK_TOKEN}` },
  { id: 'wecom', type: 'wecom', url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}` },
  { id: 'feishu', type: 'feishu', url: `https://open.feishu.cn/open-apis/bot/v2/hook/${FEISHU_TOKEN}` },
];
const SECRETS = [DINGTALK_TOKEN, WECOM_KEY, FEISHU_TOKEN, WEBHOOK_SECRET, 'abcdefghijklmnop'];

describe('masking channel URLs', () => {
  it.each([
    [`https://oapi.dingtalk.com/robot/send?access_token=${DINGTALK_TOKEN}`, 'https://oapi.dingtalk.com/robot/send?access_token=5d41…'],
    [`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}`, 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…'],
    [`https://open.feishu.cn/open-apis/bot/v2/hook/${FEISHU_TOKEN}`, 'https://open.feishu.cn/open-apis/bot/v2/hook/c8f3…'],
    ['https://user:pass@hooks.example.cn/a?token=short', 'https://hooks.example.cn/a?token=…'],
    ['https://hooks.example.cn/coldchain', 'https://hooks.example.cn/coldchain'],
  ])('%s → %s', (url, shown) => expect(maskChannelUrl(url)).toBe(shown));
});

describe('notification channels: an organisation’s own, masked in every answer (issue 12, item 7)', () => {
  let api: TestApi;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    api = await startTestApi();
    for (const org of [
      { id: 'gz-baiyun-hub', name: '广州白云冷链枢纽仓', nameEn: 'Guangzhou Baiyun Cold Hub', kind: 'warehouse' },
      { id: 'hk-shunda-cold', name: '海口顺达冷链', nameEn: 'Haikou Shunda Cold Chain', kind: 'carrier' },
    ]) {
      expect((await api.call('POST', '/api/v1/organisations', org)).status).toBeLessThan(300);
    }
    for (const [name, orgId, role] of [
      ['hubAdmin', 'gz-baiyun-hub', 'admin'],
      ['hubOperator', 'gz-baiyun-hub', 'operator'],
      ['carrierAdmin', 'hk-shunda-cold', 'admin'],
    ] as const) {
      const created = await api.call('POST', `/api/v1/organisations/${orgId}/api-keys`, { name, role });
      expect(created.status).toBe(201);
      keys[name] = created.body.key;
    }
  });
  afterAll(() => api?.stop());

  it('answers the PUT and the GET with URLs’ tokens and secrets masked, the stored ones intact', async () => {
    const put = await api.call('PUT', '/api/v1/organisations/gz-baiyun-hub/channels', { channels: CHANNELS }, keys.hubAdmin);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const got = await api.call('GET', '/api/v1/organisations/gz-baiyun-hub/channels', undefined, keys.hubAdmin);
    expect(got.status).toBe(200);
    for (const answer of [put.body, got.body]) {
      const text = JSON.stringify(answer);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(answer.channels.map((c: { url: string }) => c.url)).toEqual([
        'https://hooks.example.cn/coldchain?sign=abcd…',
        'https://oapi.dingtalk.com/robot/send?access_token=5d41…',
        'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…',
        'https://open.feishu.cn/open-apis/bot/v2/hook/c8f3…',
      ]);
      expect(answer.channels[0].secret).toBe('…');
      expect(answer.channels[1].secret).toBeNull();
    }
    // What the rules deliver to is the whole URL and secret.
    const stored = await api.ops.getOrgChannels('gz-baiyun-hub');
    expect(stored.map((c) => c.url)).toEqual(CHANNELS.map((c) => c.url));
    expect(stored[0]!.secret).toBe(WEBHOOK_SECRET);
  });

  it('keeps the stored URL and secret when a console sends back what GET answered, with one channel changed', async () => {
    const got = await api.call('GET', '/api/v1/organisations/gz-baiyun-hub/channels', undefined, keys.hubAdmin);
    const edited = got.body.channels.map((c: { id: string; lang: string }) => (c.id === 'ding' ? { ...c, lang: 'en' } : c));
    expect((await api.call('PUT', '/api/v1/organisations/gz-baiyun-hub/channels', { channels: edited }, keys.hubAdmin)).status).toBe(200);
    const stored = await api.ops.getOrgChannels('gz-baiyun-hub');
    expect(stored.map((c) => c.url)).toEqual(CHANNELS.map((c) => c.url));
    expect(stored[0]!.secret).toBe(WEBHOOK_SECRET);
    expect(stored.find((c) => c.id === 'ding')!.lang).toBe('en');
    // A masked URL for a channel that has none stored is refused, naming the field.
    const refused = await api.call('PUT', '/api/v1/organisations/gz-baiyun-hub/channels', { channels: [...edited, { id: 'new', type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=5d41…' }] }, keys.hubAdmin);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('channels.4.url');
  });

  it('lets only the organisation’s administrators and the platform read and write them; another organisation gets 404', async () => {
    expect((await api.call('GET', '/api/v1/organisations/gz-baiyun-hub/channels', undefined, keys.hubOperator)).status).toBe(403);
    expect((await api.call('PUT', '/api/v1/organisations/gz-baiyun-hub/channels', { channels: [] }, keys.hubOperator)).status).toBe(403);
    expect((await api.call('GET', '/api/v1/organisations/gz-baiyun-hub/channels', undefined, keys.carrierAdmin)).status).toBe(404);
    expect((await api.call('PUT', '/api/v1/organisations/gz-baiyun-hub/channels', { channels: [] }, keys.carrierAdmin)).status).toBe(404);
    expect((await api.call('GET', '/api/v1/organisations/gz-baiyun-hub/channels', undefined, null)).status).toBe(401);
    expect((await api.call('GET', '/api/v1/organisations/gz-baiyun-hub/channels')).status).toBe(200);
    expect((await api.ops.getOrgChannels('gz-baiyun-hub')).length).toBe(4);
  });

  it('writes the change to the audit trail as the authenticated key, with the channels’ ids and types and no secret', async () => {
    const audit = await api.call('GET', '/api/v1/audit?target=organisation:gz-baiyun-hub', undefined, keys.hubAdmin);
    expect(audit.status).toBe(200);
    const changes = audit.body.entries.filter((e: { action: string }) => e.action === 'channels.changed');
    expect(changes.length).toBeGreaterThanOrEqual(2);
    expect(changes[0]).toMatchObject({ actorName: 'API key hubAdmin (gz-baiyun-hub)', orgId: 'gz-baiyun-hub' });
    expect(JSON.parse(changes[0].detail)).toEqual({ ids: ['ops', 'ding', 'wecom', 'feishu'], types: ['webhook', 'dingtalk', 'wecom', 'feishu'] });
    for (const secret of SECRETS) expect(JSON.stringify(audit.body)).not.toContain(secret);
  });
});

describe('/metrics behind a credential of the platform (issue 12, item 7)', () => {
  const stores = openTempStores();
  const metrics = new Registry();
  new Counter({ name: 'coldchain_test_total', help: 'a counter', registers: [metrics] }).inc();
  const adminToken = 'metrics-test-admin-token-0123456789';
  const api = buildApi({ host: '127.0.0.1', port: 0, ops: stores.ops, telemetry: stores.telemetry, adminToken, clock: systemClock, log: pino({ level: 'silent' }), metrics, evidenceStore: stores.evidence, dataDir: stores.dir, passwordKdf: { N: 2 ** 14, r: 8, p: 1 } });
  let base = '';
  beforeAll(async () => {
    base = `http://127.0.0.1:${(await api.start()).port}`;
    // As the services' stores open (packages/runtime stores.ts): the platform's organisation exists from the start.
    await stores.ops.upsertOrganisation({ id: PLATFORM_ORG_ID, name: '平台运营', nameEn: 'Platform operations', kind: 'platform', createdAt: 0 });
    await stores.ops.upsertOrganisation({ id: 'gz-baiyun-hub', name: '广州白云冷链枢纽仓', nameEn: 'Guangzhou Baiyun Cold Hub', kind: 'warehouse', createdAt: 0 });
  });
  afterAll(async () => {
    await api.stop();
    await stores.close();
  });
  const scrape = (token?: string) => fetch(`${base}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const newKey = async (orgId: string, role: string) => {
    const response = await fetch(`${base}/api/v1/organisations/${orgId}/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'prometheus', role }) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { key: string }).key;
  };

  it('answers Prometheus with a platform API key of role viewer, as deploy/README.md sets it up, and the admin token', async () => {
    for (const token of [await newKey(PLATFORM_ORG_ID, 'viewer'), adminToken]) {
      const response = await scrape(token);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('coldchain_test_total 1');
    }
  });

  it('refuses no credential (401) and an organisation’s key, even its administrator’s (403)', async () => {
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('coldchain_test_total');
    expect((await scrape(await newKey('gz-baiyun-hub', 'admin'))).status).toBe(403);
  });
});
