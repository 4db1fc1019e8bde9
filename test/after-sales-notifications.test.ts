import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAfterSalesWorkflow, RecordingPayouts } from '@coldchain/after-sales';
import { PROFILES } from '@coldchain/domain';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS } from '@coldchain/firmware-sim';
import type { ApiClient } from '@coldchain/firmware-sim';
import { verifyWebhookSignature } from '@coldchain/notify';
import { SqliteOpsStore } from '@coldchain/storage';
import type { Alert } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';
import { startReceiver } from './helpers/webhook-receiver.ts';

const HOUR = 3_600_000;
const PUBLIC_URL = 'https://cold.example.cn';
const { shipper: SHIPPER, line_haul: CARRIER } = DEMO_ROLE_ORGS;
const secretOf = (orgId: string) => `whsec-${orgId}-0001`;

type Hook = { type: string; request?: { id: string; state: string; advancedCents: number; claimId: string | null }; claim?: { id: string; liableOrgId: string }; text?: { zh: string; en: string }; links?: { console: string } };

/**
 * A consumer reports bad fruit through HTTP on a shipment whose record shows an excursion attributed to
 * the line-haul carrier (issue 13, items 4 and 7): the whole service runs (the API in its thread, the
 * embedded broker, SQLite, the rules and their outbox). The API's steps travel over the bus to the rules,
 * which tell the shipper (received, approved by rule, paid) and the platform (its advance) through their
 * webhooks and robots, and the carrier of the claim filed for the request. A request the streamer left
 * undecided past 48 h is escalated by the rules' timer, and the platform is told.
 */
