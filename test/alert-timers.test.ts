import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '@coldchain/auth';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { DEMO_ORGS } from '@coldchain/firmware-sim';
import { Outbox } from '@coldchain/notify';
import { buildRules } from '@coldchain/rules';
import { telemetryTopic } from '@coldchain/schemas';
import { buildApi } from '@coldchain/api';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { Alert } from '@coldchain/storage';
import { eventually } from './helpers/all-in-one.ts';

const MIN = 60_000;
const SECRET = 'service-secret-for-timer-tests';
const log = pino({ level: 'warn' });

/**
 * The timers that fire with no new data, driven by an injected clock: the rules service is real (real
 * broker, real store), only time is ours. Readings are published on device time; the clock moves the
 * server's time.
 */
describe('alert timers: reminders, escalation, silences, no-data, across a restart', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let broker: ReturnType<typeof buildBroker>;
  let url: string;
  let now = Date.now();
  const clock = { now: () => now };
  const T0 = Math.floor((Date.now() - 2 * 86_400_000) / MIN) * MIN;
  let rules: ReturnType<typeof buildRules>;

  const startRules = async () => {
    rules = buildRules({ mqtt: { url, clientId: 'coldchain-timer-rules', username: '_svc_rules', password: SECRET }, ops, clock, log, timerTickMs: 0 });
    await rules.start();
  };
  const alert = async (ruleId: string) => (await ops.listAlerts({ shipmentId: 'LZ-T1' })).find((a: Alert) => a.ruleId === ruleId);
  async function publish(readings: { ts: number; tempC: number }[]) {
    const client = await mqtt.connectAsync(url, { clientId: 'logger-t1', username: 'logger-t1', password: 'device-secret', reconnectPeriod: 0 });
    await client.publishAsync(telemetryTopic('logger-t1'), JSON.stringify({ readings }), { qos: 1 });
    await client.endAsync();
  }

  // The logger is alive and still too cold: a reading on device time, so no no-data alert interferes.
  let deviceTime = T0 + 200 * MIN;
  async function tickAlive() {
    deviceTime += MIN;
    const before = rules.stats().readings;
    await publish([{ ts: deviceTime, tempC: 0.2 }]);
    await eventually('the reading evaluated', async () => (rules.stats().readings > before ? true : undefined));
    return rules.tick();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-timers-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) await ops.upsertOrganisation({ ...org, createdAt: now });
    await ops.createDevice({ id: 'logger-t1', secretHash: await hashSecret('device-secret'), publicKey: null, createdAt: now });
    await ops.createShipment(
      { id: 'LZ-T1', traceCode: 'trace-code-timers-0001', profileId: 'lychee', shipperOrgId: 'hn-lychee-coop', deviceId: 'logger-t1', origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: T0, deliveredAt: null, createdAt: now },
      { shipmentId: 'LZ-T1', at: T0, stage: 'packhouse', toOrgId: 'hn-lychee-coop', station: null, probeTempC: null, recordedAt: now },
    );
    await ops.appendCustodyEvent({ shipmentId: 'LZ-T1', at: T0 + 60 * MIN, stage: 'line_haul', toOrgId: 'nanbei-reefer', station: null, probeTempC: null, recordedAt: now });
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret: SECRET }) });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
    await startRules();
    // A reefer set too cold: below 1 °C for 40 min in the line haul (the low limit: tier 3, 24 h to respond).
    await publish(Array.from({ length: 13 }, (_, i) => ({ ts: T0 + 120 * MIN + i * 5 * MIN, tempC: i === 0 ? 2 : 0.2 })));
    await eventually('the low-temperature alert', async () => ((await alert('low'))?.status === 'open' ? true : undefined));
  });
  afterAll(async () => {
    await rules?.stop();
    await broker?.stop();
    await ops?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reminds the station every 4 h (tier 3) until someone acknowledges: time alone drives it, readings never do', async () => {
    const opened = (await alert('low'))!;
    expect(opened).toMatchObject({ tier: 3, routedTo: ['nanbei-reefer', 'hn-lychee-coop'], reminders: 0 });
    now += 3 * 60 * MIN;
    expect((await tickAlive()).reminded).toEqual([]);
    now += 61 * MIN;
    expect((await tickAlive()).reminded).toEqual([opened.id]);
    expect((await alert('low'))!.reminders).toBe(1);
    expect((await tickAlive()).reminded).toEqual([]);
  });

  it('stays quiet while a silence covers the shipment (a planned door opening), and resumes after it expires', async () => {
    await ops.insertSilence({ id: 'silence-1', shipmentId: 'LZ-T1', deviceId: null, ruleId: null, startsAt: now, endsAt: now + 6 * 60 * MIN, reason: '计划开门装卸', createdBy: 'station', createdAt: now });
    now += 5 * 60 * MIN;
    expect((await tickAlive()).reminded).toEqual([]);
    now += 2 * 60 * MIN;
    expect((await tickAlive()).reminded).toHaveLength(1);
  });

  it('keeps its timers across a restart of the rules service, from the stored alert', async () => {
    await rules.stop();
    now += 4 * 60 * MIN + MIN;
    await startRules();
    const report = await tickAlive();
    expect(report.reminded).toHaveLength(1);
    expect((await alert('low'))!.reminders).toBe(3);
  });

  it('escalates to the platform when the response deadline passes unacknowledged, once', async () => {
    const before = (await alert('low'))!;
    now = before.respondBy + MIN;
    const report = await tickAlive();
    expect(report.escalated).toEqual([before.id]);
    const after = (await alert('low'))!;
    expect(after.escalatedAt).toBe(now);
    expect(after.routedTo).toContain('platform');
    expect((await tickAlive()).escalated).toEqual([]);
  });

  it('raises a no-data alert when the logger falls silent, with no message needed, and clears it when it reports again', async () => {
    // Nothing arrives for 31 min: the silence is noticed on the tick, with no message to trigger it.
    now += 31 * MIN;
    const report = await rules.tick();
    expect(report.noData).toEqual(['LZ-T1']);
    const noData = (await alert('no_data'))!;
    expect(noData).toMatchObject({ kind: 'no_data', tier: 2, status: 'open' });
    expect(noData.message?.zh).toContain('没有上报数据');
    await publish([{ ts: T0 + 400 * MIN, tempC: 0.3 }]);
    await eventually('the device heard again', async () => ((await rules.tick()).dataBack.length === 1 ? true : undefined));
    expect((await alert('no_data'))!.status).toBe('resolved');
  });
});

