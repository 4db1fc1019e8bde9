// The data the read benchmark needs, written straight into a fresh DATA_DIR through the store classes the
// service itself opens (so the rows, and any rollups the telemetry store keeps, are exactly what ingest
// and the API would write): the organisations of a lychee journey, devices that can log in, and live
// lychee shipments (packhouse, then line haul, then the hub station, which has a signed webhook).
// Setup runs with SQLITE_SYNC NORMAL and big insertReadings batches; the service reopens the files.
import { join } from 'node:path';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { StoredReading } from '@coldchain/storage';
import { generateTraceCode, hashSecret } from '../../packages/auth/src/index.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const BATCH = 50_000;

export const ORGS = {
  platform: { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' },
  shipper: { id: 'bench-reads-coop', name: '荔枝合作社', nameEn: 'Lychee cooperative', kind: 'shipper' },
  carrier: { id: 'bench-reads-reefer', name: '南北干线冷运', nameEn: 'Line-haul reefer carrier', kind: 'carrier' },
  hub: { id: 'bench-reads-hub', name: '冷链枢纽站', nameEn: 'Cold-chain hub station', kind: 'warehouse' },
} as const;

/** A device that can log in (client id = username = id, password = secret) and its live shipment. */
export type SeededDevice = { deviceId: string; secret: string; shipmentId: string; traceCode: string; readings: number; lastReadingAt: number | null };

export type SeedPlan = {
  dataDir: string;
  now: number;
  /** Shipments of C (1,440 readings each, one device each). */
  cShipments: number;
  /** Probe devices per load phase (each fires one excursion). */
  probesPerPhase: number;
  phases: number;
  webhook: { url: string; secret: string };
};

export type Seeded = {
  a: SeededDevice;
  b: SeededDevice;
  c: SeededDevice[];
  canary: SeededDevice;
  /** One list of probe devices per load phase. */
  probes: SeededDevice[][];
  /** The probe fired after start: its webhook says the rules have caught up with the store. */
  readyProbe: SeededDevice;
  readings: number;
  ms: number;
};

/**
 * A realistic lychee curve: 4–7 °C with a slow daily swing and a little sensor noise, and excursions to
 * 16–17 °C of 5 min (shorter than the high rule's 10-min hold-for, so they are spans on the curve but raise
 * no alert when the rules catch up on start) at the given device times.
 */
function tempAtC(t: number, phase: number, excursions: readonly number[]): number {
  for (const at of excursions) if (t >= at && t < at + 5 * MIN) return 16 + ((t - at) / (5 * MIN));
  const daily = 1.5 * Math.sin((2 * Math.PI * t) / DAY + phase);
  const noise = 0.1 * Math.sin(t / 97_000 + phase * 7);
  return Math.round((5.5 + daily + noise) * 10) / 10;
}

/** Writes `count` readings for `deviceId`, `intervalMs` apart, the last at `lastAt`, in batches. */
async function insertSeries(telemetry: SqliteTelemetryStore, deviceId: string, count: number, intervalMs: number, lastAt: number, phase: number, excursions: readonly number[]): Promise<void> {
  const firstAt = lastAt - (count - 1) * intervalMs;
  for (let from = 0; from < count; from += BATCH) {
    const batch: StoredReading[] = [];
    for (let n = from; n < Math.min(count, from + BATCH); n++) {
      const sampledAt = firstAt + n * intervalMs;
      batch.push({ deviceId, sampledAt, tempC: tempAtC(sampledAt, phase, excursions), rhPct: 91, receivedAt: sampledAt + 5_000 });
    }
    await telemetry.insertReadings(batch);
  }
}

/** Seeds the stores under `plan.dataDir` (created by the caller), and closes them. */
export async function seedStores(plan: SeedPlan): Promise<Seeded> {
  const started = performance.now();
  const { now } = plan;
  const ops = new SqliteOpsStore(join(plan.dataDir, 'ops.db'), 'NORMAL');
  const telemetry = new SqliteTelemetryStore(join(plan.dataDir, 'telemetry.db'), 'NORMAL');
  for (const org of Object.values(ORGS)) await ops.upsertOrganisation({ ...org, createdAt: now - 40 * DAY });
  await ops.setOrgChannels(ORGS.hub.id, [{ id: 'bench-reads-hub-webhook', type: 'webhook', url: plan.webhook.url, secret: plan.webhook.secret, lang: 'zh' }], now);

  /** A device with a secret and a live lychee shipment started at `startedAt`: packhouse, line haul at 10 %, hub at 50 % of the time to now. */
  const provision = async (deviceId: string, startedAt: number): Promise<SeededDevice> => {
    const secret = `bench-reads-secret-${deviceId}`;
    await ops.createDevice({ id: deviceId, secretHash: await hashSecret(secret), publicKey: null, createdAt: startedAt - HOUR });
    const shipmentId = `LZ-${deviceId}`;
    const traceCode = generateTraceCode();
    const span = now - startedAt;
    await ops.createShipment(
      { id: shipmentId, traceCode, profileId: 'lychee', shipperOrgId: ORGS.shipper.id, deviceId, origin: '海南省海口市', destination: '湖北省武汉市', boxes: 120, goodsValueCents: 3_600_000, freightCents: 480_000, startedAt, deliveredAt: null, createdAt: startedAt },
      { shipmentId, at: startedAt, stage: 'packhouse', toOrgId: ORGS.shipper.id, station: '海口永兴预冷站', probeTempC: null, recordedAt: startedAt },
    );
    await ops.appendCustodyEvent({ shipmentId, at: startedAt + Math.round(span * 0.1), stage: 'line_haul', toOrgId: ORGS.carrier.id, station: '海口永兴预冷站', probeTempC: 4.8, recordedAt: startedAt + Math.round(span * 0.1) });
    await ops.appendCustodyEvent({ shipmentId, at: startedAt + Math.round(span * 0.5), stage: 'hub', toOrgId: ORGS.hub.id, station: '武汉冷链枢纽', probeTempC: 5.2, recordedAt: startedAt + Math.round(span * 0.5) });
    return { deviceId, secret, shipmentId, traceCode, readings: 0, lastReadingAt: null };
  };

  // The last seeded reading is a minute before now, on the minute: the next reading a device publishes
  // (device time = now) follows it, so nothing the benchmark sends is late data.
  const lastAt = Math.floor(now / MIN) * MIN - MIN;
  let readings = 0;
  const series = async (device: SeededDevice, count: number, intervalMs: number, phase: number, excursionDays: readonly number[]) => {
    const excursions = excursionDays.map((d) => Math.floor((lastAt - d * DAY) / MIN) * MIN);
    await insertSeries(telemetry, device.deviceId, count, intervalMs, lastAt, phase, excursions);
    readings += count;
    return { ...device, readings: count, lastReadingAt: lastAt };
  };

  // A: 30 days at one reading a minute. B: 200,000 readings, one every 13 s (30.1 days).
  const a = await series(await provision('bench-reads-a', lastAt - 43_200 * MIN), 43_200, MIN, 0.3, [21.5, 8.25]);
  const b = await series(await provision('bench-reads-b', lastAt - 200_000 * 13_000), 200_000, 13_000, 1.1, [24.5, 11.75, 2.2]);
  // C: one day at one reading a minute on each of many devices, inside the limits (an excursion's steep
  // rise raises a trend warning when the rules catch up on start: a thousand of them would be noise).
  const c: SeededDevice[] = [];
  for (let i = 0; i < plan.cShipments; i++) {
    const id = `bench-reads-c-${String(i).padStart(4, '0')}`;
    c.push(await series(await provision(id, lastAt - 1_440 * MIN), 1_440, MIN, (i % 24) / 4, []));
  }
  // Canary and probes: live shipments started 40 min ago (the hub holds the goods from 20 min ago, so the
  // probes' excursions are attributed to the hub, whose webhook the benchmark receives). The probes' first
  // readings come within the profile's 30-min reading gap of the start (no "no data" alert); the canary
  // has logged since the start.
  const canary = await series(await provision('bench-reads-canary', lastAt - 40 * MIN), 41, MIN, 0.5, []);
  const probes: SeededDevice[][] = [];
  for (let p = 0; p < plan.phases; p++) {
    const list: SeededDevice[] = [];
    for (let i = 0; i < plan.probesPerPhase; i++) list.push(await provision(`bench-reads-probe-${p + 1}-${String(i).padStart(3, '0')}`, now - 40 * MIN));
    probes.push(list);
  }
  const readyProbe = await provision('bench-reads-probe-ready', now - 40 * MIN);
  await telemetry.close();
  await ops.close();
  return { a, b, c, canary, probes, readyProbe, readings, ms: performance.now() - started };
}
