import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredReading } from '@coldchain/storage';
import { assertPublicText, publicTextRefusal } from './routes/public-view.ts';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 4, 20);

/** Personal data planted in every free-text field that can be set; none may reach the public page. */
const PHONE = '13912345678';
const LANDLINE = '0898-66668888';
const ID_NUMBER = '460100199003071237';
const ID_NUMBER_X = '11010519491231002X';
const STREET = '人民路88号';
const STREET_EN = '12 Longkun South Road';
const EMAIL = 'li.ming@example.com';
const PLANTED = [PHONE, LANDLINE, ID_NUMBER, ID_NUMBER_X, STREET, STREET_EN, EMAIL, '李师傅', 'Master Li'];

const ORG_NAMES = ['海南永兴荔枝合作社', 'Yongxing Lychee Cooperative', '海口南港冷库枢纽', 'Haikou South Port Cold Hub', '顺丰冷运', 'SF Cold Chain'];

/**
 * A lychee shipment created before public fields were checked (written to the store directly, as the
 * API now refuses these), with personal data in its origin, destination, stations, a correction's
 * reason, an alert's notes and a courier registered by a person's name and phone.
 */
async function seedOldShipment({ call, ops, telemetry }: TestApi): Promise<{ traceCode: string; keys: Record<string, string> }> {
  await call('POST', '/api/v1/organisations', { id: 'org-coop', name: '海南永兴荔枝合作社', nameEn: 'Yongxing Lychee Cooperative', kind: 'shipper' });
  await call('POST', '/api/v1/organisations', { id: 'org-hub', name: '海口南港冷库枢纽', nameEn: 'Haikou South Port Cold Hub', kind: 'warehouse' });
  await call('POST', '/api/v1/organisations', { id: 'org-sf', name: '顺丰冷运', nameEn: 'SF Cold Chain', kind: 'carrier' });
  await call('POST', '/api/v1/organisations', { id: 'org-li', name: `李师傅 ${PHONE}`, nameEn: `Master Li ${PHONE}`, kind: 'courier' });
  await call('POST', '/api/v1/organisations', { id: 'org-other', name: '别家合作社', nameEn: 'Another Cooperative', kind: 'shipper' });
  expect((await call('POST', '/api/v1/devices', { id: 'logger-hn-0042' })).status).toBe(201);
  const traceCode = 'LYCHEE-OLD-DATA-0001';
  const created = await ops.createShipment(
    {
      id: 'shp-old',
      traceCode,
      profileId: 'lychee',
      shipperOrgId: 'org-coop',
      deviceId: 'logger-hn-0042',
      origin: `海口市龙华区${STREET} 李先生 ${PHONE}`,
      destination: `上海 ${STREET_EN} 身份证 ${ID_NUMBER} ${EMAIL}`,
      boxes: 120,
      goodsValueCents: 3_600_000,
      freightCents: 480_000,
      startedAt: T0,
      deliveredAt: null,
      createdAt: T0,
    },
    { shipmentId: 'shp-old', at: T0, stage: 'packhouse', toOrgId: 'org-coop', station: `${STREET} ${LANDLINE}`, probeTempC: null, recordedAt: T0 },
  );
  expect(created).toBe(true);
  const handoffs = [
    { at: T0 + 2 * HOUR, stage: 'first_mile', toOrgId: 'org-sf', station: `收货 ${ID_NUMBER_X}` },
    { at: T0 + 8 * HOUR, stage: 'hub', toOrgId: 'org-hub', station: `仓管王 ${PHONE} ${EMAIL}`, probeTempC: 5.1 },
    { at: T0 + 20 * HOUR, stage: 'last_mile', toOrgId: 'org-li', station: `${STREET_EN} ${LANDLINE}` },
  ];
  for (const handoff of handoffs) expect((await call('POST', '/api/v1/shipments/shp-old/handoffs', handoff)).status).toBe(201);
  const [, , hubScan] = await ops.listEffectiveCustodyEvents('shp-old');
  const correction = await call('POST', '/api/v1/shipments/shp-old/corrections', { eventId: hubScan!.id, station: `冷库 ${STREET} ${PHONE}`, reason: `王经理 ${PHONE} 说扫错了，身份证 ${ID_NUMBER}` });
  expect(correction.status).toBe(201);
  const readings: StoredReading[] = Array.from({ length: 24 * 12 }, (_, i) => {
    const t = T0 + i * 5 * MIN;
    return { deviceId: 'logger-hn-0042', sampledAt: t, tempC: t >= T0 + 11 * HOUR && t < T0 + 13 * HOUR ? 24.5 : 4.2, rhPct: 91, receivedAt: t + 20_000 };
  });
  await telemetry.insertReadings(readings);
  await ops.insertAlert({
    id: randomUUID(),
    shipmentId: 'shp-old',
    deviceId: 'logger-hn-0042',
    ruleId: 'high',
    kind: 'excursion',
    message: { zh: `请联系 ${PHONE}`, en: `call ${PHONE}` },
    escalatedAt: null,
    lastNotifiedAt: null,
    reminders: 0,
    tier: 1,
    status: 'resolved',
    conditionState: 'cleared',
    thresholdC: 15,
    direction: 'above',
    activeAt: T0 + 11 * HOUR,
    firedAt: T0 + 11 * HOUR + 10 * MIN,
    clearedAt: T0 + 13 * HOUR,
    peakTempC: 24.5,
    outsideMs: 2 * HOUR,
    degreeMinutes: 1140,
    attribution: { status: 'attributed', orgId: 'org-hub', legIndex: 2, reason: { zh: `仓管王 ${PHONE}`, en: `Wang ${PHONE}` } },
    routedTo: ['org-hub', 'org-coop', 'platform'],
    respondBy: T0 + 12 * HOUR + 10 * MIN,
    acknowledgedAt: T0 + 12 * HOUR,
    acknowledgedBy: `王 ${ID_NUMBER}`,
    resolvedAt: T0 + 14 * HOUR,
    resolvedBy: `王 ${PHONE}`,
    resolutionNote: `空调坏了，找 ${STREET} ${LANDLINE}`,
    createdAt: T0 + 11 * HOUR + 10 * MIN,
    updatedAt: T0 + 14 * HOUR,
  });
  const keys: Record<string, string> = {};
  for (const [name, org, role] of [
    ['coop-operator', 'org-coop', 'operator'],
    ['coop-viewer', 'org-coop', 'viewer'],
    ['hub-operator', 'org-hub', 'operator'],
    ['hub-viewer', 'org-hub', 'viewer'],
    ['other-admin', 'org-other', 'admin'],
  ] as const) {
    const key = await call('POST', `/api/v1/organisations/${org}/api-keys`, { name, role });
    expect(key.status).toBe(201);
    keys[name] = key.body.key;
  }
  return { traceCode, keys };
}

