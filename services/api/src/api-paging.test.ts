import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Alert, Claim, DeadLetter, Shipment, StoredReading } from '@coldchain/storage';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 4, 20);

/**
 * Walks a paged list from its first page, `limit` at a time, following nextCursor; returns every item
 * in the order given and the number of pages. Each page but the last is full.
 */
async function walk(api: TestApi, url: string, key: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const response = await api.call('GET', `${url}${separator}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const page = response.body[key] as any[];
    cursor = response.body.nextCursor;
    expect(cursor === null || typeof cursor === 'string').toBe(true);
    if (cursor !== null) expect(page).toHaveLength(limit);
    items.push(...page);
    pages++;
    expect(pages).toBeLessThan(1000);
  } while (cursor !== null);
  return { items, pages };
}

/** Expects `url` to refuse a cursor it did not give out, naming the field. */
async function expectBadCursorRefused(api: TestApi, url: string, ownList: string): Promise<void> {
  const separator = url.includes('?') ? '&' : '?';
  // Well-formed cursors of the other lists (and of another device's readings): good there, not here.
  const foreign = ['shipments', 'alerts', 'claims', 'dead-letters', 'readings:another-device']
    .filter((list) => list !== ownList)
    .flatMap((list) => [[T0, 'shp-0001'], 7, T0].map((at) => Buffer.from(JSON.stringify({ list, at })).toString('base64url')));
  for (const cursor of ['not a cursor!', 'bm9wZQ', Buffer.from(JSON.stringify({ id: 1 })).toString('base64url'), ...foreign]) {
    const response = await api.call('GET', `${url}${separator}cursor=${encodeURIComponent(cursor)}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('request.invalid');
    expect(response.body.error.message).toMatch(/^cursor: /);
  }
}

/** Expects `limit=0` refused naming the field. */
async function expectZeroLimitRefused(api: TestApi, url: string): Promise<void> {
  const separator = url.includes('?') ? '&' : '?';
  const response = await api.call('GET', `${url}${separator}limit=0`);
  expect(response.status).toBe(400);
  expect(response.body.error.message).toContain('limit');
}

const shipment = (id: string, startedAt: number): Shipment => ({
  id,
  traceCode: `trace-${id}-${randomUUID()}`,
  profileId: 'lychee',
  shipperOrgId: 'org-coop',
  deviceId: `logger-${id}`,
  origin: '海口',
  destination: '上海',
  boxes: 120,
  goodsValueCents: 3_600_000,
  freightCents: 480_000,
  startedAt,
  deliveredAt: null,
  createdAt: startedAt,
});

/** Stores `count` shipments straight into the store (the API would take minutes for a thousand). */
async function seedShipments(api: TestApi, count: number, startedAtOf: (i: number) => number): Promise<Shipment[]> {
  await api.ops.upsertOrganisation({ id: 'org-coop', name: '合作社', nameEn: 'co-op', kind: 'shipper', createdAt: T0 });
  const stored: Shipment[] = [];
  for (let i = 0; i < count; i++) {
    const s = shipment(`shp-${String(i).padStart(4, '0')}`, startedAtOf(i));
    await api.ops.createDevice({ id: s.deviceId, secretHash: 'x', publicKey: null, createdAt: T0 });
    expect(await api.ops.createShipment(s, { shipmentId: s.id, at: s.startedAt, stage: 'packhouse', toOrgId: 'org-coop', station: null, probeTempC: null, recordedAt: s.startedAt })).toBe(true);
    stored.push(s);
  }
  return stored;
}

