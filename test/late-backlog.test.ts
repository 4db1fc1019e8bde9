import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, HUB_AC_FAILURE, JourneyRunner, LoggerDevice, planJourney } from '@coldchain/firmware-sim';
import type { ApiClient, JourneySpec } from '@coldchain/firmware-sim';
import type { Alert, Claim } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;
// The hub leg runs from 5 h; its air conditioning fails 15 min in. The logger loses its network 10 min
// into the hub leg for 2 hours, in which the fruit warms past lychee's 15 °C high limit (plan document).
const HUB_START = START + 5 * HOUR;
const LOSS_FROM = HUB_START + 10 * MIN;
const LOSS_TO = LOSS_FROM + 2 * HOUR;

describe('a logger sends live readings after a 2-hour silence, then its buffer (issue 9, item 1)', () => {
  let service: RunningService;
  let api: ApiClient;
  const spec: JourneySpec = {
    shipmentId: 'LZ-LATE-1',
    deviceId: 'logger-late-1',
    // A reading every 6 s: the 2-hour buffer is 1,200 readings, uploaded in messages of 50.
    plan: planJourney({ startAt: START, seed: 21, intervalMs: 6_000, acFailure: HUB_AC_FAILURE }),
    orgs: DEMO_ROLE_ORGS,
    origin: '海南省海口市',
    destination: '湖北省武汉市',
    boxes: 300,
    goodsValueCents: 300 * 9_900,
    freightCents: 300 * 1_500,
  };
  const between = (from: number, to: number) => spec.plan.readings.filter((r) => r.ts >= from && r.ts < to);
  const alertsOf = async () => (await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${spec.shipmentId}`)).alerts;
  const claimsOf = async () => (await api.call<{ claims: Claim[] }>('GET', `/api/v1/claims?shipmentId=${spec.shipmentId}`)).claims;

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    // Live up to the silence, handoffs included (the hub's scan at 5 h).
    const runner = new JourneyRunner(spec, api, service.info.mqttUrl);
    await runner.start();
    await runner.advanceTo(LOSS_FROM - 1);
    await runner.stop();
    const device = await LoggerDevice.connect(service.info.mqttUrl, spec.deviceId, await api.provisionDevice(spec.deviceId), runner.seed);
    try {
      // The network is back: 5 minutes of live readings first, then the buffer.
      await device.publish(between(LOSS_TO, LOSS_TO + 5 * MIN));
      await device.uploadBacklog(between(LOSS_FROM, LOSS_TO));
    } finally {
      await device.close();
    }
    await eventually('the late excursion judged and its claim filed', async () => ((await claimsOf()).length === 1 ? true : undefined));
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('stores every reading of the buffer', async () => {
    const { readings } = await api.call<{ readings: unknown[] }>('GET', `/api/v1/devices/${spec.deviceId}/readings?limit=100000`);
    expect(readings).toHaveLength(between(START, LOSS_TO + 5 * MIN).length);
  });

  it('raises one alert whose onset lies inside the buffered span, attributed to the hub, saying it came late', async () => {
    const alerts = await alertsOf();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts as [Alert];
    expect(alert.activeAt).toBeGreaterThan(HUB_START + HUB_AC_FAILURE.afterHubStartMs);
    expect(alert.activeAt).toBeLessThan(LOSS_TO);
    expect(alert.firedAt - alert.activeAt).toBeGreaterThanOrEqual(10 * MIN);
    expect(alert.outsideMs).toBeGreaterThan(HOUR);
    expect(alert.attribution).toMatchObject({ status: 'attributed', orgId: 'gz-baiyun-hub' });
    // Routed as if live: the hub holding the goods, the streamer, the platform for tier 1.
    expect(alert.routedTo).toEqual(['gz-baiyun-hub', 'hn-lychee-coop', 'platform']);
    expect(alert.message?.en).toContain('late data');
    expect(alert.createdAt).toBeGreaterThan(LOSS_TO);
  });

  it('files the claim against the hub for goods value plus freight, once', async () => {
    const claims = await claimsOf();
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ liableOrgId: 'gz-baiyun-hub', amountCents: spec.goodsValueCents + spec.freightCents });
  });
});