/**
 * Routing follows custody (issue 9, item 6): an alert opened while the hub held the goods is reminded
 * and escalated to whoever holds them when the timer fires, the hub staying on as the leg where the
 * excursion began. Checked where the user would notice: the deliveries queued for each organisation's
 * webhook in the real notification outbox.
 */
describe('alert timers: reminders and escalation follow the goods after a handoff', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let outbox: Outbox;
  let broker: ReturnType<typeof buildBroker>;
  let rules: ReturnType<typeof buildRules>;
  let url: string;
  let now = Date.now();
  const clock = { now: () => now };
  const T0 = Math.floor((Date.now() - 2 * 86_400_000) / MIN) * MIN;
  const hookOf = (orgId: string) => `http://127.0.0.1:9/hooks/${orgId}`;
  const alertLow = async () => (await ops.listAlerts({ shipmentId: 'LZ-R1' })).find((a: Alert) => a.ruleId === 'low')!;
  /** Organisations whose webhook has a delivery queued for this event type of the alert. */
  async function notified(type: string, alertId: string): Promise<string[]> {
    const deliveries = await outbox.list({ limit: 1000 });
    return deliveries.filter((d) => d.key.startsWith(`${type}:alert:${alertId}:`)).map((d) => d.url.replace('http://127.0.0.1:9/hooks/', '')).sort();
  }
  async function publish(readings: { ts: number; tempC: number }[]) {
    const client = await mqtt.connectAsync(url, { clientId: 'logger-r1', username: 'logger-r1', password: 'device-secret', reconnectPeriod: 0 });
    await client.publishAsync(telemetryTopic('logger-r1'), JSON.stringify({ readings }), { qos: 1 });
    await client.endAsync();
  }
  let deviceTime = T0 + 200 * MIN;
  async function tickAlive() {
    deviceTime += MIN;
    const before = rules.stats().readings;
    await publish([{ ts: deviceTime, tempC: 0.2 }]);
    await eventually('the reading evaluated', async () => (rules.stats().readings > before ? true : undefined));
    return rules.tick();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-routing-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    // Not started: what is queued is what would be sent, and nothing leaves the machine.
    outbox = new Outbox({ path: join(dir, 'outbox.db'), now: clock.now, sync: 'NORMAL' });
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) {
      await ops.upsertOrganisation({ ...org, createdAt: now });
      await ops.setOrgChannels(org.id, [{ id: 'hook', type: 'webhook', url: hookOf(org.id), secret: 'webhook-secret-000001', lang: 'zh' }], now);
    }
    await ops.createDevice({ id: 'logger-r1', secretHash: await hashSecret('device-secret'), publicKey: null, createdAt: now });
    await ops.createShipment(
      { id: 'LZ-R1', traceCode: 'trace-code-routing-0001', profileId: 'lychee', shipperOrgId: 'hn-lychee-coop', deviceId: 'logger-r1', origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: T0, deliveredAt: null, createdAt: now },
      { shipmentId: 'LZ-R1', at: T0, stage: 'packhouse', toOrgId: 'hn-lychee-coop', station: null, probeTempC: null, recordedAt: now },
    );
    await ops.appendCustodyEvent({ shipmentId: 'LZ-R1', at: T0 + 60 * MIN, stage: 'hub', toOrgId: 'gz-baiyun-hub', station: '广州白云', probeTempC: null, recordedAt: now });
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret: SECRET }) });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
    rules = buildRules({ mqtt: { url, clientId: 'coldchain-routing-rules', username: '_svc_rules', password: SECRET }, ops, clock, log, timerTickMs: 0, outbox });
    await rules.start();
    // The hub's cold room set too cold: below 1 °C for an hour while the hub holds the goods (tier 3).
    await publish(Array.from({ length: 13 }, (_, i) => ({ ts: T0 + 120 * MIN + i * 5 * MIN, tempC: i === 0 ? 2 : 0.2 })));
    await eventually('the low-temperature alert', async () => ((await alertLow())?.status === 'open' ? true : undefined));
  });
  afterAll(async () => {
    await rules?.stop();
    await broker?.stop();
    await outbox?.close();
    await ops?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens to the hub holding the goods; after the handoff the reminder goes to the line-haul carrier, the hub still told', async () => {
    const opened = await alertLow();
    expect(opened.routedTo).toEqual(['gz-baiyun-hub', 'hn-lychee-coop']);
    expect(await notified('alert.opened', opened.id)).toEqual(['gz-baiyun-hub', 'hn-lychee-coop']);

    // The hub loads the pallets onto the line-haul reefer: the goods change hands, the alert is still open.
    await ops.appendCustodyEvent({ shipmentId: 'LZ-R1', at: T0 + 200 * MIN, stage: 'line_haul', toOrgId: 'nanbei-reefer', station: '广州白云', probeTempC: 0.4, recordedAt: now });
    now += 4 * 60 * MIN + MIN;
    expect((await tickAlive()).reminded).toEqual([opened.id]);

    const reminded = await alertLow();
    expect(reminded.routedTo).toEqual(['nanbei-reefer', 'gz-baiyun-hub', 'hn-lychee-coop']);
    expect(await notified('alert.reminder', opened.id)).toEqual(['gz-baiyun-hub', 'hn-lychee-coop', 'nanbei-reefer']);
    // Liability does not move with the goods: the excursion began in the hub's leg.
    expect(reminded.attribution.orgId).toBe(opened.attribution.orgId);
  });

  it('escalates to the carrier holding the goods and the platform, the hub still told', async () => {
    const before = await alertLow();
    now = before.respondBy + MIN;
    expect((await tickAlive()).escalated).toEqual([before.id]);

    expect((await alertLow()).routedTo).toEqual(['nanbei-reefer', 'gz-baiyun-hub', 'hn-lychee-coop', 'platform']);
    expect(await notified('alert.escalated', before.id)).toEqual(['gz-baiyun-hub', 'hn-lychee-coop', 'nanbei-reefer', 'platform']);
  });
});

