import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, HUB_AC_FAILURE, planJourney, replayJourney } from '@coldchain/firmware-sim';
import type { JourneySpec, RoleOrgs } from '@coldchain/firmware-sim';
import { eventually } from './helpers/all-in-one.ts';
import { freePort } from './helpers/servers.ts';
import { killAllServices, spawnService, stopGroup } from './helpers/service-process.ts';
import type { ServiceProcess } from './helpers/service-process.ts';

/**
 * The claim lifecycle end to end (issue 13, item 1, done-when: "an end-to-end test with a short configured
 * deadline"): the all-in-one as a real process (the demo's clock: DEMO_SPEED divides claim answer times),
 * the platform gives the hub a 30 min answer time over HTTP (90 s at 20×), two lychee shipments whose hub
 * air conditioning fails go over real MQTT, and from then on everything is HTTP: one claim is acknowledged
 * and left unanswered, reminded and escalated by the timer across a crash and a restart, then advanced,
 * recovered and settled by the platform; the other is disputed and overturned.
 */

const SPEED = 20;
const ANSWER_MINUTES = 30;
const MIN = 60_000;
const ANSWER_MS = (ANSWER_MINUTES * MIN) / SPEED;
// Readings older than 30 days are refused: the shipments left three days ago, on the hour.
const START = Math.floor((Date.now() - 3 * 86_400_000) / 3_600_000) * 3_600_000;

const ORGS = [
  { id: 'e2e-coop', name: '永兴荔枝合作社', nameEn: 'Yongxing Lychee Co-op', kind: 'shipper' },
  { id: 'e2e-shunda', name: '海口顺达冷链', nameEn: 'Haikou Shunda Cold Chain', kind: 'carrier' },
  { id: 'e2e-hub', name: '白云冷库', nameEn: 'Baiyun Cold Hub', kind: 'warehouse' },
  { id: 'e2e-reefer', name: '南北干线冷运', nameEn: 'Nanbei Reefers', kind: 'carrier' },
  { id: 'e2e-courier', name: '城市鲜达', nameEn: 'City Fresh', kind: 'courier' },
] as const;
const ROLES: RoleOrgs = { shipper: 'e2e-coop', first_mile: 'e2e-shunda', hub: 'e2e-hub', line_haul: 'e2e-reefer', last_mile: 'e2e-courier' };

type Step = { seq: number; at: number; actor: { name: string; orgId: string }; party: string; action: { kind: string; outcome?: string }; from: string; to: string };
type ClaimView = { claim: { id: string; status: string; liableOrgId: string; filedAt: number; respondBy: number; amountCents: number; remindedAt: number | null; escalatedAt: number | null }; history: Step[] };

function spec(id: string, seed: number): JourneySpec {
  return {
    shipmentId: id, deviceId: `logger-${id}`, plan: planJourney({ startAt: START, seed, acFailure: HUB_AC_FAILURE }), orgs: ROLES,
    origin: '海南省海口市', destination: '湖北省武汉市', boxes: 300, goodsValueCents: 300 * 9_900, freightCents: 300 * 1_500,
  };
}

