import { computeScorecards, monthOf, monthRange, previousMonth, rankScorecards } from '@coldchain/domain';
import type { Month, Scorecard } from '@coldchain/domain';
import type { OpsStore, ScorecardMonth, ScorecardTrigger } from '@coldchain/storage';
import { gatherMonthActivity } from './gather-activity.ts';

/** A card as served: the domain's scorecard with its place in the month's ranking. */
export type RankedScorecard = Scorecard & { rank: number | null };

/**
 * A month's ranking as the API answers it. `kept`: read from the cards stored when the month was first
 * computed after its end (`trigger` says by what), so it never changes; not kept: computed now from the
 * store (the month has not ended), `trigger` null.
 */
export type MonthScorecards = { month: Month; kept: boolean; computedAt: number; trigger: ScorecardTrigger | null; scorecards: RankedScorecard[] };

/** The latest month that has ended in Beijing time at `now`: the month the monthly run keeps. */
export function lastFinishedMonth(now: number): Month {
  return previousMonth(monthOf(now));
}

/** Whether the Beijing-time month has ended at `now` (the next month's 00:00 in Beijing has passed). */
export function hasMonthEnded(month: Month, now: number): boolean {
  return monthRange(month).endMs <= now;
}

/** The month's cards of every logistics provider, computed at `now` from the operational store, ranked. */
export async function computeMonth(ops: OpsStore, month: Month, now: number): Promise<RankedScorecard[]> {
  return rankScorecards(computeScorecards(month, await gatherMonthActivity(ops, month), now));
}

/** Stored cards back in ranking order (the store returns them by organisation). */
function asServed(kept: ScorecardMonth): MonthScorecards {
  const cards = kept.cards.map(({ card }) => card as unknown as RankedScorecard);
  return { month: kept.month, kept: true, computedAt: kept.computedAt, trigger: kept.trigger, scorecards: rankScorecards(cards) };
}

/**
 * Keeps an ended month: the stored cards when it is already kept, else computes it at `now`, stores it
 * with `trigger` and answers that (not kept when there is no logistics provider to score). Two runs at once (the monthly job in one thread, a request in
 * another) store it once: the store keeps the first, and the loser reads what the first stored.
 */
export async function keepMonth(ops: OpsStore, month: Month, now: number, trigger: ScorecardTrigger): Promise<{ month: MonthScorecards; isNew: boolean }> {
  if (!hasMonthEnded(month, now)) throw new RangeError(`month ${month} has not ended at ${new Date(now).toISOString()}: only ended months are kept`);
  const stored = await ops.scorecards.getMonth(month);
  if (stored) return { month: asServed(stored), isNew: false };
  const cards = await computeMonth(ops, month, now);
  // No carrier, warehouse or courier at all (a new installation): nothing to keep. Keeping an empty month
  // would leave it empty for ever, also once the organisations and their shipments are imported.
  if (cards.length === 0) return { month: { month, kept: false, computedAt: now, trigger: null, scorecards: [] }, isNew: false };
  try {
    const saved = await ops.scorecards.saveMonthOnce({ month, computedAt: now, trigger, cards: cards.map((card) => ({ orgId: card.orgId, card: card as unknown as Record<string, unknown> })) });
    return { month: asServed(saved.month), isNew: saved.isNew };
  } catch (error) {
    // Another connection stored it between our read and our write (SQLite refuses the second writer).
    const raced = await ops.scorecards.getMonth(month);
    if (raced) return { month: asServed(raced), isNew: false };
    throw error;
  }
}

/**
 * The month as a reader asks for it: an ended month is kept (computed and stored on the first request
 * when the monthly run has not kept it yet, trigger `on_demand`); the current month, or one to come, is
 * computed live and not stored, since its figures still change.
 */
export async function monthScorecards(ops: OpsStore, month: Month, now: number): Promise<MonthScorecards> {
  if (hasMonthEnded(month, now)) return (await keepMonth(ops, month, now, 'on_demand')).month;
  return { month, kept: false, computedAt: now, trigger: null, scorecards: await computeMonth(ops, month, now) };
}

/** One organisation's month in the trend; null figures when it has no stored card that month. */
export type TrendPoint = { month: Month; score: number | null; grade: Scorecard['grade']; rank: number | null; shipmentsHandled: number | null; excursionsPer100Shipments: number | null };
/** The months of a trend, oldest first, with whether each is kept, and each organisation's points over them. */
export type ScorecardTrend = {
  months: { month: Month; kept: boolean; computedAt: number | null; trigger: ScorecardTrigger | null }[];
  organisations: { orgId: string; orgKind: Scorecard['orgKind']; orgName: Scorecard['orgName']; points: TrendPoint[] }[];
};

/**
 * Each organisation's score over the `count` calendar months ending with `toMonth`, from the stored months
 * only: a month never kept (the service was not running and nobody asked for it) shows as not kept rather
 * than being computed now from a record that has changed since. `isVisible` scopes the organisations.
 */
export async function scorecardTrend(ops: OpsStore, toMonth: Month, count: number, isVisible: (orgId: string) => boolean): Promise<ScorecardTrend> {
  const monthList: Month[] = [toMonth];
  while (monthList.length < count) monthList.unshift(previousMonth(monthList[0]!));
  const stored = await Promise.all(monthList.map((month) => ops.scorecards.getMonth(month)));
  const byOrg = new Map<string, { card: RankedScorecard; cards: Map<Month, RankedScorecard> }>();
  stored.forEach((kept) => {
    if (!kept) return;
    for (const card of asServed(kept).scorecards) {
      if (!isVisible(card.orgId)) continue;
      const entry = byOrg.get(card.orgId) ?? { card, cards: new Map() };
      entry.card = card; // the latest month names it
      entry.cards.set(kept.month, card);
      byOrg.set(card.orgId, entry);
    }
  });
  const latestScore = (cards: Map<Month, RankedScorecard>) => [...monthList].reverse().map((m) => cards.get(m)?.score).find((s) => s !== undefined && s !== null) ?? null;
  const organisations = [...byOrg.values()]
    .map(({ card, cards }) => ({
      orgId: card.orgId,
      orgKind: card.orgKind,
      orgName: card.orgName,
      latest: latestScore(cards),
      points: monthList.map((month): TrendPoint => {
        const c = cards.get(month);
        return { month, score: c?.score ?? null, grade: c?.grade ?? null, rank: c?.rank ?? null, shipmentsHandled: c?.shipmentsHandled ?? null, excursionsPer100Shipments: c?.excursionsPer100Shipments ?? null };
      }),
    }))
    // Best latest score first, no score last, then by id: the order of the ranking.
    .sort((a, b) => (a.latest === b.latest ? (a.orgId < b.orgId ? -1 : 1) : a.latest === null ? 1 : b.latest === null ? -1 : b.latest - a.latest))
    .map(({ latest: _latest, ...org }) => org);
  return {
    months: monthList.map((month, i) => ({ month, kept: stored[i] !== undefined, computedAt: stored[i]?.computedAt ?? null, trigger: stored[i]?.trigger ?? null })),
    organisations,
  };
}
