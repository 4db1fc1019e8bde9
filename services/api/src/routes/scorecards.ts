import { z } from 'zod';
import { checkMonth, monthOf, scorecardsToCsv } from '@coldchain/domain';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { isPlatformOrg } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';
import { lastFinishedMonth, monthScorecards, scorecardTrend } from '../scorecards/kept-months.ts';

/** Most months a trend spans: two years. */
const MAX_TREND_MONTHS = 24;

/** The platform and shippers, who choose carriers, see every card; a logistics provider its own. */
function canSee(caller: Principal): (orgId: string) => boolean {
  const seesAll = isPlatformOrg(caller) || caller.orgKind === 'shipper';
  return (orgId) => seesAll || orgId === caller.orgId;
}

/** `?month=` checked, naming the parameter; default the last month that has ended (Beijing time). */
function monthParam(text: string | undefined, now: number, name: string): string {
  if (text === undefined) return lastFinishedMonth(now);
  const checked = checkMonth(text);
  if (!checked.ok) throw new ApiError('request.invalid', `${name}: ${checked.reason.en}; ${checked.reason.zh}`);
  // A month that has not begun has nothing to score (an open leg would count in it as in every month).
  const current = monthOf(now);
  if (checked.month > current) throw new ApiError('request.invalid', `${name}: ${checked.month} has not begun (Beijing time: it is ${current}); ${checked.month} 尚未开始（北京时间当前为 ${current}）`);
  return checked.month;
}

/**
 * Carrier scorecards (issue 13, item 6; docs/scorecard-formula.md, decision 0025). `GET /api/v1/scorecards`
 * ranks the carriers, warehouses and couriers of a month (Beijing time; default the last ended month) as
 * JSON or CSV (`format=csv`, UTF-8 with a BOM for spreadsheets). An ended month is served as kept: the
 * cards stored by the monthly run, or on the first request for it, never recomputed; the current month is
 * computed live (`kept: false`). `GET /api/v1/scorecards/trend` gives each organisation's score over the
 * kept months. Both are scoped alike: the platform and shippers see the ranking, a provider its own card.
 */
export function registerScorecardRoutes({ app, ops, clock, auth }: RouteContext): void {
  app.get(
    '/api/v1/scorecards',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "The month's scorecards of carriers, warehouses and couriers, ranked: shipments, excursions per 100, acknowledgement times, claims and their answers, a credit score 0–100 (a provider sees its own). An ended month is served as kept (kept: true, computedAt, trigger); the current month is computed live (kept: false)",
        tags: ['claims'],
        security: SECURITY,
        querystring: z.object({ month: z.string().optional(), format: z.enum(['json', 'csv']).default('json'), lang: z.enum(['zh', 'en']).default('zh') }),
      },
    },
    async (request, reply) => {
      const caller = principal(request);
      const now = clock.now();
      const month = monthParam(request.query.month, now, 'month');
      const served = await monthScorecards(ops, month, now);
      const isVisible = canSee(caller);
      const cards = served.scorecards.filter((card) => isVisible(card.orgId));
      if (request.query.format === 'csv') {
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="scorecards-${month}${served.kept ? '' : '-live'}.csv"`)
          .send(`\uFEFF${scorecardsToCsv(cards, request.query.lang)}`);
      }
      return { ...served, scorecards: cards };
    },
  );

  app.get(
    '/api/v1/scorecards/trend',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "Each organisation's kept score per month over the `months` months (default 6, at most 24) ending with `to` (default the last ended month); months never kept show as not kept, with no figures (a provider sees its own)",
        tags: ['claims'],
        security: SECURITY,
        querystring: z.object({
          months: z.coerce
            .number({ error: 'must be a whole number of months, 1–24' })
            .int('must be a whole number of months, 1–24')
            .min(1, 'must be at least 1')
            .max(MAX_TREND_MONTHS, `must be at most ${MAX_TREND_MONTHS}`)
            .default(6),
          to: z.string().optional(),
        }),
      },
    },
    async (request) => {
      const to = monthParam(request.query.to, clock.now(), 'to');
      return scorecardTrend(ops, to, request.query.months, canSee(principal(request)));
    },
  );
}
