import { z } from 'zod';
import { checkMonth, computeScorecards, monthOf, previousMonth, rankScorecards, scorecardsToCsv } from '@coldchain/domain';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { isPlatformOrg } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';
import { gatherMonthActivity } from '../scorecards/gather-activity.ts';

/**
 * Carrier scorecards (issue 13, item 6; docs/scorecard-formula.md): `GET /api/v1/scorecards?month=YYYY-MM`
 * ranks the carriers, warehouses and couriers of a month (Beijing time; default the month before this one),
 * as JSON or CSV (`format=csv`, UTF-8 with a BOM for spreadsheets). The platform and shippers, who choose
 * carriers, see the ranking; a logistics provider sees its own card.
 */
export function registerScorecardRoutes({ app, ops, clock, auth }: RouteContext): void {
  app.get(
    '/api/v1/scorecards',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "The month's scorecards of carriers, warehouses and couriers, ranked: shipments, excursions per 100, acknowledgement times, claims and their answers, a credit score 0–100 (a provider sees its own)",
        tags: ['claims'],
        security: SECURITY,
        querystring: z.object({ month: z.string().optional(), format: z.enum(['json', 'csv']).default('json'), lang: z.enum(['zh', 'en']).default('zh') }),
      },
    },
    async (request, reply) => {
      const caller = principal(request);
      const month = request.query.month ?? previousMonth(monthOf(clock.now()));
      const checked = checkMonth(month);
      if (!checked.ok) throw new ApiError('request.invalid', `month: ${checked.reason.en}`);
      const all = rankScorecards(computeScorecards(month, await gatherMonthActivity(ops, month), clock.now()));
      const seesAll = isPlatformOrg(caller) || caller.orgKind === 'shipper';
      const cards = seesAll ? all : all.filter((card) => card.orgId === caller.orgId);
      if (request.query.format === 'csv') {
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="scorecards-${month}.csv"`)
          .send(`\uFEFF${scorecardsToCsv(cards, request.query.lang)}`);
      }
      return { month, scorecards: cards };
    },
  );
}
