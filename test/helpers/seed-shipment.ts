import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildApi } from '@coldchain/api';
import type { ApiDeps } from '@coldchain/api';
import { systemClock } from '@coldchain/bus';
import { attributeExcursion, buildLegs, claimAmountCents, DEFAULT_RESPONSE_MS, LYCHEE, PLATFORM_ORG_ID, routeAlert } from '@coldchain/domain';
import type { LocalizedText, Stage } from '@coldchain/domain';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { Alert, OpsStore, Organisation, StoredReading, TelemetryStore } from '@coldchain/storage';

const MIN = 60_000;
const HOUR = 60 * MIN;
const READING_EVERY_MS = 5 * MIN;
const JOURNEY_MS = 40 * HOUR;

/** The organisations of the journey: one per custodian, the shipper, and the platform. */
export const SEED_ORGS = {
  platform: { id: PLATFORM_ORG_ID, name: '冷链平台运营', nameEn: 'Cold-chain platform', kind: 'platform' },
  shipper: { id: 'org-lychee-coop', name: '海南永兴荔枝合作社', nameEn: 'Yongxing Lychee Cooperative', kind: 'shipper' },
  firstMile: { id: 'org-yecheng-cold', name: '椰城冷链运输', nameEn: 'Yecheng Cold Transport', kind: 'carrier' },
  hub: { id: 'org-haikou-hub', name: '海口南港冷库枢纽', nameEn: 'Haikou South Port Cold Hub', kind: 'warehouse' },
  lineHaul: { id: 'org-nanbei-reefer', name: '南北干线冷运', nameEn: 'Nanbei Reefer Line-haul', kind: 'carrier' },
  lastMile: { id: 'org-city-fresh', name: '沪上鲜递', nameEn: 'Shanghai Fresh Courier', kind: 'courier' },
} as const satisfies Record<string, Omit<Organisation, 'createdAt'>>;

/** Where each leg starts, in hours after the shipment started, and who holds the goods. */
const LEG_PLAN: readonly { stage: Exclude<Stage, 'delivered'>; atH: number; orgId: string; station: string; probeTempC: number | null }[] = [
  { stage: 'packhouse', atH: 0, orgId: SEED_ORGS.shipper.id, station: '海口永兴预冷站', probeTempC: null },
  { stage: 'first_mile', atH: 3, orgId: SEED_ORGS.firstMile.id, station: '海口永兴预冷站', probeTempC: 4.6 },
  { stage: 'hub', atH: 8, orgId: SEED_ORGS.hub.id, station: '海口南港冷库', probeTempC: 5.1 },
  { stage: 'line_haul', atH: 20, orgId: SEED_ORGS.lineHaul.id, station: '海口南港冷库', probeTempC: 5.8 },
  { stage: 'last_mile', atH: 34, orgId: SEED_ORGS.lastMile.id, station: '上海浦东分拨中心', probeTempC: 4.9 },
];

/** The hub's air-conditioning fails 3 h into its leg: warming to ~28 °C, 2 h flat, repaired, cooled back. */
function tempAtC(hoursIn: number): number {
  // A small deterministic wobble, so the curve looks like a logger's and tests repeat exactly.
  const wobble = 0.35 * Math.sin(hoursIn * 2.7) + 0.2 * Math.sin(hoursIn * 7.3);
  if (hoursIn < 1.5) return 9 - (hoursIn / 1.5) * 5 + wobble; // pre-cooling from 9 °C down to 4 °C
  if (hoursIn < 11) return 4.2 + wobble;
  if (hoursIn < 14) return 4.2 + ((hoursIn - 11) / 3) * 23.8 + wobble; // failure: up to ~28 °C
  if (hoursIn < 16) return 28 + wobble;
  if (hoursIn < 19) return 28 - ((hoursIn - 16) / 3) * 23.5 + wobble; // repaired: back to ~4.5 °C
  if (hoursIn < 34) return 3.6 + wobble;
  return 5.4 + wobble; // last mile, a little warmer in the van
}

/** What a test needs to find the seeded records again. */
export type SeededShipment = {
  shipmentId: string;
  traceCode: string;
  deviceId: string;
  alertId: string;
  claimId: string;
  startedAt: number;
  /** The hub excursion as the readings show it. */
  excursion: { activeAt: number; clearedAt: number; peakTempC: number; outsideMs: number };
  /** When the hub alert, unanswered past its deadline, was escalated to the platform. */
  escalatedAt: number;
  /** A trend warning on a second shipment, in cold storage at the hub now. */
  warning: SeededWarning;
};

/** The early warning seeded on the second shipment. */
export type SeededWarning = { alertId: string; shipmentId: string; ruleId: string; message: LocalizedText };

/**
 * Seeds, through the stores, a lychee shipment from Hainan to Shanghai: five legs
 * (packhouse → first mile → hub → line haul → last mile, still in transit), a reading every 5 min for
 * 40 h with the hub's air-conditioning failure (up to ~28 °C), its tier-1 alert attributed to the hub
 * (reminded twice, then escalated to the platform when its hour ran out) and the claim filed on the hub.
 * A second shipment, now at the hub, has an open trend warning.
 */
