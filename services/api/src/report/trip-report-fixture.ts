import { randomUUID } from 'node:crypto';
import { attributeExcursion, buildLegs, decideClaim, filedClaimFields, LYCHEE } from '@coldchain/domain';
import type { StoredReading } from '@coldchain/storage';
import type { TestApi } from '../test-harness.ts';

// Test fixture (report tests and the README's sample rendering): not used by the service.

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2025-06-10 06:00 China time: the lychee leave the packhouse. */
export const T0 = Date.UTC(2025, 5, 9, 22, 0);
export const SHIPMENT_ID = 'shp-lychee-0610';
const DEVICE_ID = 'logger-hn-0042';
const HIGH = LYCHEE.limits.find((l) => l.id === 'high')!;

/**
 * The lychee's temperature `h` hours after T0: cool through the packhouse and first mile, the hub's
 * air-conditioning failing at 12:00 (up to 21.4 °C by 14:00, repaired at 14:20), still warm when the
 * line-haul reefer takes the goods at 16:00 and pulls them down, cool to the door.
 */
function tempAt(h: number): number {
  const ripple = 0.25 * Math.sin(h * 2.3) + 0.1 * Math.sin(h * 7.1);
  if (h < 6) return 4.1 + ripple;
  if (h < 8) return 4.5 + (h - 6) * 8.45 + ripple;
  if (h < 8.33) return 21.4 - (h - 8) * 1.2;
  if (h < 10) return 21 - (h - 8.33) * 7.2 + ripple;
  if (h < 13) return 9 - (h - 10) * 1.6 + ripple;
  return 4.2 + ripple;
}

/**
 * Seeds, through the API where it can: five organisations, a logger, a lychee shipment Haikou →
 * Shanghai with its handoffs (stations, probe temperatures) and delivery, a reading every 5 min with a
 * 54 min gap on the line-haul, the hub's excursion attributed with the domain's own rule, and its claim.
 */
