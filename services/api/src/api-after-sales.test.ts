import pino from 'pino';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createAfterSalesWorkflow, RecordingPayouts } from '@coldchain/after-sales';
import { PROFILES } from '@coldchain/domain';
import { seedReeferClaim } from './claim-fixture.ts';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 5, 10);

/**
 * Two shipments of a co-op's lychees, 10 boxes worth ¥3,000: shp-1 held by a reefer carrier with an
 * excursion attributed to it and a claim (goods share ¥400) against it; shp-2 with a clean record.
 */
async function seed(api: TestApi) {
  for (const org of [
    { id: 'platform', name: '平台运营', kind: 'platform' },
    { id: 'coop', name: '合作社', kind: 'shipper' },
    { id: 'reefer', name: '南北冷运', kind: 'carrier' },
  ]) {
    await api.call('POST', '/api/v1/organisations', org);
  }
  for (const n of [1, 2]) {
    await api.call('POST', '/api/v1/devices', { id: `logger-${n}`, ownerOrgId: 'coop' });
    await api.call('POST', '/api/v1/shipments', { id: `shp-${n}`, profileId: 'lychee', shipperOrgId: 'coop', deviceId: `logger-${n}`, origin: '海口', destination: '上海', boxes: 10, goodsValueCents: 300_000, freightCents: 40_000, startedAt: T0 });
    await api.call('POST', `/api/v1/shipments/shp-${n}/handoffs`, { at: T0 + HOUR, stage: 'first_mile', toOrgId: 'reefer' });
  }
  const { claim } = await seedReeferClaim(api.ops, T0, { amountCents: 80_000, goodsShareCents: 40_000, freightCents: 40_000 });
  const trace = async (id: string) => (await api.ops.getShipment(id))!.traceCode;
  return { claimId: claim.id, trace1: await trace('shp-1'), trace2: await trace('shp-2') };
}

/** A phone photo: JPEG with GPS position, camera and owner in its EXIF. */
async function phoneJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#7a2e1f' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneMaker', Artist: '张三 13800138000' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '20/1 2/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '110/1 20/1 0/1' } })
    .toBuffer();
}

async function post(baseUrl: string, traceCode: string, fields: Record<string, string>, photos: Array<{ bytes: Buffer; name: string; type: string }> = []) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const p of photos) form.append('photos', new Blob([new Uint8Array(p.bytes)], { type: p.type }), p.name);
  const response = await fetch(`${baseUrl}/api/v1/trace/${traceCode}/after-sales`, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as any, headers: response.headers };
}

