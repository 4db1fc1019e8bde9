import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, HUB_AC_FAILURE, JourneyRunner, planJourney, replayJourney } from '@coldchain/firmware-sim';
import type { ApiClient, JourneySpec } from '@coldchain/firmware-sim';
import { verifyWebhookSignature } from '@coldchain/notify';
import type { Alert, Claim, Review } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';
import { startReceiver } from './helpers/webhook-receiver.ts';

const HOUR = 3_600_000;
const START = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;

const HOOK_SECRET = 'hub-webhook-secret-review-0001';
type HookEvent = { type: string; claim?: { id: string } };

/** The events of one receipt: one event, or a shipment's events grouped. */
const eventsOf = (body: string): HookEvent[] => {
  const parsed = JSON.parse(body) as HookEvent & { events?: HookEvent[] };
  return parsed.type === 'notification.group' ? parsed.events! : [parsed];
};

type ReviewView = Review & { shipment: { id: string; origin: string; destination: string } | null; alert: Alert | null };

/**
 * The hub's air-conditioning fails 15 min into its leg (5 h after departure), but the logger recorded
 * nothing from 4 h to 6 h: the gap covers the handoff from the first-mile carrier to the hub, so the data
 * cannot say in whose hands the fruit warmed. No automatic claim: the excursion waits in the platform's
 * review queue (issue 9, item 4).
 */
function gapOverHandoff(id: string, seed: number): JourneySpec {
  const plan = planJourney({ startAt: START, seed, acFailure: HUB_AC_FAILURE });
  const readings = plan.readings.filter((r) => r.ts < START + 4 * HOUR || r.ts >= START + 6 * HOUR);
  return {
    shipmentId: id, deviceId: `logger-${id}`, plan: { ...plan, readings }, orgs: DEMO_ROLE_ORGS,
    origin: '海南省海口市', destination: '湖北省武汉市', boxes: 300, goodsValueCents: 300 * 9_900, freightCents: 300 * 1_500,
  };
}