/** Newest start first, ties in id order: the order of the shipments list. */
const byShipmentOrder = (a: Shipment, b: Shipment) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('paged shipments', () => {
  const api = useTestApi();

  it('gives every shipment once, newest first, over pages; ties in start time neither lost nor repeated', async () => {
    // Groups of three share a start time, so pages end in the middle of a tie.
    const stored = await seedShipments(api, 23, (i) => T0 + Math.floor(i / 3) * MIN);
    const { items, pages } = await walk(api, '/api/v1/shipments', 'shipments', 4);
    expect(pages).toBe(6);
    expect(items.map((s) => s.id)).toEqual([...stored].sort(byShipmentOrder).map((s) => s.id));
  });

  it('answers one page with nextCursor null when all fit, and an empty list when there is none', async () => {
    const empty = await api.call('GET', '/api/v1/shipments');
    expect(empty.body).toEqual({ shipments: [], nextCursor: null });
    await seedShipments(api, 3, (i) => T0 + i * MIN);
    const all = await api.call('GET', '/api/v1/shipments?limit=3');
    expect(all.body.shipments).toHaveLength(3);
    expect(all.body.nextCursor).toBeNull();
  });

  it('clamps a limit above 1000 to 1000, and refuses a limit of 0 and a cursor it did not give out', async () => {
    await seedShipments(api, 1001, (i) => T0 + i * MIN);
    const clamped = await api.call('GET', '/api/v1/shipments?limit=100000');
    expect(clamped.status).toBe(200);
    expect(clamped.body.shipments).toHaveLength(1000);
    expect(clamped.body.nextCursor).toEqual(expect.any(String));
    const rest = await api.call('GET', `/api/v1/shipments?limit=100000&cursor=${clamped.body.nextCursor}`);
    expect(rest.body.shipments.map((s: Shipment) => s.id)).toEqual(['shp-0000']);
    expect(rest.body.nextCursor).toBeNull();
    await expectZeroLimitRefused(api, '/api/v1/shipments');
    await expectBadCursorRefused(api, '/api/v1/shipments', 'shipments');
  });
});

const alert = (shipmentId: string, ruleId: string, createdAt: number, overrides: Partial<Alert> = {}): Alert => ({
  id: randomUUID(),
  shipmentId,
  deviceId: `logger-${shipmentId}`,
  ruleId,
  kind: 'excursion',
  message: null,
  escalatedAt: null,
  lastNotifiedAt: null,
  reminders: 0,
  tier: 1,
  status: 'open',
  conditionState: 'firing',
  thresholdC: 15,
  direction: 'above',
  activeAt: createdAt - 10 * MIN,
  firedAt: createdAt,
  clearedAt: null,
  peakTempC: 21.5,
  outsideMs: 10 * MIN,
  degreeMinutes: 40,
  attribution: { status: 'attributed', orgId: 'org-coop', legIndex: 0, reason: { zh: '合作社', en: 'co-op' } },
  routedTo: ['org-coop', 'platform'],
  respondBy: createdAt + 30 * MIN,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  resolutionNote: null,
  createdAt,
  updatedAt: createdAt,
  ...overrides,
});

