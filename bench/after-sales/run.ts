// After-sales benchmark (issue 13, item 4: "decision within seconds of the report"): how long a consumer
// waits for the answer to POST /api/v1/trace/{traceCode}/after-sales, which carries the decision: on a
// shipment with an excursion attributed to the hub (approved by rule, advanced against the claim and paid
// within the request) and on a clean one (left to the streamer), without and with a phone photo, one at a
// time and 20 at once. Baseline in the same run: the consumer's follow-up read of a request (GET). The real
// all-in-one process as `npm start` runs it; public interfaces only (HTTP, MQTT as the device).
// Usage: npx tsx bench/after-sales/run.ts [reports per row, default 200]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { telemetryTopic } from '@coldchain/schemas';
import { startService } from '../reads/service.ts';
import { formatMs, percentiles } from '../reads/stats.ts';

const N = Number(process.argv[2] ?? 200);
if (!(N >= 10)) throw new Error('reports per row: a number, at least 10');
const ADMIN = 'bench-after-sales-admin-token-0123';
const MIN = 60_000;
const HOUR = 60 * MIN;
// sharp is the API's (it re-encodes the photos); the benchmark makes its phone photo with it.
type Image = { composite(layers: object[]): Image; jpeg(options: object): Image; withExif(exif: object): Image; toBuffer(): Promise<Buffer> };
const sharp = createRequire(new URL('../../services/api/package.json', import.meta.url))('sharp') as (input: object) => Image;

const dataDir = mkdtempSync(join(tmpdir(), 'bench-after-sales-'));
const service = await startService({ dataDir, adminToken: ADMIN, env: { PUBLIC_RATE_LIMIT_PER_MIN: '0' }, readyTimeoutMs: 60_000 });
const watchdog = setTimeout(() => {
  console.error('bench/after-sales: watchdog, stopping');
  void service.stop().finally(() => process.exit(2));
}, 20 * MIN);

