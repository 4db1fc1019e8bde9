import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAfterSalesWorkflow, RecordingPayouts } from '@coldchain/after-sales';
import type { PayoutPort } from '@coldchain/after-sales';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { PROFILES } from '@coldchain/domain';
import { DEMO_ORGS } from '@coldchain/firmware-sim';
import { Outbox, verifyWebhookSignature, WEBHOOK_HEADERS } from '@coldchain/notify';
import { buildRules } from '@coldchain/rules';
import { SqliteOpsStore } from '@coldchain/storage';
import type { Alert, Claim, Shipment } from '@coldchain/storage';
import { startReceiver } from './helpers/webhook-receiver.ts';
import type { Received } from './helpers/webhook-receiver.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const SECRET = 'service-secret-for-after-sales-timer-tests';
const HOOK_SECRET = 'after-sales-webhook-secret-01';
const PUBLIC_URL = 'https://coldchain.example.cn';
const SHIPPER = 'hn-lychee-coop';
const CARRIER = 'nanbei-reefer';
const log = pino({ level: 'warn' });

/** How each step's title starts in the robots' Chinese messages. */
const ROBOT_TAGS: Record<string, string> = { 'after_sales.decision_due': '【售后·处理提醒】', 'after_sales.escalated': '【售后·已升级至平台】', 'after_sales.paid': '【售后·已赔付】' };

type Hook = { type: string; request: { id: string; state: string; orderRef?: unknown }; step: { action: string; seq: number }; links: { console: string }; text: { zh: string; en: string } };

/**
 * The after-sales timers run by the rules service on its timer tick (issue 13, items 4 and 7), driven by
 * an injected clock: the streamer's one reminder at 22 h and the escalation to the platform at 48 h,
 * across a restart of the rules over the same ops.db, and a request a crash left approved without its
 * payout paid by the next tick; each step reaches the parties' channels through the outbox.
 */
