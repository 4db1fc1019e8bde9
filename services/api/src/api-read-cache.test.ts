import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@coldchain/bus';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { Alert, StoredReading } from '@coldchain/storage';
import { buildApi } from './app.ts';
import { createReadPool } from './reads/read-pool.ts';
import { sampleAlert } from '../../../packages/notify/src/events.fixture.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Not on an hour: the curve's first and last buckets are partial and read raw.
const T0 = Date.UTC(2025, 4, 20) + 17 * MIN + 30_000;
const DEVICE = 'logger-cache-01';

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** A GET over a real socket, with the headers given and nothing added (no decompression). */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.end();
  });
}

const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8'));

describe('cached reads through real HTTP, on reader threads', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let telemetry: SqliteTelemetryStore;
  let api: ReturnType<typeof buildApi>;
  let base: string;
  let traceCode: string;
  let admin: Record<string, string>;
  const readings: StoredReading[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-read-cache-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
    const adminToken = randomBytes(24).toString('base64url');
    admin = { authorization: `Bearer ${adminToken}` };
    const reads = createReadPool({ store: { kind: 'sqlite', path: join(dir, 'telemetry.db'), sync: 'NORMAL' }, threads: 1 });
    api = buildApi({ host: '127.0.0.1', port: 0, ops, telemetry, reads, adminToken, clock: systemClock, log: pino({ level: 'silent' }), publicRateLimitPerMin: 0 });
    base = `http://127.0.0.1:${(await api.start()).port}`;
    const post = async (url: string, body: unknown) => {
      const response = await api.app.inject({ method: 'POST', url, payload: body as object, headers: admin });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    await post('/api/v1/organisations', { id: 'org-coop', name: '海南永兴荔枝合作社', nameEn: 'Yongxing Lychee Cooperative', kind: 'shipper' });
    await post('/api/v1/organisations', { id: 'org-hub', name: '海口南港冷库枢纽', nameEn: 'Haikou South Port Cold Hub', kind: 'warehouse' });
    await post('/api/v1/devices', { id: DEVICE });
    // The device's reading of an earlier trip, 5 minutes before this one starts: never in this curve.
    await telemetry.insertReadings([{ deviceId: DEVICE, sampledAt: T0 - 5 * MIN, tempC: -20, rhPct: 90, receivedAt: T0 }]);
    const shipment = await post('/api/v1/shipments', { id: 'shp-cache', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: DEVICE, origin: '海南 海口', destination: '上海 浦东', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: T0 });
    traceCode = shipment.traceCode;
    await post('/api/v1/shipments/shp-cache/handoffs', { at: T0 + 30 * HOUR, stage: 'hub', toOrgId: 'org-hub', probeTempC: 5.1 });
    // Three days at one a minute: a peak of 24.5 °C one minute long and a trough of 0.5 °C.
    for (let i = 0; i < 3 * 24 * 60; i++) {
      const t = T0 + i * MIN;
      const tempC = i === 2000 ? 24.5 : i === 3001 ? 0.5 : 4 + ((i * 13) % 17) / 10;
      readings.push({ deviceId: DEVICE, sampledAt: t, tempC, rhPct: 91, receivedAt: t });
    }
    await telemetry.insertReadings(readings);
  });

  afterAll(async () => {
    await api?.stop();
    await ops?.close();
    await telemetry?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the curve from the rollups, keeping every extreme and nothing from outside the shipment', async () => {
    const answer = await get(`${base}/api/v1/shipments/shp-cache/curve?points=200`, admin);
    expect(answer.status).toBe(200);
    const curve = json(answer);
    expect(curve.readingCount).toBe(readings.length);
    expect(curve.points.length).toBeLessThanOrEqual(200);
    const values = curve.points.map(([, v]: [number, number]) => v);
    expect(Math.max(...values)).toBe(24.5);
    expect(Math.min(...values)).toBe(0.5);
    expect(curve.points).toContainEqual([T0 + 2000 * MIN, 24.5]);
    expect(curve.points).toContainEqual([T0 + 3001 * MIN, 0.5]);
    expect(curve.points[0][0]).toBeGreaterThanOrEqual(T0);
    const times = curve.points.map(([t]: [number, number]) => t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('answers 304 to a matching If-None-Match and If-Modified-Since, with the cache headers a CDN needs', async () => {
    // Last-Modified is sent once the second of the last change is over.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const first = await get(`${base}/api/v1/trace/${traceCode}`);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=15, stale-while-revalidate=60');
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['last-modified']).toBeTruthy();
    expect(json(first).measures.maxTempC).toBe(24.5);

    const again = await get(`${base}/api/v1/trace/${traceCode}`, { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const since = await get(`${base}/api/v1/trace/${traceCode}`, { 'if-modified-since': String(first.headers['last-modified']) });
    expect(since.status).toBe(304);
    const otherPoints = await get(`${base}/api/v1/trace/${traceCode}?points=100`, { 'if-none-match': String(first.headers.etag) });
    expect(otherPoints.status).toBe(200);
  });

  it('serves a new answer once the shipment changes: a new reading, a late one, an alert', async () => {
    const before = await get(`${base}/api/v1/trace/${traceCode}`);
    const etag = String(before.headers.etag);
    const last = readings.at(-1)!.sampledAt;

    await telemetry.insertReadings([{ deviceId: DEVICE, sampledAt: last + MIN, tempC: 4.4, rhPct: 90, receivedAt: last + MIN }]);
    const afterNew = await get(`${base}/api/v1/trace/${traceCode}`, { 'if-none-match': etag });
    expect(afterNew.status).toBe(200);
    expect(json(afterNew).lastReadingAt).toBe(last + MIN);

    // A late reading in the middle of the trip, colder than anything before.
    await telemetry.insertReadings([{ deviceId: DEVICE, sampledAt: T0 + 1000 * MIN + 30_000, tempC: -1.5, rhPct: 90, receivedAt: last + 2 * MIN }]);
    const afterLate = await get(`${base}/api/v1/trace/${traceCode}`, { 'if-none-match': String(afterNew.headers.etag) });
    expect(afterLate.status).toBe(200);
    expect(json(afterLate).measures.minTempC).toBe(-1.5);
    const curve = json(await get(`${base}/api/v1/shipments/shp-cache/curve?points=200`, admin));
    expect(curve.points).toContainEqual([T0 + 1000 * MIN + 30_000, -1.5]);

    // A duplicate changes nothing: same version.
    await telemetry.insertReadings([{ deviceId: DEVICE, sampledAt: T0 + 1000 * MIN + 30_000, tempC: 30, rhPct: 90, receivedAt: last + 3 * MIN }]);
    expect((await get(`${base}/api/v1/trace/${traceCode}`, { 'if-none-match': String(afterLate.headers.etag) })).status).toBe(304);

    const alert = excursionAlert();
    await ops.insertAlert(alert);
    const afterAlert = await get(`${base}/api/v1/trace/${traceCode}`, { 'if-none-match': String(afterLate.headers.etag) });
    expect(afterAlert.status).toBe(200);
    expect(json(afterAlert).excursions).toEqual([{ direction: 'above', thresholdC: 15, startedAt: alert.activeAt, endedAt: alert.clearedAt, peakTempC: 24.5, outsideMs: 2 * MIN }]);
    const curveAfter = json(await get(`${base}/api/v1/shipments/shp-cache/curve?points=200`, admin));
    expect(curveAfter.excursions).toEqual(json(afterAlert).excursions);

    // A handoff, and a custodian renamed: both on the page.
    const handoff = await api.app.inject({ method: 'POST', url: '/api/v1/shipments/shp-cache/handoffs', payload: { at: T0 + 60 * HOUR, stage: 'last_mile', toOrgId: 'org-coop' }, headers: admin });
    expect(handoff.statusCode).toBe(201);
    const afterHandoff = await get(`${base}/api/v1/trace/${traceCode}`, { 'if-none-match': String(afterAlert.headers.etag) });
    expect(afterHandoff.status).toBe(200);
    expect(json(afterHandoff).legs.map((leg: { stage: string }) => leg.stage)).toEqual(['packhouse', 'hub', 'last_mile']);
    await ops.upsertOrganisation({ id: 'org-hub', name: '海口南港冷库', nameEn: 'Haikou South Port Cold Store', kind: 'warehouse', createdAt: T0 });
    const afterRename = await get(`${base}/api/v1/trace/${traceCode}`, { 'if-none-match': String(afterHandoff.headers.etag) });
    expect(afterRename.status).toBe(200);
    expect(json(afterRename).legs[1].custodian.nameEn).toBe('Haikou South Port Cold Store');
  });

  it('never answers 304 to If-Modified-Since for a change made in the same second as the copy it holds', async () => {
    const last = readings.at(-1)!.sampledAt + 10 * MIN;
    for (let round = 0; round < 3; round++) {
      await telemetry.insertReadings([{ deviceId: DEVICE, sampledAt: last + round * 2 * MIN, tempC: 5, rhPct: 90, receivedAt: Date.now() }]);
      const copy = await get(`${base}/api/v1/trace/${traceCode}`);
      await telemetry.insertReadings([{ deviceId: DEVICE, sampledAt: last + (round * 2 + 1) * MIN, tempC: 6, rhPct: 90, receivedAt: Date.now() }]);
      const since = copy.headers['last-modified'] ? String(copy.headers['last-modified']) : new Date().toUTCString();
      const again = await get(`${base}/api/v1/trace/${traceCode}`, { 'if-modified-since': since });
      expect(again.status).toBe(200);
      expect(json(again).lastReadingAt).toBe(last + (round * 2 + 1) * MIN);
    }
  });

  it('gives each content-coding its own ETag, and honours q=0', async () => {
    const encodings = [
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0, br', 'br'],
      ['br;q=0, gzip;q=0', undefined],
      ['identity', undefined],
    ] as const;
    const tags = new Set<string>();
    for (const [accept, expected] of encodings) {
      const answer = await get(`${base}/api/v1/trace/${traceCode}`, { 'accept-encoding': accept });
      expect(answer.headers['content-encoding'], accept).toBe(expected);
      tags.add(String(answer.headers.etag));
      // Any coding's tag of this version revalidates.
      expect((await get(`${base}/api/v1/trace/${traceCode}`, { 'if-none-match': String(answer.headers.etag) })).status).toBe(304);
    }
    expect(tags.size).toBe(3);
  });

  it('sends the answer compressed as the client accepts, the same JSON in every encoding', async () => {
    const plain = await get(`${base}/api/v1/trace/${traceCode}`);
    const br = await get(`${base}/api/v1/trace/${traceCode}`, { 'accept-encoding': 'br' });
    const gzip = await get(`${base}/api/v1/trace/${traceCode}`, { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
  });

  it('keeps the admin curve private and still answers errors as JSON', async () => {
    const curve = await get(`${base}/api/v1/shipments/shp-cache/curve`, admin);
    expect(curve.headers['cache-control']).toBe('private, no-cache');
    expect((await get(`${base}/api/v1/shipments/shp-cache/curve`)).status).toBe(401);
    const missing = await get(`${base}/api/v1/trace/${randomBytes(16).toString('base64url')}`);
    expect(missing.status).toBe(404);
    expect(json(missing).error.code).toBe('trace.not_found');
  });
});

function excursionAlert(): Alert {
  const activeAt = T0 + 2000 * MIN - MIN;
  return sampleAlert({
    id: randomUUID(),
    shipmentId: 'shp-cache',
    deviceId: DEVICE,
    conditionState: 'cleared',
    activeAt,
    firedAt: activeAt + MIN,
    clearedAt: activeAt + 2 * MIN,
    peakTempC: 24.5,
    outsideMs: 2 * MIN,
    attribution: { status: 'attributed', orgId: 'org-coop', legIndex: 0, reason: { zh: '包装场', en: 'packhouse' } },
    createdAt: Date.now(),
    updatedAt: Date.now(),
  });
}