/** Newest first, ties in id order: the order of the alerts and claims lists. */
const newestFirst = <T extends { id: string }>(timeOf: (row: T) => number) => (a: T, b: T) => timeOf(b) - timeOf(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('paged alerts', () => {
  const api = useTestApi();

  /** `count` alerts of one shipment, three to a creation time; every other one routed to the hub too. */
  async function seedAlerts(count: number): Promise<Alert[]> {
    await seedShipments(api, 1, () => T0);
    const alerts = Array.from({ length: count }, (_, i) =>
      alert('shp-0000', `rule-${i}`, T0 + Math.floor(i / 3) * MIN, i % 2 === 0 ? { routedTo: ['org-hub', 'org-coop'], status: 'acknowledged' } : {}),
    );
    for (const a of alerts) await api.ops.insertAlert(a);
    return alerts;
  }

  it('gives every alert once, newest first, over pages, also with filters', async () => {
    const alerts = await seedAlerts(20);
    const { items, pages } = await walk(api, '/api/v1/alerts', 'alerts', 3);
    expect(pages).toBe(7);
    expect(items.map((a) => a.id)).toEqual([...alerts].sort(newestFirst((a) => a.createdAt)).map((a) => a.id));

    const hub = await walk(api, '/api/v1/alerts?orgId=org-hub&status=acknowledged&shipmentId=shp-0000', 'alerts', 4);
    expect(hub.items.map((a) => a.id)).toEqual(alerts.filter((_, i) => i % 2 === 0).sort(newestFirst((a) => a.createdAt)).map((a) => a.id));
    expect(hub.pages).toBe(3);
  });

  it('clamps a limit above 1000 to 1000, and refuses a limit of 0 and a cursor it did not give out', async () => {
    await seedAlerts(1001);
    const clamped = await api.call('GET', '/api/v1/alerts?limit=5000');
    expect(clamped.status).toBe(200);
    expect(clamped.body.alerts).toHaveLength(1000);
    const rest = await api.call('GET', `/api/v1/alerts?limit=5000&cursor=${clamped.body.nextCursor}`);
    expect(rest.body.alerts).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
    await expectZeroLimitRefused(api, '/api/v1/alerts');
    await expectBadCursorRefused(api, '/api/v1/alerts', 'alerts');
  });
});

describe('paged claims', () => {
  const api = useTestApi();

  /** One claim per shipment (a claim is one per shipment and party), two to a filing time; every third on the hub. */
  async function seedClaims(count: number): Promise<Claim[]> {
    await api.ops.upsertOrganisation({ id: 'org-hub', name: '枢纽', nameEn: 'hub', kind: 'warehouse', createdAt: T0 });
    const shipments = await seedShipments(api, count, () => T0);
    const claims: Claim[] = [];
    for (const [i, s] of shipments.entries()) {
      const a = alert(s.id, 'high', T0 + HOUR);
      await api.ops.insertAlert(a);
      const filedAt = T0 + HOUR + Math.floor(i / 2) * MIN;
      const c: Claim = {
        id: randomUUID(), shipmentId: s.id, alertId: a.id, liableOrgId: i % 3 === 0 ? 'org-hub' : 'org-coop', amountCents: 100, goodsShareCents: 90, freightCents: 10,
        currency: 'CNY', status: 'filed', reason: { zh: '原因', en: 'reason' }, filedAt, respondBy: filedAt + 2 * HOUR, withdrawnAt: null, withdrawnReason: null, answeredAt: null, remindedAt: null, escalatedAt: null, closedAt: null, advancedCents: 0, recoveredCents: 0,
      };
      expect((await api.ops.fileClaimOnce(c)).isNew).toBe(true);
      claims.push(c);
    }
    return claims;
  }

  it('gives every claim once, newest first, over pages, also by liable organisation', async () => {
    const claims = await seedClaims(17);
    const { items, pages } = await walk(api, '/api/v1/claims', 'claims', 5);
    expect(pages).toBe(4);
    expect(items).toEqual([...claims].sort(newestFirst((c) => c.filedAt)));

    const hub = await walk(api, '/api/v1/claims?orgId=org-hub', 'claims', 2);
    expect(hub.items.map((c) => c.id)).toEqual(claims.filter((c) => c.liableOrgId === 'org-hub').sort(newestFirst((c) => c.filedAt)).map((c) => c.id));
    expect(hub.pages).toBe(3);
  });

  it('clamps a limit above 1000 to 1000, and refuses a limit of 0 and a cursor it did not give out', async () => {
    await seedClaims(1001);
    const clamped = await api.call('GET', '/api/v1/claims?limit=1001');
    expect(clamped.status).toBe(200);
    expect(clamped.body.claims).toHaveLength(1000);
    expect(clamped.body.nextCursor).toEqual(expect.any(String));
    await expectZeroLimitRefused(api, '/api/v1/claims');
    await expectBadCursorRefused(api, '/api/v1/claims', 'claims');
  });
});

describe('paged dead letters', () => {
  const api = useTestApi();

  async function seedDeadLetters(count: number): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for (let i = 0; i < count; i++) {
      const deviceId = i % 2 === 0 ? 'logger-even' : 'logger-odd';
      letters.push(await api.ops.insertDeadLetter({ deviceId, topic: `coldchain/v1/devices/${deviceId}/telemetry`, code: 'message.invalid', reason: `bad ${i}`, payload: '{}', payloadBytes: 2, receivedAt: T0 + i }));
    }
    return letters;
  }

  it('gives every dead letter once, newest first, over pages, also by device', async () => {
    const letters = await seedDeadLetters(13);
    const { items, pages } = await walk(api, '/api/v1/dead-letters', 'deadLetters', 4);
    expect(pages).toBe(4);
    expect(items).toEqual([...letters].reverse());

    const even = await walk(api, '/api/v1/dead-letters?deviceId=logger-even', 'deadLetters', 7);
    expect(even.items.map((l) => l.id)).toEqual(letters.filter((l) => l.deviceId === 'logger-even').reverse().map((l) => l.id));
    expect(even.pages).toBe(1);
  });

  it('clamps a limit above 1000 to 1000, and refuses a limit of 0 and a cursor it did not give out', async () => {
    await seedDeadLetters(1001);
    const clamped = await api.call('GET', '/api/v1/dead-letters?limit=5000');
    expect(clamped.status).toBe(200);
    expect(clamped.body.deadLetters).toHaveLength(1000);
    const rest = await api.call('GET', `/api/v1/dead-letters?cursor=${clamped.body.nextCursor}`);
    expect(rest.body.deadLetters.map((l: DeadLetter) => l.reason)).toEqual(['bad 0']);
    expect(rest.body.nextCursor).toBeNull();
    await expectZeroLimitRefused(api, '/api/v1/dead-letters');
    await expectBadCursorRefused(api, '/api/v1/dead-letters', 'dead-letters');
  });
});