/** The public answer and page over real HTTP, as a phone would fetch them, with no credential. */
async function fetchPublic(api: TestApi & { traceCode: string }): Promise<{ trace: any; text: string }> {
  const answer = await fetch(`${api.baseUrl}/api/v1/trace/${api.traceCode}?points=100`, { headers: { accept: 'application/json' } });
  expect(answer.status).toBe(200);
  const json = await answer.text();
  const page = await fetch(`${api.baseUrl}/t/${api.traceCode}`);
  expect(page.status).toBe(200);
  return { trace: JSON.parse(json), text: json + (await page.text()) };
}

/** Personal data in a text, also as JSON escapes it and with its separators gone. */
function leaked(text: string, values: readonly string[]): string[] {
  const compact = text.replace(/[\s-]/g, '');
  return values.filter((value) => text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1)) || compact.includes(value.replace(/[\s-]/g, '')));
}

describe('public page and personal data', () => {
  const api = useTestApi(seedOldShipment);

  it('shows none of the personal data planted in old data: origin, destination, stations, corrections, notes, a courier named by a phone', async () => {
    const { trace, text } = await fetchPublic(api);
    expect(leaked(text, PLANTED)).toEqual([]);
    // Old origin and destination held personal data: left out, not half shown.
    expect(trace.origin).toBeNull();
    expect(trace.destination).toBeNull();
    // Named custodians, except the courier registered by a person's phone: shown by its kind.
    expect(trace.legs.map((leg: any) => [leg.stage, leg.custodian.name, leg.custodian.nameEn])).toEqual([
      ['packhouse', '海南永兴荔枝合作社', 'Yongxing Lychee Cooperative'],
      ['first_mile', '顺丰冷运', 'SF Cold Chain'],
      ['hub', '海口南港冷库枢纽', 'Haikou South Port Cold Hub'],
      ['last_mile', '快递', 'Courier'],
    ]);
    expect(trace.legs.map((leg: any) => leg.custodian.ref)).toEqual([1, 2, 3, 4]);
    // The curve and the verdict are still all there.
    expect(trace.verdict.status).toBe('excursion');
    expect(trace.excursions).toHaveLength(1);
  });

  it("shows the shipper's choice: city-level places, custodians only by kind", async () => {
    const chosen = await api.call('PUT', '/api/v1/shipments/shp-old/public-view', { origin: '海南 海口', destination: '上海浦东新区', custodians: 'kinds' }, api.keys['coop-operator']);
    expect(chosen.status).toBe(200);
    expect(chosen.body.shown).toEqual({ origin: '海南 海口', destination: '上海浦东新区', custodians: 'kinds' });

    const { trace, text } = await fetchPublic(api);
    expect(trace.origin).toBe('海南 海口');
    expect(trace.destination).toBe('上海浦东新区');
    expect(trace.legs.map((leg: any) => [leg.custodian.name, leg.custodian.nameEn])).toEqual([
      ['发货方', 'Shipper'],
      ['承运商', 'Carrier'],
      ['仓库', 'Warehouse'],
      ['快递', 'Courier'],
    ]);
    expect(leaked(text, [...PLANTED, ...ORG_NAMES])).toEqual([]);

    // Back to names: the cached answer follows the new choice.
    expect((await api.call('PUT', '/api/v1/shipments/shp-old/public-view', { origin: '海南 海口', destination: '上海', custodians: 'names' }, api.keys['coop-operator'])).status).toBe(200);
    const again = await fetchPublic(api);
    expect(again.trace.destination).toBe('上海');
    expect(again.trace.legs[2].custodian.name).toBe('海口南港冷库枢纽');
  });

  it('refuses personal data in the chosen fields with 422 public.personal_data, naming the field', async () => {
    const cases: Array<[body: object, message: string]> = [
      [{ origin: `海口 ${PHONE}`, destination: '上海', custodians: 'names' }, 'origin: looks like a phone number; public fields are shown to anyone with the QR code — give the city only (e.g. 海南 海口)'],
      [{ origin: '海口', destination: `上海${STREET}`, custodians: 'names' }, 'destination: looks like a street address;'],
      [{ origin: `身份证 ${ID_NUMBER_X}`, destination: '上海', custodians: 'kinds' }, 'origin: looks like an ID number;'],
      [{ origin: '海口', destination: EMAIL, custodians: 'kinds' }, 'destination: looks like an e-mail address;'],
    ];
    for (const [body, message] of cases) {
      const refused = await api.call('PUT', '/api/v1/shipments/shp-old/public-view', body, api.keys['coop-operator']);
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('public.personal_data');
      expect(refused.body.error.message).toContain(message);
      expect(leaked(refused.body.error.message, PLANTED)).toEqual([]);
    }
    const bad = await api.call('PUT', '/api/v1/shipments/shp-old/public-view', { origin: '海口', destination: '上海', custodians: 'initials' }, api.keys['coop-operator']);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('custodians');
    // Nothing was stored: the page still leaves the old fields out.
    expect((await api.call('GET', '/api/v1/shipments/shp-old/public-view', undefined, api.keys['coop-viewer'])).body).toEqual({
      chosen: null,
      shown: { origin: null, destination: null, custodians: 'names' },
    });
  });

  it("lets only the shipper's operators and administrators choose; parties read it; others see no shipment", async () => {
    const body = { origin: '海南 海口', destination: '上海', custodians: 'kinds' };
    const hub = await api.call('PUT', '/api/v1/shipments/shp-old/public-view', body, api.keys['hub-operator']);
    expect([hub.status, hub.body.error.code]).toEqual([403, 'auth.forbidden']);
    const viewer = await api.call('PUT', '/api/v1/shipments/shp-old/public-view', body, api.keys['coop-viewer']);
    expect([viewer.status, viewer.body.error.code]).toEqual([403, 'auth.forbidden']);
    const other = await api.call('PUT', '/api/v1/shipments/shp-old/public-view', body, api.keys['other-admin']);
    expect([other.status, other.body.error.code]).toEqual([404, 'shipment.not_found']);
    expect((await api.call('GET', '/api/v1/shipments/shp-old/public-view', undefined, api.keys['other-admin'])).status).toBe(404);
    expect((await api.call('PUT', '/api/v1/shipments/shp-old/public-view', body, null)).status).toBe(401);

    const chosen = await api.call('PUT', '/api/v1/shipments/shp-old/public-view', body, api.keys['coop-operator']);
    expect(chosen.status).toBe(200);
    const read = await api.call('GET', '/api/v1/shipments/shp-old/public-view', undefined, api.keys['hub-viewer']);
    expect(read.status).toBe(200);
    expect(read.body.chosen).toMatchObject({ origin: '海南 海口', destination: '上海', custodians: 'kinds' });
    expect(read.body.chosen.chosenAt).toEqual(expect.any(Number));

    // Audited with the authenticated actor.
    const audit = await api.call('GET', '/api/v1/audit?target=shipment:shp-old');
    const entry = audit.body.entries.find((e: any) => e.action === 'shipment.public_view_changed');
    expect(entry).toMatchObject({ actorKind: 'api-key', actorName: expect.stringContaining('coop-operator'), orgId: 'org-coop' });
    expect(JSON.parse(entry.detail)).toEqual({ custodians: 'kinds' });
  });

  it('shows the product by a plain word when its profile name was typed with personal data', async () => {
    const profile = (await api.call('GET', '/api/v1/profiles/lychee')).body;
    const renamed = await api.call('PUT', '/api/v1/profiles/lychee', { ...profile, name: { zh: `荔枝 订购 ${PHONE}`, en: `Lychee, order ${PHONE}` } });
    expect(renamed.status).toBe(200);
    const { trace, text } = await fetchPublic(api);
    expect(trace.product).toEqual({ zh: '生鲜', en: 'Fresh produce' });
    expect(leaked(text, PLANTED)).toEqual([]);
  });
});

describe('publicTextRefusal and assertPublicText (for the creation of shipments)', () => {
  it('names the first field holding personal data, and passes city-level places', () => {
    expect(publicTextRefusal({ origin: '海南 海口', destination: `上海 ${PHONE}` })).toEqual({
      field: 'destination',
      message: 'destination: looks like a phone number; public fields are shown to anyone with the QR code — give the city only (e.g. 海南 海口)',
    });
    expect(publicTextRefusal({ origin: '广东省广州市', destination: 'Haikou, Hainan' })).toBeNull();
    expect(() => assertPublicText({ origin: STREET })).toThrow(expect.objectContaining({ code: 'public.personal_data', status: 422 }));
  });
});
