import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, HUB_AC_FAILURE, planJourney, replayJourney } from '@coldchain/firmware-sim';
import type { ApiClient } from '@coldchain/firmware-sim';
import { Outbox, verifyWebhookSignature } from '@coldchain/notify';
import { freePort, requireServer, startMosquitto } from './helpers/servers.ts';
import type { ServerProcess } from './helpers/servers.ts';
import { killAllServices, startApiProcess, startIngestProcess, startRulesProcess, stopGroup } from './helpers/service-process.ts';
import type { ServiceProcess } from './helpers/service-process.ts';
import { startReceiver } from './helpers/webhook-receiver.ts';

// Issue 9, item 5, "Every service is complete on its own": ingest, rules and the API as separate
// processes against Debian's Mosquitto, sharing one DATA_DIR as docker-compose.yml's services share the
// coldchain-data volume, deliver the notifications and the claim the all-in-one delivers
// (test/notifications.test.ts is the same journey in one process).

const hasMosquitto = requireServer('mosquitto', '/usr/sbin/mosquitto', 'apt-get install mosquitto');

/** One event, or a shipment's events grouped (notification.group). */
type Event = { type: string; alert?: { id: string; ruleId: string; tier: number }; claim?: { id: string; liableOrgId: string; shipmentId: string } };