describe('a claim on the hub with a short configured answer time, end to end over HTTP', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-claim-e2e-'));
  const adminToken = randomBytes(24).toString('base64url');
  let httpPort: number;
  let mqttPort: number;
  let service: ServiceProcess;
  let base: string;
  const keys = { hub: '', desk: '' };

  /** Starts the all-in-one on the same ports and data folder each time, and waits for /healthz. */
  async function start(): Promise<void> {
    service = spawnService('all-in-one', ['npx', 'tsx', 'services/all-in-one/src/main.ts'], {
      DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(httpPort), MQTT_PORT: String(mqttPort), COLDCHAIN_ADMIN_TOKEN: adminToken,
      DEMO: '1', DEMO_SPEED: String(SPEED), DEMO_SHIPMENTS: '1', LOG_LEVEL: 'info', SQLITE_SYNC: 'FULL',
    });
    await eventually('the all-in-one to answer on /healthz', async () => {
      if (service.child.exitCode !== null) throw new Error(`exited: ${service.output().slice(-2000)}`);
      return (await fetch(`${base}/healthz`)).ok ? true : undefined;
    }, 60_000);
  }

  async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }
  async function ok(method: string, path: string, token: string, body?: unknown): Promise<any> {
    const answer = await call(method, path, token, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
  const claimView = (id: string): Promise<ClaimView> => ok('GET', `/api/v1/claims/${id}`, adminToken);
  const claimOf = async (shipmentId: string) => ((await ok('GET', `/api/v1/claims?shipmentId=${shipmentId}`, adminToken)).claims as ClaimView['claim'][])[0];
  const kinds = (view: ClaimView) => view.history.map((s) => `${s.party}:${s.action.kind}:${s.from}→${s.to}`);

  const unanswered = spec('LZ-CLAIM-E2E-1', 11);
  const disputed = spec('LZ-CLAIM-E2E-2', 12);
  const ids = { unanswered: '', disputed: '' };

  beforeAll(async () => {
    [httpPort, mqttPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${httpPort}`;
    await start();
    for (const org of ORGS) await ok('POST', '/api/v1/organisations', adminToken, org);
    keys.hub = (await ok('POST', '/api/v1/organisations/e2e-hub/api-keys', adminToken, { name: 'hub duty desk', role: 'operator' })).key;
    keys.desk = (await ok('POST', '/api/v1/organisations/platform/api-keys', adminToken, { name: 'claims desk', role: 'operator' })).key;
  }, 90_000);

  afterAll(async () => {
    if (service) await stopGroup(service);
    await killAllServices();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes the hub\'s answer time from the platform only, and the hub reads it', async () => {
    expect((await call('PUT', '/api/v1/organisations/e2e-hub/claim-response', keys.hub, { responseMinutes: 10_080 })).status).toBe(403);
    const set = await ok('PUT', '/api/v1/organisations/e2e-hub/claim-response', adminToken, { responseMinutes: ANSWER_MINUTES });
    // The demo divides it by DEMO_SPEED; the reminder goes a quarter of it before the deadline.
    expect(set).toMatchObject({ orgId: 'e2e-hub', responseMinutes: ANSWER_MINUTES, responseMs: ANSWER_MS, remindBeforeMs: ANSWER_MS / 4 });
    expect(await ok('GET', '/api/v1/organisations/e2e-hub/claim-response', keys.hub)).toMatchObject({ responseMinutes: ANSWER_MINUTES });
  });

  it('files a claim against the hub for each excursion, due within the configured time', async () => {
    const api = createApiClient(base, adminToken);
    await replayJourney(unanswered, api, `mqtt://127.0.0.1:${mqttPort}`);
    await replayJourney(disputed, api, `mqtt://127.0.0.1:${mqttPort}`);
    for (const [key, shipment] of [['unanswered', unanswered], ['disputed', disputed]] as const) {
      const claim = await eventually(`the claim on ${shipment.shipmentId}`, claimOf.bind(null, shipment.shipmentId), 60_000);
      expect(claim).toMatchObject({ liableOrgId: 'e2e-hub', status: 'filed' });
      expect(claim.respondBy - claim.filedAt).toBe(ANSWER_MS);
      ids[key] = claim.id;
    }
    // The carrier answers at once: it acknowledges one (the clock runs on) and disputes the other (the clock stops).
    expect((await ok('POST', `/api/v1/claims/${ids.unanswered}/acknowledge`, keys.hub, {})).claim.status).toBe('acknowledged');
    const dispute = { reason: '到站抽检果温 6 °C，冷库日志正常', evidence: ['https://hub.example/scan/4711.jpg'] };
    expect((await ok('POST', `/api/v1/claims/${ids.disputed}/dispute`, keys.hub, dispute)).claim.status).toBe('disputed');
  }, 120_000);

  it('reminds and escalates the unanswered claim by the timer across a crash and a restart', async () => {
    // Crashed (SIGKILL) after the answer, before the deadline: nothing of the timers is in memory.
    service.signalGroup('SIGKILL');
    expect(await service.waitGone(10_000)).toBe(true);
    await start();
    const reminded = await eventually('the reminder', async () => ((await claimView(ids.unanswered)).claim.remindedAt !== null ? claimView(ids.unanswered) : undefined), ANSWER_MS + 60_000);
    expect(reminded.claim.status).toBe('acknowledged');
    // Stopped and started again once more, now between the reminder and the deadline.
    await stopGroup(service);
    await start();
    const escalated = await eventually('the escalation', async () => ((await claimView(ids.unanswered)).claim.status === 'escalated' ? claimView(ids.unanswered) : undefined), ANSWER_MS + 60_000);
    expect(escalated.claim.escalatedAt).toBeGreaterThanOrEqual(escalated.claim.respondBy);
    expect(escalated.claim.remindedAt).toBeLessThan(escalated.claim.respondBy);
    // One reminder and one escalation, whatever the restarts.
    expect(kinds(escalated)).toEqual(['carrier:acknowledge:filed→acknowledged', 'system:remind:acknowledged→acknowledged', 'system:escalate:acknowledged→escalated']);
  }, 240_000);

  it('lets the platform advance up to the claim, recover it and settle, and shows the whole history in order with actors', async () => {
    const { claim } = await claimView(ids.unanswered);
    const over = await call('POST', `/api/v1/claims/${claim.id}/advance`, keys.desk, { amountCents: claim.amountCents + 1 });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'claim.amount_over_cap', message: expect.stringContaining('amountCents') });
    expect((await call('POST', `/api/v1/claims/${claim.id}/advance`, keys.hub, { amountCents: 100 })).status).toBe(403);
    await ok('POST', `/api/v1/claims/${claim.id}/advance`, keys.desk, { amountCents: claim.amountCents, note: '先行垫付给主播' });
    expect((await call('POST', `/api/v1/claims/${claim.id}/recover`, keys.desk, { amountCents: claim.amountCents + 1 })).status).toBe(422);
    await ok('POST', `/api/v1/claims/${claim.id}/recover`, keys.desk, { amountCents: claim.amountCents, note: '已从冷库结算款中扣回' });
    await ok('POST', `/api/v1/claims/${claim.id}/settle`, keys.desk, { note: '结案' });

    const view = await claimView(claim.id);
    expect(view.claim.status).toBe('settled');
    expect(kinds(view)).toEqual([
      'carrier:acknowledge:filed→acknowledged',
      'system:remind:acknowledged→acknowledged',
      'system:escalate:acknowledged→escalated',
      'platform:advance:escalated→advanced',
      'platform:recover:advanced→recovered',
      'platform:settle:recovered→settled',
    ]);
    const actors = view.history.map((s) => s.actor);
    expect(actors[0]).toMatchObject({ orgId: 'e2e-hub', name: expect.stringContaining('hub duty desk') });
    expect(actors[1]).toEqual({ name: 'system', orgId: 'platform' });
    expect(actors[2]).toEqual({ name: 'system', orgId: 'platform' });
    for (const actor of actors.slice(3)) expect(actor).toMatchObject({ orgId: 'platform', name: expect.stringContaining('claims desk') });
    const times = view.history.map((s) => s.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(view.history.map((s) => s.seq)).toEqual([...view.history.map((s) => s.seq)].sort((a, b) => a - b));
  });

  it('leaves the disputed claim to the platform, which overturns it; no timer touched it after the dispute', async () => {
    const before = await claimView(ids.disputed);
    // Past its deadline (bounded wait): a timer that still ran on a disputed claim would have left a row by now.
    await eventually('the disputed claim\'s deadline to pass', async () => (Date.now() > before.claim.respondBy + 3_000 ? true : undefined), ANSWER_MS + 10_000);
    await ok('POST', `/api/v1/claims/${ids.disputed}/decide`, keys.desk, { outcome: 'overturned', reason: '交接探针温度正常，超温始于冷库之后' });
    const view = await claimView(ids.disputed);
    expect(view.claim.status).toBe('overturned');
    expect(kinds(view)).toEqual(['carrier:dispute:filed→disputed', 'platform:decide:disputed→overturned']);
    expect(view.history[0]).toMatchObject({ actor: { orgId: 'e2e-hub' }, action: { kind: 'dispute', evidence: ['https://hub.example/scan/4711.jpg'] } });
    expect(view.history[1]).toMatchObject({ actor: { orgId: 'platform', name: expect.stringContaining('claims desk') }, action: { outcome: 'overturned' } });
  }, 120_000);
});