/**
 * An excursion stays in front of people until a person has seen it (issue 9, item 7): when the fruit is
 * back in range the alert's condition clears, but the alert stays open ("cleared, awaiting
 * acknowledgement"), is reminded like any unacknowledged alert, and only a person resolves it, with a
 * note, through the API. A second excursion meanwhile is an alert of its own.
 */
describe('alert timers: an excursion that cleared by itself stays open until a person resolves it', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let telemetry: SqliteTelemetryStore;
  let broker: ReturnType<typeof buildBroker>;
  let rules: ReturnType<typeof buildRules>;
  let api: ReturnType<typeof buildApi>;
  let url: string;
  let now = Date.now();
  const clock = { now: () => now };
  const T0 = Math.floor((Date.now() - 2 * 86_400_000) / MIN) * MIN;
  const ADMIN = 'admin-token-for-cleared-alerts-0001';
  const highAlerts = async () => (await ops.listAlerts({ shipmentId: 'LZ-C1' })).filter((a: Alert) => a.ruleId === 'high').sort((a, b) => a.activeAt - b.activeAt);
  async function publish(readings: { ts: number; tempC: number }[]) {
    const before = rules.stats().readings;
    const client = await mqtt.connectAsync(url, { clientId: 'logger-c1', username: 'logger-c1', password: 'device-secret', reconnectPeriod: 0 });
    await client.publishAsync(telemetryTopic('logger-c1'), JSON.stringify({ readings }), { qos: 1 });
    await client.endAsync();
    await eventually('the readings evaluated', async () => (rules.stats().readings >= before + readings.length ? true : undefined));
  }
  const every5Min = (fromMin: number, temps: number[]) => temps.map((tempC, i) => ({ ts: T0 + (fromMin + 5 * i) * MIN, tempC }));
  const resolve = (id: string, body?: object) =>
    api.app.inject({ method: 'POST', url: `/api/v1/alerts/${id}/resolve`, headers: { authorization: `Bearer ${ADMIN}` }, ...(body ? { payload: body } : {}) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-cleared-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) await ops.upsertOrganisation({ ...org, createdAt: now });
    await ops.createDevice({ id: 'logger-c1', secretHash: await hashSecret('device-secret'), publicKey: null, createdAt: now });
    await ops.createShipment(
      { id: 'LZ-C1', traceCode: 'trace-code-cleared-0001', profileId: 'lychee', shipperOrgId: 'hn-lychee-coop', deviceId: 'logger-c1', origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: T0, deliveredAt: null, createdAt: now },
      { shipmentId: 'LZ-C1', at: T0, stage: 'packhouse', toOrgId: 'hn-lychee-coop', station: null, probeTempC: null, recordedAt: now },
    );
    await ops.appendCustodyEvent({ shipmentId: 'LZ-C1', at: T0 + 60 * MIN, stage: 'hub', toOrgId: 'gz-baiyun-hub', station: '广州白云', probeTempC: 4.2, recordedAt: now });
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret: SECRET }) });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
    rules = buildRules({ mqtt: { url, clientId: 'coldchain-cleared-rules', username: '_svc_rules', password: SECRET }, ops, clock, log, timerTickMs: 0 });
    await rules.start();
    api = buildApi({ host: '127.0.0.1', port: 0, ops, telemetry, adminToken: ADMIN, clock, log });
  });
  afterAll(async () => {
    await api?.stop();
    await rules?.stop();
    await broker?.stop();
    await ops?.close();
    await telemetry?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('clears the condition when the fruit is back in range, but leaves the alert open and unacknowledged', async () => {
    // The hub's cold room fails for 40 min, then is repaired: the fruit is back under 14.5 °C for an hour.
    await publish(every5Min(90, [4, 4, 18, 18, 18, 18, 18, 18, 18, 18, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]));
    const [alert] = await highAlerts();
    expect(alert).toMatchObject({ kind: 'excursion', tier: 1, status: 'open', conditionState: 'cleared', acknowledgedAt: null, resolvedAt: null, resolvedBy: null, resolutionNote: null });
    expect(alert!.clearedAt).toBeGreaterThan(alert!.activeAt);
    expect(alert!.attribution.orgId).toBe('gz-baiyun-hub');
  });

  it('keeps reminding the cleared alert while nobody has acknowledged it', async () => {
    const [alert] = await highAlerts();
    now += 16 * MIN;
    expect((await rules.tick()).reminded).toContain(alert!.id);
    expect((await highAlerts())[0]).toMatchObject({ status: 'open', conditionState: 'cleared', reminders: 1 });
  });

  it('opens a new alert for a second excursion, the first one still waiting to be seen', async () => {
    await publish(every5Min(200, [18, 18, 18, 18]));
    const [first, second] = await highAlerts();
    expect(second).toBeDefined();
    expect(second!.id).not.toBe(first!.id);
    expect(second).toMatchObject({ status: 'open', conditionState: 'firing' });
    expect(first).toMatchObject({ status: 'open', conditionState: 'cleared' });
  });

  it('is resolved only by hand, with a note; then the reminders stop', async () => {
    const [first] = await highAlerts();
    const refused = await resolve(first!.id, {});
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('body.note');
    expect((await highAlerts())[0]!.status).toBe('open');

    const resolved = await resolve(first!.id, { note: '冷库空调已修复，抽检果温 4 °C，货物可继续发运' });
    expect(resolved.statusCode).toBe(200);
    const actor = 'platform admin token 平台管理令牌';
    expect((await highAlerts())[0]).toMatchObject({ status: 'resolved', resolvedBy: actor, resolutionNote: '冷库空调已修复，抽检果温 4 °C，货物可继续发运', acknowledgedBy: actor });

    now += 16 * MIN;
    const report = await rules.tick();
    expect(report.reminded).not.toContain(first!.id);
  });
});
