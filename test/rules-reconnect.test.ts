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
import { eventually } from './helpers/all-in-one.ts';

const MIN = 60_000;
const SECRET = 'service-secret-for-reconnect-tests';
const RULES_ID = 'coldchain-reconnect-rules';
const log = pino({ level: 'warn' });

// Issue 9, item 2: rules catch up from the store "after any gap in what it received", not only on start.
describe('rules cut off from the broker while an excursion is stored, reconnected', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let telemetry: SqliteTelemetryStore;
  let broker: ReturnType<typeof buildBroker>;
  let pipeline: ReturnType<typeof createIngestPipeline>;
  let url: string;
  // While set, the rules' reconnect waits in authentication: the gap lasts as long as the test says.
  let held: Promise<void> | undefined;
  const T0 = Math.floor((Date.now() - 86_400_000) / MIN) * MIN;
  const tempAt = (m: number) => (m >= 120 && m < 200 ? 18 : 4);

  async function publish(deviceId: string, from: number, to: number) {
    const client = await mqtt.connectAsync(url, { clientId: deviceId, username: deviceId, password: 'device-secret', reconnectPeriod: 0 });
    for (let m = from; m < to; m += 10) {
      const readings = Array.from({ length: Math.min(10, to - m) }, (_, i) => ({ ts: T0 + (m + i) * MIN, tempC: tempAt(m + i) }));
      await client.publishAsync(telemetryTopic(deviceId), JSON.stringify({ readings }), { qos: 1 });
    }
    await client.endAsync();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-reconnect-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
    const now = Date.now();
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) await ops.upsertOrganisation({ ...org, createdAt: now });
    await ops.createDevice({ id: 'logger-rc-1', secretHash: await hashSecret('device-secret'), publicKey: null, createdAt: now });
    await ops.createShipment(
      { id: 'LZ-RC-1', traceCode: 'trace-code-lz-rc-1-0001', profileId: 'lychee', shipperOrgId: 'hn-lychee-coop', deviceId: 'logger-rc-1', origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 200_000, freightCents: 20_000, startedAt: T0, deliveredAt: null, createdAt: now },
      { shipmentId: 'LZ-RC-1', at: T0, stage: 'packhouse', toOrgId: 'hn-lychee-coop', station: null, probeTempC: null, recordedAt: now },
    );
    await ops.appendCustodyEvent({ shipmentId: 'LZ-RC-1', at: T0 + 60 * MIN, stage: 'line_haul', toOrgId: 'nanbei-reefer', station: null, probeTempC: null, recordedAt: now });
    // Ingest in the broker's publish path, as in the all-in-one: a PUBACK follows the commit.
    pipeline = createIngestPipeline({ telemetry, ops, clock: systemClock, log, rateLimit: { perSecond: 100_000, burst: 100_000 } });
    pipeline.start();
    const authenticate = createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret: SECRET });
    broker = buildBroker({
      host: '127.0.0.1',
      port: 0,
      log,
      ingest: pipeline,
      authenticate: async (request) => {
        if (request.clientId === RULES_ID && held) await held;
        return authenticate(request);
      },
    });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
  });
  afterAll(async () => {
    await broker?.stop();
    await pipeline?.stop();
    await telemetry?.close();
    await ops?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('judges what was stored during the gap when the connection comes back: the alert with its onset, once', async () => {
    // A clean session: the broker keeps no queue for rules, as an in-memory broker restarted would not.
    const rules = buildRules({ mqtt: { url, clientId: RULES_ID, username: '_svc_rules', password: SECRET, isPersistent: false }, ops, telemetry, clock: systemClock, log, timerTickMs: 0, stateFlushMs: 20 });
    await rules.start();
    try {
      await rules.settled();
      await publish('logger-rc-1', 0, 110);
      await eventually('the live readings evaluated', async () => (rules.stats().evaluated === 110 ? true : undefined));

      // Cut off: a connection taking over the rules' client id drops theirs [MQTT-3.1.4-3]; their
      // reconnect (1 s later) then waits in authentication until `release`.
      const usurper = await mqtt.connectAsync(url, { clientId: RULES_ID, username: '_svc_rules', password: SECRET, reconnectPeriod: 0 });
      let release!: () => void;
      held = new Promise<void>((resolve) => (release = resolve));
      await usurper.endAsync(true);
      await publish('logger-rc-1', 110, 241);
      expect(await telemetry.readingsBetween('logger-rc-1', T0, T0 + 241 * MIN)).toHaveLength(241);
      expect(rules.stats().readings).toBe(110);
      expect(await ops.listAlerts({ shipmentId: 'LZ-RC-1', kind: 'excursion' })).toEqual([]);

      release();
      held = undefined;
      await eventually('the excursion judged after the reconnect', async () => ((await ops.listClaims({ shipmentId: 'LZ-RC-1' })).length === 1 ? true : undefined));
      await rules.settled();
      expect(rules.stats()).toMatchObject({ caughtUp: 241 - 110, late: 0 });
      const alerts = await ops.listAlerts({ shipmentId: 'LZ-RC-1', kind: 'excursion' });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ ruleId: 'high', activeAt: T0 + 120 * MIN, conditionState: 'cleared' });
      expect(await ops.listClaims({ shipmentId: 'LZ-RC-1' })).toHaveLength(1);
    } finally {
      held = undefined;
      await rules.stop();
    }
  });
});
