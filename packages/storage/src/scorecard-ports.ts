/**
 * Monthly scorecards as computed (issue 13, item 6): kept per month and organisation, so a past month
 * reads as it was computed even after late data or corrections change the record.
 */
export type ScorecardTrigger = 'cron' | 'on_demand' | 'catch_up';

/** One month's run: when it was computed, by what, and each organisation's card (JSON as the API serves it). */
export type ScorecardMonth = { month: string; computedAt: number; trigger: ScorecardTrigger; cards: Array<{ orgId: string; card: Record<string, unknown> }> };

export interface ScorecardStore {
  /** Stores a month's cards unless the month is already stored; answers the month as kept. */
  saveMonthOnce(month: ScorecardMonth): Promise<{ month: ScorecardMonth; isNew: boolean }>;
  getMonth(month: string): Promise<ScorecardMonth | undefined>;
  /** Months stored, newest first. */
  listMonths(): Promise<Array<{ month: string; computedAt: number; trigger: ScorecardTrigger; organisations: number }>>;
  /** One organisation's cards over the months stored from `fromMonth` to `toMonth` (inclusive), oldest first. */
  history(orgId: string, fromMonth: string, toMonth: string): Promise<Array<{ month: string; card: Record<string, unknown> }>>;
}
