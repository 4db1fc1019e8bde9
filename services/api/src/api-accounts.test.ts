import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Alert } from '@coldchain/storage';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 5, 10);
const PASSWORD = 'correct horse battery staple';

/** A hub and a carrier, shipment shp-1 packhouse → carrier (T0 + 1 h) → hub (T0 + 5 h). */
async function seed(api: TestApi) {
  for (const org of [
    { id: 'platform', name: '平台运营', kind: 'platform' },
    { id: 'coop', name: '合作社', kind: 'shipper' },
    { id: 'reefer', name: '冷运', kind: 'carrier' },
    { id: 'hub', name: '冷库', kind: 'warehouse' },
  ]) {
    await api.call('POST', '/api/v1/organisations', org);
  }
  await api.call('POST', '/api/v1/devices', { id: 'logger-1', ownerOrgId: 'coop' });
  await api.call('POST', '/api/v1/shipments', { id: 'shp-1', profileId: 'lychee', shipperOrgId: 'coop', deviceId: 'logger-1', origin: '海口', destination: '上海', boxes: 1, goodsValueCents: 1000, freightCents: 100, startedAt: T0 });
  await api.call('POST', '/api/v1/shipments/shp-1/handoffs', { at: T0 + HOUR, stage: 'first_mile', toOrgId: 'reefer' });
  await api.call('POST', '/api/v1/shipments/shp-1/handoffs', { at: T0 + 5 * HOUR, stage: 'hub', toOrgId: 'hub' });
}