/** Polls `probe` every 100 ms until it returns a value, at most `timeoutMs`; names `what` when it gives up. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

const eventsOf = (body: string): Event[] => {
  const parsed = JSON.parse(body) as Event & { events?: Event[] };
  return parsed.type === 'notification.group' ? parsed.events! : [parsed];
};

describe.skipIf(!hasMosquitto)('separate services (the compose topology): ingest, rules and the API as their own processes on Mosquitto', () => {
  const SECRET = 'hub-webhook-secret-sep-0001';
  // Not the API's address: the messages must link to what PUBLIC_URL says, as users reach the console.
  const PUBLIC_URL = 'https://coldchain.example.cn';
  const HOUR = 3_600_000;
  const start = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;
  let broker: ServerProcess | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let dataDir: string | undefined;
  let apiUrl = '';
  let api: ApiClient;
  const services: Partial<Record<'api' | 'ingest' | 'rules', ServiceProcess>> = {};

  beforeAll(async () => {
    receiver = await startReceiver();
    broker = await startMosquitto();
    dataDir = mkdtempSync(join(tmpdir(), 'coldchain-separate-'));
    const adminToken = randomBytes(16).toString('hex');
    // This Mosquitto lets anyone in (allow_anonymous); the services still log in as _svc_<name> with it.
    const env = { MQTT_SERVICE_PASSWORD: randomBytes(16).toString('hex'), COLDCHAIN_ADMIN_TOKEN: adminToken, SQLITE_SYNC: 'NORMAL' };
    const httpPort = await freePort();
    apiUrl = `http://127.0.0.1:${httpPort}`;
    // The API first: the others then open the stores it created (deploy/README.md, known issues: three
    // processes creating the schema at once can race).
    services.api = await startApiProcess({ dataDir, mqttUrl: broker.url, httpPort, env });
    [services.ingest, services.rules] = await Promise.all([
      startIngestProcess({ dataDir, mqttUrl: broker.url, env }),
      startRulesProcess({ dataDir, mqttUrl: broker.url, env: { ...env, PUBLIC_URL } }),
    ]);

    api = createApiClient(apiUrl, adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    await api.call('PUT', '/api/v1/organisations/gz-baiyun-hub/channels', {
      channels: [
        { id: 'ops-webhook', type: 'webhook', url: `${receiver.url}/hook`, secret: SECRET },
        { id: 'dingtalk', type: 'dingtalk', url: `${receiver.url}/robot/send?access_token=abc` },
      ],
    });
    // The logger publishes through Mosquitto; ingest stores and rules judge what the broker hands them.
    await replayJourney(
      { shipmentId: 'LZ-SEP1', deviceId: 'logger-sep1', plan: planJourney({ startAt: start, seed: 31, acFailure: HUB_AC_FAILURE }), orgs: DEMO_ROLE_ORGS, origin: '海南省海口市', destination: '湖北省武汉市', boxes: 100, goodsValueCents: 990_000, freightCents: 150_000 },
      api,
      broker.url,
    );
  }, 120_000);

  afterAll(async () => {
    try {
      for (const service of Object.values(services)) await stopGroup(service, 'SIGTERM', 10_000);
    } finally {
      await killAllServices();
      await broker?.stop();
      await new Promise<void>((resolve) => (receiver ? receiver.server.close(() => resolve()) : resolve()));
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the hub webhook receives the tier-1 alert, signed: HMAC-SHA256 over timestamp and body verifies with its secret', async () => {
    const hook = await waitFor('the tier-1 alert at the hub webhook', () =>
      receiver!.received.find((r) => r.path === '/hook' && eventsOf(r.body).some((e) => e.type === 'alert.opened' && e.alert?.tier === 1 && e.alert.ruleId === 'high')),
    );
    const timestamp = String(hook.headers['x-coldchain-timestamp']);
    const signature = String(hook.headers['x-coldchain-signature']);
    expect(verifyWebhookSignature(SECRET, timestamp, hook.body, signature, Date.now())).toEqual({ ok: true, timestampS: Number(timestamp) });
    expect(verifyWebhookSignature('wrong-secret-0000', timestamp, hook.body, signature, Date.now()).ok).toBe(false);
    expect(hook.headers['x-coldchain-delivery']).toBeTruthy();
  });

  it('the robot channel gets the tier-1 message too, linking to the console at PUBLIC_URL', async () => {
    const robot = await waitFor('the tier-1 DingTalk message', () =>
      receiver!.received.find((r) => r.path.startsWith('/robot/send') && (JSON.parse(r.body) as { markdown?: { text: string } }).markdown?.text.includes('一级')),
    );
    expect(robot.body).toContain('广州白云冷链枢纽仓');
    expect(robot.body).toContain(`${PUBLIC_URL}/console`);
  });

  it('a claim against the hub is filed (GET /api/v1/claims) and delivered to the hub webhook as claim.filed, signed', async () => {
    const claim = await waitFor('a claim against the hub in GET /api/v1/claims', async () => {
      const { claims } = await api.call<{ claims: { id: string; shipmentId: string; liableOrgId: string; amountCents: number }[] }>('GET', '/api/v1/claims?shipmentId=LZ-SEP1');
      return claims.find((c) => c.liableOrgId === 'gz-baiyun-hub');
    });
    // Goods value plus freight (DESIGN.md, claims): the whole batch spoiled.
    expect(claim.amountCents).toBeGreaterThan(0);
    const hook = await waitFor('claim.filed at the hub webhook', () =>
      receiver!.received.find((r) => r.path === '/hook' && eventsOf(r.body).some((e) => e.type === 'claim.filed' && e.claim?.id === claim.id)),
    );
    const event = eventsOf(hook.body).find((e) => e.type === 'claim.filed')!;
    expect(event.claim).toMatchObject({ liableOrgId: 'gz-baiyun-hub', shipmentId: 'LZ-SEP1' });
    expect(verifyWebhookSignature(SECRET, String(hook.headers['x-coldchain-timestamp']), hook.body, String(hook.headers['x-coldchain-signature']), Date.now()).ok).toBe(true);
    // One delivery per event and destination: the receiver can deduplicate on the key, and got none twice.
    const keys = receiver!.received.filter((r) => r.path === '/hook').map((r) => String(r.headers['x-coldchain-delivery']));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('rules stop cleanly on SIGTERM and leave the deliveries on record in DATA_DIR/outbox.db, none dead', async () => {
    const rules = services.rules!;
    const { isClean } = await stopGroup(rules, 'SIGTERM', 15_000);
    expect(isClean).toBe(true);
    expect(await rules.exited).toEqual({ code: 0, signal: null });
    const path = join(dataDir!, 'outbox.db');
    expect(existsSync(path)).toBe(true);
    // The owner is gone, so the file may be opened here (one owner at a time); no worker is started.
    const outbox = new Outbox({ path });
    try {
      const stats = await outbox.stats();
      expect(stats.delivered).toBeGreaterThanOrEqual(3);
      expect(stats.dead).toBe(0);
    } finally {
      await outbox.close();
    }
  });
});
