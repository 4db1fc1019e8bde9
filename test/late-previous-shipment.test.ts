import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, LoggerDevice } from '@coldchain/firmware-sim';
import type { ApiClient } from '@coldchain/firmware-sim';
import { verifyBundle } from '@coldchain/evidence';
import type { Alert, StoredReading } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Found in review (issue 11): after a restart, a late message for the logger's previous, delivered
 * shipment, carrying a 25 °C reading at a time already stored at 4.2 °C, raised an excursion from the
 * reading that was never stored (a duplicate), with a false review, and broke the shipment's evidence.
 */
describe('late readings of a delivered shipment, heard after a restart while the logger travels with the next one', () => {
  let service: RunningService;
  let api: ApiClient;
  const start = Math.floor((Date.now() - 5 * HOUR) / MIN) * MIN;

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('judges them against the stored readings: a duplicate changes nothing, no excursion, the evidence still verifies', async () => {
    const secret = await api.provisionDevice('dev-late-prev');
    await api.createShipment({ id: 'LZ-PREV', profileId: 'lychee', shipperOrgId: DEMO_ROLE_ORGS.shipper, deviceId: 'dev-late-prev', origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: start });
    await api.recordHandoff('LZ-PREV', { at: start + HOUR, stage: 'first_mile', toOrgId: DEMO_ROLE_ORGS.first_mile, station: '海口', probeTempC: 4.5 });
    let device = await LoggerDevice.connect(service.info.mqttUrl, 'dev-late-prev', secret);
    const readings = [];
    for (let t = start; t <= start + 3 * HOUR; t += 5 * MIN) readings.push({ ts: t, tempC: 4.2 });
    for (let i = 0; i < readings.length; i += 10) await device.publish(readings.slice(i, i + 10));
    await api.recordHandoff('LZ-PREV', { at: start + 3 * HOUR, stage: 'delivered', station: '武汉' });
    await api.createShipment({ id: 'LZ-NEXT', profileId: 'lychee', shipperOrgId: DEMO_ROLE_ORGS.shipper, deviceId: 'dev-late-prev', origin: '海口', destination: '长沙', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: start + 4 * HOUR });
    await device.publish([{ ts: start + 4 * HOUR + MIN, tempC: 4.1 }, { ts: start + 4 * HOUR + 2 * MIN, tempC: 4.0 }]);
    await device.close();
    const stored = async () => (await api.call<{ readings: StoredReading[] }>('GET', '/api/v1/devices/dev-late-prev/readings?limit=10000')).readings;
    await eventually('every reading stored', async () => ((await stored()).length === readings.length + 2 ? true : undefined));

    await service.restart();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    device = await LoggerDevice.connect(service.info.mqttUrl, 'dev-late-prev', secret);
    // A 16.5 °C reading not yet stored, and a 25 °C one at a time stored at 4.2 °C (a duplicate: refused).
    await device.publish([{ ts: start + 130 * MIN + 7_000, tempC: 16.5 }, { ts: start + 90 * MIN, tempC: 25 }]);
    await device.close();
    await eventually('the late reading stored', async () => ((await stored()).some((r) => r.sampledAt === start + 130 * MIN + 7_000) ? true : undefined));
    // Re-judged after its debounce (at most 2 s): give it the time, then look.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect((await stored()).find((r) => r.sampledAt === start + 90 * MIN)?.tempC).toBe(4.2);
    const alerts = async (id: string) => (await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${id}`)).alerts;
    expect(await alerts('LZ-PREV')).toEqual([]);
    expect(await alerts('LZ-NEXT')).toEqual([]);
    const response = await fetch(new URL('/api/v1/shipments/LZ-PREV/evidence', service.info.apiUrl), { headers: { authorization: `Bearer ${service.info.adminToken}` } });
    expect(await verifyBundle(new Uint8Array(await response.arrayBuffer()))).toMatchObject({ ok: true, summary: { excursions: 0 } });
  }, 60_000);
});
