import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { DEMO_ORGS } from '@coldchain/firmware-sim';
import { Outbox, verifyWebhookSignature, WEBHOOK_HEADERS } from '@coldchain/notify';
import { buildRules } from '@coldchain/rules';
import { claimsTopic } from '@coldchain/schemas';
import { SqliteOpsStore } from '@coldchain/storage';
import type { Alert, Claim } from '@coldchain/storage';
import { eventually } from './helpers/all-in-one.ts';
import { startReceiver } from './helpers/webhook-receiver.ts';
import type { Received } from './helpers/webhook-receiver.ts';

const MIN = 60_000;
const SECRET = 'service-secret-for-claim-timer-tests';
const HOOK_SECRET = 'claim-webhook-secret-0001';
const PUBLIC_URL = 'https://coldchain.example.cn';
const log = pino({ level: 'warn' });

/**
 * The carrier's answer deadline on a claim (issue 13, items 1 and 7), driven by an injected clock on
 * the rules service's timer tick: one reminder to the carrier 30 min before the 2 h deadline, escalation
 * to the platform once it has passed, across a restart of the rules over the same ops.db; each step
 * reaches the parties' channels through the outbox (signed webhook, DingTalk text in Chinese) with the
 * evidence links.
 */
describe('claim timers: reminder, escalation by timer across a restart, notified through the outbox', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let outbox: Outbox;
  let broker: ReturnType<typeof buildBroker>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let url: string;
  let now = Math.floor(Date.now() / MIN) * MIN;
  const clock = { now: () => now };
  const T0 = now - 6 * 60 * MIN;
  const FILED = now;
  let rules: ReturnType<typeof buildRules>;
  const CLAIM_ID = 'claim-timer-0001';

  const startRules = async () => {
    rules = buildRules({ mqtt: { url, clientId: 'coldchain-claim-timer-rules', username: '_svc_rules', password: SECRET }, ops, clock, log, timerTickMs: 0, outbox, publicUrl: PUBLIC_URL });
    await rules.start();
  };
  const history = async () => (await ops.listClaimEvents(CLAIM_ID)).map((e) => e.action.kind);
  /** What the receiver got so far for one event type, by path (one path per organisation's channel). */
  async function deliveredOf(type: string): Promise<Received[]> {
    await outbox.deliverDue();
    return receiver.received.filter((r) => r.body.includes(`"${type}"`) || (type === 'claim.escalated' && r.body.includes('超时已升级')) || (type === 'claim.reminder' && r.body.includes('待答复提醒')));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-claim-timers-'));
    receiver = await startReceiver();
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    outbox = new Outbox({ path: join(dir, 'outbox.db'), now: clock.now, sync: 'NORMAL' });
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) await ops.upsertOrganisation({ ...org, createdAt: now });
    await ops.setOrgChannels('nanbei-reefer', [{ id: 'hook', type: 'webhook', url: `${receiver.url}/nanbei-reefer`, secret: HOOK_SECRET, lang: 'zh' }], now);
    await ops.setOrgChannels('platform', [{ id: 'hook', type: 'webhook', url: `${receiver.url}/platform`, secret: HOOK_SECRET, lang: 'zh' }], now);
    await ops.setOrgChannels('hn-lychee-coop', [{ id: 'ding', type: 'dingtalk', url: `${receiver.url}/hn-lychee-coop/ding`, secret: null, lang: 'zh' }], now);
    // A delivered shipment (no no-data timers) with a resolved alert (no alert timers): only the claim's clock runs.
    await ops.createDevice({ id: 'logger-c1', secretHash: 'not-a-device-of-this-test', publicKey: null, createdAt: T0 });
    await ops.createShipment(
      { id: 'LZ-C1', traceCode: 'trace-code-claimtimer-01', profileId: 'lychee', shipperOrgId: 'hn-lychee-coop', deviceId: 'logger-c1', origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: T0, deliveredAt: T0 + 5 * 60 * MIN, createdAt: T0 },
      { shipmentId: 'LZ-C1', at: T0, stage: 'packhouse', toOrgId: 'hn-lychee-coop', station: null, probeTempC: null, recordedAt: T0 },
    );
    const alert: Alert = {
      id: 'alert-c1', shipmentId: 'LZ-C1', deviceId: 'logger-c1', ruleId: 'high', kind: 'excursion', message: null, tier: 1, status: 'resolved', conditionState: 'inactive' as Alert['conditionState'],
      thresholdC: 15, direction: 'above', activeAt: T0 + 60 * MIN, firedAt: T0 + 70 * MIN, clearedAt: T0 + 120 * MIN, peakTempC: 18.4, outsideMs: 50 * MIN, degreeMinutes: 96,
      attribution: { status: 'attributed', orgId: 'nanbei-reefer', legIndex: 1, reason: { zh: '超标开始于干线冷运段', en: 'the excursion began in the line-haul leg' } },
      routedTo: ['nanbei-reefer', 'hn-lychee-coop'], respondBy: T0 + 130 * MIN, acknowledgedAt: T0 + 80 * MIN, acknowledgedBy: 'dispatcher', resolvedAt: T0 + 125 * MIN, resolvedBy: 'dispatcher', resolutionNote: 'reefer fixed',
      escalatedAt: null, lastNotifiedAt: null, reminders: 0, createdAt: T0 + 70 * MIN, updatedAt: T0 + 125 * MIN,
    };
    await ops.insertAlert(alert);
    const claim: Claim = {
      id: CLAIM_ID, shipmentId: 'LZ-C1', alertId: 'alert-c1', liableOrgId: 'nanbei-reefer', amountCents: 110_000, goodsShareCents: 100_000, freightCents: 10_000, currency: 'CNY', status: 'filed',
      reason: { zh: '超标开始于干线冷运段，货物由南北干线冷运持有', en: 'the excursion began in the line-haul leg, held by Nanbei' }, filedAt: FILED, respondBy: FILED + 2 * 60 * MIN, withdrawnAt: null, withdrawnReason: null,
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

  it('does nothing before the reminder window, then reminds the carrier once, 30 min before the 2 h deadline', async () => {
    now = FILED + 60 * MIN;
    expect((await rules.tick()).claims).toEqual({ reminded: [], escalated: [] });
    now = FILED + 91 * MIN;
    expect((await rules.tick()).claims).toEqual({ reminded: [CLAIM_ID], escalated: [] });
    expect(await history()).toEqual(['remind']);
    expect((await ops.getClaim(CLAIM_ID))!).toMatchObject({ status: 'filed', remindedAt: FILED + 91 * MIN });
    now += 5 * MIN;
    expect((await rules.tick()).claims).toEqual({ reminded: [], escalated: [] });
    expect(await history()).toEqual(['remind']);

    // The reminder is the carrier's alone: its signed webhook, nobody else.
    const reminders = await deliveredOf('claim.reminder');
    expect(reminders.map((r) => r.path)).toEqual(['/nanbei-reefer']);
    const body = JSON.parse(reminders[0]!.body) as { type: string; claim: Claim; links: Record<string, string> };
    expect(body).toMatchObject({ type: 'claim.reminder', claim: { id: CLAIM_ID, status: 'filed', amountCents: 110_000, respondBy: FILED + 120 * MIN } });
    expect(body.links.report).toBe(`${PUBLIC_URL}/api/v1/shipments/LZ-C1/report.pdf`);
  });

  it('escalates at the deadline after a restart of the rules over the same ops.db, and tells carrier, shipper and platform', async () => {
    await rules.stop();
    await ops.close();
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    now = FILED + 120 * MIN;
    await startRules();
    expect((await rules.tick()).claims).toEqual({ reminded: [], escalated: [CLAIM_ID] });
    expect(await history()).toEqual(['remind', 'escalate']);
    const escalated = (await ops.getClaim(CLAIM_ID))!;
    expect(escalated).toMatchObject({ status: 'escalated', escalatedAt: FILED + 120 * MIN });
    const events = await ops.listClaimEvents(CLAIM_ID);
    expect(events[1]).toMatchObject({ party: 'system', actor: { name: 'system', orgId: 'platform' }, from: 'filed', to: 'escalated' });
    // Once: the next tick finds nothing due.
    now += MIN;
    expect((await rules.tick()).claims).toEqual({ reminded: [], escalated: [] });

    const delivered = await deliveredOf('claim.escalated');
    expect(delivered.map((r) => r.path).sort()).toEqual(['/hn-lychee-coop/ding', '/nanbei-reefer', '/platform']);
    // The platform's endpoint gets the signed event, with the evidence links, absolute.
    const platform = delivered.find((r) => r.path === '/platform')!;
    const verified = verifyWebhookSignature(HOOK_SECRET, platform.headers[WEBHOOK_HEADERS.timestamp.toLowerCase()] as string, platform.body, platform.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string, now);
    expect(verified.ok).toBe(true);
    expect(platform.headers[WEBHOOK_HEADERS.delivery.toLowerCase()]).toBe(`claim.escalated:claim:${CLAIM_ID}@platform/hook`);
    const body = JSON.parse(platform.body) as { type: string; claim: Claim; links: Record<string, string> };
    expect(body).toMatchObject({ type: 'claim.escalated', claim: { id: CLAIM_ID, status: 'escalated', amountCents: 110_000 } });
    expect(body.links).toEqual({
      claim: `${PUBLIC_URL}/api/v1/claims/${CLAIM_ID}`,
      evidence: `${PUBLIC_URL}/api/v1/shipments/LZ-C1/evidence`,
      report: `${PUBLIC_URL}/api/v1/shipments/LZ-C1/report.pdf`,
      chain: `${PUBLIC_URL}/api/v1/shipments/LZ-C1/chain`,
      epcis: `${PUBLIC_URL}/api/v1/shipments/LZ-C1/epcis`,
    });
    // The shipper's DingTalk robot: Chinese, with the claim id, the amount, the deadline and the evidence.
    const ding = JSON.parse(delivered.find((r) => r.path.startsWith('/hn-lychee-coop'))!.body) as { msgtype: string; markdown: { title: string; text: string } };
    expect(ding.msgtype).toBe('markdown');
    expect(ding.markdown.text).toContain('理赔·超时已升级');
    expect(ding.markdown.text).toContain(CLAIM_ID);
    expect(ding.markdown.text).toContain('¥1,100.00');
    expect(ding.markdown.text).toMatch(/答复时限\*\*：.*（北京时间），已超时/);
    expect(ding.markdown.text).toContain(`${PUBLIC_URL}/api/v1/shipments/LZ-C1/report.pdf`);
  });

  it("takes the carrier's late answer after the escalation", async () => {
    const outcome = await ops.applyClaimAction(CLAIM_ID, { kind: 'accept' }, { actor: { name: 'dispatcher', orgId: 'nanbei-reefer' }, party: 'carrier', now });
    expect(outcome).toMatchObject({ status: 'applied', claim: { status: 'accepted' } });
    expect(await history()).toEqual(['remind', 'escalate', 'accept']);
    now += 60 * MIN;
    expect((await rules.tick()).claims).toEqual({ reminded: [], escalated: [] });
  });

  /**
   * What the API is to publish after each step it applies (`claim.updated` on the platform's claims
   * topic, as it publishes `claim.filed`): the rules read the step back from the store and tell the
   * parties who did not take it. Published here by hand, as the API's bus client would.
   */
  it("tells the other parties of each step taken through the API: the platform's advance reaches the carrier, signed", async () => {
    const outcome = await ops.applyClaimAction(CLAIM_ID, { kind: 'advance', amountCents: 50_000, note: '先行垫付给消费者' }, { actor: { name: '平台客服', orgId: 'platform' }, party: 'platform', now });
    if (outcome.status !== 'applied') throw new Error(`advance refused: ${JSON.stringify(outcome)}`);
    const client = await mqtt.connectAsync(url, { clientId: 'coldchain-claim-timer-api', username: '_svc_api', password: SECRET, reconnectPeriod: 0 });
    const payload = JSON.stringify({ type: 'claim.updated', at: now, claim: outcome.claim, step: outcome.event });
    // Heard twice (QoS 1 redelivery, several topics): one delivery per party.
    await client.publishAsync(claimsTopic('platform'), payload, { qos: 1 });
    await client.publishAsync(claimsTopic('platform'), payload, { qos: 1 });
    await client.endAsync();
    const delivered = await eventually('the step delivered to the carrier and the shipper', async () => {
      await outbox.deliverDue();
      const found = receiver.received.filter((r) => r.body.includes('claim.updated') || r.body.includes('平台已垫付'));
      return found.length >= 2 ? found : undefined;
    });
    await rules.settled();
    await outbox.deliverDue();
    const all = receiver.received.filter((r) => r.body.includes('claim.updated') || r.body.includes('平台已垫付'));
    // Not the platform, which took the step.
    expect(all.map((r) => r.path).sort()).toEqual(['/hn-lychee-coop/ding', '/nanbei-reefer']);
    const carrier = delivered.find((r) => r.path === '/nanbei-reefer')!;
    expect(verifyWebhookSignature(HOOK_SECRET, carrier.headers['x-coldchain-timestamp'] as string, carrier.body, carrier.headers['x-coldchain-signature'] as string, now).ok).toBe(true);
    expect(carrier.headers['x-coldchain-delivery']).toBe(`claim.updated:claim:${CLAIM_ID}:${outcome.event.seq}@nanbei-reefer/hook`);
    expect(JSON.parse(carrier.body)).toMatchObject({
      type: 'claim.updated',
      claim: { id: CLAIM_ID, advancedCents: 50_000 },
      step: { seq: outcome.event.seq, party: 'platform', action: { kind: 'advance', amountCents: 50_000 } },
      links: { evidence: `${PUBLIC_URL}/api/v1/shipments/LZ-C1/evidence` },
    });
    const ding = JSON.parse(delivered.find((r) => r.path.startsWith('/hn-lychee-coop'))!.body) as { markdown: { text: string } };
    expect(outcome.claim.status).toBe('advanced');
    expect(ding.markdown.text).toContain('【理赔·平台已垫付】平台已垫付 ¥500.00');
    expect(ding.markdown.text).toContain('承运方已接受 → 平台已垫付');
    expect(ding.markdown.text).toContain('先行垫付给消费者');
  });
});
