import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Shipment } from '@coldchain/storage';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
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
async function expectBadCursorRefused(api: TestApi, url: string): Promise<void> {
  const separator = url.includes('?') ? '&' : '?';
  for (const cursor of ['not a cursor!', 'bm9wZQ', Buffer.from(JSON.stringify({ id: 1 })).toString('base64url')]) {
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
    await expectBadCursorRefused(api, '/api/v1/shipments');
  });
});