/** Signs in over real HTTP: the answer, the cookie as sent back, and the Set-Cookie header. */
async function signIn(api: TestApi, login: string, password: string) {
  const response = await fetch(`${api.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { status: response.status, body: (await response.json()) as any, setCookie, cookie: setCookie.split(';')[0]!, retryAfter: response.headers.get('retry-after') };
}

async function http(api: TestApi, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
}

describe('accounts: users, sessions, API keys (issue 12, item 1)', () => {
  const api = useTestApi(seed);

  async function createUser(orgId: string, login: string, role = 'operator') {
    const created = await api.call('POST', `/api/v1/organisations/${orgId}/users`, { login, name: '王五', password: PASSWORD, role });
    expect(created.status).toBe(201);
    return created.body;
  }

  it('creates a user whose password is kept only as a scrypt hash, and signs them in with an HttpOnly, SameSite cookie', async () => {
    const user = await createUser('hub', 'wang.wu');
    expect(JSON.stringify(user)).not.toContain(PASSWORD);
    expect(user).not.toHaveProperty('passwordHash');
    const stored = await api.ops.accounts.getUser(user.id);
    expect(stored!.passwordHash).toMatch(/^scrypt2\$\d+\$8\$1\$/);
    expect(stored!.passwordHash).not.toContain(PASSWORD);

    // Logins are case-insensitive.
    const session = await signIn(api, 'WANG.WU', PASSWORD);
    expect(session.status).toBe(201);
    expect(session.setCookie).toMatch(/^cc_session=[A-Za-z0-9_-]{40,};/);
    expect(session.setCookie).toContain('HttpOnly');
    expect(session.setCookie).toContain('SameSite=Strict');
    expect(session.setCookie).toContain('Path=/');
    expect(session.body.user).toMatchObject({ login: 'wang.wu', name: '王五', role: 'operator', orgId: 'hub', orgKind: 'warehouse' });
    expect(session.body.csrfToken).toEqual(expect.any(String));
    // The session is stored by its hash only.
    const token = session.cookie.split('=')[1]!;
    expect(await api.ops.accounts.getSession(token)).toBeUndefined();

    const me = await http(api, 'GET', '/api/v1/session', { cookie: session.cookie });
    expect(me.body).toMatchObject({ kind: 'user', login: 'wang.wu', orgId: 'hub', csrfToken: session.body.csrfToken });
  });

  it('refuses a duplicate login, a short password and one holding the login, naming the field', async () => {
    await createUser('hub', 'li.si');
    const again = await api.call('POST', '/api/v1/organisations/reefer/users', { login: 'LI.SI', name: '另一个', password: PASSWORD, role: 'viewer' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'user.exists' } } });
    const short = await api.call('POST', '/api/v1/organisations/hub/users', { login: 'short.pw', name: 'x', password: 'short', role: 'viewer' });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain('password: at least 10 characters');
    const holding = await api.call('POST', '/api/v1/organisations/hub/users', { login: 'zhao.liu', name: 'x', password: 'zhao.liu-2026!', role: 'viewer' });
    expect(holding.status).toBe(400);
    expect(holding.body.error.message).toContain('password: must not contain the login');
    const role = await api.call('POST', '/api/v1/organisations/hub/users', { login: 'zhao.qi', name: 'x', password: PASSWORD, role: 'root' });
    expect(role.status).toBe(400);
    expect(role.body.error.message).toContain('body.role');
  });

  it('needs the CSRF token with every change made with the cookie; reads go without', async () => {
    await createUser('hub', 'csrf.user');
    const session = await signIn(api, 'csrf.user', PASSWORD);
    const alert = await insertAlert(api, T0 + 6 * HOUR);
    // A form posted from another site carries the cookie (if the browser sends it) and no token.
    const forged = await http(api, 'POST', `/api/v1/alerts/${alert.id}/ack`, { cookie: session.cookie });
    expect(forged).toMatchObject({ status: 403, body: { error: { code: 'auth.csrf' } } });
    const wrong = await http(api, 'POST', `/api/v1/alerts/${alert.id}/ack`, { cookie: session.cookie, 'x-csrf-token': 'not-the-token' });
    expect(wrong.status).toBe(403);
    expect((await api.ops.getAlert(alert.id))!.status).toBe('open');
    const right = await http(api, 'POST', `/api/v1/alerts/${alert.id}/ack`, { cookie: session.cookie, 'x-csrf-token': session.body.csrfToken });
    expect(right.status).toBe(200);
    expect(right.body.acknowledgedBy).toBe('王五 (csrf.user)');
    expect((await http(api, 'GET', '/api/v1/alerts', { cookie: session.cookie })).status).toBe(200);
  });

  it('throttles guessing: after 5 wrong passwords the login is refused (429, Retry-After) even with the right one', async () => {
    await createUser('hub', 'guessed');
    for (let i = 0; i < 5; i++) expect((await signIn(api, 'guessed', `wrong password ${i}`)).status).toBe(401);
    const blocked = await signIn(api, 'guessed', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('auth.throttled');
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    // An unknown login answers as a wrong password: no way to tell which logins exist.
    const unknown = await signIn(api, 'no-such-login', PASSWORD);
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'auth.invalid', message: 'the login or the password is wrong' } } });
  });

  it('ends a session on sign-out and when the user is disabled', async () => {
    await createUser('hub', 'leaving');
    const session = await signIn(api, 'leaving', PASSWORD);
    const out = await http(api, 'DELETE', '/api/v1/session', { cookie: session.cookie, 'x-csrf-token': session.body.csrfToken });
    expect(out.status).toBe(204);
    expect((await http(api, 'GET', '/api/v1/session', { cookie: session.cookie })).status).toBe(401);

    const user = await createUser('hub', 'disabled');
    const second = await signIn(api, 'disabled', PASSWORD);
    expect((await api.call('DELETE', `/api/v1/users/${user.id}`)).body.disabledAt).toEqual(expect.any(Number));
    expect((await http(api, 'GET', '/api/v1/session', { cookie: second.cookie })).status).toBe(401);
    expect((await signIn(api, 'disabled', PASSWORD)).status).toBe(401);
  });

  it('shows an API key once, keeps only its hash, records its last use, and stops it at once when revoked', async () => {
    const created = await api.call('POST', '/api/v1/organisations/hub/api-keys', { name: 'WMS 对接', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^cck_[A-Za-z0-9]+_[A-Za-z0-9_-]{43}$/);
    const listed = await api.call('GET', '/api/v1/organisations/hub/api-keys');
    // The secret is the last 43 characters (base64url, so it may itself hold an underscore).
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key.slice(-43));
    expect(listed.body.apiKeys[0]).toMatchObject({ id: created.body.id, name: 'WMS 对接', role: 'viewer', lastUsedAt: null, revokedAt: null });

    const used = await api.call('GET', '/api/v1/alerts', undefined, created.body.key);
    expect(used.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await api.call('GET', '/api/v1/organisations/hub/api-keys')).body.apiKeys[0].lastUsedAt).toEqual(expect.any(Number));

    // A viewer key reads and does not act.
    const alert = await insertAlert(api, T0 + 6 * HOUR);
    expect((await api.call('POST', `/api/v1/alerts/${alert.id}/ack`, undefined, created.body.key)).status).toBe(403);

    // Another organisation's administrator cannot revoke it (404); the hub's can.
    const reeferAdmin = await api.apiKey('reefer', 'admin');
    expect((await api.call('DELETE', `/api/v1/api-keys/${created.body.id}`, undefined, reeferAdmin)).status).toBe(404);
    const hubAdmin = await api.signIn('hub', 'admin', '冷库管理员');
    const revoked = await hubAdmin.call('DELETE', `/api/v1/api-keys/${created.body.id}`);
    expect(revoked.body).toMatchObject({ revokedAt: expect.any(Number), revokedBy: hubAdmin.name });
    expect(await api.call('GET', '/api/v1/alerts', undefined, created.body.key)).toMatchObject({ status: 401, body: { error: { code: 'auth.invalid' } } });

    const audit = await hubAdmin.call('GET', `/api/v1/audit?target=api_key:${created.body.id}`);
    expect(audit.body.entries.map((e: any) => [e.action, e.actorName])).toEqual([
      ['api_key.revoked', hubAdmin.name],
      ['api_key.created', 'platform admin token 平台管理令牌'],
    ]);
  });

  it('refuses a credential in a URL on every kind of route, even a valid one', async () => {
    const key = await api.apiKey('hub', 'viewer');
    for (const path of [`/api/v1/alerts?token=${api.adminToken}`, `/api/v1/alerts?access_token=${key}`, `/api/v1/alerts/stream?token=${key}`, '/api/v1/profiles?api_key=x', '/console?token=abc', `/api/v1/alerts?TOKEN=${key}`, `/api/v1/alerts?accessToken=${key}`, '/api/v1/alerts?cc_session=x', '/api/v1/alerts?Api-Key=x']) {
      const response = await http(api, 'GET', path, {});
      expect(response.status, path).toBe(400);
      expect(response.body.error.code, path).toBe('auth.token_in_url');
    }
  });

  it('asks for a credential before it judges the body: no schema is told to a caller without one', async () => {
    const anonymous = await http(api, 'POST', '/api/v1/silences', {}, {});
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'auth.required' } } });
    await createUser('hub', 'csrf.order');
    const session = await signIn(api, 'csrf.order', PASSWORD);
    const noToken = await http(api, 'POST', '/api/v1/silences', { cookie: session.cookie }, {});
    expect(noToken).toMatchObject({ status: 403, body: { error: { code: 'auth.csrf' } } });
  });

  it('streams live events only to those who may see them: the carrier does not hear of the hub\'s alert after it handed over', async () => {
    const carrier = await api.apiKey('reefer', 'viewer');
    const hubViewer = await api.apiKey('hub', 'viewer');
    const shipper = await api.apiKey('coop', 'viewer');
    const streams = await Promise.all([carrier, hubViewer, shipper].map((key) => openStream(api, key)));
    const hubAlert = await insertAlert(api, T0 + 6 * HOUR);
    const carrierAlert = await insertAlert(api, T0 + 2 * HOUR, 'reefer');
    const hub = await api.signIn('hub', 'operator');
    expect((await hub.call('POST', `/api/v1/alerts/${hubAlert.id}/ack`)).status).toBe(200);
    expect((await hub.call('POST', `/api/v1/alerts/${carrierAlert.id}/ack`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = streams.map((s) => s.stop());
    expect(seen[0]).toEqual([carrierAlert.id]);
    expect(seen[1]).toEqual([hubAlert.id, carrierAlert.id]);
    expect(seen[2]).toEqual([hubAlert.id, carrierAlert.id]);
  });
});

/** An open excursion alert on shp-1 fired at `firedAt`, attributed to `liable`. */
async function insertAlert(api: TestApi, firedAt: number, liable = 'hub'): Promise<Alert> {
  const alert: Alert = {
    id: randomUUID(), shipmentId: 'shp-1', deviceId: 'logger-1', ruleId: `high-${firedAt}`, kind: 'excursion', message: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, tier: 2,
    status: 'open', conditionState: 'firing', thresholdC: 15, direction: 'above', activeAt: firedAt - 10 * MIN, firedAt, clearedAt: null, peakTempC: 18, outsideMs: 20 * MIN, degreeMinutes: 60,
    attribution: { status: 'attributed', orgId: liable, legIndex: 1, reason: { zh: '原因', en: 'reason' } }, routedTo: [liable], respondBy: firedAt + HOUR,
    acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolutionNote: null, createdAt: firedAt, updatedAt: firedAt,
  };
  await api.ops.insertAlert(alert);
  return alert;
}

/** Opens the live stream with a key; `stop` closes it and answers the alert ids heard, in order. */
async function openStream(api: TestApi, key: string) {
  const controller = new AbortController();
  const response = await fetch(`${api.baseUrl}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
  expect(response.status).toBe(200);
  const heard: string[] = [];
  let text = '';
  const reader = response.body!.getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
        for (const match of text.matchAll(/^data: (.+)$/gm)) {
          const id = (JSON.parse(match[1]!) as { alert?: { id: string } }).alert?.id;
          if (id && !heard.includes(id)) heard.push(id);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    stop(): string[] {
      controller.abort();
      return heard;
    },
  };
}

describe('the live stream ends with its credential (issue 12, review)', () => {
  const api = useTestApi(seed);

  it('delivers nothing after the key is revoked, and closes the stream', async () => {
    const created = await api.call('POST', '/api/v1/organisations/hub/api-keys', { name: 'wallboard', role: 'viewer' });
    const controller = new AbortController();
    const response = await fetch(`${api.baseUrl}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${created.body.key}` }, signal: controller.signal });
    const reader = response.body!.getReader();
    let text = '';
    const done = (async () => {
      for (;;) {
        const { value, done: isDone } = await reader.read();
        if (isDone) return true;
        text += new TextDecoder().decode(value);
      }
    })();
    expect((await api.call('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(200);
    const alert = await insertAlert(api, T0 + 6 * HOUR);
    const hub = await api.signIn('hub', 'operator');
    expect((await hub.call('POST', `/api/v1/alerts/${alert.id}/ack`)).status).toBe(200);
    // The event finds the key revoked: the stream ends with session.ended, without the event.
    expect(await Promise.race([done, new Promise((resolve) => setTimeout(() => resolve(false), 5_000))])).toBe(true);
    expect(text).toContain('event: session.ended');
    expect(text).not.toContain(alert.id);
    controller.abort();
  });
});