describe('review queue: an excursion the data cannot attribute is decided by the platform', () => {
  let service: RunningService;
  let api: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const decidedForHub = gapOverHandoff('LZ-REV-HUB', 31);
  const decidedForNobody = gapOverHandoff('LZ-REV-NONE', 32);

  const reviewOf = async (shipmentId: string) => {
    const { reviews } = await api.call<{ reviews: ReviewView[] }>('GET', `/api/v1/reviews?shipmentId=${shipmentId}`);
    expect(reviews).toHaveLength(1);
    return reviews[0]!;
  };
  const claimsOf = async (shipmentId: string) => (await api.call<{ claims: Claim[] }>('GET', `/api/v1/claims?shipmentId=${shipmentId}`)).claims;
  /** Posts a decision; answers the status and body whatever they are. */
  async function decide(reviewId: string, body: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${service.info.apiUrl}/api/v1/reviews/${reviewId}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.info.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    await api.upsertOrganisation({ id: 'sz-other-hub', name: '深圳另一冷库', nameEn: 'Another Shenzhen hub', kind: 'warehouse' });
    receiver = await startReceiver();
    await api.call('PUT', '/api/v1/organisations/gz-baiyun-hub/channels', { channels: [{ id: 'ops-webhook', type: 'webhook', url: `${receiver.url}/hook`, secret: HOOK_SECRET }] });
    for (const spec of [decidedForHub, decidedForNobody]) {
      await replayJourney(spec, api, service.info.mqttUrl);
      await eventually(`${spec.shipmentId} stored and its excursion cleared`, async () => {
        const stored = (await api.call<{ readings: unknown[] }>('GET', `/api/v1/devices/${spec.deviceId}/readings?limit=100000`)).readings.length;
        const { alerts } = await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${spec.shipmentId}`);
        return stored === spec.plan.readings.length && alerts[0]?.conditionState === 'cleared' ? true : undefined;
      });
    }
  });
  afterAll(async () => {
    await service?.stop();
    receiver?.server.close();
  });

  it('puts the excursion in the review queue with its shipment, alert and reason, and files no claim on its own', async () => {
    const review = await reviewOf(decidedForHub.shipmentId);
    expect(review).toMatchObject({ state: 'open', decision: null, shipment: { id: decidedForHub.shipmentId, origin: '海南省海口市' } });
    expect(review.alert).toMatchObject({ kind: 'excursion', ruleId: 'high', attribution: { status: 'indeterminate', orgId: null } });
    expect(review.reason.zh).toContain('需人工复核');
    expect(review.reason.zh).toContain('交接给广州白云冷链枢纽仓');
    expect(review.reason.en).toContain('flagged for review');
    expect(review.createdAt).toBeGreaterThan(0);
    expect(await claimsOf(decidedForHub.shipmentId)).toEqual([]);
    const open = await api.call<{ reviews: ReviewView[] }>('GET', '/api/v1/reviews?state=open');
    expect(open.reviews.map((r) => r.shipmentId).sort()).toEqual([decidedForHub.shipmentId, decidedForNobody.shipmentId].sort());
  });

  it('refuses a liable party that never held the shipment, naming the field', async () => {
    const review = await reviewOf(decidedForHub.shipmentId);
    for (const liableOrgId of ['sz-other-hub', 'no-such-org']) {
      const refused = await decide(review.id, { liableOrgId, reason: '猜测' });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('body.liableOrgId');
      expect(refused.body.error.message).toContain('gz-baiyun-hub');
    }
    const noReason = await decide(review.id, { liableOrgId: 'gz-baiyun-hub', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain('body.reason');
    expect((await reviewOf(decidedForHub.shipmentId)).state).toBe('open');
    expect(await claimsOf(decidedForHub.shipmentId)).toEqual([]);
  });

  it("decided against the hub, files exactly one claim against the hub, and keeps the decision, who made it and why", async () => {
    const review = await reviewOf(decidedForHub.shipmentId);
    const reason = '枢纽仓温控日志显示 5 小时 15 分起空调停机，交接时探针 5 °C 正常';
    const decided = await decide(review.id, { liableOrgId: 'gz-baiyun-hub', reason });
    expect(decided.status).toBe(200);
    const claims = await claimsOf(decidedForHub.shipmentId);
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({
      liableOrgId: 'gz-baiyun-hub',
      alertId: review.alertId,
      amountCents: decidedForHub.goodsValueCents + decidedForHub.freightCents,
      currency: 'CNY',
    });
    expect(claims[0]!.reason.zh).toContain(reason);
    expect(decided.body.claim).toEqual(claims[0]);

    // The hub is told through its webhook, signed, exactly once (the API files the claim; the rules'
    // outbox delivers it).
    const claimReceipts = () => receiver.received.filter((r) => r.path === '/hook' && eventsOf(r.body).some((e) => e.type === 'claim.filed' && e.claim?.id === claims[0]!.id));
    const [receipt] = await eventually('the claim at the hub webhook', async () => (claimReceipts().length > 0 ? claimReceipts() : undefined));
    expect(verifyWebhookSignature(HOOK_SECRET, String(receipt!.headers['x-coldchain-timestamp']), receipt!.body, String(receipt!.headers['x-coldchain-signature']), Date.now()).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(claimReceipts()).toHaveLength(1);
    expect(await reviewOf(decidedForHub.shipmentId)).toMatchObject({
      state: 'decided',
      decision: { liableOrgId: 'gz-baiyun-hub', reason, decidedBy: 'platform admin token 平台管理令牌', claimId: claims[0]!.id },
    });

    // Decided once: a second decision is refused and files nothing.
    const again = await decide(review.id, { liableOrgId: 'hk-shunda-cold', reason: '改判' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('review.decided');
    expect(await claimsOf(decidedForHub.shipmentId)).toHaveLength(1);
    expect((await reviewOf(decidedForHub.shipmentId)).decision?.liableOrgId).toBe('gz-baiyun-hub');
  });

  it('decided as nobody liable, files no claim and keeps the decision', async () => {
    const review = await reviewOf(decidedForNobody.shipmentId);
    const decided = await decide(review.id, { liableOrgId: null, reason: '到货抽检果实完好，不予索赔' });
    expect(decided.status).toBe(200);
    expect(decided.body.claim).toBeNull();
    expect(await claimsOf(decidedForNobody.shipmentId)).toEqual([]);
    expect(await reviewOf(decidedForNobody.shipmentId)).toMatchObject({ state: 'decided', decision: { liableOrgId: null, reason: '到货抽检果实完好，不予索赔', decidedBy: 'platform admin token 平台管理令牌', claimId: null } });
    expect((await api.call<{ reviews: ReviewView[] }>('GET', '/api/v1/reviews?state=open')).reviews).toEqual([]);
  });

  it('decided while the excursion is still below the claim threshold, files the claim when the excursion crosses it', async () => {
    const spec = gapOverHandoff('LZ-REV-EARLY', 33);
    const runner = new JourneyRunner(spec, api, service.info.mqttUrl);
    await runner.start();
    try {
      // Half an hour into the excursion (onset at 6 h, the first reading after the gap): under the hour
      // that makes a lychee excursion a claim.
      await runner.advanceTo(START + 6 * HOUR + 30 * 60_000);
      const review = await eventually('the review', async () => (await api.call<{ reviews: ReviewView[] }>('GET', `/api/v1/reviews?shipmentId=${spec.shipmentId}`)).reviews[0]);
      const decided = await decide(review.id, { liableOrgId: 'gz-baiyun-hub', reason: '枢纽仓温控日志显示空调停机' });
      expect(decided.status).toBe(200);
      expect(decided.body.claim).toBeNull();
      expect(await claimsOf(spec.shipmentId)).toEqual([]);

      await runner.advanceTo(spec.plan.endAt);
    } finally {
      await runner.stop();
    }
    const claims = await eventually('the claim filed by rules', async () => {
      const filed = await claimsOf(spec.shipmentId);
      return filed.length > 0 ? filed : undefined;
    });
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ liableOrgId: 'gz-baiyun-hub', amountCents: spec.goodsValueCents + spec.freightCents });
    expect(claims[0]!.reason.zh).toContain('枢纽仓温控日志显示空调停机');
    // The review keeps its decision; the claim came later, from the rules service.
    expect((await reviewOf(spec.shipmentId)).decision).toMatchObject({ liableOrgId: 'gz-baiyun-hub', claimId: null });
  });

  it('needs the admin token, and answers 404 for an unknown review', async () => {
    expect((await fetch(`${service.info.apiUrl}/api/v1/reviews`)).status).toBe(401);
    expect((await decide('no-such-review', { liableOrgId: null, reason: 'x' })).status).toBe(404);
  });
});
