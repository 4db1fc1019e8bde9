import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepMonth } from './scorecards/kept-months.ts';
import { excursionAlert, seedMonth, seedScorecardOrgs } from './scorecards/scorecard-seed.ts';
import { startTestApi } from './test-harness.ts';
import type { TestApi } from './test-harness.ts';

const HOUR = 3_600_000;
/** Times in Beijing (UTC+8) as epoch ms. */
const beijing = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h - 8, min);

/**
 * Scorecards kept per month over HTTP (issue 13, item 6: "past months are kept as computed"; decision
 * 0025): an unfinished month is computed live and not kept; the first request for an ended month keeps it,
 * and later data does not change what is served; the trend reads the kept months only, scoped like the
 * ranking. The API runs on an injected clock over real SQLite.
 */
describe('scorecards kept per month', () => {
  let api: TestApi;
  let nowMs: number;

  beforeEach(async () => {
    nowMs = beijing(2026, 11, 20, 9);
    api = await startTestApi({ clock: { now: () => nowMs } });
    await seedScorecardOrgs(api.ops, beijing(2026, 1, 1));
    await seedMonth(api.ops, '2026-09', { hub: { shipments: 4, excursions: 0 }, reefer: { shipments: 5, excursions: 1 } });
    await seedMonth(api.ops, '2026-11', { hub: { shipments: 10, excursions: 1 }, reefer: { shipments: 5, excursions: 0 } });
  });

  afterEach(async () => {
    await api.stop();
  });

  const scoreOf = (body: any, orgId: string) => body.scorecards.find((c: any) => c.orgId === orgId)?.score;

  it('computes the month under way live without keeping it, and keeps an ended month on the first request', async () => {
    const live = await api.call('GET', '/api/v1/scorecards?month=2026-11');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ month: '2026-11', kept: false, trigger: null, computedAt: nowMs });
    expect(scoreOf(live.body, 'hub')).toBe(80);
    expect(await api.ops.scorecards.listMonths()).toEqual([]);

    // 02:00 on 1 December in Beijing: November has ended; nobody's run kept it yet.
    nowMs = beijing(2026, 12, 1, 2);
    const first = await api.call('GET', '/api/v1/scorecards?month=2026-11');
    expect(first.body).toMatchObject({ month: '2026-11', kept: true, trigger: 'on_demand', computedAt: beijing(2026, 12, 1, 2) });
    expect(first.body.scorecards.map((c: any) => [c.rank, c.orgId, c.score])).toEqual([[1, 'reefer', 100], [2, 'hub', 80], [null, 'courier', null]]);
    expect((await api.ops.scorecards.listMonths()).map((m) => [m.month, m.trigger])).toEqual([['2026-11', 'on_demand']]);
  });

  it('serves a kept month as kept after new data would change it, in JSON and CSV', async () => {
    nowMs = beijing(2026, 12, 1, 0, 10);
    await api.call('GET', '/api/v1/scorecards?month=2026-11');
    // Late readings judged a week later: two more November excursions on the hub.
    await api.ops.insertAlert(excursionAlert('2026-11-hub-5', 'hub', beijing(2026, 11, 7, 3)));
    await api.ops.insertAlert(excursionAlert('2026-11-hub-6', 'hub', beijing(2026, 11, 8, 3)));
    nowMs = beijing(2026, 12, 8);

    const kept = await api.call('GET', '/api/v1/scorecards?month=2026-11');
    expect(kept.body).toMatchObject({ kept: true, trigger: 'on_demand', computedAt: beijing(2026, 12, 1, 0, 10) });
    expect(scoreOf(kept.body, 'hub')).toBe(80);
    expect(kept.body.scorecards.find((c: any) => c.orgId === 'hub').excursions).toBe(1);

    const response = await fetch(`${api.baseUrl}/api/v1/scorecards?month=2026-11&format=csv&lang=en`, { headers: { authorization: `Bearer ${api.adminToken}` } });
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="scorecards-2026-11.csv"');
    const lines = (await response.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toMatch(/^Rank,Month,Org ID,Organisation,Kind,Credit score,Grade,/);
    const hub = lines.find((line) => line.includes(',hub,'))!;
    expect(hub).toMatch(/^2,2026-11,hub,Baiyun Cold Store,Warehouse,80,B,Good,10,1,10,/);
    expect(hub.endsWith(new Date(beijing(2026, 12, 1, 0, 10)).toISOString())).toBe(true);

    // The month under way is live, and says so in its file name.
    const december = await fetch(`${api.baseUrl}/api/v1/scorecards?month=2026-12&format=csv`, { headers: { authorization: `Bearer ${api.adminToken}` } });
    expect(december.headers.get('content-disposition')).toBe('attachment; filename="scorecards-2026-12-live.csv"');
  });

  it("shows a month kept by the monthly run as the run's, and a provider only its own card", async () => {
    nowMs = beijing(2026, 12, 1, 0, 10);
    await keepMonth(api.ops, '2026-11', nowMs, 'cron');
    nowMs += 5 * HOUR;
    const all = await api.call('GET', '/api/v1/scorecards');
    expect(all.body).toMatchObject({ month: '2026-11', kept: true, trigger: 'cron', computedAt: beijing(2026, 12, 1, 0, 10) });
    const own = await api.call('GET', '/api/v1/scorecards?month=2026-11', undefined, await api.apiKey('reefer', 'viewer'));
    expect(own.body.scorecards.map((c: any) => c.orgId)).toEqual(['reefer']);
  });

  it("gives each organisation's kept score per month, months never kept shown as such, scoped like the ranking", async () => {
    nowMs = beijing(2026, 10, 1, 0, 10);
    await api.call('GET', '/api/v1/scorecards?month=2026-09');
    // October was never kept (nobody asked, the service was down); November was.
    nowMs = beijing(2026, 12, 1, 0, 10);
    await api.call('GET', '/api/v1/scorecards?month=2026-11');
    nowMs = beijing(2026, 12, 15);

    const trend = await api.call('GET', '/api/v1/scorecards/trend?months=3');
    expect(trend.status).toBe(200);
    expect(trend.body.months.map((m: any) => [m.month, m.kept, m.trigger])).toEqual([['2026-09', true, 'on_demand'], ['2026-10', false, null], ['2026-11', true, 'on_demand']]);
    const points = Object.fromEntries(trend.body.organisations.map((o: any) => [o.orgId, o.points.map((p: any) => p.score)]));
    // Reefer in September: 1 excursion in 5 shipments, 20 per 100 → 40 points off.
    expect(points).toEqual({ reefer: [60, null, 100], hub: [100, null, 80], courier: [null, null, null] });
    expect(trend.body.organisations.map((o: any) => o.orgId)).toEqual(['reefer', 'hub', 'courier']);
    expect(trend.body.organisations[0].orgName).toEqual({ zh: '南北冷运', en: 'Nanbei Reefer' });

    const sixDefault = await api.call('GET', '/api/v1/scorecards/trend?to=2026-11');
    expect(sixDefault.body.months.map((m: any) => m.month)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    const own = await api.call('GET', '/api/v1/scorecards/trend?months=3', undefined, await api.apiKey('hub', 'viewer'));
    expect(own.body.organisations.map((o: any) => o.orgId)).toEqual(['hub']);
    // Reading the trend keeps nothing new.
    expect((await api.ops.scorecards.listMonths()).map((m) => m.month)).toEqual(['2026-11', '2026-09']);
  });

  it('refuses a trend over more than 24 months or a month that is no month, naming the parameter', async () => {
    for (const query of ['months=25', 'months=0', 'months=2.5', 'months=six']) {
      const refused = await api.call('GET', `/api/v1/scorecards/trend?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error.message, query).toMatch(/^querystring\.months: /);
    }
    const badTo = await api.call('GET', '/api/v1/scorecards/trend?to=2026-1');
    expect(badTo.status).toBe(400);
    expect(badTo.body.error.message).toMatch(/^to: month "2026-1" is invalid/);
  });
});