async function call(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${service.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

try {
  for (const org of [
    { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' },
    { id: 'coop', name: '荔枝合作社', nameEn: 'Lychee co-op', kind: 'shipper' },
    { id: 'hub', name: '枢纽仓', nameEn: 'Hub', kind: 'warehouse' },
  ]) {
    await call('POST', '/api/v1/organisations', org);
  }
  const now = Date.now();
  const start = now - 10 * HOUR;
  const shipments: Record<'hot' | 'clean', string> = { hot: '', clean: '' };
  for (const kind of ['hot', 'clean'] as const) {
    const deviceId = `bench-as-${kind}`;
    const { secret } = await call('POST', '/api/v1/devices', { id: deviceId, ownerOrgId: 'coop' });
    // Enough boxes and goods value that no row runs out of boxes or of the claim's goods share.
    const shipment = await call('POST', '/api/v1/shipments', { id: `AS-${kind}`, profileId: 'lychee', shipperOrgId: 'coop', deviceId, origin: '海南', destination: '武汉', boxes: 100_000, goodsValueCents: 1_000_000_000, freightCents: 1_000_000, startedAt: start });
    shipments[kind] = shipment.traceCode;
    await call('POST', `/api/v1/shipments/AS-${kind}/handoffs`, { at: start + HOUR, stage: 'hub', toOrgId: 'hub' });
    // 9 h of readings every 5 min; the hot one at 22 °C for 4 h in the hub's hands.
    const readings = Array.from({ length: 9 * 12 }, (_, i) => {
      const ts = start + HOUR + i * 5 * MIN;
      const isHot = kind === 'hot' && ts >= start + 2 * HOUR && ts < start + 6 * HOUR;
      return { ts, tempC: isHot ? 22 : 4, rhPct: 90 };
    });
    const client = await mqtt.connectAsync(service.mqttUrl, { clientId: deviceId, username: deviceId, password: secret, protocolVersion: 4, reconnectPeriod: 0 });
    for (let i = 0; i < readings.length; i += 10) await client.publishAsync(telemetryTopic(deviceId), JSON.stringify({ seq: i / 10, readings: readings.slice(i, i + 10) }), { qos: 1 });
    await client.endAsync();
  }
  // The claim against the hub, filed by the rules: a bounded wait.
  for (let i = 0; ; i++) {
    const { claims } = await call('GET', '/api/v1/claims?shipmentId=AS-hot');
    if (claims.some((c: { liableOrgId: string }) => c.liableOrgId === 'hub')) break;
    if (i > 300) throw new Error('no claim against the hub after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const photo = await sharp({ create: { width: 3000, height: 4000, channels: 3, background: '#7a2e1f' } })
    .composite([{ input: Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 37) % 251)), raw: { width: 64, height: 64, channels: 3 }, tile: true }])
    .jpeg({ quality: 70 })
    .withExif({ IFD0: { Make: 'Phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '20/1 2/1 0/1' } })
    .toBuffer();
  let order = 0;
  let lastId = '';
  /** One report as a phone sends it; resolves with ms to the answer and checks the state it carries. */
  async function report(traceCode: string, expected: string, withPhoto: boolean): Promise<number> {
    const form = new FormData();
    form.append('badCount', '12');
    form.append('totalCount', '40');
    form.append('orderRef', `BENCH-${++order}`);
    if (withPhoto) form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'IMG_0001.jpg');
    const t0 = performance.now();
    const response = await fetch(`${service.baseUrl}/api/v1/trace/${traceCode}/after-sales`, { method: 'POST', body: form });
    const body = (await response.json()) as { id: string; state: string };
    const ms = performance.now() - t0;
    if (response.status !== 201 || body.state !== expected) throw new Error(`report: ${response.status} ${JSON.stringify(body)}, expected ${expected}`);
    lastId = body.id;
    return ms;
  }
  async function follow(): Promise<number> {
    const t0 = performance.now();
    const response = await fetch(`${service.baseUrl}/api/v1/trace/${shipments.hot}/after-sales/${lastId}`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`follow: ${response.status}`);
    return performance.now() - t0;
  }
  const sequential = async (n: number, one: () => Promise<number>) => {
    for (let i = 0; i < 5; i++) await one(); // warm-up
    const values: number[] = [];
    for (let i = 0; i < n; i++) values.push(await one());
    return values;
  };
  const concurrent = async (rounds: number, width: number, one: () => Promise<number>) => {
    const values: number[] = [];
    for (let r = 0; r < rounds; r++) values.push(...(await Promise.all(Array.from({ length: width }, one))));
    return values;
  };

  await report(shipments.hot, 'paid', false);
  const rows: Array<[string, number[]]> = [];
  rows.push(['baseline: GET the request (the consumer following it)', await sequential(N, follow)]);
  rows.push(['report, attributed excursion → approved, advanced, paid (form, no photo)', await sequential(N, () => report(shipments.hot, 'paid', false))]);
  rows.push(['report, clean record → awaiting the streamer (no photo)', await sequential(N, () => report(shipments.clean, 'awaiting_shipper', false))]);
  rows.push([`report with a ${(photo.length / 1e6).toFixed(1)} MB 12 MP phone JPEG → paid (photo re-encoded, metadata stripped)`, await sequential(Math.max(10, Math.round(N / 5)), () => report(shipments.hot, 'paid', true))]);
  rows.push(['20 reports at once → paid (no photo), per report', await concurrent(Math.max(2, Math.round(N / 20)), 20, () => report(shipments.hot, 'paid', false))]);

  const base = percentiles(rows[0]![1]).p50;
  console.log(`\nnpx tsx bench/after-sales/run.ts ${N}`);
  console.log(`${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; all-in-one process, SQLite synchronous=FULL\n`);
  console.log('| request | n | p50 | p95 | p99 | max | p50 of baseline p50 |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, values] of rows) {
    const p = percentiles(values);
    console.log(`| ${name} | ${p.count} | ${formatMs(p.p50)} | ${formatMs(p.p95)} | ${formatMs(p.p99)} | ${formatMs(p.max)} | ${(p.p50 / base).toFixed(1)}× |`);
  }
} finally {
  clearTimeout(watchdog);
  await service.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