describe('after-sales requests (issue 13, items 3 and 4)', () => {
  const api = useTestApi(seed);

  it('approves at once on an attributed excursion, advances against the claim capped by its goods share, pays, and strips the photos', async () => {
    const jpeg = await phoneJpeg();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const png = await sharp({ create: { width: 30, height: 30, channels: 4, background: '#00ff0080' } }).png().toBuffer();
    // 12 of 40 bad (30 % > 10 %): full refund of one box, ¥300, of which the claim's ¥400 goods share covers all.
    const first = await post(api.baseUrl, api.trace1, { badCount: '12', totalCount: '40', orderRef: 'DY2026061001' }, [
      { bytes: jpeg, name: 'IMG_0001.jpg', type: 'image/jpeg' },
      { bytes: png, name: 'shot.png', type: 'image/png' },
    ]);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ state: 'paid', remedy: 'full_refund', valueCents: 30_000, photoCount: 2, decision: { ruleId: 'after_sales.attributed_excursion' } });
    expect(first.body).not.toHaveProperty('orderRef');
    expect(first.body.history.map((h: any) => h.state)).toEqual(['received', 'approved', 'paid']);
    expect(first.headers.get('location')).toBe(`/api/v1/trace/${api.trace1}/after-sales/${first.body.id}`);

    // The second request is capped by what is left of the goods share (¥100), never on top of it.
    const second = await post(api.baseUrl, api.trace1, { badCount: '12', totalCount: '40', boxes: '1' });
    expect(second.body).toMatchObject({ state: 'paid', valueCents: 30_000 });
    const claim = (await api.call('GET', `/api/v1/claims/${api.claimId}`)).body;
    expect(claim.claim.advancedCents).toBe(40_000);
    expect(claim.history.filter((e: any) => e.action.kind === 'advance').map((e: any) => e.action.amountCents)).toEqual([30_000, 10_000]);

    const shipper = await api.signIn('coop', 'operator', '合作社 李姐');
    const detail = (await shipper.call('GET', `/api/v1/after-sales/${first.body.id}`)).body;
    expect(detail.request).toMatchObject({ orderRef: 'DY2026061001', claimId: api.claimId, liableOrgId: 'reefer', advancedCents: 30_000 });
    expect(detail.payout).toMatchObject({ provider: 'recorded', payer: 'platform', kind: 'refund', amountCents: 30_000 });
    expect(detail.photos).toHaveLength(2);
    const listed = (await shipper.call('GET', '/api/v1/after-sales')).body.items.find((r: any) => r.id === first.body.id);
    expect(listed).toMatchObject({ claim: { id: api.claimId, liableOrgId: 'reefer', advancedCents: 40_000 }, photos: detail.photos });
    const photo = await fetch(`${api.baseUrl}${detail.photos[0]}`, { headers: { authorization: `Bearer ${await api.apiKey('coop', 'viewer')}` } });
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await photo.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();

    // The consumer follows it without an account; the carrier sees no after-sales request.
    const followed = await fetch(`${api.baseUrl}/api/v1/trace/${api.trace1}/after-sales/${first.body.id}`);
    expect(await followed.json()).toMatchObject({ id: first.body.id, state: 'paid', stateName: { zh: '已赔付' } });
    expect((await fetch(`${api.baseUrl}/api/v1/trace/${api.trace2}/after-sales/${first.body.id}`)).status).toBe(404);
    const carrier = await api.signIn('reefer', 'admin');
    expect((await carrier.call('GET', `/api/v1/after-sales/${first.body.id}`)).status).toBe(404);
    expect((await carrier.call('GET', '/api/v1/after-sales')).body.items).toEqual([]);
  });

  it('never advances past the goods share when reports arrive at once', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => post(api.baseUrl, api.trace1, { badCount: '12', totalCount: '40', orderRef: `SAME-TIME-${i}` })));
    expect(answers.map((a) => a.body.state)).toEqual(['paid', 'paid', 'paid', 'paid', 'paid']);
    const claim = (await api.call('GET', `/api/v1/claims/${api.claimId}`)).body;
    expect(claim.claim.advancedCents).toBe(40_000);
    const requests = await api.ops.afterSales.list({ shipmentId: 'shp-1', limit: 10 });
    expect(requests.reduce((sum, r) => sum + r.advancedCents, 0)).toBe(40_000);
    expect(requests.filter((r) => r.advancedCents === 0).length).toBe(3);
  });

  it('does not charge a party again once its claim was withdrawn, names nobody to the consumer, and leaves the platform out until escalation', async () => {
    const shipper = await api.signIn('coop', 'operator', '合作社 李姐');
    expect((await shipper.call('POST', `/api/v1/claims/${api.claimId}/withdraw`, { reason: '索赔对象错误' })).status).toBe(200);
    const report = await post(api.baseUrl, api.trace1, { badCount: '12', totalCount: '40' });
    expect(report.body).toMatchObject({ state: 'awaiting_shipper', decision: { ruleId: 'after_sales.claim_closed' } });
    expect(report.body.decision.reason.zh).toContain('索赔已结束');
    expect((await api.ops.listClaims({ shipmentId: 'shp-1' })).map((c) => c.status)).toEqual(['withdrawn']);
    expect(JSON.stringify(report.body)).not.toMatch(/南北冷运|reefer/);

    const platform = await api.signIn('platform', 'operator', '平台 客服');
    const early = await platform.call('POST', `/api/v1/after-sales/${report.body.id}/decide`, { decision: 'approve' });
    expect([early.status, early.body.error.code]).toEqual([403, 'after_sales.not_your_turn']);
    // One click: approving needs no reason.
    const approved = await shipper.call('POST', `/api/v1/after-sales/${report.body.id}/decide`, { decision: 'approve' });
    expect(approved.body.request).toMatchObject({ state: 'paid', decisionRuleId: 'after_sales.approved_by_shipper' });
    expect(await api.ops.afterSales.getPayout(report.body.id)).toMatchObject({ payer: 'shipper' });
  });

  it('says who pays when the advance was capped part way, and never names the carrier on the public answer', async () => {
    const first = await post(api.baseUrl, api.trace1, { badCount: '12', totalCount: '40' });
    const second = await post(api.baseUrl, api.trace1, { badCount: '12', totalCount: '40' });
    expect([first.body.state, second.body.state]).toEqual(['paid', 'paid']);
    expect(await api.ops.afterSales.getPayout(first.body.id)).toMatchObject({ payer: 'platform', amountCents: 30_000 });
    expect(await api.ops.afterSales.getPayout(second.body.id)).toMatchObject({ payer: 'shared', amountCents: 30_000 });
    expect(second.body.history.at(-1).reason.zh).toContain('平台先行垫付 ¥100.00，其余 ¥200.00 由主播支付');
    // What the consumer reads of the ruling promises nothing about who pays: the payment step says it.
    expect(second.body.decision.reason.zh).not.toContain('垫付');
    for (const answer of [first, second]) expect(JSON.stringify(answer.body)).not.toMatch(/南北冷运|reefer/);
  });

  it('reads counts as digits only, full-width too, and names a missing field and an oversized image', async () => {
    expect((await post(api.baseUrl, api.trace2, { badCount: '0x10', totalCount: '40' })).body.error.message).toContain('badCount must be a whole number');
    expect((await post(api.baseUrl, api.trace2, { badCount: '1e1', totalCount: '40' })).status).toBe(400);
    expect((await post(api.baseUrl, api.trace2, { totalCount: '40' })).body.error.message).toContain('badCount: required');
    const big = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#222' } }).png({ compressionLevel: 1 }).toBuffer();
    const huge = await post(api.baseUrl, api.trace2, { badCount: '1', totalCount: '40' }, [{ bytes: big, name: 'big.png', type: 'image/png' }]);
    expect([huge.status, huge.body.error.message]).toEqual([422, expect.stringContaining('million pixels')]);
    const fullWidth = await post(api.baseUrl, api.trace2, { badCount: '１２', totalCount: '４０' });
    expect(fullWidth.body).toMatchObject({ badCount: 12, totalCount: 40 });
  });

  it('leaves a clean record to the streamer, who decides; the consumer reads the reason', async () => {
    const before = Date.now();
    const report = await post(api.baseUrl, api.trace2, { badCount: '3', totalCount: '40' });
    // 3 of 40 = 7.5 %: resend the order.
    expect(report.body).toMatchObject({ state: 'awaiting_shipper', remedy: 'resend_order', resend: { boxes: 1 }, decision: { ruleId: 'after_sales.shipper_decides' } });
    expect(report.body.decideBy - report.body.reportedAt).toBe(24 * HOUR);
    expect(report.body.escalateAt - report.body.reportedAt).toBe(48 * HOUR);
    expect(report.body.reportedAt).toBeGreaterThanOrEqual(before);

    const shipper = await api.signIn('coop', 'operator', '合作社 李姐');
    const queue = (await shipper.call('GET', '/api/v1/after-sales?state=open')).body.items;
    expect(queue.map((r: any) => [r.id, r.state, r.shipment.traceCode])).toEqual([[report.body.id, 'awaiting_shipper', api.trace2]]);
    const viewer = await api.signIn('coop', 'viewer');
    expect((await viewer.call('POST', `/api/v1/after-sales/${report.body.id}/decide`, { decision: 'reject', reason: 'x' })).status).toBe(403);
    expect((await shipper.call('POST', `/api/v1/after-sales/${report.body.id}/decide`, { decision: 'reject' })).body.error.message).toContain('reason');
    expect((await shipper.call('POST', `/api/v1/after-sales/${report.body.id}/decide`, { decision: 'reject', reason: '\u200b\u200b \u2060' })).status).toBe(400);
    const rejected = await shipper.call('POST', `/api/v1/after-sales/${report.body.id}/decide`, { decision: 'reject', reason: '照片显示为机械损伤，非冷链问题' });
    expect(rejected.body.request).toMatchObject({ state: 'rejected', decisionRuleId: 'after_sales.rejected_by_shipper' });
    expect((await shipper.call('POST', `/api/v1/after-sales/${report.body.id}/decide`, { decision: 'approve', reason: 'x' })).body.error.code).toBe('after_sales.not_open');
    const followed = (await (await fetch(`${api.baseUrl}/api/v1/trace/${api.trace2}/after-sales/${report.body.id}`)).json()) as any;
    expect(followed.state).toBe('rejected');
    expect(followed.decision.reason.zh).toContain('照片显示为机械损伤');
    expect(JSON.stringify(followed)).not.toContain('李姐');
  });

  it('reminds the streamer, escalates at 48 h, and the platform decides; timers work from the store', async () => {
    let now = Date.now();
    const workflow = createAfterSalesWorkflow({ ops: api.ops, profiles: { get: async (id) => PROFILES[id] }, payouts: new RecordingPayouts(), clock: { now: () => now }, log: pino({ level: 'silent' }) });
    const shipment = (await api.ops.getShipment('shp-2'))!;
    const made = await workflow.report({ shipment, badCount: 1, totalCount: 40, boxes: 1, orderRef: null, photos: [] });
    if (!made.ok) throw new Error(JSON.stringify(made));
    expect(made.request).toMatchObject({ state: 'awaiting_shipper', remedy: 'resend_bad_count', resend: { fruits: 1 } });
    expect(await workflow.tick()).toMatchObject({ reminded: [], escalated: [] });
    now += 22 * HOUR;
    expect((await workflow.tick()).reminded).toEqual([made.request.id]);
    expect((await workflow.tick()).reminded).toEqual([]);
    now += 26 * HOUR;
    expect((await workflow.tick()).escalated).toEqual([made.request.id]);
    const platform = await api.signIn('platform', 'operator', '平台 客服');
    const decided = await platform.call('POST', `/api/v1/after-sales/${made.request.id}/decide`, { decision: 'approve', reason: '主播超时未处理，平台判定补发' });
    expect(decided.body.request).toMatchObject({ state: 'paid', decisionRuleId: 'after_sales.approved_by_platform' });
    expect(decided.body.history.map((h: any) => [h.action, h.to])).toEqual([['report', 'received'], ['judge', 'awaiting_shipper'], ['remind', 'awaiting_shipper'], ['escalate', 'escalated'], ['approve', 'approved'], ['pay', 'paid']]);
    expect((await api.ops.afterSales.getPayout(made.request.id))).toMatchObject({ payer: 'shipper', kind: 'resend' });
  });

  it('refuses what the contract forbids, naming the field', async () => {
    const cases: Array<[Record<string, string>, Array<{ bytes: Buffer; name: string; type: string }>, number, string]> = [
      [{ badCount: '41', totalCount: '40' }, [], 400, 'badCount'],
      [{ badCount: '0', totalCount: '40' }, [], 400, 'badCount'],
      [{ badCount: '2', totalCount: '40', phone: '13800138000' }, [], 400, 'phone'],
      [{ badCount: '2', totalCount: '40', orderRef: '订单 138 0013 8000' }, [], 400, 'orderRef'],
      [{ badCount: '2', totalCount: '40', boxes: '11' }, [], 400, 'boxes'],
      [{ badCount: '2', totalCount: '40' }, [{ bytes: Buffer.from('not a picture, just text'), name: 'bad.jpg', type: 'image/jpeg' }], 422, 'photos[0]'],
      [{ badCount: '2', totalCount: '40' }, [{ bytes: Buffer.alloc(9 * 1024 * 1024, 0xff), name: 'huge.jpg', type: 'image/jpeg' }], 413, 'photos[0]'],
    ];
    for (const [fields, photos, status, field] of cases) {
      const answer = await post(api.baseUrl, api.trace2, fields, photos);
      expect([answer.status, answer.body.error.message], JSON.stringify(fields)).toEqual([status, expect.stringContaining(field)]);
    }
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
    const four = Array.from({ length: 4 }, (_, i) => ({ bytes: png, name: `${i}.png`, type: 'image/png' }));
    expect((await post(api.baseUrl, api.trace2, { badCount: '2', totalCount: '40' }, four)).body.error.message).toContain('at most 3');
    expect((await post(api.baseUrl, 'NO-SUCH-TRACE-CODE', { badCount: '2', totalCount: '40' })).status).toBe(404);
    expect((await api.ops.afterSales.list({ limit: 100 })).length).toBe(0);
  });

  it('takes JSON without photos, and refuses the same order twice and more boxes than the shipment has', async () => {
    const json = await fetch(`${api.baseUrl}/api/v1/trace/${api.trace2}/after-sales`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ badCount: 1, totalCount: 40, boxes: 6, orderRef: 'ORDER-1' }) });
    expect(json.status).toBe(201);
    const duplicate = await fetch(`${api.baseUrl}/api/v1/trace/${api.trace2}/after-sales`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"badCount":1,"badCount":39,"totalCount":40}' });
    expect([duplicate.status, ((await duplicate.json()) as any).error.message]).toEqual([400, expect.stringContaining('"badCount" appears twice')]);
    const again = await post(api.baseUrl, api.trace2, { badCount: '1', totalCount: '40', orderRef: 'ORDER-1' });
    expect([again.status, again.body.error.code]).toEqual([409, 'after_sales.duplicate_order']);
    const tooMany = await post(api.baseUrl, api.trace2, { badCount: '1', totalCount: '40', boxes: '5' });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([409, 'after_sales.boxes_exhausted']);
  });

  it('limits reports per address and hour', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await post(api.baseUrl, api.trace2, { badCount: '1', totalCount: '400', orderRef: `ORDER-${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    const last = await post(api.baseUrl, api.trace2, { badCount: '1', totalCount: '400' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.body.error.message).toMatch(/售后申请提交过于频繁.*Too many reports/);
  });

  it('takes the shipper\'s own thresholds, per product over all products', async () => {
    const admin = await api.signIn('coop', 'admin');
    expect((await admin.call('PUT', '/api/v1/organisations/coop/compensation-settings', { profileId: '*', fullRefundAbovePercent: 4, resendFromPercent: 5 })).body.error.message).toContain('resendFromPercent');
    expect((await admin.call('PUT', '/api/v1/organisations/coop/compensation-settings', { profileId: 'lychee', fullRefundAbovePercent: 2, resendFromPercent: 1 })).status).toBe(200);
    expect((await admin.call('PUT', '/api/v1/organisations/reefer/compensation-settings', { profileId: '*', fullRefundAbovePercent: 2, resendFromPercent: 1 })).status).toBe(404);
    // 1 of 40 = 2.5 % > 2 %: a full refund for this shipper's lychees.
    expect((await post(api.baseUrl, api.trace2, { badCount: '1', totalCount: '40' })).body.remedy).toBe('full_refund');
    expect((await admin.call('GET', '/api/v1/organisations/coop/compensation-settings')).body.settings).toEqual([{ profileId: 'lychee', fullRefundAbovePercent: 2, resendFromPercent: 1 }]);
  });
});
