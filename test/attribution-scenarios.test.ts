import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allInOneEnvSchema, buildAllInOne } from '@coldchain/all-in-one';
import type { AllInOneInfo } from '@coldchain/all-in-one';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, HUB_AC_FAILURE, JourneyRunner, planJourney, replayJourney } from '@coldchain/firmware-sim';
import type { ApiClient, JourneyPlan, JourneySpec } from '@coldchain/firmware-sim';
import type { Alert, Claim, Review } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;
// The lychee journey (firmware-sim LYCHEE_JOURNEY): packhouse 0–2 h, first mile 2–5 h, hub 5–11 h,
// line haul 11–35 h, last mile 35–40 h.
const FIRST_MILE_AT = START + 2 * HOUR;
const LINE_HAUL_AT = START + 11 * HOUR;

function specOf(shipmentId: string, plan: JourneyPlan): JourneySpec {
  return {
    shipmentId, deviceId: `logger-${shipmentId}`, plan, orgs: DEMO_ROLE_ORGS,
    origin: '海南省海口市', destination: '湖北省武汉市', boxes: 300, goodsValueCents: 300 * 9_900, freightCents: 300 * 1_500,
  };
}

/** The API views a user reads for one shipment: its excursion alerts, its claims, its reviews. */
function viewsOf(api: () => ApiClient, shipmentId: string) {
  return {
    alerts: async () => (await api().call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${shipmentId}`)).alerts,
    claims: async () => (await api().call<{ claims: Claim[] }>('GET', `/api/v1/claims?shipmentId=${shipmentId}`)).claims,
    reviews: async () => (await api().call<{ reviews: Review[] }>('GET', `/api/v1/reviews?shipmentId=${shipmentId}`)).reviews,
    stored: async (deviceId: string) => (await api().call<{ readings: unknown[] }>('GET', `/api/v1/devices/${deviceId}/readings?limit=100000`)).readings.length,
  };
}

/** Replays a journey and waits until every reading is stored and its excursion has cleared. */
async function replayUntilCleared(spec: JourneySpec, api: ApiClient, mqttUrl: string): Promise<void> {
  await replayJourney(spec, api, mqttUrl);
  const views = viewsOf(() => api, spec.shipmentId);
  await eventually(`${spec.shipmentId} stored and its excursion cleared`, async () => {
    const [stored, alerts] = await Promise.all([views.stored(spec.deviceId), views.alerts()]);
    return stored === spec.plan.readings.length && alerts[0]?.conditionState === 'cleared' ? true : undefined;
  });
}

/**
 * Pre-cooling failure (issue 9, item 3): the packhouse hands the fruit to the first-mile carrier at 18 °C
 * by the probe, and the logger, started at pickup, first reads 18 °C and pulls down by 2 °C an hour (back
 * under lychee's 15 °C high limit after 1.5 h, past the hour that makes a claim).
 */
function warmPickup(shipmentId: string, seed: number): JourneySpec {
  const plan = planJourney({ startAt: START, seed });
  const pullDownC = (ts: number) => 18 - (2 * (ts - FIRST_MILE_AT)) / HOUR;
  const readings = plan.readings.filter((r) => r.ts >= FIRST_MILE_AT).map((r) => ({ ...r, tempC: Math.max(r.tempC, Math.round(pullDownC(r.ts) * 100) / 100) }));
  const handoffs = plan.handoffs.map((h) => (h.stage === 'first_mile' ? { ...h, probeTempC: 18 } : h.stage === 'hub' ? { ...h, probeTempC: Math.max(h.probeTempC, pullDownC(h.at)) } : h));
  return specOf(shipmentId, { ...plan, readings, handoffs });
}

/**
 * A gap inside the line-haul leg (issue 9, item 3): no readings from 4 h to 6 h into it, none of the
 * handoffs inside the gap, and the logger comes back at 20 °C and stays there 4 h.
 */
function gapInLineHaul(shipmentId: string, seed: number): JourneySpec {
  const plan = planJourney({ startAt: START, seed });
  const gapFrom = LINE_HAUL_AT + 4 * HOUR;
  const gapTo = LINE_HAUL_AT + 6 * HOUR;
  const readings = plan.readings
    .filter((r) => r.ts < gapFrom || r.ts >= gapTo)
    .map((r) => (r.ts >= gapTo && r.ts < gapTo + 4 * HOUR ? { ...r, tempC: 20 + ((r.ts / (5 * MIN)) % 3) * 0.2 } : r));
  return specOf(shipmentId, { ...plan, readings });
}

describe('attribution scenarios through firmware-sim, MQTT and the API (issue 9, item 8)', () => {
  let service: RunningService;
  let api: ApiClient;

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('a logger started at a warm pickup: the packhouse is liable by the handoff probe, no claim against a carrier', async () => {
    const spec = warmPickup('LZ-ATTR-WARM', 41);
    await replayUntilCleared(spec, api, service.info.mqttUrl);
    const views = viewsOf(() => api, spec.shipmentId);

    const alerts = await views.alerts();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts as [Alert];
    expect(alert.activeAt).toBe(FIRST_MILE_AT);
    expect(alert.outsideMs).toBeGreaterThan(HOUR);
    expect(alert.attribution).toMatchObject({ status: 'attributed', orgId: 'hn-lychee-coop' });
    expect(alert.attribution.reason.zh).toContain('交接给海口顺达冷链时探针温度已为 18.0 °C');
    expect(alert.attribution.reason.zh).toContain('责任在海南妃子笑荔枝合作社（主播）');
    expect(alert.attribution.reason.en).toContain('the probe read 18.0 °C at the handoff to Haikou Shunda Cold Chain');
    expect(alert.attribution.reason.en).toContain('so Hainan Feizixiao Lychee Co-op (streamer) is liable');
    // The shipper is liable, not a logistics provider: nothing to claim, and nothing left to review.
    expect(await views.claims()).toEqual([]);
    expect(await views.reviews()).toEqual([]);
  });

  it('a gap inside the line-haul leg with no handoff in it: the line-haul carrier is liable and the claim filed against it', async () => {
    const spec = gapInLineHaul('LZ-ATTR-GAP', 42);
    await replayUntilCleared(spec, api, service.info.mqttUrl);
    const views = viewsOf(() => api, spec.shipmentId);

    const alerts = await views.alerts();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts as [Alert];
    expect(alert.activeAt).toBe(LINE_HAUL_AT + 6 * HOUR);
    expect(alert.attribution).toMatchObject({ status: 'attributed', orgId: 'nanbei-reefer' });
    expect(alert.attribution.reason.zh).toContain('没有温度数据');
    expect(alert.attribution.reason.zh).toContain('只有南北干线冷运持有货物');
    expect(alert.attribution.reason.en).toContain('only Nanbei Line-haul Reefers held the goods');
    for (const other of ['海口顺达冷链', '广州白云冷链枢纽仓', '城市鲜达快递']) expect(alert.attribution.reason.zh).not.toContain(other);
    for (const other of ['Haikou Shunda', 'Guangzhou Baiyun', 'City Fresh']) expect(alert.attribution.reason.en).not.toContain(other);

    const claims = await views.claims();
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ liableOrgId: 'nanbei-reefer', alertId: alert.id, amountCents: spec.goodsValueCents + spec.freightCents, currency: 'CNY' });
    expect(await views.reviews()).toEqual([]);
  });
});

/**
 * The whole service on a clock the test can move forward (server time only: readings keep their device
 * time), so a tier-1 reminder (every 15 min) comes due without waiting for it.
 */
async function startOnMovableClock(): Promise<{ info: AllInOneInfo; advance(ms: number): void; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-test-'));
  let offsetMs = 0;
  // The API on the main thread: it reads the same movable clock (a thread has the system clock).
  const config = allInOneEnvSchema.parse({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', MQTT_PORT: '0', DEMO: '0', SQLITE_SYNC: 'NORMAL', API_THREAD: '0' });
  const service = buildAllInOne(config, { clock: { now: () => Date.now() + offsetMs }, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }) });
  return {
    info: await service.start(),
    advance(ms) {
      offsetMs += ms;
    },
    async stop() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The hub's air conditioning fails 15 min into its leg and stays off to the end of it, so the fruit is
 * still warm when the line-haul carrier takes it over and the excursion runs on about 50 min into the
 * line haul.
 */
describe('a handoff during an open excursion (issue 9, items 3 and 6)', () => {
  let service: Awaited<ReturnType<typeof startOnMovableClock>>;
  let api: ApiClient;
  const plan = planJourney({ startAt: START, seed: 43, acFailure: { ...HUB_AC_FAILURE, durationMs: 6 * HOUR - HUB_AC_FAILURE.afterHubStartMs } });
  const spec = specOf('LZ-ATTR-OPEN', plan);
  const views = viewsOf(() => api, spec.shipmentId);
  let routedBeforeHandoff: string[] = [];

  beforeAll(async () => {
    service = await startOnMovableClock();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    const runner = new JourneyRunner(spec, api, service.info.mqttUrl);
    await runner.start();
    try {
      // Up to just before the handoff: the alert opens while the hub holds the goods.
      await runner.advanceTo(LINE_HAUL_AT - 1);
      routedBeforeHandoff = (await eventually('the alert in the hub leg', async () => (await views.alerts())[0])).routedTo;
      // Two hours into the line haul: the excursion cleared there, the shipment still on the road.
      await runner.advanceTo(LINE_HAUL_AT + 2 * HOUR);
    } finally {
      await runner.stop();
    }
    const sent = plan.readings.filter((r) => r.ts <= LINE_HAUL_AT + 2 * HOUR).length;
    await eventually('readings stored and the excursion cleared in the line haul', async () => {
      const [stored, alerts] = await Promise.all([views.stored(spec.deviceId), views.alerts()]);
      return stored === sent && alerts[0]?.conditionState === 'cleared' ? true : undefined;
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('raises one alert, attributed to the hub where it began, and one claim against the hub', async () => {
    const alerts = await views.alerts();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts as [Alert];
    expect(alert.activeAt).toBeGreaterThan(START + 5 * HOUR + HUB_AC_FAILURE.afterHubStartMs);
    expect(alert.activeAt).toBeLessThan(LINE_HAUL_AT);
    expect(alert.clearedAt ?? 0).toBeGreaterThan(LINE_HAUL_AT);
    expect(alert.attribution).toMatchObject({ status: 'attributed', orgId: 'gz-baiyun-hub' });
    expect(alert.attribution.reason.zh).toContain('由广州白云冷链枢纽仓持有');
    expect(alert.attribution.reason.en).toContain('held by Guangzhou Baiyun Cold Hub');
    expect(routedBeforeHandoff).not.toContain('nanbei-reefer');

    const claims = await views.claims();
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ liableOrgId: 'gz-baiyun-hub', alertId: alert.id, amountCents: spec.goodsValueCents + spec.freightCents });
  });

  it('routes the reminder to the line-haul carrier now holding the goods, the hub staying informed and liable', async () => {
    // Tier 1 reminds every 15 min while nobody acknowledges (under the 30-min no-data gap and the 1-h deadline).
    service.advance(16 * MIN);
    const reminded = await eventually('the reminder', async () => {
      const [alert] = await views.alerts();
      return alert && alert.reminders > 0 ? alert : undefined;
    }, 25_000);
    expect(reminded.escalatedAt).toBeNull();
    expect(reminded.routedTo).toContain('nanbei-reefer');
    expect(reminded.routedTo).toContain('gz-baiyun-hub');
    expect(reminded.routedTo).toContain('hn-lychee-coop');
    expect(reminded.attribution).toMatchObject({ status: 'attributed', orgId: 'gz-baiyun-hub' });
    expect(await views.alerts()).toHaveLength(1);
    expect(await views.claims()).toHaveLength(1);
  });
});
