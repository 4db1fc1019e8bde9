import { describe, expect, it } from 'vitest';
import { seedReeferClaim } from './claim-fixture.ts';
import { useTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 5, 10);

/** A co-op's shipment held by a reefer carrier, with an excursion attributed to it and a claim against it. */
async function seed(api: TestApi): Promise<{ claimId: string; alertId: string }> {
  for (const org of [
    { id: 'platform', name: '平台运营', kind: 'platform' },
    { id: 'coop', name: '合作社', kind: 'shipper' },
    { id: 'reefer', name: '南北冷运', kind: 'carrier' },
    { id: 'other', name: '别家冷运', kind: 'carrier' },
  ]) {
    await api.call('POST', '/api/v1/organisations', org);
  }
  await api.call('POST', '/api/v1/devices', { id: 'logger-1', ownerOrgId: 'coop' });
  await api.call('POST', '/api/v1/shipments', { id: 'shp-1', profileId: 'lychee', shipperOrgId: 'coop', deviceId: 'logger-1', origin: '海口', destination: '上海', boxes: 10, goodsValueCents: 300_000, freightCents: 40_000, startedAt: T0 });
  await api.call('POST', '/api/v1/shipments/shp-1/handoffs', { at: T0 + HOUR, stage: 'first_mile', toOrgId: 'reefer' });
  const { alert, claim } = await seedReeferClaim(api.ops, T0, { amountCents: 340_000, goodsShareCents: 300_000, freightCents: 40_000 });
  return { claimId: claim.id, alertId: alert.id };
}

describe('the claim lifecycle over HTTP (issue 13, item 1)', () => {
  const api = useTestApi(seed);

  it('goes acknowledged → disputed → upheld → advanced → recovered → settled, each by the party whose turn it is, with its history', async () => {
    const carrier = await api.signIn('reefer', 'operator', '冷运调度 王工');
    const shipper = await api.signIn('coop', 'operator', '合作社 李姐');
    const platform = await api.signIn('platform', 'operator', '平台 仲裁员');
    const url = (action: string) => `/api/v1/claims/${api.claimId}/${action}`;

    expect((await carrier.call('POST', url('acknowledge'))).body.claim).toMatchObject({ status: 'acknowledged', answeredAt: null });
    // The shipper cannot answer for the carrier, nor the carrier decide its own dispute.
    expect(await shipper.call('POST', url('accept'))).toMatchObject({ status: 403, body: { error: { code: 'claim.not_your_turn' } } });
    const disputed = await carrier.call('POST', url('dispute'), { reason: '交接时探针 6 °C，果温正常', evidence: ['https://example.com/probe-photo.jpg'] });
    expect(disputed.body.claim).toMatchObject({ status: 'disputed', answeredAt: expect.any(Number) });
    expect(await carrier.call('POST', url('decide'), { outcome: 'overturned', reason: '自己判' })).toMatchObject({ status: 403, body: { error: { code: 'claim.not_your_turn' } } });
    expect(await platform.call('POST', url('decide'), { outcome: 'maybe', reason: 'x' })).toMatchObject({ status: 400 });
    expect((await platform.call('POST', url('decide'), { outcome: 'upheld', reason: '温度曲线显示超标始于承运段' })).body.claim.status).toBe('upheld');

    // Advances are capped by the claim (goods share + freight), recovery by what was advanced.
    expect(await platform.call('POST', url('advance'), { amountCents: 340_001 })).toMatchObject({ status: 422, body: { error: { code: 'claim.amount_over_cap' } } });
    expect((await platform.call('POST', url('advance'), { amountCents: 300_000 })).body.claim).toMatchObject({ status: 'advanced', advancedCents: 300_000 });
    expect(await platform.call('POST', url('recover'), { amountCents: 300_001 })).toMatchObject({ status: 422 });
    expect((await platform.call('POST', url('recover'), { amountCents: 300_000 })).body.claim).toMatchObject({ status: 'recovered', recoveredCents: 300_000 });
    expect((await shipper.call('POST', url('settle'), { note: '已收到垫付' })).body.claim).toMatchObject({ status: 'settled', closedAt: expect.any(Number) });
    expect(await carrier.call('POST', url('accept'))).toMatchObject({ status: 409, body: { error: { code: 'claim.invalid_transition' } } });

    const shown = await shipper.call('GET', `/api/v1/claims/${api.claimId}`);
    expect(shown.body.yourParty).toBe('shipper');
    expect(shown.body.claim.statusName).toEqual({ zh: '已结案', en: 'settled' });
    expect(shown.body.history.map((e: any) => [e.action.kind, e.from, e.to, e.actor.name])).toEqual([
      ['acknowledge', 'filed', 'acknowledged', carrier.name],
      ['dispute', 'acknowledged', 'disputed', carrier.name],
      ['decide', 'disputed', 'upheld', platform.name],
      ['advance', 'upheld', 'advanced', platform.name],
      ['recover', 'advanced', 'recovered', platform.name],
      ['settle', 'recovered', 'settled', shipper.name],
    ]);
    expect(shown.body.history[1].action).toMatchObject({ reason: '交接时探针 6 °C，果温正常', evidence: ['https://example.com/probe-photo.jpg'] });
    expect(shown.body.evidence.bundle).toBe('/api/v1/shipments/shp-1/evidence');
    // Another carrier does not see it at all.
    const other = await api.signIn('other', 'admin');
    expect((await other.call('GET', `/api/v1/claims/${api.claimId}`)).status).toBe(404);
    expect((await other.call('POST', url('accept'))).status).toBe(404);
  });

  it('keeps the history of a withdrawn claim, and a re-judgement does not touch it again', async () => {
    const shipper = await api.signIn('coop', 'operator');
    const withdrawn = await shipper.call('POST', `/api/v1/claims/${api.claimId}/withdraw`, { reason: '消费者已撤诉' });
    expect(withdrawn.body.claim).toMatchObject({ status: 'withdrawn', withdrawnAt: expect.any(Number), closedAt: expect.any(Number) });
    expect(await api.ops.withdrawClaim(api.claimId, Date.now(), { zh: '重判', en: 're-judged' })).toBeUndefined();
    const history = (await shipper.call('GET', `/api/v1/claims/${api.claimId}`)).body.history;
    expect(history.map((e: any) => [e.action.kind, e.to])).toEqual([['withdraw', 'withdrawn']]);
    // The history cannot be edited in the database either.
    expect(() => (api.ops as unknown as { db: { exec(sql: string): void } }).db.exec('DELETE FROM claim_events')).toThrow(/append-only/);
  });
});
