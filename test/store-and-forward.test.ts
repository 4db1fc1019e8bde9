import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, HUB_AC_FAILURE, planJourney, replayJourney } from '@coldchain/firmware-sim';
import type { ApiClient, JourneySpec } from '@coldchain/firmware-sim';
import type { Alert, Claim, DeviceEvent } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

const HOUR = 3_600_000;
const START = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;

describe('a logger that loses its network during the hub failure uploads late, in bulk, partly twice', () => {
  let service: RunningService;
  let api: ApiClient;
  // The hub leg runs from 5 h to 11 h; the network is gone from 4 h to 8 h of the journey, so the whole
  // onset of the excursion reaches the server hours late, out of order within messages, one message twice.
  const spec: JourneySpec = {
    shipmentId: 'LZ-SAF-1',
    deviceId: 'logger-saf-1',
    plan: planJourney({ startAt: START, seed: 11, acFailure: HUB_AC_FAILURE }),
    orgs: DEMO_ROLE_ORGS,
    origin: '海南省海口市',
    destination: '湖北省武汉市',
    boxes: 300,
    goodsValueCents: 300 * 9_900,
    freightCents: 300 * 1_500,
    signalLoss: { fromMs: 4 * HOUR, durationMs: 4 * HOUR },
  };

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    await replayJourney(spec, api, service.info.mqttUrl);
    await eventually('the whole journey stored and the alert cleared', async () => {
      const stored = (await api.call<{ readings: unknown[] }>('GET', `/api/v1/devices/${spec.deviceId}/readings?limit=100000`)).readings.length;
      const alerts = (await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${spec.shipmentId}`)).alerts;
      return stored === spec.plan.readings.length && alerts[0]?.conditionState === 'cleared' ? true : undefined;
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('stores every reading once, in device-time order, whatever the arrival order', async () => {
    const { readings } = await api.call<{ readings: { sampledAt: number; tempC: number }[] }>('GET', `/api/v1/devices/${spec.deviceId}/readings?limit=100000`);
    expect(readings.map((r) => [r.sampledAt, r.tempC])).toEqual(spec.plan.readings.map((r) => [r.ts, r.tempC]));
  });

  it('raises one alert attributed to the hub, evaluated on device time, and one claim', async () => {
    const { alerts } = await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${spec.shipmentId}`);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.attribution).toMatchObject({ status: 'attributed', orgId: 'gz-baiyun-hub' });
    // Onset in device time inside the failure, though it reached the server hours of device time later.
    expect(alerts[0]!.activeAt).toBeGreaterThan(START + 5 * HOUR + HUB_AC_FAILURE.afterHubStartMs);
    expect(alerts[0]!.activeAt).toBeLessThan(START + 8 * HOUR);
    const { claims } = await api.call<{ claims: Claim[] }>('GET', `/api/v1/claims?shipmentId=${spec.shipmentId}`);
    expect(claims).toHaveLength(1);
  });

  it('counts the re-sent message as duplicates, not as a gap or a refusal', async () => {
    const { events } = await api.call<{ events: DeviceEvent[] }>('GET', `/api/v1/devices/${spec.deviceId}/events`);
    expect(events.filter((e) => e.kind === 'seq_gap')).toEqual([]);
    expect((await api.call<{ deadLetters: unknown[] }>('GET', `/api/v1/dead-letters?deviceId=${spec.deviceId}`)).deadLetters).toEqual([]);
    const metrics = await (await fetch(`${service.info.apiUrl}/metrics`, { headers: { authorization: `Bearer ${service.info.adminToken}` } })).text();
    expect(Number(/coldchain_readings_duplicate_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