export async function seedLycheeShipment(ops: OpsStore, telemetry: TelemetryStore, now: number): Promise<SeededShipment> {
  for (const org of Object.values(SEED_ORGS)) await ops.upsertOrganisation({ ...org, createdAt: now - JOURNEY_MS - HOUR });

  const deviceId = 'logger-hn-0042';
  await ops.createDevice({ id: deviceId, secretHash: 'scrypt$seed$not-a-real-secret', publicKey: null, createdAt: now - JOURNEY_MS - HOUR });

  const startedAt = now - JOURNEY_MS;
  const shipment = {
    id: 'shp-lychee-0520',
    traceCode: randomBytes(16).toString('base64url'),
    profileId: LYCHEE.id,
    shipperOrgId: SEED_ORGS.shipper.id,
    deviceId,
    origin: '海南 海口 永兴镇',
    destination: '上海 浦东新区',
    boxes: 120,
    goodsValueCents: 3_600_000,
    freightCents: 480_000,
    startedAt,
    deliveredAt: null,
    createdAt: startedAt,
  };
  const [first, ...rest] = LEG_PLAN.map((leg) => ({
    shipmentId: shipment.id,
    at: startedAt + leg.atH * HOUR,
    stage: leg.stage,
    toOrgId: leg.orgId,
    station: leg.station,
    probeTempC: leg.probeTempC,
    recordedAt: startedAt + leg.atH * HOUR,
  }));
  await ops.createShipment(shipment, first!);
  for (const event of rest) await ops.appendCustodyEvent(event);

  const readings: StoredReading[] = [];
  for (let t = startedAt; t <= now - 2 * MIN; t += READING_EVERY_MS) {
    const tempC = Math.round(tempAtC((t - startedAt) / HOUR) * 10) / 10;
    readings.push({ deviceId, sampledAt: t, tempC, rhPct: 91, receivedAt: t + 20_000 });
  }
  await telemetry.insertReadings(readings);

  const limit = LYCHEE.limits.find((l) => l.direction === 'above')!;
  const outside = readings.filter((r) => r.tempC > limit.thresholdC);
  const activeAt = outside[0]!.sampledAt;
  const clearedAt = readings.find((r) => r.sampledAt > activeAt && r.tempC <= limit.thresholdC - limit.hysteresisC)!.sampledAt;
  const peakTempC = Math.max(...outside.map((r) => r.tempC));
  const outsideMs = outside.length * READING_EVERY_MS;
  const degreeMinutes = outside.reduce((sum, r) => sum + (r.tempC - limit.thresholdC) * 5, 0);

  const legs = buildLegs(await ops.listCustodyEvents(shipment.id));
  const orgNames: Record<string, LocalizedText> = Object.fromEntries(Object.values(SEED_ORGS).map((o) => [o.id, { zh: o.name, en: o.nameEn }]));
  const previousReadingAt = readings[readings.findIndex((r) => r.sampledAt === activeAt) - 1]?.sampledAt ?? null;
  const attribution = attributeExcursion({ legs, limit, activeAt, previousReadingAt, maxGapMs: LYCHEE.maxReadingGapMs, orgNames });
  const firedAt = activeAt + limit.holdForMs;
  const respondBy = firedAt + DEFAULT_RESPONSE_MS[limit.tier];
  // The rules service's scheduler escalates on its first tick past the deadline.
  const escalatedAt = respondBy + 10_000;
  const alert: Alert = {
    id: randomUUID(),
    shipmentId: shipment.id,
    deviceId,
    ruleId: limit.id,
    kind: 'excursion',
    message: null,
    escalatedAt,
    lastNotifiedAt: escalatedAt,
    reminders: 2,
    tier: limit.tier,
    status: 'open',
    conditionState: 'cleared',
    thresholdC: limit.thresholdC,
    direction: limit.direction,
    activeAt,
    firedAt,
    clearedAt,
    peakTempC,
    outsideMs,
    degreeMinutes: Math.round(degreeMinutes),
    attribution,
    routedTo: routeAlert({ tier: limit.tier, custodianOrgId: SEED_ORGS.hub.id, shipperOrgId: shipment.shipperOrgId, platformOrgId: PLATFORM_ORG_ID }),
    respondBy,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolutionNote: null,
    createdAt: firedAt,
    updatedAt: clearedAt,
  };
  await ops.insertAlert(alert);

  const claimId = randomUUID();
  const { amountCents, goodsShareCents } = claimAmountCents(shipment, LYCHEE.claim.damagedShare);
  await ops.fileClaimOnce({
    id: claimId,
    shipmentId: shipment.id,
    alertId: alert.id,
    liableOrgId: SEED_ORGS.hub.id,
    amountCents,
    goodsShareCents,
    freightCents: shipment.freightCents,
    currency: 'CNY',
    status: 'filed',
    reason: attribution.reason,
    filedAt: firedAt + LYCHEE.claim.minOutsideMs,
    // Plan document: the carrier must answer a claim within 2 hours.
    respondBy: firedAt + LYCHEE.claim.minOutsideMs + 2 * HOUR,
    withdrawnAt: null,
    withdrawnReason: null,
  });

  return {
    shipmentId: shipment.id,
    traceCode: shipment.traceCode,
    deviceId,
    alertId: alert.id,
    claimId,
    startedAt,
    excursion: { activeAt, clearedAt, peakTempC, outsideMs },
    escalatedAt,
    warning: await seedHubWarning(ops, now),
  };
}

