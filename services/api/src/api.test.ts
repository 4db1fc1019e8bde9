import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { verifySecret } from '@coldchain/auth';
import { systemClock } from '@coldchain/bus';
import { buildApi } from './app.ts';
import { openTempStores, useTestApi } from './test-harness.ts';

describe('API basics: health, auth, devices, organisations, OpenAPI', () => {
  const api = useTestApi();

  it('answers /healthz without a token', async () => {
    expect(await api.call('GET', '/healthz', undefined, null)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('refuses admin calls without a token (auth.required) and with a wrong one (auth.invalid)', async () => {
    const none = await api.call('GET', '/api/v1/shipments', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('auth.required');

    const wrong = await api.call('GET', '/api/v1/shipments', undefined, 'not-the-admin-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('auth.invalid');

    // Nothing is created by a refused call.
    const refused = await api.call('POST', '/api/v1/devices', { id: 'logger-01' }, 'not-the-admin-token');
    expect(refused.status).toBe(401);
    expect(await api.ops.getDevice('logger-01')).toBeUndefined();
  });

  it('provisions a device and shows its secret once, stored only as a hash', async () => {
    const created = await api.call('POST', '/api/v1/devices', { id: 'logger-hn-0042' });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe('logger-hn-0042');
    const secret: string = created.body.secret;
    expect(secret.length).toBeGreaterThanOrEqual(32);

    const stored = await api.ops.getDevice('logger-hn-0042');
    expect(stored?.secretHash).not.toContain(secret);
    expect(await verifySecret(secret, stored!.secretHash)).toBe(true);

    const reserved = await api.call('POST', '/api/v1/devices', { id: 'coldchain-ingest' });
    expect(reserved.status).toBe(400);
    expect(reserved.body.error.message).toMatch(/id.*must not start with "coldchain-"/);
    const again = await api.call('POST', '/api/v1/devices', { id: 'logger-hn-0042' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('device.exists');
    expect(JSON.stringify(again.body)).not.toContain(secret);
    // The repeat did not replace the secret the device already has.
    expect(await verifySecret(secret, (await api.ops.getDevice('logger-hn-0042'))!.secretHash)).toBe(true);
  });

  it('rotates a device secret: the new one works, the old one no longer does', async () => {
    const { body: created } = await api.call('POST', '/api/v1/devices', { id: 'logger-01' });
    const rotated = await api.call('POST', '/api/v1/devices/logger-01/secret');
    expect(rotated.status).toBe(200);
    const hash = (await api.ops.getDevice('logger-01'))!.secretHash;
    expect(await verifySecret(rotated.body.secret, hash)).toBe(true);
    expect(await verifySecret(created.secret, hash)).toBe(false);

    const unknown = await api.call('POST', '/api/v1/devices/logger-99/secret');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('device.not_found');
  });

  for (const badId of ['a/b', 'ab', '+wild', 'logger 01', '']) {
    it(`refuses device id ${JSON.stringify(badId)} with 400 request.invalid naming the field`, async () => {
      const response = await api.call('POST', '/api/v1/devices', { id: badId });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('request.invalid');
      expect(response.body.error.message).toMatch(/\bid\b/);
      expect(await api.ops.getDevice(badId)).toBeUndefined();
    });
  }

  it('creates, updates and lists organisations, keeping when each was created', async () => {
    const created = await api.call('POST', '/api/v1/organisations', { id: 'org-haikou-hub', name: '海口南港冷库枢纽', kind: 'warehouse' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'org-haikou-hub', name: '海口南港冷库枢纽', nameEn: '海口南港冷库枢纽', kind: 'warehouse' });

    const updated = await api.call('POST', '/api/v1/organisations', { id: 'org-haikou-hub', name: '海口南港冷库', nameEn: 'Haikou South Port Cold Hub', kind: 'warehouse' });
    expect(updated.status).toBe(200);
    expect(updated.body.createdAt).toBe(created.body.createdAt);

    await api.call('POST', '/api/v1/organisations', { id: 'org-coop', name: '永兴荔枝合作社', kind: 'shipper' });
    const listed = await api.call('GET', '/api/v1/organisations');
    expect(listed.status).toBe(200);
    expect(listed.body.organisations).toHaveLength(2);
    expect(listed.body.organisations.find((o: { id: string }) => o.id === 'org-haikou-hub')).toEqual({
      id: 'org-haikou-hub',
      name: '海口南港冷库',
      nameEn: 'Haikou South Port Cold Hub',
      kind: 'warehouse',
      createdAt: created.body.createdAt,
    });
  });

  it('refuses an organisation of an unknown kind, naming the field', async () => {
    const response = await api.call('POST', '/api/v1/organisations', { id: 'org-x', name: 'X', kind: 'bank' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('request.invalid');
    expect(response.body.error.message).toContain('kind');
    expect(await api.ops.getOrganisation('org-x')).toBeUndefined();
  });

  it('serves an OpenAPI document listing the shipment routes, without the hidden pages', async () => {
    const response = await api.call('GET', '/docs/json', undefined, null);
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const paths = response.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/shipments'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(paths['/api/v1/shipments/{id}/handoffs']).toHaveProperty('post');
    expect(paths['/api/v1/trace/{traceCode}']).toHaveProperty('get');
    expect(paths['/healthz']).toBeUndefined();
    const createBody = (paths['/api/v1/shipments']!.post as any).requestBody.content['application/json'].schema;
    expect(createBody.properties).toHaveProperty('goodsValueCents');
  });
});

describe('buildApi without start()', () => {
  it('is ready for inject() once app.ready() resolves', async () => {
    const stores = openTempStores();
    const api = buildApi({ host: '127.0.0.1', port: 0, ops: stores.ops, telemetry: stores.telemetry, adminToken: 'x'.repeat(32), clock: systemClock, log: pino({ level: 'silent' }) });
    try {
      // Tests and embedders use fastify's own ready(); it must not hang on the routes buildApi registers.
      const outcome = await Promise.race([
        api.app.ready().then(() => 'ready'),
        new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5_000).unref()),
      ]);
      expect(outcome).toBe('ready');
      const health = await api.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
    } finally {
      await stores.close();
    }
  });
});
