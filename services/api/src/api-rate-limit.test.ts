import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '@coldchain/bus';
import { commonEnvShape } from '@coldchain/runtime';
import { ConfigError, parseEnv } from '@coldchain/schemas';
import { buildApi } from './app.ts';
import { openTempStores } from './test-harness.ts';

/** An answer as a client on the wire sees it. */
type WireResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One GET over a real socket, from `localAddress` (any 127.x.y.z works on Linux loopback). */
function get(port: number, path: string, options: { from?: string; headers?: Record<string, string> } = {}): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, localAddress: options.from ?? '127.0.0.1', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The trace API for a code no shipment has: a 404, but a request all the same. */
const TRACE_URL = '/api/v1/trace/NOSUCHTRACECODE';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A real API on 127.0.0.1 port 0 with the given limit and proxies. */
async function startApi(options: { perMinute?: number; trustedProxies?: string[] }) {
  const stores = openTempStores();
  const adminToken = randomBytes(24).toString('base64url');
  const api = buildApi({
    host: '127.0.0.1',
    port: 0,
    ops: stores.ops,
    telemetry: stores.telemetry,
    adminToken,
    clock: systemClock,
    log: pino({ level: 'silent' }),
    publicRateLimitPerMin: options.perMinute,
    trustedProxies: options.trustedProxies,
  });
  const { port } = await api.start();
  stops.push(async () => {
    await api.stop();
    await stores.close();
  });
  return { port, adminToken };
}

/** Makes `count` requests one after another and returns their statuses. */
async function statuses(count: number, call: () => Promise<WireResponse>): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await call()).status);
  return seen;
}

describe('public routes are limited per client address', () => {
  it('answers 429 with Retry-After and a zh/en error past the limit, counting the page, its assets and the trace API together', async () => {
    const { port } = await startApi({ perMinute: 5 });
    // The consumer page, a script of it, and the trace API.
    expect((await get(port, '/t/NOSUCHTRACECODE')).status).toBe(200);
    expect((await get(port, '/static/js/i18n.js')).status).toBe(200);
    expect(await statuses(3, () => get(port, TRACE_URL))).toEqual([404, 404, 404]);

    const limited = await get(port, TRACE_URL);
    expect(limited.status).toBe(429);
    const retryAfterS = Number(limited.headers['retry-after']);
    expect(retryAfterS).toBeGreaterThanOrEqual(1);
    expect(retryAfterS).toBeLessThanOrEqual(60);
    const body = JSON.parse(limited.body);
    expect(body.error.code).toBe('rate_limited');
    // Chinese first, then English, with the wait in both.
    expect(body.error.message).toMatch(new RegExp(`^请求过于频繁.*${retryAfterS} 秒.*Too many requests.*${retryAfterS} s`));
    // The page and docs share the budget.
    expect((await get(port, '/t/NOSUCHTRACECODE')).status).toBe(429);
    expect((await get(port, '/docs')).status).toBe(429);
  });

  it('does not limit another client address, health probes or the admin', async () => {
    const { port, adminToken } = await startApi({ perMinute: 5 });
    expect(await statuses(6, () => get(port, TRACE_URL))).toEqual([404, 404, 404, 404, 404, 429]);
    // Another buyer, on another address, still gets through.
    expect((await get(port, TRACE_URL, { from: '127.0.0.2' })).status).toBe(404);
    // The limited address's probes and its admin calls are not public routes.
    expect(await statuses(8, () => get(port, '/healthz'))).toEqual(Array(8).fill(200));
    const admin = { authorization: `Bearer ${adminToken}` };
    expect(await statuses(8, () => get(port, '/api/v1/organisations', { headers: admin }))).toEqual(Array(8).fill(200));
  });

  it('with the limit at 0 never answers 429', async () => {
    const { port } = await startApi({ perMinute: 0 });
    const seen = await statuses(30, () => get(port, TRACE_URL));
    expect(seen).toEqual(Array(30).fill(404));
  });
});

describe('X-Forwarded-For', () => {
  it('is ignored from a peer that is not a trusted proxy: a client cannot rotate addresses to escape the limit', async () => {
    const { port } = await startApi({ perMinute: 3 });
    const seen = await statuses(5, async () => get(port, TRACE_URL, { headers: { 'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 250) + 1}` } }));
    expect(seen).toEqual([404, 404, 404, 429, 429]);
  });

  it('names the client when the peer is a trusted proxy (TRUSTED_PROXIES=127.0.0.1): each real client gets its own budget', async () => {
    const { port } = await startApi({ perMinute: 3, trustedProxies: ['127.0.0.1'] });
    const viaProxy = (client: string) => () => get(port, TRACE_URL, { headers: { 'x-forwarded-for': client } });
    expect(await statuses(4, viaProxy('203.0.113.7'))).toEqual([404, 404, 404, 429]);
    expect(await statuses(3, viaProxy('203.0.113.8'))).toEqual([404, 404, 404]);
    // 127.0.0.2 is not in the list: its X-Forwarded-For is its own claim, and it is counted as itself.
    const untrusted = () => get(port, TRACE_URL, { from: '127.0.0.2', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(await statuses(4, untrusted)).toEqual([404, 404, 404, 429]);
    expect((await viaProxy('203.0.113.9')()).status).toBe(404);
  });
});

describe('settings', () => {
  const schema = z.object(commonEnvShape);

  it('reads TRUSTED_PROXIES as a list of addresses and ranges, empty by default, and the limit at 600 by default', () => {
    expect(parseEnv(schema, {})).toMatchObject({ TRUSTED_PROXIES: [], PUBLIC_RATE_LIMIT_PER_MIN: 600 });
    expect(parseEnv(schema, { TRUSTED_PROXIES: ' 10.0.0.0/8, 2001:db8::/32 ,192.0.2.1,loopback', PUBLIC_RATE_LIMIT_PER_MIN: '0' })).toMatchObject({
      TRUSTED_PROXIES: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1', 'loopback'],
      PUBLIC_RATE_LIMIT_PER_MIN: 0,
    });
  });

  it.each([
    { value: 'cdn.example.com', variable: 'TRUSTED_PROXIES' },
    { value: '10.0.0.0/33', variable: 'TRUSTED_PROXIES' },
    { value: '10.0.0.1,10.0.0.300', variable: 'TRUSTED_PROXIES' },
    { value: '::1/129', variable: 'TRUSTED_PROXIES' },
  ])('stops the start on TRUSTED_PROXIES=$value, naming the variable and the entry', ({ value, variable }) => {
    expect(() => parseEnv(schema, { [variable]: value })).toThrow(ConfigError);
    expect(() => parseEnv(schema, { [variable]: value })).toThrow(new RegExp(`${variable}=.*not an IP address or CIDR range`));
  });

  it('refuses a negative or fractional limit', () => {
    expect(() => parseEnv(schema, { PUBLIC_RATE_LIMIT_PER_MIN: '-1' })).toThrow(/PUBLIC_RATE_LIMIT_PER_MIN=.*0 \(off\)/);
    expect(() => parseEnv(schema, { PUBLIC_RATE_LIMIT_PER_MIN: '2.5' })).toThrow(/PUBLIC_RATE_LIMIT_PER_MIN=.*whole number/);
  });
});