/**
 * A second lychee shipment, in the hub's cold store for the last 3 h, whose temperature is climbing:
 * the rules service's trend warning (tier 3, no liability), worded as it words it. It is a shipment of
 * its own so the first one's trace and its one excursion stay as they are.
 */
async function seedHubWarning(ops: OpsStore, now: number): Promise<SeededWarning> {
  const deviceId = 'logger-hn-0043';
  await ops.createDevice({ id: deviceId, secretHash: 'scrypt$seed$not-a-real-secret', publicKey: null, createdAt: now - 7 * HOUR });
  const startedAt = now - 6 * HOUR;
  const shipment = {
    id: 'shp-lychee-0521',
    traceCode: randomBytes(16).toString('base64url'),
    profileId: LYCHEE.id,
    shipperOrgId: SEED_ORGS.shipper.id,
    deviceId,
    origin: '海南 海口 永兴镇',
    destination: '广州 天河区',
    boxes: 80,
    goodsValueCents: 2_400_000,
    freightCents: 260_000,
    startedAt,
    deliveredAt: null,
    createdAt: startedAt,
  };
  const custody = (atH: number, stage: Stage, toOrgId: string, station: string) => ({ shipmentId: shipment.id, at: startedAt + atH * HOUR, stage, toOrgId, station, probeTempC: null, recordedAt: startedAt + atH * HOUR });
  await ops.createShipment(shipment, custody(0, 'packhouse', SEED_ORGS.shipper.id, '海口永兴预冷站'));
  await ops.appendCustodyEvent(custody(3, 'hub', SEED_ORGS.hub.id, '海口南港冷库'));

  const limit = LYCHEE.limits.find((l) => l.direction === 'above')!;
  const seenAt = now - 10 * MIN;
  const message: LocalizedText = {
    zh: `温度趋势预警：按当前每小时 4.6 °C 的变化，预计约 35 分钟后高于 ${limit.thresholdC} °C（当前 12.3 °C）`,
    en: `Trend warning: at 4.6 °C per hour, will be above ${limit.thresholdC} °C in about 35 minutes (now 12.3 °C)`,
  };
  const warning: Alert = {
    id: randomUUID(),
    shipmentId: shipment.id,
    deviceId,
    ruleId: `${limit.id}.trend`,
    kind: 'warning',
    message,
    tier: 3,
    status: 'open',
    conditionState: 'firing',
    thresholdC: limit.thresholdC,
    direction: limit.direction,
    activeAt: seenAt,
    firedAt: seenAt,
    clearedAt: null,
    peakTempC: 12.3,
    outsideMs: 0,
    degreeMinutes: 0,
    // As services/rules words it (warning-recorder.ts): a forecast blames nobody.
    attribution: { status: 'indeterminate', orgId: null, legIndex: 1, reason: { zh: '预警，不涉及责任认定', en: 'a warning: no liability is attributed' } },
    routedTo: routeAlert({ tier: 3, custodianOrgId: SEED_ORGS.hub.id, shipperOrgId: shipment.shipperOrgId, platformOrgId: PLATFORM_ORG_ID }),
    respondBy: seenAt + DEFAULT_RESPONSE_MS[3],
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolutionNote: null,
    escalatedAt: null,
    lastNotifiedAt: seenAt,
    reminders: 0,
    createdAt: seenAt,
    updatedAt: seenAt,
  };
  await ops.insertAlert(warning);
  return { alertId: warning.id, shipmentId: shipment.id, ruleId: warning.ruleId, message };
}

/** A real API on 127.0.0.1 (port 0) over SQLite stores in a temporary folder, seeded with the shipment. */
export type SeededApi = {
  baseUrl: string;
  adminToken: string;
  ops: OpsStore;
  seeded: SeededShipment;
  stop(): Promise<void>;
};

/** Starts the API with a seeded shipment; `mqtt` connects its live feed to a broker. */
export async function startSeededApi(options: { mqtt?: ApiDeps['mqtt']; clock?: ApiDeps['clock'] } = {}): Promise<SeededApi> {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-dashboards-'));
  const ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
  const telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
  const clock = options.clock ?? systemClock;
  const seeded = await seedLycheeShipment(ops, telemetry, clock.now());
  const adminToken = randomBytes(24).toString('base64url');
  const api = buildApi({
    host: '127.0.0.1',
    port: 0,
    ops,
    telemetry,
    adminToken,
    clock,
    log: pino({ level: 'warn' }),
    ...(options.mqtt ? { mqtt: options.mqtt } : {}),
  });
  const { port } = await api.start();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    adminToken,
    ops,
    seeded,
    async stop() {
      await api.stop();
      await ops.close();
      await telemetry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