export async function seedLycheeTrip(api: TestApi): Promise<{ traceCode: string }> {
  const { call, ops, telemetry } = api;
  const orgs = [
    ['org-coop', '海南永兴荔枝合作社', 'Yongxing Lychee Cooperative', 'shipper'],
    ['org-qiong', '琼州冷链物流', 'Qiongzhou Cold Chain', 'carrier'],
    ['org-hub', '海口南港枢纽仓', 'Haikou South Port Hub', 'warehouse'],
    ['org-reefer', '顺达冷运干线', 'Shunda Reefer Line-haul', 'carrier'],
    ['org-courier', '沪通同城配送', 'Hutong City Courier', 'courier'],
  ] as const;
  for (const [id, name, nameEn, kind] of orgs) expectOk(await call('POST', '/api/v1/organisations', { id, name, nameEn, kind }));
  expectOk(await call('POST', '/api/v1/devices', { id: DEVICE_ID }));
  const created = await call('POST', '/api/v1/shipments', {
    id: SHIPMENT_ID, profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: DEVICE_ID, origin: '海南 海口 永兴镇', destination: '上海 闵行',
    boxes: 120, goodsValueCents: 3_612_345, freightCents: 481_234, startedAt: T0, station: '永兴镇预冷中心',
  });
  expectOk(created);
  const handoffs = [
    { at: T0 + 2 * HOUR, stage: 'first_mile', toOrgId: 'org-qiong', station: '永兴镇预冷中心', probeTempC: 4.2 },
    { at: T0 + 4.5 * HOUR, stage: 'hub', toOrgId: 'org-hub', station: '海口南港枢纽仓', probeTempC: 4.8 },
    { at: T0 + 10 * HOUR, stage: 'line_haul', toOrgId: 'org-reefer', station: '海口南港枢纽仓 3 号月台', probeTempC: 9.1 },
    { at: T0 + 28 * HOUR, stage: 'last_mile', toOrgId: 'org-courier', station: '上海闵行配送站', probeTempC: 4.3 },
    { at: T0 + 32 * HOUR, stage: 'delivered', station: '上海 闵行 莘庄', probeTempC: 4.6 },
  ];
  for (const handoff of handoffs) expectOk(await call('POST', `/api/v1/shipments/${SHIPMENT_ID}/handoffs`, handoff));

  const readings: StoredReading[] = [];
  for (let t = T0; t <= T0 + 32 * HOUR; t += 5 * MIN) {
    const h = (t - T0) / HOUR;
    if (h > 20.2 && h < 21.1) continue; // the reefer's logger out of reach
    readings.push({ deviceId: DEVICE_ID, sampledAt: t, tempC: Math.round(tempAt(h) * 10) / 10, rhPct: 91, receivedAt: t + 20_000 });
  }
  await telemetry.insertReadings(readings);

  // The excursion as the rules would record it: onset at the first reading above 15 °C, cleared at the
  // first back below 15 - hysteresis, degree-minutes over the readings in between.
  const onset = readings.findIndex((r) => r.tempC > HIGH.thresholdC);
  const cleared = readings.findIndex((r, i) => i > onset && r.tempC <= HIGH.thresholdC - HIGH.hysteresisC);
  const spell = readings.slice(onset, cleared);
  const activeAt = readings[onset]!.sampledAt;
  const clearedAt = readings[cleared]!.sampledAt;
  const legs = buildLegs(await ops.listCustodyEvents(SHIPMENT_ID));
  const attribution = attributeExcursion({
    legs, limit: HIGH, activeAt, previousReadingAt: readings[onset - 1]!.sampledAt, maxGapMs: LYCHEE.maxReadingGapMs,
    orgNames: Object.fromEntries(orgs.map(([id, zh, en]) => [id, { zh, en }])),
  });
  const alertId = randomUUID();
  await ops.insertAlert({
    id: alertId, shipmentId: SHIPMENT_ID, deviceId: DEVICE_ID, ruleId: 'high', kind: 'excursion', message: null, tier: 1, status: 'resolved', conditionState: 'cleared',
    thresholdC: HIGH.thresholdC, direction: 'above', activeAt, firedAt: activeAt + HIGH.holdForMs, clearedAt,
    peakTempC: Math.max(...spell.map((r) => r.tempC)), outsideMs: clearedAt - activeAt,
    degreeMinutes: Math.round(spell.reduce((sum, r) => sum + Math.max(0, r.tempC - HIGH.thresholdC) * 5, 0) * 10) / 10,
    attribution, routedTo: ['org-hub', 'org-coop', 'platform'], respondBy: activeAt + HIGH.holdForMs + HOUR,
    acknowledgedAt: activeAt + 25 * MIN, acknowledgedBy: '南港值班 王工', resolvedAt: clearedAt + 30 * MIN, resolvedBy: '南港值班 王工', resolutionNote: '3 号冷库空调压缩机故障，已更换',
    escalatedAt: null, lastNotifiedAt: activeAt + HIGH.holdForMs, reminders: 0, createdAt: activeAt + HIGH.holdForMs, updatedAt: clearedAt + 30 * MIN,
  });
  const decision = decideClaim({ profile: LYCHEE, limit: HIGH, outsideMs: clearedAt - activeAt, attribution, liableOrgKind: 'warehouse', value: { goodsValueCents: 3_612_345, freightCents: 481_234 } });
  if (!decision.shouldFile) throw new Error(`fixture: the hub's excursion should file a claim (${decision.why})`);
  await ops.fileClaimOnce({ id: randomUUID(), shipmentId: SHIPMENT_ID, alertId, reason: attribution.reason, ...filedClaimFields(decision, clearedAt) });
  return { traceCode: created.body.traceCode as string };
}

function expectOk(response: { status: number; body: unknown }): void {
  if (response.status >= 300) throw new Error(`fixture: ${response.status} ${JSON.stringify(response.body)}`);
}
