import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allInOneEnvSchema, buildAllInOne } from '@coldchain/all-in-one';
import type { AllInOneInfo } from '@coldchain/all-in-one';
import { systemClock } from '@coldchain/bus';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS, planJourney, replayJourney } from '@coldchain/firmware-sim';
import type { ApiClient, JourneySpec } from '@coldchain/firmware-sim';
import { SqliteOpsStore } from '@coldchain/storage';
import { verifyBundle } from '@coldchain/evidence';
import { strFromU8, unzipSync } from 'fflate';
import type { Alert, Claim, Review } from '@coldchain/storage';
import { eventually } from './helpers/all-in-one.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Math.floor((Date.now() - 3 * 86_400_000) / HOUR) * HOUR;
// The lychee journey (firmware-sim LYCHEE_JOURNEY): hub 5–11 h, line haul from 11 h. The fruit warms to
// 20 °C, past lychee's 15 °C high limit (plan document), from 20 min before the line-haul handoff, for 3 h:
// as scanned, the excursion began in the hub's leg. The line-haul scan was keyed in 40 min late: the
// reefer took the fruit at 10:20, before it warmed, so the excursion began in the line haul's custody.
const LINE_HAUL_AT = START + 11 * HOUR;
const WARM_FROM = LINE_HAUL_AT - 20 * MIN;
const WARM_TO = LINE_HAUL_AT + 3 * HOUR;
const CORRECTED_AT = LINE_HAUL_AT - 40 * MIN;
const HUB = DEMO_ROLE_ORGS.hub;
const LINE_HAUL = DEMO_ROLE_ORGS.line_haul;

function specOf(shipmentId: string, seed: number, warmFrom = WARM_FROM): JourneySpec {
  const plan = planJourney({ startAt: START, seed, intervalMs: MIN });
  const warmTo = warmFrom + (WARM_TO - WARM_FROM);
  const readings = plan.readings.map((r) => (r.ts >= warmFrom && r.ts < warmTo ? { ...r, tempC: 20 } : r));
  return {
    shipmentId, deviceId: `logger-${shipmentId}`, plan: { ...plan, readings }, orgs: DEMO_ROLE_ORGS,
    origin: '海南省海口市', destination: '湖北省武汉市', boxes: 300, goodsValueCents: 300 * 9_900, freightCents: 300 * 1_500,
  };
}

/** The whole service in-process over one data folder, which survives `stop` so it can start again on it. */
function serviceOn(dataDir: string) {
  const config = allInOneEnvSchema.parse({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', MQTT_PORT: '0', DEMO: '0', SQLITE_SYNC: 'NORMAL' });
  const service = buildAllInOne(config, { clock: systemClock, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }) });
  return { start: (): Promise<AllInOneInfo> => service.start(), stop: () => service.stop() };
}

