import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '@coldchain/auth';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { systemClock } from '@coldchain/bus';
import { DEMO_ORGS } from '@coldchain/firmware-sim';
import { createIngestPipeline } from '@coldchain/ingest';
import { buildRules } from '@coldchain/rules';
import { telemetryTopic } from '@coldchain/schemas';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { Alert } from '@coldchain/storage';
import { eventually } from './helpers/all-in-one.ts';

const MIN = 60_000;
const SECRET = 'service-secret-for-catch-up-tests';
const log = pino({ level: 'warn' });

describe('rules killed while readings keep arriving and being stored, started again (issue 9, item 2)', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let telemetry: SqliteTelemetryStore;
  let broker: ReturnType<typeof buildBroker>;
  let pipeline: ReturnType<typeof createIngestPipeline>;
  let url: string;
  const T0 = Math.floor((Date.now() - 86_400_000) / MIN) * MIN;
  // 4 °C, then 18 °C from 2 h to 3 h 20 min (on the reefer's leg), then 4 °C again: one excursion over
  // lychee's 15 °C high limit, long enough for a claim.
  const minutes = Array.from({ length: 241 }, (_, m) => m);
  const tempAt = (m: number) => (m >= 120 && m < 200 ? 18 : 4);

  // Each run gets a client id of its own: a new session, so no broker queue carries anything over.
  let run = 0;
  const newRules = () => buildRules({ mqtt: { url, clientId: `coldchain-catch-up-rules-${++run}`, username: '_svc_rules', password: SECRET }, ops, telemetry, clock: systemClock, log, timerTickMs: 0, stateFlushMs: 20 });
  async function publish(deviceId: string, from: number, to: number) {
    const client = await mqtt.connectAsync(url, { clientId: deviceId, username: deviceId, password: 'device-secret', reconnectPeriod: 0 });
    const due = minutes.filter((m) => m >= from && m < to);
    for (let i = 0; i < due.length; i += 10) {
      const readings = due.slice(i, i + 10).map((m) => ({ ts: T0 + m * MIN, tempC: tempAt(m) }));
      await client.publishAsync(telemetryTopic(deviceId), JSON.stringify({ readings }), { qos: 1 });
    }
    await client.endAsync();
  }
  const excursions = async (shipmentId: string) => ops.listAlerts({ shipmentId, kind: 'excursion' });
  const outcome = (alert: Alert) => ({ ruleId: alert.ruleId, activeAt: alert.activeAt, firedAt: alert.firedAt, clearedAt: alert.clearedAt, conditionState: alert.conditionState, outsideMs: alert.outsideMs, peakTempC: alert.peakTempC, degreeMinutes: alert.degreeMinutes, attribution: alert.attribution, routedTo: alert.routedTo });

  async function addShipment(id: string, deviceId: string) {
    const now = Date.now();
    await ops.createDevice({ id: deviceId, secretHash: await hashSecret('device-secret'), publicKey: null, createdAt: now });
    await ops.createShipment(
      { id, traceCode: `trace-code-${id.toLowerCase()}-0001`, profileId: 'lychee', shipperOrgId: 'hn-lychee-coop', deviceId, origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 200_000, freightCents: 20_000, startedAt: T0, deliveredAt: null, createdAt: now },
      { shipmentId: id, at: T0, stage: 'packhouse', toOrgId: 'hn-lychee-coop', station: null, probeTempC: null, recordedAt: now },
    );
    await ops.appendCustodyEvent({ shipmentId: id, at: T0 + 60 * MIN, stage: 'line_haul', toOrgId: 'nanbei-reefer', station: null, probeTempC: null, recordedAt: now });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-catch-up-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
    const now = Date.now();
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) await ops.upsertOrganisation({ ...org, createdAt: now });
    await addShipment('LZ-CU-1', 'logger-cu-1');
    await addShipment('LZ-CK-1', 'logger-ck-1');
    await addShipment('LZ-CL-1', 'logger-cl-1');
    // Ingest in the broker's publish path, as in the all-in-one: a PUBACK follows the commit.
    pipeline = createIngestPipeline({ telemetry, ops, clock: systemClock, log, rateLimit: { perSecond: 100_000, burst: 100_000 } });
    pipeline.start();
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, ingest: pipeline, authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret: SECRET }) });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
  });
  afterAll(async () => {
    await broker?.stop();
    await pipeline?.stop();
    await telemetry?.close();
    await ops?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let expected: Alert | undefined;
  let expectedClaims: Awaited<ReturnType<SqliteOpsStore['listClaims']>> = [];

  it('gives the same alert and claim as an uninterrupted run, none twice', async () => {
    // The uninterrupted run, for comparison.
    let rules = newRules();
    await rules.start();
    await publish('logger-cu-1', 0, 241);
    await eventually('the uninterrupted run evaluated', async () => (rules.stats().evaluated === minutes.length ? true : undefined));
    [expected] = await excursions('LZ-CU-1');
    expect(expected).toMatchObject({ ruleId: 'high', activeAt: T0 + 120 * MIN, conditionState: 'cleared' });
    expectedClaims = await ops.listClaims({ shipmentId: 'LZ-CU-1' });
    expect(expectedClaims).toHaveLength(1);

    // Killed 10 minutes into the excursion (pending: no alert yet); the readings go on being stored.
    await publish('logger-ck-1', 0, 130);
    await eventually('the first part evaluated', async () => (rules.stats().evaluated === minutes.length + 130 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 100)); // a state flush (every 20 ms) has run
    await rules.crash();
    await publish('logger-ck-1', 130, 241);
    expect(await excursions('LZ-CK-1')).toEqual([]);

    // Started with a new session: only the store has what came meanwhile.
    rules = newRules();
    await rules.start();
    await rules.settled();
    expect(rules.stats().caughtUp).toBe(241 - 130);
    const alerts = await excursions('LZ-CK-1');
    expect(alerts.map(outcome)).toEqual([outcome(expected!)]);
    const claims = await ops.listClaims({ shipmentId: 'LZ-CK-1' });
    expect(claims.map((c) => [c.liableOrgId, c.amountCents])).toEqual(expectedClaims.map((c) => [c.liableOrgId, c.amountCents]));

    // Killed and started again with nothing new: nothing is judged twice, nothing raised again.
    await rules.crash();
    rules = newRules();
    await rules.start();
    await rules.settled();
    expect(rules.stats().caughtUp).toBe(0);
    expect((await excursions('LZ-CK-1')).map((a) => a.id)).toEqual(alerts.map((a) => a.id));
    expect(await ops.listClaims({ shipmentId: 'LZ-CK-1' })).toHaveLength(1);
    await rules.stop();
  });

  it('judges a backlog uploaded after newer readings as if in order, in one re-judgement for its 20 messages (issue 9, item 1)', async () => {
    const rules = newRules();
    await rules.start();
    await rules.settled();
    await publish('logger-cl-1', 200, 241);
    await eventually('the live readings evaluated', async () => (rules.stats().evaluated === 41 ? true : undefined));
    await publish('logger-cl-1', 0, 200);
    await eventually('the backlog judged', async () => ((await ops.listClaims({ shipmentId: 'LZ-CL-1' })).length === 1 ? true : undefined));
    await rules.settled();
    expect(rules.stats()).toMatchObject({ late: 200, rejudged: 1 });
    const alerts = await excursions('LZ-CL-1');
    expect(alerts.map(outcome)).toEqual([{ ...outcome(expected!) }]);
    expect(alerts[0]!.message?.en).toContain('late data');
    const claims = await ops.listClaims({ shipmentId: 'LZ-CL-1' });
    expect(claims.map((c) => [c.liableOrgId, c.amountCents])).toEqual(expectedClaims.map((c) => [c.liableOrgId, c.amountCents]));
    await rules.stop();
  });

  it('after a restart, judges a logger silent by when the store last heard from it, not from the epoch', async () => {
    await addShipment('LZ-ND-1', 'logger-nd-1');
    await addShipment('LZ-ND-2', 'logger-nd-2');
    // One logger reported just now; the other's last readings reached the store two hours ago.
    await publish('logger-nd-1', 0, 30);
    const twoHoursAgo = Date.now() - 2 * 60 * MIN;
    await telemetry.insertReadings(minutes.slice(0, 30).map((m) => ({ deviceId: 'logger-nd-2', sampledAt: T0 + m * MIN, tempC: 4, rhPct: 90, receivedAt: twoHoursAgo })));
    const rules = newRules();
    await rules.start();
    await rules.settled();
    await rules.tick();
    expect(await ops.listAlerts({ shipmentId: 'LZ-ND-1', kind: 'no_data' })).toEqual([]);
    expect((await ops.listAlerts({ shipmentId: 'LZ-ND-2', kind: 'no_data' })).map((a) => a.message?.en)).toEqual([expect.stringMatching(/sent nothing for 12\d min/)]);
    await rules.stop();
  });

  it('judges no logger silent while it catches up a backlog that reached the store over a day', async () => {
    await addShipment('LZ-ND-3', 'logger-nd-3');
    // A day at one reading every 3 s, received as it was sampled: the last one a minute ago.
    const now = Date.now();
    const first = Math.max(T0, now - 86_400_000);
    const count = Math.floor((now - 60_000 - first) / 3_000);
    const backlog = Array.from({ length: count }, (_, i) => ({ deviceId: 'logger-nd-3', sampledAt: first + i * 3_000, tempC: 4, rhPct: 90, receivedAt: first + i * 3_000 + 1_000 }));
    await telemetry.insertReadings(backlog);
    const rules = newRules();
    let isSettled = false;
    await rules.start();
    const settled = rules.settled().then(() => (isSettled = true));
    // The timers tick while the catch-up runs (it gives the event loop a turn every 1,000 readings).
    let ticks = 0;
    while (!isSettled && ticks < 10_000) {
      await rules.tick();
      ticks++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await settled;
    expect(ticks).toBeGreaterThan(5);
    await rules.tick();
    expect(await ops.listAlerts({ shipmentId: 'LZ-ND-3', kind: 'no_data' })).toEqual([]);
    await rules.stop();
  });

  it('after a restart, a late reading does not make the time since it a gap before the next excursion', async () => {
    await addShipment('LZ-ND-4', 'logger-nd-4');
    const send = async (readings: { ts: number; tempC: number }[]) => {
      const client = await mqtt.connectAsync(url, { clientId: 'logger-nd-4', username: 'logger-nd-4', password: 'device-secret', reconnectPeriod: 0 });
      for (let i = 0; i < readings.length; i += 10) await client.publishAsync(telemetryTopic('logger-nd-4'), JSON.stringify({ readings: readings.slice(i, i + 10) }), { qos: 1 });
      await client.endAsync();
    };
    const at = (m: number) => T0 + m * MIN;
    let rules = newRules();
    await rules.start();
    await send(minutes.slice(0, 150).map((m) => ({ ts: at(m), tempC: 4 })));
    await eventually('150 readings evaluated', async () => (rules.stats().evaluated >= 150 ? true : undefined));
    await rules.settled();
    await rules.stop();
    // Restarted: the inactive rules' states are not kept, the cursor is. One late reading, then an excursion.
    rules = newRules();
    await rules.start();
    await rules.settled();
    await send([{ ts: at(75) + 30_000, tempC: 4 }]);
    await eventually('the late reading judged', async () => (rules.stats().late === 1 ? true : undefined));
    await rules.settled();
    await send(minutes.slice(150, 176).map((m) => ({ ts: at(m), tempC: 16.5 })));
    const alert = await eventually('the excursion', async () => (await excursions('LZ-ND-4'))[0]);
    expect(alert.attribution.reason.en).not.toMatch(/no readings/);
    expect(alert.attribution).toMatchObject({ status: 'attributed', orgId: 'nanbei-reefer' });
    await rules.stop();
  });
});