describe('after-sales timers in the rules service: reminder, escalation across a restart, payout caught up', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let outbox: Outbox;
  let broker: ReturnType<typeof buildBroker>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let url: string;
  let rules: ReturnType<typeof buildRules>;
  let now = Math.floor(Date.now() / MIN) * MIN;
  const clock = { now: () => now };
  const T0 = now - 10 * HOUR;

  const startRules = async () => {
    rules = buildRules({ mqtt: { url, clientId: 'coldchain-after-sales-timer-rules', username: '_svc_rules', password: SECRET }, ops, clock, log, timerTickMs: 0, outbox, publicUrl: PUBLIC_URL });
    await rules.start();
  };
  /** The consumer's side, as the API would run it (without the bus: the test looks at the timers' messages). */
  const consumerSide = (payouts: PayoutPort = new RecordingPayouts()) =>
    createAfterSalesWorkflow({ ops, profiles: { get: async (id) => PROFILES[id] }, payouts, clock, log });
  /** What reached the receiver for one request and step type, after the outbox ran. */
  async function delivered(requestId: string, type: string): Promise<Array<Received & { hook: Hook }>> {
    await outbox.deliverDue();
    return receiver.received
      .filter((r) => r.body.includes(requestId))
      .map((r) => ({ ...r, hook: JSON.parse(r.body) as Hook }))
      .filter((r) => (r.path.endsWith('/ding') ? (r.hook as unknown as { markdown: { text: string } }).markdown.text.includes(ROBOT_TAGS[type]!) : r.hook.type === type));
  }
  const shipment = async (id: string) => (await ops.getShipment(id)) as Shipment;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-after-sales-timers-'));
    receiver = await startReceiver();
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    outbox = new Outbox({ path: join(dir, 'outbox.db'), now: clock.now, sync: 'NORMAL' });
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) await ops.upsertOrganisation({ ...org, createdAt: T0 });
    await ops.setOrgChannels(SHIPPER, [
      { id: 'hook', type: 'webhook', url: `${receiver.url}/${SHIPPER}`, secret: HOOK_SECRET, lang: 'zh' },
      { id: 'ding', type: 'dingtalk', url: `${receiver.url}/${SHIPPER}/ding`, secret: null, lang: 'zh' },
    ], T0);
    await ops.setOrgChannels('platform', [{ id: 'hook', type: 'webhook', url: `${receiver.url}/platform`, secret: HOOK_SECRET, lang: 'zh' }], T0);
    await ops.setOrgChannels(CARRIER, [{ id: 'hook', type: 'webhook', url: `${receiver.url}/${CARRIER}`, secret: HOOK_SECRET, lang: 'zh' }], T0);
    // Two delivered shipments (no no-data timers) of 10 boxes worth ¥1,000: AS-1 with a clean record,
    // AS-2 with an excursion attributed to the line-haul carrier and its claim.
    for (const id of ['AS-1', 'AS-2']) {
      await ops.createDevice({ id: `logger-${id}`, secretHash: 'not-a-device-of-this-test', publicKey: null, createdAt: T0 });
      await ops.createShipment(
        { id, traceCode: `trace-code-after-sales-${id}`, profileId: 'lychee', shipperOrgId: SHIPPER, deviceId: `logger-${id}`, origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: T0, deliveredAt: T0 + 5 * HOUR, createdAt: T0 },
        { shipmentId: id, at: T0, stage: 'packhouse', toOrgId: SHIPPER, station: null, probeTempC: null, recordedAt: T0 },
      );
    }
    const alert: Alert = {
      id: 'alert-as-2', shipmentId: 'AS-2', deviceId: 'logger-AS-2', ruleId: 'high', kind: 'excursion', message: null, tier: 1, status: 'resolved', conditionState: 'inactive' as Alert['conditionState'],
      thresholdC: 15, direction: 'above', activeAt: T0 + HOUR, firedAt: T0 + 70 * MIN, clearedAt: T0 + 2 * HOUR, peakTempC: 18.4, outsideMs: 50 * MIN, degreeMinutes: 96,
      attribution: { status: 'attributed', orgId: CARRIER, legIndex: 1, reason: { zh: '超标开始于干线冷运段', en: 'the excursion began in the line-haul leg' } },
      routedTo: [CARRIER, SHIPPER], respondBy: T0 + 130 * MIN, acknowledgedAt: T0 + 80 * MIN, acknowledgedBy: 'dispatcher', resolvedAt: T0 + 125 * MIN, resolvedBy: 'dispatcher', resolutionNote: 'reefer fixed',
      escalatedAt: null, lastNotifiedAt: null, reminders: 0, createdAt: T0 + 70 * MIN, updatedAt: T0 + 125 * MIN,
    };
    await ops.insertAlert(alert);
    const claim: Claim = {
      id: 'claim-as-2', shipmentId: 'AS-2', alertId: alert.id, liableOrgId: CARRIER, amountCents: 110_000, goodsShareCents: 100_000, freightCents: 10_000, currency: 'CNY', status: 'filed',
      reason: alert.attribution.reason, filedAt: T0 + 3 * HOUR, respondBy: now + 100 * HOUR, withdrawnAt: null, withdrawnReason: null,
    };
    await ops.fileClaimOnce(claim);
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret: SECRET }) });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
    await startRules();
  });
  afterAll(async () => {
    await rules?.stop();
    await broker?.stop();
    await outbox?.close();
    await ops?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  let waiting: string;

  it('reminds the streamer once at 22 h, through its webhook and its DingTalk robot in Chinese', async () => {
    const reportedAt = now;
    const made = await consumerSide().report({ shipment: await shipment('AS-1'), badCount: 3, totalCount: 40, boxes: 1, orderRef: 'DY-0001', photos: [] });
    if (!made.ok) throw new Error(JSON.stringify(made));
    waiting = made.request.id;
    expect(made.request).toMatchObject({ state: 'awaiting_shipper', decideBy: reportedAt + 24 * HOUR, escalateAt: reportedAt + 48 * HOUR });

    now = reportedAt + 21 * HOUR;
    expect((await rules.tick()).afterSales).toEqual({ reminded: [], escalated: [], judged: [], paid: [] });
    now = reportedAt + 22 * HOUR;
    expect((await rules.tick()).afterSales?.reminded).toEqual([waiting]);
    now += 30 * MIN;
    expect((await rules.tick()).afterSales?.reminded).toEqual([]);
    expect((await ops.afterSales.listEvents(waiting)).map((e) => e.action)).toEqual(['report', 'judge', 'remind']);

    // The shipper's alone (its webhook and its robot, once each): nothing to the platform yet.
    const reminders = await delivered(waiting, 'after_sales.decision_due');
    expect(reminders.map((r) => r.path).sort()).toEqual([`/${SHIPPER}`, `/${SHIPPER}/ding`]);
    const hook = reminders.find((r) => r.path === `/${SHIPPER}`)!;
    expect(verifyWebhookSignature(HOOK_SECRET, hook.headers[WEBHOOK_HEADERS.timestamp.toLowerCase()] as string, hook.body, hook.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string, now).ok).toBe(true);
    expect(hook.headers[WEBHOOK_HEADERS.delivery.toLowerCase()]).toBe(`after_sales.decision_due:after-sales:${waiting}:3@${SHIPPER}/hook`);
    expect(hook.hook).toMatchObject({ type: 'after_sales.decision_due', request: { id: waiting, state: 'awaiting_shipper' }, links: { console: `${PUBLIC_URL}/console#after-sales/${waiting}` } });
    // Never the consumer's order number.
    expect(hook.body).not.toContain('DY-0001');
    expect(hook.hook.request).not.toHaveProperty('orderRef');
    // In words, Chinese first: the deadline and the remedy.
    expect(Object.keys(hook.hook.text)).toEqual(['zh', 'en']);
    expect(hook.hook.text.zh).toContain('【售后·处理提醒】');
    expect(hook.hook.text.zh).toMatch(/处理时限：.*（北京时间）/);
    expect(hook.hook.text.zh).toContain('补发 1 箱（价值 ¥100.00）');
    expect(hook.hook.text.en).toContain('[After-sales, reminder]');
    const ding = receiver.received.find((r) => r.path === `/${SHIPPER}/ding` && r.body.includes(waiting));
    expect((JSON.parse(ding!.body) as { markdown: { text: string } }).markdown.text).toContain('售后·处理提醒');
    expect(receiver.received.filter((r) => r.path === '/platform')).toEqual([]);
  });

  it('escalates at 48 h after a restart of the rules over the same ops.db, and tells the platform and the shipper', async () => {
    await rules.stop();
    await ops.close();
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    const reportedAt = (await ops.afterSales.get(waiting))!.reportedAt;
    now = reportedAt + 48 * HOUR - MIN;
    await startRules();
    expect((await rules.tick()).afterSales).toMatchObject({ reminded: [], escalated: [] });
    now = reportedAt + 48 * HOUR;
    expect((await rules.tick()).afterSales).toMatchObject({ reminded: [], escalated: [waiting] });
    now += MIN;
    expect((await rules.tick()).afterSales).toMatchObject({ reminded: [], escalated: [] });
    expect(await ops.afterSales.get(waiting)).toMatchObject({ state: 'escalated', escalatedAt: reportedAt + 48 * HOUR });
    expect((await ops.afterSales.listEvents(waiting)).map((e) => e.action)).toEqual(['report', 'judge', 'remind', 'escalate']);

    const escalated = await delivered(waiting, 'after_sales.escalated');
    expect(escalated.map((r) => r.path).sort()).toEqual([`/${SHIPPER}`, `/${SHIPPER}/ding`, '/platform']);
    const platform = escalated.find((r) => r.path === '/platform')!;
    expect(platform.hook.text.zh).toContain('【售后·已升级至平台】主播 48 小时内未处理');
    expect(platform.hook.text.zh.indexOf('售后')).toBeLessThan(JSON.stringify(platform.hook.text).indexOf('After-sales'));
    // The DingTalk robot got the escalation as well, once.
    expect(receiver.received.filter((r) => r.path === `/${SHIPPER}/ding` && r.body.includes(waiting) && r.body.includes('已升级至平台'))).toHaveLength(1);
  });

  it('pays on the next tick a request a crash left approved without its payout, and tells the shipper', async () => {
    const crashing: PayoutPort = { pay: async () => { throw new Error('process killed before the payout was recorded'); } };
    await expect(consumerSide(crashing).report({ shipment: await shipment('AS-2'), badCount: 12, totalCount: 40, boxes: 1, orderRef: null, photos: [] })).rejects.toThrow(/killed/);
    const [left] = await ops.afterSales.list({ shipmentId: 'AS-2', limit: 10 });
    expect(left).toMatchObject({ state: 'approved', claimId: 'claim-as-2', advancedCents: 10_000, paidAt: null });
    // The request that approved it may still be paying it: a grace period first (30 s).
    expect((await rules.tick()).afterSales?.paid).toEqual([]);
    now += 31_000;
    expect((await rules.tick()).afterSales?.paid).toEqual([left!.id]);
    expect((await rules.tick()).afterSales?.paid).toEqual([]);
    expect(await ops.afterSales.get(left!.id)).toMatchObject({ state: 'paid' });
    expect(await ops.afterSales.getPayout(left!.id)).toMatchObject({ amountCents: 10_000, kind: 'refund', payer: 'platform', provider: 'recorded' });

    const paid = await delivered(left!.id, 'after_sales.paid');
    expect(paid.map((r) => r.path).sort()).toEqual([`/${SHIPPER}`, `/${SHIPPER}/ding`]);
    expect(paid.find((r) => r.path === `/${SHIPPER}`)!.hook.text.zh).toContain('【售后·已赔付】已退款 ¥100.00');
    const text = paid.find((r) => r.path === `/${SHIPPER}`)!.hook.text.zh;
    expect(text).toContain('理赔编号：claim-as-2');
    expect(text).toContain('平台先行垫付：¥100.00');
  });
});