describe('custody corrections re-judge attribution and claims through the running service (issue 11, item 6)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-corrections-'));
  let service: ReturnType<typeof serviceOn> | undefined;
  let info: AllInOneInfo;
  let api: ApiClient;

  async function start() {
    service = serviceOn(dataDir);
    info = await service.start();
    api = createApiClient(info.apiUrl, info.adminToken);
  }
  async function stop() {
    await service?.stop();
    service = undefined;
  }

  const views = (shipmentId: string) => ({
    alerts: async () => (await api.call<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=excursion&shipmentId=${shipmentId}`)).alerts,
    claims: async () => (await api.call<{ claims: Claim[] }>('GET', `/api/v1/claims?shipmentId=${shipmentId}`)).claims,
    lineHaulEventId: async () => (await api.call<{ events: { id: string; stage: string }[] }>('GET', `/api/v1/shipments/${shipmentId}/corrections`)).events.find((e) => e.stage === 'line_haul')!.id,
  });

  /** Replays the journey and waits until its claim is filed and the excursion has cleared. */
  async function replayUntilClaim(spec: JourneySpec): Promise<Claim> {
    await replayJourney(spec, api, info.mqttUrl);
    const { alerts, claims } = views(spec.shipmentId);
    return eventually(`${spec.shipmentId}: the claim filed and the excursion cleared`, async () => {
      const [alert] = await alerts();
      const [claim] = await claims();
      return alert?.conditionState === 'cleared' && claim ? claim : undefined;
    }, 60_000);
  }

  /** What a user sees once the correction is judged: the hub's claim withdrawn, the line haul's filed. */
  async function expectClaimPassedToLineHaul(shipmentId: string, hubClaim: Claim, correctedBy: string) {
    const { alerts, claims } = views(shipmentId);
    const all = await eventually('the hub claim withdrawn and the line-haul claim filed', async () => {
      const found = await claims();
      return found.length === 2 && found.some((c) => c.liableOrgId === LINE_HAUL && c.status === 'filed') ? found : undefined;
    });
    const withdrawn = all.find((c) => c.liableOrgId === HUB);
    expect(withdrawn).toMatchObject({ id: hubClaim.id, status: 'withdrawn', amountCents: hubClaim.amountCents, filedAt: hubClaim.filedAt });
    expect(withdrawn?.withdrawnAt).toBeGreaterThanOrEqual(hubClaim.filedAt);
    expect(withdrawn?.withdrawnReason?.en).toMatch(new RegExp(`^the custody record was corrected by ${correctedBy} \\(.+\\); on the corrected custody the excursion began in the Line-haul reefer leg held by .+; the claim passes to .+$`));
    expect(withdrawn?.withdrawnReason?.zh).toMatch(new RegExp(`^交接记录已由 ${correctedBy} 更正（原因：.+）；按更正后的交接记录，超标开始于由.+持有的「干线冷运」段`));
    const filed = all.find((c) => c.liableOrgId === LINE_HAUL);
    expect(filed).toMatchObject({ status: 'filed', alertId: hubClaim.alertId, amountCents: hubClaim.amountCents, withdrawnAt: null });
    const found = await alerts();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: hubClaim.alertId, activeAt: WARM_FROM, attribution: { status: 'attributed', orgId: LINE_HAUL } });
    expect(found[0]?.attribution.reason.en).toContain('Line-haul reefer leg');
  }

  /** Waits until the claim against `from` is withdrawn and one against `to` filed; returns both. */
  async function claimPassed(shipmentId: string, from: string, to: string) {
    const all = await eventually(`the claim passed from ${from} to ${to}`, async () => {
      const found = await views(shipmentId).claims();
      return found.some((c) => c.liableOrgId === from && c.status === 'withdrawn') && found.some((c) => c.liableOrgId === to && c.status === 'filed') ? found : undefined;
    });
    return { withdrawn: all.find((c) => c.liableOrgId === from)!, filed: all.find((c) => c.liableOrgId === to)!, count: all.length };
  }

  /** The rules' corrections cursor, read from the store beside the running service (WAL: readers welcome). */
  async function readCursor(): Promise<string | undefined> {
    const ops = new SqliteOpsStore(join(dataDir, 'ops.db'), 'NORMAL');
    try {
      return await ops.getSetting('rules.corrections.cursor');
    } finally {
      await ops.close();
    }
  }

  beforeAll(async () => {
    await start();
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
  });
  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a correction moving the line-haul handoff before the onset: the hub claim withdrawn with its reason, the line haul claimed, the trace shows the corrected legs', async () => {
    const spec = specOf('LZ-CORRECT-LIVE', 51);
    const hubClaim = await replayUntilClaim(spec);
    expect(hubClaim).toMatchObject({ liableOrgId: HUB, status: 'filed' });
    const { alerts } = views(spec.shipmentId);
    expect((await alerts())[0]?.attribution).toMatchObject({ status: 'attributed', orgId: HUB });
    const eventId = await views(spec.shipmentId).lineHaulEventId();

    // After delivery: the point of a correction.
    const corrected = await api.call<{ correction: { id: string }; legs: { stage: string; startedAt: number }[] }>('POST', `/api/v1/shipments/${spec.shipmentId}/corrections`, {
      eventId, at: CORRECTED_AT, reason: '干线扫码晚录 40 分钟 / line-haul scan keyed in 40 min late',
    });
    expect(corrected.legs.find((l) => l.stage === 'line_haul')?.startedAt).toBe(CORRECTED_AT);
    await expectClaimPassedToLineHaul(spec.shipmentId, hubClaim, 'platform admin token 平台管理令牌');

    // The evidence keeps both the scan and its correction, and still verifies offline (issue 11): the
    // attribution and the claim recomputed on the corrected custody, the withdrawn claim on record.
    const response = await fetch(new URL(`/api/v1/shipments/${spec.shipmentId}/evidence`, info.apiUrl), { headers: { authorization: `Bearer ${info.adminToken}` } });
    const report = await verifyBundle(new Uint8Array(await response.arrayBuffer()));
    expect(report).toMatchObject({ ok: true, summary: { excursions: 1, claims: 2 } });
    const files = unzipSync(new Uint8Array(await (await fetch(new URL(`/api/v1/shipments/${spec.shipmentId}/evidence`, info.apiUrl), { headers: { authorization: `Bearer ${info.adminToken}` } })).arrayBuffer()));
    const kinds = strFromU8(files['chain.jsonl']!).trim().split('\n').map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds.filter((k) => k === 'correction')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'custody')).toHaveLength(spec.plan.handoffs.length + 1);

    // The evidence keeps the scan as it was made, beside its correction.
    const record = await api.call<{ events: { id: string; at: number }[]; corrections: { eventId: string }[] }>('GET', `/api/v1/shipments/${spec.shipmentId}/corrections`);
    expect(record.events.find((e) => e.id === eventId)?.at).toBe(LINE_HAUL_AT);
    expect(record.corrections).toEqual([expect.objectContaining({ id: corrected.correction.id, eventId })]);

    // The consumer's trace shows the corrected legs.
    const { shipment } = await api.call<{ shipment: { traceCode: string } }>('GET', `/api/v1/shipments/${spec.shipmentId}`);
    const trace = await fetch(new URL(`/api/v1/trace/${shipment.traceCode}`, info.apiUrl)).then((r) => r.json() as Promise<{ legs: { stage: string; startedAt: number; endedAt: number | null }[] }>);
    expect(trace.legs.find((l) => l.stage === 'hub')?.endedAt).toBe(CORRECTED_AT);
    expect(trace.legs.find((l) => l.stage === 'line_haul')?.startedAt).toBe(CORRECTED_AT);

    // A second correction puts the scan's time back (the gate log was wrong): the hub is liable again and
    // gets a claim of its own; both withdrawn claims stay on record.
    await api.call('POST', `/api/v1/shipments/${spec.shipmentId}/corrections`, { eventId, at: LINE_HAUL_AT, reason: 'the scan was right after all' });
    const all = await eventually('the hub claimed again', async () => {
      const found = await views(spec.shipmentId).claims();
      return found.length === 3 && found.some((c) => c.liableOrgId === HUB && c.status === 'filed') ? found : undefined;
    });
    expect(all.map((c) => [c.liableOrgId, c.status]).sort()).toEqual([[HUB, 'filed'], [HUB, 'withdrawn'], [LINE_HAUL, 'withdrawn']].sort());
    expect(all.find((c) => c.liableOrgId === LINE_HAUL)?.withdrawnReason?.en).toContain('the Hub warehouse leg');
    expect((await alerts())[0]?.attribution).toMatchObject({ status: 'attributed', orgId: HUB });
  });

  it("a probe correction at the line-haul handoff (the fruit was already 18 °C): a pre-cooling failure, the hub's", async () => {
    // The fruit warms 30 min into the line haul: as scanned, the line haul's excursion.
    const spec = specOf('LZ-CORRECT-PROBE', 53, LINE_HAUL_AT + 30 * MIN);
    const lineHaulClaim = await replayUntilClaim(spec);
    expect(lineHaulClaim).toMatchObject({ liableOrgId: LINE_HAUL, status: 'filed' });
    const eventId = await views(spec.shipmentId).lineHaulEventId();
    await api.call('POST', `/api/v1/shipments/${spec.shipmentId}/corrections`, { eventId, probeTempC: 18, reason: '探针读数漏录 / probe reading left out' });

    const { withdrawn, filed, count } = await claimPassed(spec.shipmentId, LINE_HAUL, HUB);
    expect(count).toBe(2);
    expect(withdrawn).toMatchObject({ id: lineHaulClaim.id, withdrawnAt: expect.any(Number) });
    expect(withdrawn.withdrawnReason?.en).toBe('the custody record was corrected by platform admin token 平台管理令牌 (探针读数漏录 / probe reading left out); on the corrected custody the excursion began in the Hub warehouse leg held by Guangzhou Baiyun Cold Hub; the claim passes to Guangzhou Baiyun Cold Hub');
    expect(filed).toMatchObject({ alertId: lineHaulClaim.alertId, amountCents: lineHaulClaim.amountCents });
    const [alert] = await views(spec.shipmentId).alerts();
    expect(alert?.attribution).toMatchObject({ status: 'attributed', orgId: HUB });
    expect(alert?.attribution.reason.en).toContain('18.0 °C at the handoff to Nanbei Line-haul Reefers');
  });

  it('a party correction (another carrier took the line haul): the claim passes to it', async () => {
    const spec = specOf('LZ-CORRECT-PARTY', 54, LINE_HAUL_AT + 30 * MIN);
    const lineHaulClaim = await replayUntilClaim(spec);
    const eventId = await views(spec.shipmentId).lineHaulEventId();
    const courier = DEMO_ROLE_ORGS.last_mile;
    await api.call('POST', `/api/v1/shipments/${spec.shipmentId}/corrections`, { eventId, toOrgId: courier, reason: '转运车辆实为城市鲜达 / the truck was City Fresh' });

    const { withdrawn, filed } = await claimPassed(spec.shipmentId, LINE_HAUL, courier);
    expect(withdrawn.id).toBe(lineHaulClaim.id);
    expect(withdrawn.withdrawnReason?.zh).toContain('索赔转由城市鲜达快递承担');
    expect(filed).toMatchObject({ status: 'filed', alertId: lineHaulClaim.alertId });
    const [alert] = await views(spec.shipmentId).alerts();
    expect(alert?.attribution).toMatchObject({ status: 'attributed', orgId: courier });
    expect(alert?.routedTo).toContain(courier);
  });

  it('a gap over the handoff sent the excursion to review; a correction placing the handoff before the gap settles it', async () => {
    // No readings from 40 min before the line-haul handoff to 5 min after it, the fruit warm through it:
    // as scanned, the onset cannot be placed in a leg (a review, no claim).
    const warm = specOf('LZ-CORRECT-REVIEW', 55);
    const spec = { ...warm, plan: { ...warm.plan, readings: warm.plan.readings.filter((r) => r.ts < LINE_HAUL_AT - 40 * MIN || r.ts >= LINE_HAUL_AT + 5 * MIN) } };
    await replayJourney(spec, api, info.mqttUrl);
    const reviews = async () => (await api.call<{ reviews: Review[] }>('GET', `/api/v1/reviews?shipmentId=${spec.shipmentId}`)).reviews;
    const open = await eventually('the review opened and the excursion cleared', async () => {
      const [review] = await reviews();
      const [alert] = await views(spec.shipmentId).alerts();
      return review?.state === 'open' && alert?.conditionState === 'cleared' ? review : undefined;
    });
    expect(await views(spec.shipmentId).claims()).toEqual([]);

    // The reefer took the fruit 50 min before the scan on record: before the gap, so the gap is its own.
    const eventId = await views(spec.shipmentId).lineHaulEventId();
    await api.call('POST', `/api/v1/shipments/${spec.shipmentId}/corrections`, { eventId, at: LINE_HAUL_AT - 50 * MIN, reason: 'gate log shows the reefer loaded at 10:10' });

    const [claim] = await eventually('the line-haul claim filed', async () => {
      const found = await views(spec.shipmentId).claims();
      return found.length > 0 ? found : undefined;
    });
    expect(claim).toMatchObject({ liableOrgId: LINE_HAUL, status: 'filed' });
    const [review, ...more] = await reviews();
    expect(more).toEqual([]);
    expect(review).toMatchObject({ id: open.id, state: 'decided', decision: { liableOrgId: LINE_HAUL, decidedBy: 'system: custody correction', claimId: null } });
    expect(review?.decision?.reason).toContain('superseded: the corrected custody settles the attribution');
    const [alert] = await views(spec.shipmentId).alerts();
    expect(alert?.attribution).toMatchObject({ status: 'attributed', orgId: LINE_HAUL });
    expect(alert?.attribution.reason.en).toContain('with no handoff between them');
  });

  it("a correction leaves alone an excursion a person decided on review: the decision and its claim stand", async () => {
    const warm = specOf('LZ-CORRECT-DECIDED', 56);
    const spec = { ...warm, plan: { ...warm.plan, readings: warm.plan.readings.filter((r) => r.ts < LINE_HAUL_AT - 40 * MIN || r.ts >= LINE_HAUL_AT + 5 * MIN) } };
    await replayJourney(spec, api, info.mqttUrl);
    const reviews = async () => (await api.call<{ reviews: Review[] }>('GET', `/api/v1/reviews?shipmentId=${spec.shipmentId}`)).reviews;
    const open = await eventually('the review opened and the excursion cleared', async () => {
      const [review] = await reviews();
      const [alert] = await views(spec.shipmentId).alerts();
      return review?.state === 'open' && alert?.conditionState === 'cleared' ? review : undefined;
    });
    await api.call('POST', `/api/v1/reviews/${open.id}/decision`, { liableOrgId: HUB, reason: 'the hub door log shows the cold room open at 10:30' });
    const [decidedClaim] = await eventually('the decided claim', async () => {
      const found = await views(spec.shipmentId).claims();
      return found.length > 0 ? found : undefined;
    });
    const [before] = await views(spec.shipmentId).alerts();

    const eventId = await views(spec.shipmentId).lineHaulEventId();
    const corrected = await api.call<{ correction: { seq: number } }>('POST', `/api/v1/shipments/${spec.shipmentId}/corrections`, { eventId, at: LINE_HAUL_AT - 50 * MIN, reason: 'gate log' });
    // Judged once the rules' cursor passed this correction.
    await eventually('the correction judged', async () => {
      const cursor = Number(await readCursor());
      return cursor >= corrected.correction.seq ? true : undefined;
    });
    expect(await views(spec.shipmentId).claims()).toEqual([decidedClaim]);
    expect((await views(spec.shipmentId).alerts())[0]?.attribution).toEqual(before?.attribution);
    expect((await reviews())[0]).toMatchObject({ state: 'decided', decision: { liableOrgId: HUB, decidedBy: 'platform admin token 平台管理令牌' } });
  });

  it('a correction stored while the rules were not running is judged when they start (the store, not the bus, is the source of truth)', async () => {
    const spec = specOf('LZ-CORRECT-RESTART', 52);
    const hubClaim = await replayUntilClaim(spec);
    const eventId = await views(spec.shipmentId).lineHaulEventId();
    await stop();
    // Appended straight into the store while the service is down: no notice went out on any bus.
    const ops = new SqliteOpsStore(join(dataDir, 'ops.db'), 'NORMAL');
    try {
      const outcome = await ops.appendCorrection({ shipmentId: spec.shipmentId, eventId, changes: { at: CORRECTED_AT }, reason: 'scan keyed in late', correctedBy: 'night-shift@hub', recordedAt: Date.now() });
      expect(outcome.status).toBe('stored');
    } finally {
      await ops.close();
    }
    await start();
    await expectClaimPassedToLineHaul(spec.shipmentId, hubClaim, 'night-shift@hub');
  });

  it('a delivery corrected to before the onset: the excursion is no longer the shipment\'s, its claim withdrawn with why, and the evidence agrees', async () => {
    // The fruit warms in the last mile, 36 h into the journey, for 3 h 20 min (delivery scanned at 40 h):
    // the courier's claim. The delivery is then corrected to 35 h 30 min, before the onset.
    const spec = specOf('LZ-CORRECT-OUT', 57, START + 36 * HOUR);
    const claim = await replayUntilClaim(spec);
    expect(claim).toMatchObject({ liableOrgId: DEMO_ROLE_ORGS.last_mile, status: 'filed' });
    const { events } = await api.call<{ events: { id: string; stage: string }[] }>('GET', `/api/v1/shipments/${spec.shipmentId}/corrections`);
    await api.call('POST', `/api/v1/shipments/${spec.shipmentId}/corrections`, {
      eventId: events.find((e) => e.stage === 'delivered')!.id, at: START + 35.5 * HOUR, reason: '签收时间录错 / delivery time keyed wrong',
    });
    const withdrawn = await eventually('the claim withdrawn', async () => {
      const [found] = await views(spec.shipmentId).claims();
      return found?.status === 'withdrawn' ? found : undefined;
    });
    expect(withdrawn.withdrawnReason?.en).toMatch(/^the custody record was corrected by platform admin token 平台管理令牌 \(.+\); on the corrected custody the excursion began outside the journey/);
    expect(withdrawn.withdrawnReason?.zh).toContain('超标开始于本次运输之外');
    const response = await fetch(new URL(`/api/v1/shipments/${spec.shipmentId}/evidence`, info.apiUrl), { headers: { authorization: `Bearer ${info.adminToken}` } });
    expect(await verifyBundle(new Uint8Array(await response.arrayBuffer()))).toMatchObject({ ok: true, summary: { excursions: 0, claims: 1 } });
  });
});