describe('paged readings', () => {
  const api = useTestApi(async (api) => {
    expect((await api.call('POST', '/api/v1/devices', { id: 'logger-01' })).status).toBe(201);
  });

  async function seedReadings(count: number): Promise<StoredReading[]> {
    const readings = Array.from({ length: count }, (_, i): StoredReading => ({ deviceId: 'logger-01', sampledAt: T0 + i * MIN, tempC: 4 + (i % 10) / 10, rhPct: 90, receivedAt: T0 + i * MIN + 500 }));
    // Another device's readings in the same span: never in this device's pages.
    await api.telemetry.insertReadings([...readings, { deviceId: 'logger-02', sampledAt: T0 + 30_000, tempC: 9, rhPct: null, receivedAt: T0 + 30_000 }]);
    return readings;
  }

  const shown = (readings: StoredReading[]) => readings.map(({ sampledAt, tempC, rhPct, receivedAt }) => ({ sampledAt, tempC, rhPct, receivedAt }));

  it('gives every reading once, oldest first, over pages, within from and to', async () => {
    const readings = await seedReadings(50);
    const all = await walk(api, '/api/v1/devices/logger-01/readings', 'readings', 7);
    expect(all.pages).toBe(8);
    expect(all.items).toEqual(shown(readings));

    const window = await walk(api, `/api/v1/devices/logger-01/readings?from=${T0 + 10 * MIN}&to=${new Date(T0 + 29 * MIN).toISOString()}`, 'readings', 5);
    expect(window.items).toEqual(shown(readings.slice(10, 30)));
    expect(window.pages).toBe(4);
  });

  it('clamps a limit above 10,000 to 10,000, and refuses a limit of 0 and a cursor it did not give out', async () => {
    const readings = await seedReadings(10_001);
    const clamped = await api.call('GET', '/api/v1/devices/logger-01/readings?limit=100000');
    expect(clamped.status).toBe(200);
    expect(clamped.body.readings).toHaveLength(10_000);
    const rest = await api.call('GET', `/api/v1/devices/logger-01/readings?limit=100000&cursor=${clamped.body.nextCursor}`);
    expect(rest.body.readings).toEqual(shown(readings.slice(10_000)));
    expect(rest.body.nextCursor).toBeNull();
    await expectZeroLimitRefused(api, '/api/v1/devices/logger-01/readings');
    await expectBadCursorRefused(api, '/api/v1/devices/logger-01/readings', 'readings:logger-01');
  });
});

describe('paged lists in the OpenAPI document', () => {
  const api = useTestApi();

  it('documents cursor and the maximum of limit, and that a larger limit is clamped', async () => {
    const { body } = await api.call('GET', '/docs/json');
    const maxima: Record<string, number> = {
      '/api/v1/shipments': 1000,
      '/api/v1/alerts': 1000,
      '/api/v1/claims': 1000,
      '/api/v1/dead-letters': 1000,
      '/api/v1/devices/{id}/readings': 10_000,
    };
    for (const [path, max] of Object.entries(maxima)) {
      const parameters = body.paths[path].get.parameters as { name: string; in: string; description?: string }[];
      const limit = parameters.find((p) => p.name === 'limit' && p.in === 'query');
      expect(limit?.description, path).toContain(`at most ${max}`);
      expect(limit?.description, path).toContain('clamped');
      expect(parameters.some((p) => p.name === 'cursor' && p.in === 'query'), path).toBe(true);
    }
  });
});
