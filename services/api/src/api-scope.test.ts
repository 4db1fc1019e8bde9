import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Claim } from '@coldchain/storage';
import sharp from 'sharp';
import { startTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

/**
 * Every route of the OpenAPI document, called over real HTTP by every role of every kind of organisation
 * (issue 12, item 2): each answers what the caller's organisation may see and do, and nothing else. A
 * route added without a rule here fails the test.
 *
 * The world: shipment A of the co-op (s-coop) went packhouse → reefer carrier (c-reefer) → hub (w-hub,
 * holding it now). Alert aC began and fired in the carrier's leg and is attributed to it, with a claim
 * against it; alert aW fired in the hub's leg, after the carrier handed over. Shipment B of another
 * shipper (s-other) went to another carrier (x-outsider), then a courier (k-courier, holding it now);
 * alert aB is attributed to x-outsider, with a claim.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 5, 10);

const ORGS = [
  { id: 's-coop', name: '永兴荔枝合作社', kind: 'shipper' },
  { id: 's-other', name: '另一家主播', kind: 'shipper' },
  { id: 'c-reefer', name: '南北冷运', kind: 'carrier' },
  { id: 'w-hub', name: '白云冷库', kind: 'warehouse' },
  { id: 'x-outsider', name: '外省冷运', kind: 'carrier' },
  { id: 'k-courier', name: '城市鲜达', kind: 'courier' },
] as const;

type OrgId = 'platform' | (typeof ORGS)[number]['id'];
type Role = 'admin' | 'operator' | 'viewer';
type Who = { org: OrgId; role: Role; token: string; label: string };
type Expected = number | readonly number[];
type Case = {
  name?: string;
  url: string | ((who: Who) => string);
  body?: unknown | ((who: Who) => unknown);
  expect: (who: Who) => Expected;
  /** Checks the answer's content when it succeeded: what the caller sees is its own. */
  check?: (who: Who, body: any) => void;
  /** What a caller without a credential gets on a public route (default: success). */
  anonymous?: Expected;
};

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const atLeast = (who: Who, role: Role) => RANK[who.role] >= RANK[role];
const isPlatform = (who: Who) => who.org === 'platform';
const isPlatformAdmin = (who: Who) => who.org === 'platform' && who.role === 'admin';
const A_PARTIES: OrgId[] = ['platform', 's-coop', 'c-reefer', 'w-hub'];
const B_PARTIES: OrgId[] = ['platform', 's-other', 'x-outsider', 'k-courier'];
/** 403 below the role, else what the rule says. */
const needs = (role: Role, then: (who: Who) => Expected) => (who: Who) => (atLeast(who, role) ? then(who) : 403);
const platformOnly = (ok: Expected) => (who: Who) => (isPlatformAdmin(who) ? ok : 403);
/** A route on one organisation's own things (`/organisations/{id}/...`): its administrators, or the platform's. */
const ownOrgAdmin = (ok: Expected, orgOf: (who: Who) => OrgId) => (who: Who) => {
  if (!atLeast(who, 'admin')) return 403;
  return isPlatformAdmin(who) || orgOf(who) === who.org ? ok : 404;
};
const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();
/** A valid body per claim action: the lifecycle's answer (200, or 403/409/422 by turn and state) is not what this test checks, the scope is. */
const CLAIM_BODIES = {
  acknowledge: {}, accept: {}, dispute: { reason: '到站抽检果温正常' }, decide: { outcome: 'upheld', reason: '冷库日志显示空调停机' },
  settle: {}, advance: { amountCents: 100 }, recover: { amountCents: 100 }, withdraw: { reason: '误报' },
};

