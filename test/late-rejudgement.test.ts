import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, JourneyRunner, LoggerDevice, planJourney } from '@coldchain/firmware-sim';
import type { ApiClient, JourneySpec } from '@coldchain/firmware-sim';
import type { Alert, Claim, Review } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;
// The lychee journey (firmware-sim LYCHEE_JOURNEY): hub 5–11 h, line haul from 11 h. The hub's cold room
// fails 20 min before it hands the fruit to the line haul: 20 °C, past lychee's 15 °C high limit (plan
// document), for 3 hours, on into the line haul.
const LINE_HAUL_AT = START + 11 * HOUR;
const WARM_FROM = LINE_HAUL_AT - 20 * MIN;
const WARM_TO = LINE_HAUL_AT + 3 * HOUR;
const HUB = DEMO_ROLE_ORGS.hub;
const LINE_HAUL = DEMO_ROLE_ORGS.line_haul;

function specOf(shipmentId: string, seed: number): JourneySpec {
  const plan = planJourney({ startAt: START, seed, intervalMs: MIN });
  const readings = plan.readings.map((r) => (r.ts >= WARM_FROM && r.ts < WARM_TO ? { ...r, tempC: 20 } : r));
  return {
    shipmentId, deviceId: `logger-${shipmentId}`, plan: { ...plan, readings }, orgs: DEMO_ROLE_ORGS,
    origin: '海南省海口市', destination: '湖北省武汉市', boxes: 300, goodsValueCents: 300 * 9_900, freightCents: 300 * 1_500,
  };
}

/**
 * The logger is silent over [from, to): live readings (handoffs included) up to 2 h into the line haul
 * first, until `judgedLive` holds; then the buffer of the silence is uploaded.
 */
async function liveThenBuffer(service: RunningService, api: ApiClient, spec: JourneySpec, from: number, to: number, judgedLive: () => Promise<true | undefined>) {
  const isSilent = (ts: number) => ts >= from && ts < to;
  const runner = new JourneyRunner({ ...spec, plan: { ...spec.plan, readings: spec.plan.readings.filter((r) => !isSilent(r.ts)) } }, api, service.info.mqttUrl);
  await runner.start();
  await runner.advanceTo(LINE_HAUL_AT + 2 * HOUR);
  await runner.stop();
  await eventually(`${spec.shipmentId} judged on the live readings`, judgedLive);
  const device = await LoggerDevice.connect(service.info.mqttUrl, spec.deviceId, await api.provisionDevice(spec.deviceId), runner.seed);
  try {
    await device.uploadBacklog(spec.plan.readings.filter((r) => isSilent(r.ts)));
  } finally {
    await device.close();
  }
}

describe('a re-judgement on late data puts right the claims and reviews of live data (issue 9, item 1)', () => {
  let service: RunningService;
  let api: ApiClient;
  const views = (shipmentId: string) => ({
    alerts: async () => (await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${shipmentId}`)).alerts,
    claims: async () => (await api.call<{ claims: Claim[] }>('GET', `/api/v1/claims?shipmentId=${shipmentId}`)).claims,
    reviews: async (state = '') => (await api.call<{ reviews: Review[] }>('GET', `/api/v1/reviews?shipmentId=${shipmentId}${state && `&state=${state}`}`)).reviews,
  });

  beforeAll(async () => {
    service = await startAllInOne();
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
  });
  afterAll(async () => {
    await service?.stop();
  });

  describe('a claim filed against the line haul, then the buffer shows the onset in the hub', () => {
    const spec = specOf('LZ-REJUDGE-CLAIM', 31);
    const { alerts, claims } = views(spec.shipmentId);
    let liveClaim: Claim;

    beforeAll(async () => {
      // Silent from 25 min before the handoff to 2 min after it: 28 min between readings, within lychee's
      // 30-min gap, so live the first warm reading (in the line haul) is the onset, and the claim is the
      // line haul's.
      await liveThenBuffer(service, api, spec, LINE_HAUL_AT - 25 * MIN, LINE_HAUL_AT + 2 * MIN, async () => {
        const [claim] = await claims();
        if (!claim) return undefined;
        liveClaim = claim;
        return true;
      });
      await eventually('the line-haul claim withdrawn and the hub claim filed', async () => ((await claims()).length === 2 ? true : undefined));
    });

    it('live, filed the claim against the line-haul carrier', () => {
      expect(liveClaim).toMatchObject({ liableOrgId: LINE_HAUL, status: 'filed', withdrawnAt: null, withdrawnReason: null });
    });

    it('withdraws the line-haul claim, keeping it with when and why, and files one against the hub', async () => {
      const all = await claims();
      const withdrawn = all.find((c) => c.liableOrgId === LINE_HAUL);
      expect(withdrawn).toMatchObject({ id: liveClaim.id, status: 'withdrawn', amountCents: liveClaim.amountCents, filedAt: liveClaim.filedAt });
      expect(withdrawn?.withdrawnAt).toBeGreaterThanOrEqual(liveClaim.filedAt);
      expect(withdrawn?.withdrawnReason?.en).toMatch(/^late readings show the excursion began in the Hub warehouse leg held by .+; the claim passes to .+$/);
      expect(withdrawn?.withdrawnReason?.zh).toContain('迟到');
      const filed = all.filter((c) => c.status === 'filed');
      expect(filed).toHaveLength(1);
      expect(filed[0]).toMatchObject({ liableOrgId: HUB, amountCents: spec.goodsValueCents + spec.freightCents, withdrawnAt: null });
    });

    it('keeps one alert, its onset moved into the hub leg and attributed to the hub', async () => {
      const found = await alerts();
      expect(found).toHaveLength(1);
      expect(found[0]?.activeAt).toBe(WARM_FROM);
      expect(found[0]?.attribution).toMatchObject({ status: 'attributed', orgId: HUB });
    });
  });

  describe('a gap over the handoff sends the excursion to review, then the buffer settles it', () => {
    const spec = specOf('LZ-REJUDGE-REVIEW', 32);
    const { alerts, claims, reviews } = views(spec.shipmentId);
    let openReview: Review;

    beforeAll(async () => {
      // Silent from 40 min before the handoff to 5 min after it: a 46-min gap across the handoff, so live
      // the onset cannot be placed in a leg.
      await liveThenBuffer(service, api, spec, LINE_HAUL_AT - 40 * MIN, LINE_HAUL_AT + 5 * MIN, async () => {
        const [review] = await reviews('open');
        if (!review) return undefined;
        openReview = review;
        return true;
      });
      await eventually('the review closed and the hub claim filed', async () => ((await claims()).length === 1 ? true : undefined));
    });

    it('live, opened a review and filed no claim', async () => {
      expect(openReview).toMatchObject({ state: 'open', decision: null });
      expect(openReview.reason.en).toContain('flagged for review');
    });

    it('closes the review as superseded by late data, naming the hub, and leaves the open queue', async () => {
      const [review, ...more] = await reviews();
      expect(more).toHaveLength(0);
      expect(review).toMatchObject({ id: openReview.id, state: 'decided', decision: { liableOrgId: HUB, decidedBy: 'system: late data', claimId: null } });
      expect(review?.decision?.reason).toContain('superseded');
      expect(await reviews('open')).toHaveLength(0);
    });

    it('files the claim against the hub by the normal path, and keeps one alert', async () => {
      expect(await claims()).toEqual([expect.objectContaining({ liableOrgId: HUB, status: 'filed', withdrawnAt: null })]);
      const found = await alerts();
      expect(found).toHaveLength(1);
      expect(found[0]?.attribution).toMatchObject({ status: 'attributed', orgId: HUB });
    });
  });
});
