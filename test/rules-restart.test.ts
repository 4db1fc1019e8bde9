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
import { buildRules } from '@coldchain/rules';
import { telemetryTopic } from '@coldchain/schemas';
import { SqliteOpsStore } from '@coldchain/storage';
import { eventually } from './helpers/all-in-one.ts';

const MIN = 60_000;
const SECRET = 'service-secret-for-restart-tests';
const log = pino({ level: 'warn' });

describe('the rules service killed in the middle of an excursion and started again', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let broker: ReturnType<typeof buildBroker>;
  let url: string;
  const T0 = Math.floor((Date.now() - 86_400_000) / MIN) * MIN;
  const ONSET = T0 + 120 * MIN;

  const newRules = () => buildRules({ mqtt: { url, clientId: 'coldchain-restart-rules', username: '_svc_rules', password: SECRET }, ops, clock: systemClock, log, timerTickMs: 0, stateFlushMs: 20 });
  async function publish(minutes: number[], tempC: number) {
    const client = await mqtt.connectAsync(url, { clientId: 'logger-r1', username: 'logger-r1', password: 'device-secret', reconnectPeriod: 0 });
    for (const m of minutes) await client.publishAsync(telemetryTopic('logger-r1'), JSON.stringify({ readings: [{ ts: ONSET + m * MIN, tempC }] }), { qos: 1 });
    await client.endAsync();
  }
  const excursions = async () => (await ops.listAlerts({ shipmentId: 'LZ-R1', kind: 'excursion' }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-restart-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    const now = Date.now();
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) await ops.upsertOrganisation({ ...org, createdAt: now });
    await ops.createDevice({ id: 'logger-r1', secretHash: await hashSecret('device-secret'), publicKey: null, createdAt: now });
    await ops.createShipment(
      { id: 'LZ-R1', traceCode: 'trace-code-restart-0001', profileId: 'lychee', shipperOrgId: 'hn-lychee-coop', deviceId: 'logger-r1', origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 200_000, freightCents: 20_000, startedAt: T0, deliveredAt: null, createdAt: now },
      { shipmentId: 'LZ-R1', at: T0, stage: 'packhouse', toOrgId: 'hn-lychee-coop', station: null, probeTempC: null, recordedAt: now },
    );
    await ops.appendCustodyEvent({ shipmentId: 'LZ-R1', at: T0 + 60 * MIN, stage: 'line_haul', toOrgId: 'nanbei-reefer', station: null, probeTempC: null, recordedAt: now });
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret: SECRET }) });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
  });
  afterAll(async () => {
    await broker?.stop();
    await ops?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes a pending hold-for where it was, and opens exactly one alert on the original onset', async () => {
    let rules = newRules();
    await rules.start();
    await publish([-5], 4);
    await publish([0, 5], 16);
    await eventually('two warm readings evaluated', async () => (rules.stats().readings === 3 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 100)); // a state flush (every 20 ms) has run
    await rules.crash();
    // While rules is down the readings queue in its persistent session.
    await publish([10, 15], 17);
    expect(await excursions()).toEqual([]);
    rules = newRules();
    await rules.start();
    await eventually('the alert', async () => ((await excursions()).length === 1 ? true : undefined));
    await eventually('both queued readings evaluated', async () => (rules.stats().readings === 2 ? true : undefined));
    const [alert] = await excursions();
    // Hold-for measured from the onset before the crash: fired at 10 min, not 10 min after the restart.
    expect(alert).toMatchObject({ activeAt: ONSET, firedAt: ONSET + 10 * MIN, ruleId: 'high' });
    await rules.crash();

    // Killed again while firing: the excursion goes on, one alert, and the claim is filed once.
    await publish([20, 30, 40, 50, 60, 70, 80], 18);
    rules = newRules();
    await rules.start();
    await eventually('the claim', async () => ((await ops.listClaims({ shipmentId: 'LZ-R1' })).length === 1 ? true : undefined));
    await eventually('all readings evaluated', async () => (rules.stats().readings >= 7 ? true : undefined));
    const alerts = await excursions();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.id).toBe(alert!.id);
    expect(alerts[0]!.outsideMs).toBeGreaterThanOrEqual(60 * MIN);
    const claims = await ops.listClaims({ shipmentId: 'LZ-R1' });
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ liableOrgId: 'nanbei-reefer', amountCents: 220_000 });
    await rules.stop();
  });
});
