import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, HUB_AC_FAILURE, LINE_HAUL_CYCLING, planJourney, replayJourney } from '@coldchain/firmware-sim';
import type { ApiClient, JourneySpec } from '@coldchain/firmware-sim';
import type { Alert } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

const HOUR = 3_600_000;
const START = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;

function spec(id: string, plan: JourneySpec['plan']): JourneySpec {
  return { shipmentId: id, deviceId: `logger-${id}`, plan, orgs: DEMO_ROLE_ORGS, origin: '海南省海口市', destination: '湖北省武汉市', boxes: 100, goodsValueCents: 990_000, freightCents: 150_000 };
}

describe('early warnings come before the excursion (firmware-sim scenarios through the whole service)', () => {
  let service: RunningService;
  let api: ApiClient;
  const hub = spec('LZ-EW-HUB', planJourney({ startAt: START, seed: 21, acFailure: HUB_AC_FAILURE }));
  const reefer = spec('LZ-EW-REEFER', planJourney({ startAt: START, seed: 22, cycling: LINE_HAUL_CYCLING }));
  const calm = spec('LZ-EW-CALM', planJourney({ startAt: START, seed: 23 }));

  const alerts = async (shipmentId: string) => (await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?shipmentId=${shipmentId}`)).alerts;
  const byRule = async (shipmentId: string) => Object.fromEntries((await alerts(shipmentId)).map((a) => [a.ruleId, a]));

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    for (const s of [hub, reefer, calm]) await replayJourney(s, api, service.info.mqttUrl);
    for (const s of [hub, reefer, calm]) {
      await eventually(`${s.shipmentId} stored`, async () =>
        (await api.call<{ readings: unknown[] }>('GET', `/api/v1/devices/${s.deviceId}/readings?limit=100000`)).readings.length === s.plan.readings.length ? true : undefined,
      );
    }
    await eventually('the hub excursion cleared', async () => ((await byRule(hub.shipmentId)).high?.conditionState === 'cleared' ? true : undefined));
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('forecasts the hub excursion ("will cross 15 °C in about N minutes") before it begins', async () => {
    const rules = await byRule(hub.shipmentId);
    expect(rules['high.trend']).toBeDefined();
    expect(rules['high.trend']!.kind).toBe('warning');
    expect(rules['high.trend']!.message?.zh).toMatch(/预计约 \d+ 分钟后高于 15 °C/);
    expect(rules['high.trend']!.message?.en).toMatch(/will be above 15 °C in about \d+ minutes/);
    expect(rules['high.trend']!.activeAt).toBeLessThan(rules.high!.activeAt);
    // Superseded by the excursion, which then carries on alone: resolved by the system, with a code every
    // reader words in its own language (not English in resolvedBy).
    expect(rules['high.trend']).toMatchObject({ status: 'resolved', resolvedBy: 'system', resolutionNote: 'system.limit_crossed' });
    // Cooling back steeply after the repair is no forecast of chilling: no false low-limit warning.
    expect(rules['low.trend']).toBeUndefined();
  });

  it('warns of low humidity at the hub before the temperature is out of range', async () => {
    const rules = await byRule(hub.shipmentId);
    expect(rules['humidity.low']).toBeDefined();
    expect(rules['humidity.low']!.message?.zh).toContain('湿度过低');
    expect(rules['humidity.low']!.activeAt).toBeLessThan(rules.high!.activeAt);
  });

  it('warns of reefer start-stop cycling on the line haul before the fruit is too warm', async () => {
    const rules = await byRule(reefer.shipmentId);
    expect(rules['reefer.cycling']).toBeDefined();
    expect(rules['reefer.cycling']!.message?.en).toMatch(/Reefer start-stop cycling: \d+ swings/);
    expect(rules.high).toBeDefined();
    expect(rules['reefer.cycling']!.activeAt).toBeLessThan(rules.high!.activeAt);
    expect(rules.high!.attribution).toMatchObject({ status: 'attributed', orgId: 'nanbei-reefer' });
  });

  it('raises no warning for a journey whose cold chain held', async () => {
    expect(await alerts(calm.shipmentId)).toEqual([]);
  });
});