describe('every route answers per organisation and role (issue 12, item 2)', () => {
  let api: TestApi;
  const who: Who[] = [];
  const ctx = {} as {
    traceA: string;
    asA: string;
    asB: string;
    aC: string;
    aW: string;
    aB: string;
    cC: string;
    cB: string;
    hubEventA: string;
    foreignUser: string;
    foreignKey: string;
    foreignMqtt: string;
    ownKeys: Map<OrgId, string[]>;
    ownUsers: Map<OrgId, string[]>;
    ownMqtt: Map<OrgId, string[]>;
    silenceA: string;
    seq: number;
  };

  async function admin(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
    const response = await api.call(method, url, body);
    if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  function alert(shipmentId: string, deviceId: string, firedAt: number, liable: string): Alert {
    return {
      id: randomUUID(), shipmentId, deviceId, ruleId: `high-${firedAt}`, kind: 'excursion', message: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, tier: 2,
      status: 'open', conditionState: 'firing', thresholdC: 15, direction: 'above', activeAt: firedAt - 10 * MIN, firedAt, clearedAt: null,
      peakTempC: 19, outsideMs: 40 * MIN, degreeMinutes: 120, attribution: { status: 'attributed', orgId: liable, legIndex: 1, reason: { zh: '原因', en: 'reason' } },
      routedTo: [liable], respondBy: firedAt + HOUR, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolutionNote: null,
      createdAt: firedAt, updatedAt: firedAt,
    };
  }

  function claim(a: Alert, liable: string): Claim {
    return {
      id: randomUUID(), shipmentId: a.shipmentId, alertId: a.id, liableOrgId: liable, amountCents: 100_000, goodsShareCents: 90_000, freightCents: 10_000, currency: 'CNY',
      status: 'filed', reason: { zh: '原因', en: 'reason' }, filedAt: a.firedAt + MIN, respondBy: a.firedAt + 2 * HOUR, withdrawnAt: null, withdrawnReason: null,
    };
  }

  beforeAll(async () => {
    api = await startTestApi();
    await admin('POST', '/api/v1/organisations', { id: 'platform', name: '平台运营', kind: 'platform' });
    for (const org of ORGS) await admin('POST', '/api/v1/organisations', org);
    await admin('POST', '/api/v1/devices', { id: 'dev-a', ownerOrgId: 's-coop' });
    await admin('POST', '/api/v1/devices', { id: 'dev-b', ownerOrgId: 's-other' });
    const base = { profileId: 'lychee', origin: '海南 海口', destination: '上海', boxes: 10, goodsValueCents: 300_000, freightCents: 40_000, startedAt: T0 };
    const a = await admin('POST', '/api/v1/shipments', { ...base, id: 'shp-a', shipperOrgId: 's-coop', deviceId: 'dev-a' });
    ctx.traceA = a.traceCode;
    const b = await admin('POST', '/api/v1/shipments', { ...base, id: 'shp-b', shipperOrgId: 's-other', deviceId: 'dev-b' });
    await admin('POST', '/api/v1/shipments/shp-a/handoffs', { at: T0 + HOUR, stage: 'first_mile', toOrgId: 'c-reefer' });
    ctx.hubEventA = (await admin('POST', '/api/v1/shipments/shp-a/handoffs', { at: T0 + 5 * HOUR, stage: 'hub', toOrgId: 'w-hub' })).id;
    await admin('POST', '/api/v1/shipments/shp-b/handoffs', { at: T0 + HOUR, stage: 'first_mile', toOrgId: 'x-outsider' });
    await admin('POST', '/api/v1/shipments/shp-b/handoffs', { at: T0 + 5 * HOUR, stage: 'last_mile', toOrgId: 'k-courier' });

    const aC = alert('shp-a', 'dev-a', T0 + 2 * HOUR, 'c-reefer');
    const aW = alert('shp-a', 'dev-a', T0 + 6 * HOUR, 'w-hub');
    const aB = alert('shp-b', 'dev-b', T0 + 2 * HOUR, 'x-outsider');
    for (const a of [aC, aW, aB]) await api.ops.insertAlert(a);
    Object.assign(ctx, { aC: aC.id, aW: aW.id, aB: aB.id });
    ctx.cC = (await api.ops.fileClaimOnce(claim(aC, 'c-reefer'))).claim.id;
    ctx.cB = (await api.ops.fileClaimOnce(claim(aB, 'x-outsider'))).claim.id;

    for (const org of ORGS) {
      for (const role of ['admin', 'operator', 'viewer'] as const) who.push({ org: org.id, role, token: await api.apiKey(org.id, role), label: `${org.id} ${role}` });
    }
    // The platform last: what it removes, the organisations have tried to remove before it.
    who.push({ org: 'platform', role: 'viewer', token: await api.apiKey('platform', 'viewer'), label: 'platform viewer' });
    who.push({ org: 'platform', role: 'admin', token: api.adminToken, label: 'platform admin token' });
    // Things of another organisation (s-other) to reach for, and each organisation's own to remove.
    ctx.foreignUser = (await admin('POST', '/api/v1/organisations/s-other/users', { login: 'other-ops', name: '他人', password: 'a long passphrase', role: 'operator' })).id;
    ctx.foreignKey = (await admin('POST', '/api/v1/organisations/s-other/api-keys', { name: 'other', role: 'viewer' })).id;
    ctx.foreignMqtt = (await admin('POST', '/api/v1/organisations/s-other/mqtt-credentials', {})).username;
    ctx.ownKeys = new Map();
    ctx.ownUsers = new Map();
    ctx.ownMqtt = new Map();
    for (const org of ['platform', ...ORGS.map((o) => o.id)] as OrgId[]) {
      const keys: string[] = [];
      const users: string[] = [];
      const mqtt: string[] = [];
      for (let i = 0; i < 4; i++) {
        keys.push((await admin('POST', `/api/v1/organisations/${org}/api-keys`, { name: `spare ${i}`, role: 'viewer' })).id);
        users.push((await admin('POST', `/api/v1/organisations/${org}/users`, { login: `spare-${org}-${i}`, name: `spare ${i}`, password: 'a long passphrase', role: 'viewer' })).id);
        mqtt.push((await admin('POST', `/api/v1/organisations/${org}/mqtt-credentials`, {})).username);
      }
      ctx.ownKeys.set(org, keys);
      ctx.ownUsers.set(org, users);
      ctx.ownMqtt.set(org, mqtt);
    }
    // A consumer's report on each shipper's shipment, the first with a photo.
    const report = async (traceCode: string, photo: boolean) => {
      const form = new FormData();
      form.append('badCount', '1');
      form.append('totalCount', '40');
      if (photo) form.append('photos', new Blob([new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#800' } }).png().toBuffer())]), 'p.png');
      const answer = await fetch(`${api.baseUrl}/api/v1/trace/${traceCode}/after-sales`, { method: 'POST', body: form });
      return ((await answer.json()) as { id: string }).id;
    };
    ctx.asA = await report(a.traceCode, true);
    ctx.asB = await report(b.traceCode, false);
    ctx.silenceA = (await admin('POST', '/api/v1/silences', { shipmentId: 'shp-a', endsAt: Date.now() + HOUR, reason: 'door open for loading' })).id;
    ctx.seq = 0;
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  });

  /** A fresh name per call, for routes that create something. */
  const fresh = (prefix: string) => `${prefix}-${++ctx.seq}`;
  /** The spare thing of the caller's organisation to remove, one per role. */
  const spare = (list: Map<OrgId, string[]>, w: Who) => list.get(w.org)![RANK[w.role]]!;

  const RULES: Record<string, () => Case[]> = {
    // Signing in is public: a wrong password is 401 (429 once the login is throttled), whoever asks.
    'POST /api/v1/session': () => [{ url: '/api/v1/session', body: { login: 'nobody-here', password: 'wrong password' }, expect: () => [401, 429], anonymous: [401, 429] }],
    'GET /api/v1/session': () => [{ url: '/api/v1/session', expect: () => 200, check: (w, b) => expect(b.orgId).toBe(w.org) }],
    // An API key has no session to end.
    'DELETE /api/v1/session': () => [{ url: '/api/v1/session', expect: () => 400 }],
    'POST /api/v1/organisations/{id}/users': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/users`, body: () => ({ login: fresh('user'), name: '新人', password: 'a long passphrase', role: 'viewer' }), expect: ownOrgAdmin(201, (w) => w.org) },
      { name: 'another', url: '/api/v1/organisations/s-other/users', body: () => ({ login: fresh('user'), name: '新人', password: 'a long passphrase', role: 'viewer' }), expect: ownOrgAdmin(201, () => 's-other') },
    ],
    'GET /api/v1/organisations/{id}/users': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/users`, expect: ownOrgAdmin(200, (w) => w.org), check: (w, b) => expect(new Set(b.users.map((u: any) => u.orgId))).toEqual(new Set([w.org])) },
      { name: 'another', url: '/api/v1/organisations/s-other/users', expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'DELETE /api/v1/users/{id}': () => [
      { name: 'own', url: (w) => `/api/v1/users/${spare(ctx.ownUsers, w)}`, expect: ownOrgAdmin(200, (w) => w.org) },
      { name: 'another', url: () => `/api/v1/users/${ctx.foreignUser}`, expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'POST /api/v1/organisations/{id}/api-keys': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/api-keys`, body: { name: 'machine', role: 'viewer' }, expect: ownOrgAdmin(201, (w) => w.org) },
      { name: 'another', url: '/api/v1/organisations/s-other/api-keys', body: { name: 'machine', role: 'admin' }, expect: ownOrgAdmin(201, () => 's-other') },
    ],
    'GET /api/v1/organisations/{id}/api-keys': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/api-keys`, expect: ownOrgAdmin(200, (w) => w.org), check: (w, b) => {
        expect(new Set(b.apiKeys.map((k: any) => k.orgId))).toEqual(new Set([w.org]));
        expect(JSON.stringify(b)).not.toMatch(/cck_|keyHash|sha256\$/);
      } },
      { name: 'another', url: '/api/v1/organisations/s-other/api-keys', expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'DELETE /api/v1/api-keys/{id}': () => [
      { name: 'own', url: (w) => `/api/v1/api-keys/${spare(ctx.ownKeys, w)}`, expect: ownOrgAdmin(200, (w) => w.org) },
      { name: 'another', url: () => `/api/v1/api-keys/${ctx.foreignKey}`, expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'GET /api/v1/audit': () => [
      { url: '/api/v1/audit', expect: needs('admin', () => 200), check: (w, b) => {
        expect(b.entries.length).toBeGreaterThan(0);
        if (!isPlatform(w)) for (const e of b.entries) expect([e.orgId, e.actorOrgId]).toContain(w.org);
      } },
    ],
    'POST /api/v1/organisations/{id}/mqtt-credentials': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/mqtt-credentials`, body: {}, expect: ownOrgAdmin(201, (w) => w.org) },
      { name: 'another', url: '/api/v1/organisations/s-other/mqtt-credentials', body: {}, expect: ownOrgAdmin(201, () => 's-other') },
    ],
    'GET /api/v1/organisations/{id}/mqtt-credentials': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/mqtt-credentials`, expect: ownOrgAdmin(200, (w) => w.org), check: (_w, b) => expect(JSON.stringify(b)).not.toMatch(/password|secretHash|sha256\$/) },
      { name: 'another', url: '/api/v1/organisations/s-other/mqtt-credentials', expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'DELETE /api/v1/mqtt-credentials/{username}': () => [
      { name: 'own', url: (w) => `/api/v1/mqtt-credentials/${spare(ctx.ownMqtt, w)}`, expect: ownOrgAdmin(200, (w) => w.org) },
      { name: 'another', url: () => `/api/v1/mqtt-credentials/${ctx.foreignMqtt}`, expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'POST /api/v1/devices': () => [{ url: '/api/v1/devices', body: () => ({ id: fresh('logger') }), expect: needs('admin', () => 201), check: (w, b) => expect(b.ownerOrgId).toBe(isPlatform(w) ? null : w.org) }],
    'POST /api/v1/devices/{id}/secret': () => [{ url: '/api/v1/devices/dev-a/secret', expect: needs('admin', (w) => (isPlatform(w) || w.org === 's-coop' ? 200 : 404)) }],
    'GET /api/v1/devices/{id}/readings': () => [{ url: '/api/v1/devices/dev-a/readings', expect: (w) => (isPlatform(w) || w.org === 's-coop' ? 200 : 404) }],
    'GET /api/v1/devices/{id}/events': () => [{ url: '/api/v1/devices/dev-a/events', expect: (w) => (isPlatform(w) || w.org === 's-coop' ? 200 : 404) }],
    // dev-a is with shipment A: whoever may create the co-op's shipment hears that (409), the others are refused.
    'POST /api/v1/shipments': () => [
      {
        url: '/api/v1/shipments',
        body: { profileId: 'lychee', shipperOrgId: 's-coop', deviceId: 'dev-a', origin: '海口', destination: '上海', boxes: 1, goodsValueCents: 1, freightCents: 1 },
        expect: needs('operator', (w) => (isPlatformAdmin(w) || w.org === 's-coop' ? 409 : 403)),
      },
    ],
    'GET /api/v1/shipments': () => [
      { url: '/api/v1/shipments', expect: () => 200, check: (w, b) => expect(ids(b.shipments)).toEqual(isPlatform(w) ? ['shp-a', 'shp-b'] : A_PARTIES.includes(w.org) ? ['shp-a'] : B_PARTIES.includes(w.org) ? ['shp-b'] : []) },
      { name: 'held now', url: '/api/v1/shipments?held=now', expect: () => 200, check: (w, b) => expect(ids(b.shipments)).toEqual(w.org === 'w-hub' ? ['shp-a'] : w.org === 'k-courier' ? ['shp-b'] : []) },
    ],
    'GET /api/v1/shipments/{id}': () => [
      { url: '/api/v1/shipments/shp-a', expect: (w) => (A_PARTIES.includes(w.org) ? 200 : 404), check: (w, b) => {
        // The carrier handed over before aW: it sees its own leg's alert and the claim against it.
        expect(ids(b.alerts)).toEqual([...(w.org === 'c-reefer' ? [ctx.aC] : [ctx.aC, ctx.aW])].sort());
        expect(ids(b.claims)).toEqual(w.org === 'w-hub' ? [] : [ctx.cC]);
        // The carrier sees the record up to its handover: legs, figures and verdict agree with its alerts.
        expect(b.visibleUntil).toBe(w.org === 'c-reefer' ? T0 + 5 * HOUR : null);
        expect(b.legs.map((l: any) => l.stage)).toEqual(w.org === 'c-reefer' ? ['packhouse', 'first_mile'] : ['packhouse', 'first_mile', 'hub']);
      } },
    ],
    'GET /api/v1/shipments/{id}/curve': () => [{ url: '/api/v1/shipments/shp-b/curve', expect: (w) => (B_PARTIES.includes(w.org) ? 200 : 404) }],
    // A time before the start is refused after the permission: the holder (w-hub) hears 422, the others are refused.
    'POST /api/v1/shipments/{id}/handoffs': () => [
      {
        url: '/api/v1/shipments/shp-a/handoffs',
        body: { at: T0 - HOUR, stage: 'line_haul', toOrgId: 'c-reefer' },
        expect: needs('operator', (w) => (isPlatform(w) || w.org === 'w-hub' ? 422 : A_PARTIES.includes(w.org) ? 403 : 404)),
      },
    ],
    'GET /api/v1/alerts': () => [
      { url: '/api/v1/alerts', expect: () => 200, check: (w, b) => {
        const expected: Record<OrgId, string[]> = {
          platform: [ctx.aC, ctx.aW, ctx.aB], 's-coop': [ctx.aC, ctx.aW], 'c-reefer': [ctx.aC], 'w-hub': [ctx.aC, ctx.aW],
          's-other': [ctx.aB], 'x-outsider': [ctx.aB], 'k-courier': [ctx.aB],
        };
        expect(ids(b.alerts)).toEqual(expected[w.org].sort());
      } },
    ],
    'POST /api/v1/alerts/{id}/ack': () => [
      // aW fired in the hub's leg: the hub acts; the shipper sees it and cannot; the carrier (gone before it) does not see it.
      { name: 'aW', url: () => `/api/v1/alerts/${ctx.aW}/ack`, expect: needs('operator', (w) => (isPlatform(w) || w.org === 'w-hub' ? 200 : w.org === 's-coop' ? 403 : 404)) },
      // aC fired in the carrier's leg: the carrier and the hub holding the goods now act on it.
      { name: 'aC', url: () => `/api/v1/alerts/${ctx.aC}/ack`, expect: needs('operator', (w) => (isPlatform(w) || w.org === 'w-hub' || w.org === 'c-reefer' ? 200 : w.org === 's-coop' ? 403 : 404)) },
    ],
    'POST /api/v1/alerts/{id}/resolve': () => [
      // The first allowed caller resolves it; the ones after it hear 409.
      { url: () => `/api/v1/alerts/${ctx.aB}/resolve`, body: { note: '已处理' }, expect: needs('operator', (w) => (isPlatform(w) || w.org === 'x-outsider' || w.org === 'k-courier' ? [200, 409] : w.org === 's-other' ? 403 : 404)) },
    ],
    'GET /api/v1/alerts/stream': () => [{ url: '/api/v1/alerts/stream', expect: () => 200 }],
    'POST /api/v1/organisations': () => [{ url: '/api/v1/organisations', body: { id: 'w-hub', name: '白云冷库', kind: 'warehouse' }, expect: platformOnly(200) }],
    'GET /api/v1/organisations': () => [{ url: '/api/v1/organisations', expect: () => 200 }],
    'GET /api/v1/claims': () => [
      { url: '/api/v1/claims', expect: () => 200, check: (w, b) => {
        const expected: Record<OrgId, string[]> = { platform: [ctx.cC, ctx.cB], 's-coop': [ctx.cC], 'c-reefer': [ctx.cC], 'w-hub': [], 's-other': [ctx.cB], 'x-outsider': [ctx.cB], 'k-courier': [] };
        expect(ids(b.claims)).toEqual(expected[w.org].sort());
      } },
    ],
    'GET /api/v1/claims/{id}': () => [
      { url: () => `/api/v1/claims/${ctx.cC}`, expect: (w) => (isPlatform(w) || w.org === 's-coop' || w.org === 'c-reefer' ? 200 : 404), check: (w, b) => expect(b.yourParty).toBe(isPlatform(w) ? 'platform' : w.org === 'c-reefer' ? 'carrier' : 'shipper') },
    ],
    ...Object.fromEntries(
      (['acknowledge', 'accept', 'dispute', 'decide', 'settle', 'advance', 'recover', 'withdraw'] as const).map((kind) => [
        `POST /api/v1/claims/{id}/${kind}`,
        () => [{ url: () => `/api/v1/claims/${ctx.cB}/${kind}`, body: CLAIM_BODIES[kind], expect: needs('operator', (w) => (isPlatform(w) || w.org === 's-other' || w.org === 'x-outsider' ? [200, 403, 409, 422] : 404)) }],
      ]),
    ),
    // The platform and shippers see the ranking; a logistics provider its own card.
    'GET /api/v1/scorecards': () => [
      { url: '/api/v1/scorecards', expect: () => 200, check: (w, b) => {
        const orgs = b.scorecards.map((c: any) => c.orgId);
        if (isPlatform(w) || w.org.startsWith('s-')) expect(orgs.length).toBeGreaterThanOrEqual(4);
        else expect(orgs).toEqual([w.org]);
      } },
    ],
    // The trend, scoped like the ranking (the month the route above served is kept by then).
    'GET /api/v1/scorecards/trend': () => [
      { url: '/api/v1/scorecards/trend?months=2', expect: () => 200, check: (w, b) => {
        const orgs = b.organisations.map((o: any) => o.orgId);
        if (isPlatform(w) || w.org.startsWith('s-')) expect(orgs.length).toBeGreaterThanOrEqual(4);
        else expect(orgs).toEqual([w.org]);
      } },
    ],
    // After-sales: public to report and follow; the shipper's (and the platform's) to see and decide.
    'POST /api/v1/trace/{traceCode}/after-sales': () => [
      { url: () => `/api/v1/trace/${ctx.traceA}/after-sales`, body: { badCount: 1, totalCount: 400 }, expect: () => [201, 409, 429], anonymous: [201, 409, 429] },
    ],
    'GET /api/v1/trace/{traceCode}/after-sales/{id}': () => [
      { url: () => `/api/v1/trace/${ctx.traceA}/after-sales/${ctx.asA}`, expect: () => 200, check: (_w, b) => expect(b).not.toHaveProperty('orderRef') },
    ],
    'GET /api/v1/after-sales': () => [
      { url: '/api/v1/after-sales', expect: () => 200, check: (w, b) => {
        const items: string[] = b.items.map((r: any) => r.id);
        const shippers = new Set(b.items.map((r: any) => r.shipperOrgId));
        if (isPlatform(w)) expect(items).toEqual(expect.arrayContaining([ctx.asA, ctx.asB]));
        else if (w.org.startsWith('s-')) expect([...shippers]).toEqual([w.org]);
        else expect(items).toEqual([]);
      } },
    ],
    'GET /api/v1/after-sales/{id}': () => [
      { url: () => `/api/v1/after-sales/${ctx.asA}`, expect: (w) => (isPlatform(w) || w.org === 's-coop' ? 200 : 404) },
    ],
    'GET /api/v1/after-sales/{id}/photos/{idx}': () => [
      { url: () => `/api/v1/after-sales/${ctx.asA}/photos/0`, expect: (w) => (isPlatform(w) || w.org === 's-coop' ? 200 : 404) },
    ],
    'POST /api/v1/after-sales/{id}/decide': () => [
      // Approved by rule and paid already: those who may see it hear 409, the rest 404.
      { url: () => `/api/v1/after-sales/${ctx.asB}/decide`, body: { decision: 'approve', reason: '同意' }, expect: needs('operator', (w) => (isPlatform(w) || w.org === 's-other' ? 409 : 404)) },
    ],
    'GET /api/v1/organisations/{id}/compensation-settings': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/compensation-settings`, expect: () => 200 },
      { name: 'another', url: '/api/v1/organisations/s-other/compensation-settings', expect: (w) => (isPlatform(w) || w.org === 's-other' ? 200 : 404) },
    ],
    'PUT /api/v1/organisations/{id}/compensation-settings': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/compensation-settings`, body: { profileId: '*', fullRefundAbovePercent: 10, resendFromPercent: 5 }, expect: (w) => (!atLeast(w, 'admin') ? 403 : w.org.startsWith('s-') ? 200 : 400) },
      { name: 'another', url: '/api/v1/organisations/s-other/compensation-settings', body: { profileId: '*', fullRefundAbovePercent: 10, resendFromPercent: 5 }, expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'GET /api/v1/dead-letters': () => [
      { name: 'all', url: '/api/v1/dead-letters', expect: (w) => (isPlatform(w) ? 200 : 400) },
      { name: 'a device', url: '/api/v1/dead-letters?deviceId=dev-a', expect: (w) => (isPlatform(w) || w.org === 's-coop' ? 200 : 404) },
    ],
    'GET /api/v1/trace/{traceCode}': () => [{ url: () => `/api/v1/trace/${ctx.traceA}`, expect: () => 200 }],
    'GET /api/v1/shipments/{id}/public-view': () => [{ url: '/api/v1/shipments/shp-a/public-view', expect: (w) => (A_PARTIES.includes(w.org) ? 200 : 404) }],
    'PUT /api/v1/shipments/{id}/public-view': () => [
      { url: '/api/v1/shipments/shp-a/public-view', body: { origin: '海南 海口', destination: '上海', custodians: 'kinds' }, expect: needs('operator', (w) => (isPlatform(w) || w.org === 's-coop' ? 200 : A_PARTIES.includes(w.org) ? 403 : 404)) },
    ],
    'PUT /api/v1/organisations/{id}/channels': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/channels`, body: { channels: [] }, expect: ownOrgAdmin(200, (w) => w.org) },
      { name: 'another', url: '/api/v1/organisations/s-other/channels', body: { channels: [] }, expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'GET /api/v1/organisations/{id}/channels': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/channels`, expect: ownOrgAdmin(200, (w) => w.org) },
      { name: 'another', url: '/api/v1/organisations/s-other/channels', expect: ownOrgAdmin(200, () => 's-other') },
    ],
    'POST /api/v1/silences': () => [
      { url: '/api/v1/silences', body: () => ({ shipmentId: 'shp-a', endsAt: Date.now() + HOUR, reason: '装货开门' }), expect: needs('operator', (w) => (isPlatform(w) || w.org === 'w-hub' ? 201 : A_PARTIES.includes(w.org) ? 403 : 404)) },
    ],
    'GET /api/v1/silences': () => [{ url: '/api/v1/silences', expect: () => 200, check: (w, b) => expect(b.silences.some((s: any) => s.id === ctx.silenceA)).toBe(A_PARTIES.includes(w.org)) }],
    'DELETE /api/v1/silences/{id}': () => [
      { url: () => `/api/v1/silences/${ctx.silenceA}`, expect: needs('operator', (w) => (isPlatform(w) || w.org === 'w-hub' ? [200, 404] : A_PARTIES.includes(w.org) ? 403 : 404)) },
    ],
    'GET /api/v1/profiles': () => [{ url: '/api/v1/profiles', expect: () => 200 }],
    'GET /api/v1/profiles/{id}': () => [{ url: '/api/v1/profiles/lychee', expect: () => 200 }],
    'PUT /api/v1/profiles/{id}': () => [{ url: '/api/v1/profiles/lychee', body: () => lychee, expect: platformOnly(200) }],
    'GET /api/v1/profiles/{id}/audit': () => [{ url: '/api/v1/profiles/lychee/audit', expect: platformOnly(200) }],
    'PUT /api/v1/organisations/{id}/response-times': () => [{ url: (w) => `/api/v1/organisations/${w.org}/response-times`, body: { 1: HOUR }, expect: platformOnly(200) }],
    // The claim answer time: the organisation reads its own, the platform any; only the platform's administrators set it.
    'GET /api/v1/organisations/{id}/claim-response': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/claim-response`, expect: () => 200, check: (w, b) => expect(b.orgId).toBe(w.org) },
      { name: 'another', url: '/api/v1/organisations/s-other/claim-response', expect: (w) => (isPlatform(w) || w.org === 's-other' ? 200 : 404) },
    ],
    'PUT /api/v1/organisations/{id}/claim-response': () => [
      { name: 'own', url: (w) => `/api/v1/organisations/${w.org}/claim-response`, body: { responseMinutes: null }, expect: platformOnly(200) },
      { name: 'another', url: '/api/v1/organisations/x-outsider/claim-response', body: { responseMinutes: 120 }, expect: platformOnly(200) },
    ],
    'GET /api/v1/reviews': () => [{ url: '/api/v1/reviews', expect: platformOnly(200) }],
    'POST /api/v1/reviews/{id}/decision': () => [{ url: '/api/v1/reviews/no-such-review/decision', body: { liableOrgId: null, reason: '无' }, expect: platformOnly(404) }],
    'GET /api/v1/keys': () => [{ url: '/api/v1/keys', expect: () => 200 }],
    'POST /api/v1/keys/rotate': () => [{ url: '/api/v1/keys/rotate', expect: platformOnly(201) }],
    'GET /api/v1/shipments/{id}/chain': () => [{ url: '/api/v1/shipments/shp-a/chain', expect: (w) => (A_PARTIES.includes(w.org) ? 200 : 404) }],
    // The whole record goes to the shipper, the platform and the parties an excursion is put on; the courier of B holds none.
    'GET /api/v1/shipments/{id}/evidence': () => [{ url: '/api/v1/shipments/shp-b/evidence', expect: exportRule }],
    'POST /api/v1/shipments/{id}/corrections': () => [
      // The hub scan's parties (the hub, the carrier before it) and the shipper hear the refusal of a time before the start.
      { url: '/api/v1/shipments/shp-a/corrections', body: () => ({ eventId: ctx.hubEventA, at: T0 - HOUR, reason: '测试' }), expect: needs('operator', (w) => (A_PARTIES.includes(w.org) ? 422 : 404)) },
    ],
    'GET /api/v1/shipments/{id}/corrections': () => [{ url: '/api/v1/shipments/shp-a/corrections', expect: (w) => (A_PARTIES.includes(w.org) ? 200 : 404) }],
    'GET /api/v1/shipments/{id}/report.pdf': () => [{ url: '/api/v1/shipments/shp-b/report.pdf', expect: exportRule }],
    'GET /api/v1/shipments/{id}/report': () => [{ url: '/api/v1/shipments/shp-b/report', expect: exportRule }],
    'GET /api/v1/shipments/{id}/epcis': () => [{ url: '/api/v1/shipments/shp-b/epcis', expect: exportRule }],
  };
  function exportRule(w: Who): Expected {
    if (isPlatform(w) || w.org === 's-other' || w.org === 'x-outsider') return 200;
    return w.org === 'k-courier' ? 403 : 404;
  }
  let lychee: unknown;

  async function call(method: string, url: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
    const controller = new AbortController();
    const response = await fetch(`${api.baseUrl}${url}`, {
      method,
      signal: controller.signal,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // The live stream never ends: its status is what counts.
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, body: undefined };
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: type.includes('json') && text ? JSON.parse(text) : text };
  }

  it('has a rule for every route in the OpenAPI document, and each role of each organisation gets what the rule says', async () => {
    lychee = (await call('GET', '/api/v1/profiles/lychee', null)).body;
    const doc = (await call('GET', '/docs/json', null)).body;
    const routes = Object.entries<Record<string, { security?: unknown[] }>>(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), isPublic: !op.security })),
    );
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.map((r) => r.key).filter((key) => !RULES[key]), 'routes without a scope rule').toEqual([]);

    const failures: string[] = [];
    for (const route of routes) {
      for (const c of RULES[route.key]!()) {
        for (const w of who) {
          const url = typeof c.url === 'function' ? c.url(w) : c.url;
          const body = typeof c.body === 'function' ? (c.body as (w: Who) => unknown)(w) : c.body;
          const response = await call(route.method, url, w.token, body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}));
          const expected = [c.expect(w)].flat();
          const where = `${route.key}${c.name ? ` (${c.name})` : ''} as ${w.label}`;
          if (!expected.includes(response.status)) {
            failures.push(`${where}: ${response.status}, expected ${expected.join(' or ')}: ${JSON.stringify(response.body).slice(0, 200)}`);
          } else if (c.check && response.status < 300) {
            try {
              c.check(w, response.body);
            } catch (error) {
              failures.push(`${where}: ${(error as Error).message.split('\n')[0]}`);
            }
          }
        }
        // Without a credential: 401 everywhere but the public routes.
        const url = typeof c.url === 'function' ? c.url(who.at(-1)!) : c.url;
        const anonymous = await call(route.method, url, null, route.method === 'GET' || route.method === 'DELETE' ? undefined : (typeof c.body === 'function' ? (c.body as (w: Who) => unknown)(who.at(-1)!) : c.body) ?? {});
        if (!route.isPublic && anonymous.status !== 401) failures.push(`${route.key} without a credential: ${anonymous.status}, expected 401`);
        if (route.isPublic && ![c.anonymous ?? [200, 201]].flat().includes(anonymous.status)) failures.push(`${route.key} (public) without a credential: ${anonymous.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