describe('after-sales steps reach the parties through their channels, Chinese first', () => {
  let service: RunningService;
  let api: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let ops: SqliteOpsStore;
  const start = Date.now() - 10 * HOUR;

  /** The signed webhooks an organisation got, checked against its secret. */
  function hooksOf(orgId: string): Hook[] {
    return receiver.received
      .filter((r) => r.path === `/hook/${orgId}`)
      .map((r) => {
        expect(verifyWebhookSignature(secretOf(orgId), String(r.headers['x-coldchain-timestamp']), r.body, String(r.headers['x-coldchain-signature']), Date.now()).ok, `${orgId}: signed with its secret`).toBe(true);
        return JSON.parse(r.body) as Hook;
      });
  }
  const robotTexts = () => receiver.received.filter((r) => r.path.startsWith(`/robot/${SHIPPER}`)).map((r) => (JSON.parse(r.body) as { markdown: { text: string } }).markdown.text);

  beforeAll(async () => {
    receiver = await startReceiver();
    service = await startAllInOne({ PUBLIC_URL });
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' }]) {
      await api.upsertOrganisation(org);
      const channels: Array<Record<string, string>> = [{ id: 'hook', type: 'webhook', url: `${receiver.url}/hook/${org.id}`, secret: secretOf(org.id) }];
      if (org.id === SHIPPER) channels.push({ id: 'dingtalk', type: 'dingtalk', url: `${receiver.url}/robot/${SHIPPER}/send?access_token=abc` });
      await api.call('PUT', `/api/v1/organisations/${org.id}/channels`, { channels });
    }
    for (const id of ['LZ-AS1', 'LZ-AS2']) {
      await api.provisionDevice(`logger-${id}`);
      await api.createShipment({ id, profileId: 'lychee', shipperOrgId: SHIPPER, deviceId: `logger-${id}`, origin: '海南省海口市', destination: '湖北省武汉市', boxes: 10, goodsValueCents: 300_000, freightCents: 40_000, startedAt: start });
      await api.recordHandoff(id, { stage: 'line_haul', toOrgId: CARRIER, at: start + HOUR });
    }
    // LZ-AS1's record: an excursion in the carrier's leg, shorter than the claim threshold (no claim yet).
    ops = new SqliteOpsStore(join(service.dataDir, 'ops.db'), 'NORMAL');
    const alert: Alert = {
      id: randomUUID(), shipmentId: 'LZ-AS1', deviceId: 'logger-LZ-AS1', ruleId: 'high', kind: 'excursion', message: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, tier: 1,
      status: 'resolved', conditionState: 'inactive' as Alert['conditionState'], thresholdC: 15, direction: 'above', activeAt: start + 2 * HOUR, firedAt: start + 2 * HOUR + 600_000, clearedAt: start + 2 * HOUR + 1_200_000, peakTempC: 17.2, outsideMs: 1_200_000, degreeMinutes: 30,
      attribution: { status: 'attributed', orgId: CARRIER, legIndex: 1, reason: { zh: '超标开始于干线冷运段', en: 'the excursion began in the line-haul leg' } },
      routedTo: [CARRIER, SHIPPER], respondBy: start + 3 * HOUR, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: start + 3 * HOUR, resolvedBy: 'system', resolutionNote: null, createdAt: start + 2 * HOUR, updatedAt: start + 3 * HOUR,
    };
    await ops.insertAlert(alert);
  });
  afterAll(async () => {
    await ops?.close();
    await service?.stop();
    receiver?.server.close();
  });

  it("tells the shipper of the report, the approval by rule and the payout; the platform of its advance; the carrier of the claim", async () => {
    const { traceCode } = (await ops.getShipment('LZ-AS1'))!;
    // 12 of 40 bad (30 %): full refund of one box, ¥300.
    const response = await fetch(`${service.info.apiUrl}/api/v1/trace/${traceCode}/after-sales`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ badCount: 12, totalCount: 40, orderRef: 'DY2026-AS-0001' }) });
    expect(response.status).toBe(201);
    const request = (await response.json()) as { id: string; state: string };
    expect(request.state).toBe('paid');
    const stored = (await ops.afterSales.get(request.id))!;
    expect(stored).toMatchObject({ liableOrgId: CARRIER, advancedCents: 30_000 });
    expect(stored.claimId).not.toBeNull();

    const shipperHooks = await eventually('received, approved and paid at the shipper', async () => {
      const got = hooksOf(SHIPPER).filter((h) => h.request?.id === request.id);
      return ['after_sales.received', 'after_sales.approved', 'after_sales.paid'].every((t) => got.some((h) => h.type === t)) ? got : undefined;
    });
    const received = shipperHooks.find((h) => h.type === 'after_sales.received')!;
    const approved = shipperHooks.find((h) => h.type === 'after_sales.approved')!;
    // Chinese first, then English: the remedy and its value, then the rule, the claim and the advance.
    expect(Object.keys(received.text!)).toEqual(['zh', 'en']);
    expect(received.text!.zh).toMatch(/^【售后·已收到】消费者报告坏果/);
    expect(received.text!.zh).toContain('坏果：荔枝 12/40 个（30 %），共 1 箱');
    expect(received.text!.zh).toContain('补偿方案：全额退款 ¥300.00');
    expect(received.text!.en).toContain('Remedy: full refund, CNY 300.00');
    expect(approved.text!.zh).toMatch(/^【售后·已自动批准】冷链记录显示物流方责任，坏果秒赔，平台先行垫付 ¥300\.00/);
    expect(approved.text!.zh).toContain('规则：after_sales.attributed_excursion');
    expect(approved.text!.zh).toContain(`理赔编号：${stored.claimId}`);
    expect(approved.text!.zh).toContain('责任方：南北干线冷运');
    expect(approved.links!.console).toBe(`${PUBLIC_URL}/console#after-sales/${request.id}`);
    // The consumer's order number never leaves the store.
    expect(receiver.received.some((r) => r.body.includes('DY2026-AS-0001'))).toBe(false);
    // The robot speaks Chinese.
    const robot = await eventually('the robot messages', async () => {
      const texts = robotTexts().filter((t) => t.includes(request.id));
      return texts.length >= 3 ? texts : undefined;
    });
    expect(robot.some((t) => t.includes('售后·已自动批准'))).toBe(true);

    // The platform hears of the approval on which it advanced money, not of the report.
    const platform = await eventually('the advance at the platform', async () => hooksOf('platform').find((h) => h.type === 'after_sales.approved' && h.request?.id === request.id));
    expect(platform.request).toMatchObject({ advancedCents: 30_000, claimId: stored.claimId });
    expect(hooksOf('platform').some((h) => h.type === 'after_sales.received')).toBe(false);

    // The claim filed for the request reaches the carrier like any new claim.
    const claim = await eventually('the claim at the carrier', async () => hooksOf(CARRIER).find((h) => h.type === 'claim.filed' && h.claim?.id === stored.claimId));
    expect(claim.claim).toMatchObject({ liableOrgId: CARRIER });
    // The carrier is not told of the consumer's request itself.
    expect(hooksOf(CARRIER).some((h) => h.type.startsWith('after_sales.'))).toBe(false);
    // Once each (delivery keys per step and destination).
    const keys = receiver.received.filter((r) => r.body.includes(request.id)).map((r) => String(r.headers['x-coldchain-delivery']));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('escalates a request the streamer left undecided for 48 h, on the rules timer, and tells the platform', async () => {
    // Reported 49 h ago on the clean shipment (the consumer's side as the API runs it, dated back).
    const reportedAt = Date.now() - 49 * HOUR;
    const workflow = createAfterSalesWorkflow({ ops, profiles: { get: async (id) => PROFILES[id] }, payouts: new RecordingPayouts(), clock: { now: () => reportedAt }, log: pino({ level: 'silent' }) });
    const made = await workflow.report({ shipment: (await ops.getShipment('LZ-AS2'))!, badCount: 1, totalCount: 40, boxes: 1, orderRef: null, photos: [] });
    if (!made.ok) throw new Error(JSON.stringify(made));
    expect(made.request.state).toBe('awaiting_shipper');

    // The rules' timers tick every 10 s outside the demo.
    const escalation = await eventually('the escalation at the platform', async () => hooksOf('platform').find((h) => h.type === 'after_sales.escalated' && h.request?.id === made.request.id), 30_000);
    expect(escalation.request!.state).toBe('escalated');
    expect(escalation.text!.zh).toMatch(/^【售后·已升级至平台】主播 48 小时内未处理，由平台处理/);
    expect(escalation.text!.zh).toContain('补偿方案：补发坏果 1 个（价值 ¥7.50）');
    expect(escalation.text!.en).toMatch(/^\[After-sales, escalated\]/);
    await eventually('the escalation at the shipper', async () => hooksOf(SHIPPER).find((h) => h.type === 'after_sales.escalated' && h.request?.id === made.request.id));
  });
});
