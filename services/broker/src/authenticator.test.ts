import { beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '@coldchain/auth';
import { createAuthenticator } from './authenticator.ts';
import type { AuthenticatorDeps, ConnectRequest } from './authenticator.ts';

const SECRET = 'device-secret-of-logger-1';
const SERVICE_SECRET = 'service-secret-0123456789';
const DEVICE = '127.0.0.1';
const FLOOD = '127.0.0.2';

let hash: string;
beforeAll(async () => {
  hash = await hashSecret(SECRET);
});

/** An authenticator over one provisioned device, `logger-1`, with a clock the test moves; counts scrypt checks by hash look-ups. */
function setup(overrides: Partial<AuthenticatorDeps> = {}) {
  const clock = { nowMs: Date.UTC(2026, 6, 1, 8, 0) };
  const lookups: string[] = [];
  const authenticate = createAuthenticator({
    getDeviceSecretHash: async (id) => (lookups.push(id), id === 'logger-1' ? hash : undefined),
    serviceSecret: SERVICE_SECRET,
    now: () => clock.nowMs,
    ...overrides,
  });
  return { authenticate, clock, lookups };
}

const device = (password: string, remoteAddress = DEVICE, username = 'logger-1'): ConnectRequest => ({ username, password, clientId: username, remoteAddress });

describe('createAuthenticator', () => {
  it('accepts a device with its secret, and refuses a wrong one with return code 4', async () => {
    const { authenticate } = setup();
    expect(await authenticate(device(SECRET))).toEqual({ ok: true, principal: { kind: 'device', deviceId: 'logger-1' } });
    expect(await authenticate(device('wrong'))).toMatchObject({ ok: false, code: 'credentials.bad', returnCode: 4 });
    expect(await authenticate(device(SECRET, DEVICE, 'logger-404'))).toMatchObject({ ok: false, code: 'credentials.bad', returnCode: 4 });
  });

  it.each<{ name: string; request: ConnectRequest; code: string }>([
    { name: 'a device on another client id', request: { username: 'logger-1', password: SECRET, clientId: 'logger-2', remoteAddress: DEVICE }, code: 'client_id.mismatch' },
    { name: 'a device on a service client id', request: { username: 'logger-1', password: SECRET, clientId: 'coldchain-ingest', remoteAddress: DEVICE }, code: 'client_id.reserved' },
    { name: 'a device whose id starts with coldchain-', request: { username: 'coldchain-x', password: SECRET, clientId: 'coldchain-x', remoteAddress: DEVICE }, code: 'client_id.reserved' },
    { name: 'a service on a device-shaped client id', request: { username: '_svc_ingest', password: SERVICE_SECRET, clientId: 'logger-1', remoteAddress: DEVICE }, code: 'client_id.mismatch' },
  ])('refuses $name before any password check', async ({ request, code }) => {
    const { authenticate, lookups } = setup();
    expect(await authenticate(request)).toMatchObject({ ok: false, code, returnCode: 5 });
    expect(lookups).toEqual([]);
  });

  it('accepts a service with the service secret on a coldchain- client id, and refuses a wrong secret', async () => {
    const { authenticate } = setup();
    const service = (password: string): ConnectRequest => ({ username: '_svc_ingest', password, clientId: 'coldchain-ingest', remoteAddress: DEVICE });
    expect(await authenticate(service(SERVICE_SECRET))).toEqual({ ok: true, principal: { kind: 'service', name: 'ingest' } });
    expect(await authenticate(service('nope'))).toMatchObject({ ok: false, code: 'credentials.bad', returnCode: 4 });
  });

  it('refuses a flooding address unchecked after its burst, while the real device still logs in', async () => {
    const { authenticate, lookups } = setup();
    for (let i = 0; i < 10; i++) expect(await authenticate(device('guess', FLOOD))).toMatchObject({ code: 'credentials.bad' });
    const before = lookups.length;
    for (let i = 0; i < 50; i++) expect(await authenticate(device('guess', FLOOD))).toMatchObject({ code: 'connect.throttled', returnCode: 5 });
    // Even the right secret is not checked from a throttled address: refused before the look-up.
    expect(await authenticate(device(SECRET, FLOOD))).toMatchObject({ code: 'connect.throttled' });
    expect(lookups.length).toBe(before);
    expect(await authenticate(device(SECRET))).toMatchObject({ ok: true });
  });

  it('a logger with a stale secret gets through once corrected, and its success refills the address budget', async () => {
    const { authenticate, clock } = setup();
    for (let i = 0; i < 10; i++) expect(await authenticate(device('stale'))).toMatchObject({ code: 'credentials.bad' });
    expect(await authenticate(device(SECRET))).toMatchObject({ code: 'connect.throttled' });
    // Its own failures used up both the address's budget and its id's (refilled one per 30 s).
    clock.nowMs += 10_000;
    expect(await authenticate(device(SECRET))).toMatchObject({ code: 'connect.throttled' });
    clock.nowMs += 20_000;
    expect(await authenticate(device(SECRET))).toMatchObject({ ok: true });
    // The address has its whole burst again (ids other than the one it exhausted).
    for (let i = 0; i < 10; i++) expect(await authenticate(device('x', DEVICE, `logger-x${i}`))).toMatchObject({ code: 'credentials.bad' });
    expect(await authenticate(device('x', DEVICE, 'logger-x10'))).toMatchObject({ code: 'connect.throttled' });
  });

  it('guesses at a device from many addresses do not lock the device out', async () => {
    const { authenticate } = setup();
    // 30 addresses, 2 guesses each: every one under its own budget, the device id far over its own.
    for (let a = 0; a < 30; a++) for (let i = 0; i < 2; i++) await authenticate(device('guess', `10.0.0.${a}`));
    expect(await authenticate(device('guess', '10.0.0.1'))).toMatchObject({ code: 'connect.throttled' });
    expect(await authenticate(device(SECRET))).toMatchObject({ ok: true });
  });

  it('checks the real device ahead of queued attempts from a suspect address', async () => {
    const { authenticate } = setup({ throttle: { addressBurst: 1000 } });
    const order: string[] = [];
    const track = (label: string, request: ConnectRequest) => authenticate(request).then((result) => (order.push(label), result));
    // One failure makes 127.0.0.2 suspect; then 8 of its guesses take the 2 check slots and queue before the device.
    await authenticate(device('guess', FLOOD));
    const floods = Array.from({ length: 8 }, (_, i) => track(`flood-${i}`, device('guess', FLOOD)));
    const real = track('device', device(SECRET));
    expect(await real).toMatchObject({ ok: true });
    await Promise.all(floods);
    // The device gets the third slot and runs beside one flood check: it finishes 2nd to 4th. In arrival
    // order it would get the ninth and finish 8th or 9th.
    expect(order.indexOf('device')).toBeLessThanOrEqual(3);
  });

  it('refuses a suspect attempt unchecked when the check queue is full', async () => {
    const { authenticate } = setup({ throttle: { addressBurst: 1000, maxQueuedChecks: 2 } });
    await authenticate(device('guess', FLOOD));
    const results = await Promise.all(Array.from({ length: 6 }, () => authenticate(device('guess', FLOOD))));
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['credentials.bad', 'credentials.bad', 'credentials.bad', 'credentials.bad', 'connect.throttled', 'connect.throttled']);
  });

  it('switched off, every attempt is checked (the behaviour before the throttle)', async () => {
    const { authenticate } = setup({ throttle: { isEnabled: false } });
    for (let i = 0; i < 15; i++) expect(await authenticate(device('guess', FLOOD))).toMatchObject({ code: 'credentials.bad' });
    expect(await authenticate(device(SECRET, FLOOD))).toMatchObject({ ok: true });
  });

  it('says the store failed instead of blaming the password', async () => {
    const { authenticate } = setup({ getDeviceSecretHash: async () => Promise.reject(new Error('database is locked')) });
    expect(await authenticate(device(SECRET))).toMatchObject({ ok: false, code: 'auth.unavailable', returnCode: 5, reason: 'device store failed: database is locked' });
  });

  describe("organisations' broker credentials (decision 0022)", () => {
    const ORG_USER = 'org-acme-k3x9q2';
    const org = (password: string, remoteAddress = DEVICE, username = ORG_USER, clientId = username): ConnectRequest => ({ username, password, clientId, remoteAddress });
    /** One active credential of acme and one revoked; device look-ups recorded as in setup(). */
    function setupOrg(overrides: Partial<AuthenticatorDeps> = {}) {
      const orgLookups: string[] = [];
      const records = new Map([
        [ORG_USER, { orgId: 'acme', secretHash: hash, revokedAt: null }],
        ['org-acme-old111', { orgId: 'acme', secretHash: hash, revokedAt: Date.UTC(2026, 5, 1) }],
      ]);
      return { ...setup({ getOrgCredential: async (username) => (orgLookups.push(username), records.get(username)), ...overrides }), orgLookups };
    }

    it('accepts the credential as its organisation, never looking the name up as a device', async () => {
      const { authenticate, lookups, orgLookups } = setupOrg();
      expect(await authenticate(org(SECRET))).toEqual({ ok: true, principal: { kind: 'organisation', orgId: 'acme', username: ORG_USER } });
      expect(await authenticate(org('wrong'))).toMatchObject({ ok: false, code: 'credentials.bad', returnCode: 4 });
      expect(await authenticate(org(SECRET, DEVICE, 'org-unknown-aaaaaa'))).toMatchObject({ ok: false, code: 'credentials.bad', returnCode: 4 });
      expect(lookups).toEqual([]);
      expect(orgLookups).toEqual([ORG_USER, ORG_USER, 'org-unknown-aaaaaa']);
    });

    it('refuses a revoked credential with 5 once the password matched, and a wrong password with 4 as before', async () => {
      const { authenticate } = setupOrg();
      expect(await authenticate(org(SECRET, DEVICE, 'org-acme-old111'))).toMatchObject({ ok: false, code: 'credentials.revoked', returnCode: 5 });
      expect(await authenticate(org('wrong', DEVICE, 'org-acme-old111'))).toMatchObject({ ok: false, code: 'credentials.bad', returnCode: 4 });
    });

    it.each<{ name: string; clientId: string; code: string }>([
      { name: 'another client id', clientId: 'acme-bridge', code: 'client_id.mismatch' },
      { name: "a service's client id", clientId: 'coldchain-ingest', code: 'client_id.reserved' },
      { name: "a device's client id", clientId: 'logger-1', code: 'client_id.mismatch' },
    ])('refuses $name before any password check', async ({ clientId, code }) => {
      const { authenticate, orgLookups } = setupOrg();
      expect(await authenticate(org(SECRET, DEVICE, ORG_USER, clientId))).toMatchObject({ ok: false, code, returnCode: 5 });
      expect(orgLookups).toEqual([]);
    });

    it('refuses every org- name without the credential store (tools that run devices only)', async () => {
      const { authenticate, lookups } = setup();
      expect(await authenticate(org(SECRET))).toMatchObject({ ok: false, code: 'credentials.bad', returnCode: 4 });
      expect(lookups).toEqual([]);
    });

    it('throttles guesses at a credential like guesses at a device: the flooding address is refused unchecked, the holder still connects', async () => {
      const { authenticate, orgLookups } = setupOrg();
      for (let i = 0; i < 10; i++) expect(await authenticate(org('guess', FLOOD))).toMatchObject({ code: 'credentials.bad' });
      const before = orgLookups.length;
      for (let i = 0; i < 20; i++) expect(await authenticate(org('guess', FLOOD))).toMatchObject({ code: 'connect.throttled', returnCode: 5 });
      expect(await authenticate(org(SECRET, FLOOD))).toMatchObject({ code: 'connect.throttled' });
      expect(orgLookups.length).toBe(before);
      expect(await authenticate(org(SECRET))).toMatchObject({ ok: true });
    });

    it('says the store failed instead of blaming the password', async () => {
      const { authenticate } = setup({ getOrgCredential: async () => Promise.reject(new Error('database is locked')) });
      expect(await authenticate(org(SECRET))).toMatchObject({ ok: false, code: 'auth.unavailable', returnCode: 5, reason: 'credential store failed: database is locked' });
    });
  });
});
