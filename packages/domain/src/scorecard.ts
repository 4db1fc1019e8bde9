/**
 * Monthly carrier scorecards (issue 13, item 6; DESIGN.md, after-sales): per carrier, warehouse and
 * courier, what it handled in a calendar month in Beijing time, how it did, and a credit score 0–100.
 * The formula, its weights and its limits: docs/scorecard-formula.md. Pure: the caller passes the
 * activity and the time of computation (`computedAt`), and stores what comes back.
 */
import { quantileSorted } from 'simple-statistics';
import type { OrgKind } from './organisations.ts';
import { isLogisticsProvider } from './organisations.ts';
import { custodianKindName } from './public-view.ts';
import type { LocalizedText } from './text.ts';

/** China Standard Time is UTC+8 all year (no daylight saving since 1991), so a month is a fixed offset. */
const BEIJING_OFFSET_MS = 8 * 60 * 60_000;
const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A calendar month in Beijing time, `YYYY-MM`. */
export type Month = string;

/** A month read from user input (`?month=`), or why it is refused. */
export type MonthCheck = { ok: true; month: Month } | { ok: false; code: 'invalid_month'; reason: LocalizedText };

/** Reads `YYYY-MM` (year 1970 or later, month 01–12); anything else is refused with a reason naming the rule. */
export function checkMonth(text: string): MonthCheck {
  const match = MONTH_PATTERN.exec(text);
  if (match && Number(match[1]) >= 1970) return { ok: true, month: text };
  const shown = JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text);
  return {
    ok: false,
    code: 'invalid_month',
    reason: {
      zh: `月份 ${shown} 无效：应为「年-月」格式 YYYY-MM，例如 2026-11（北京时间的自然月，1970 年起）`,
      en: `month ${shown} is invalid: expected YYYY-MM, e.g. 2026-11 (a calendar month in Beijing time, from 1970)`,
    },
  };
}

/** The month's span in epoch ms, `[startMs, endMs)`: from 00:00 on the 1st in Beijing to 00:00 on the next 1st. */
export function monthRange(month: Month): { startMs: number; endMs: number } {
  const checked = checkMonth(month);
  if (!checked.ok) throw new RangeError(checked.reason.en); // callers check user input with checkMonth first
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7)) - 1;
  return { startMs: Date.UTC(year, index, 1) - BEIJING_OFFSET_MS, endMs: Date.UTC(year, index + 1, 1) - BEIJING_OFFSET_MS };
}

/** The Beijing calendar month an instant falls in: 2026-11-30T16:30Z is 00:30 on 1 December in Beijing. */
export function monthOf(ms: number): Month {
  const beijing = new Date(ms + BEIJING_OFFSET_MS);
  return `${String(beijing.getUTCFullYear()).padStart(4, '0')}-${String(beijing.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month before, for the trend: `2027-01` → `2026-12`. */
export function previousMonth(month: Month): Month {
  return monthOf(monthRange(month).startMs - 1);
}

/** A leg the organisation held: the goods in its hands from `startedAt` to `endedAt` (null: still held). */
export type ScorecardLeg = { shipmentId: string; startedAt: number; endedAt: number | null };
/** An excursion attributed to the organisation; `activeAt` is the onset (device time). */
export type ScorecardExcursion = { alertId: string; shipmentId: string; activeAt: number };
/**
 * An alert routed to the organisation while it held the goods. `raisedAt` is server time (the alert's
 * `createdAt`, not its device-time `firedAt`), like `respondBy` and `acknowledgedAt`.
 */
export type ScorecardAlert = { alertId: string; raisedAt: number; respondBy: number; acknowledgedAt: number | null };
/** A claim against the organisation, its answer (accept or dispute) and the platform's decision on a dispute. */
export type ScorecardClaim = {
  claimId: string;
  filedAt: number;
  respondBy: number;
  answer: { kind: 'accepted' | 'disputed'; at: number } | null;
  /** The platform's decision on a dispute. `overturned`: in the carrier's favour; `upheld`: the claim stands. */
  decision: { outcome: 'upheld' | 'overturned'; at: number } | null;
  withdrawnAt: number | null;
};
/** What one organisation did; records outside the month are ignored, so a wider slice may be passed. */
export type OrgActivity = {
  orgId: string;
  orgKind: OrgKind;
  orgName: LocalizedText | null;
  legs: readonly ScorecardLeg[];
  excursions: readonly ScorecardExcursion[];
  alerts: readonly ScorecardAlert[];
  claims: readonly ScorecardClaim[];
};

/** Penalty weights in points. They sum to 100, so the score needs no clamp: docs/scorecard-formula.md. */
export const SCORE_WEIGHTS = {
  /** Points lost per excursion per 100 shipments… */
  excursionPointsPerRate: 2,
  /** …up to this many: 20 excursions per 100 shipments already loses them all. */
  excursionMaxPoints: 40,
  /** Times the share of claims not answered (accepted or disputed) before `respondBy`. */
  lateClaimAnswers: 25,
  /** Times the share of alerts not acknowledged before their tier's `respondBy`. */
  lateAlertAcks: 20,
  /** Times the share of decided disputes the platform upheld (the carrier disputed a claim that stood). */
  disputesLost: 15,
} as const;

/** Credit grade, A best. */
export type Grade = 'A' | 'B' | 'C' | 'D';
/** Lowest score of each grade, best first; below the last is D. */
export const GRADE_THRESHOLDS: readonly { grade: Exclude<Grade, 'D'>; minScore: number }[] = [
  { grade: 'A', minScore: 90 },
  { grade: 'B', minScore: 75 },
  { grade: 'C', minScore: 60 },
];
/** Grade names for the console and the CSV; `none` for a month with no data. */
export const GRADE_LABELS: Readonly<Record<Grade | 'none', LocalizedText>> = {
  A: { zh: '优秀', en: 'Excellent' },
  B: { zh: '良好', en: 'Good' },
  C: { zh: '合格', en: 'Fair' },
  D: { zh: '需整改', en: 'Needs improvement' },
  none: { zh: '暂无数据', en: 'No data' },
};

/** One organisation's month. Counts are of records in the month; shares and times are null with nothing to measure. */
export type Scorecard = {
  month: Month;
  orgId: string;
  orgKind: OrgKind;
  orgName: LocalizedText | null;
  computedAt: number;
  shipmentsHandled: number;
  excursions: number;
  excursionsPer100Shipments: number | null;
  alertsRaised: number;
  alertsAcknowledged: number;
  /** Acknowledged after `respondBy`, or not at all with `respondBy` passed. */
  alertsLate: number;
  ackMedianMs: number | null;
  ackP95Ms: number | null;
  /** Claims filed in the month and not withdrawn (a withdrawn claim named the wrong party). */
  claimsFiled: number;
  claimsWithdrawn: number;
  claimsAccepted: number;
  claimsDisputed: number;
  claimsUpheld: number;
  claimsOverturned: number;
  claimsAnsweredInTime: number;
  /** Answered after `respondBy`, or not at all with `respondBy` passed. */
  claimsAnsweredLate: number;
  penalties: { excursions: number; lateClaimAnswers: number; lateAlertAcks: number; disputesLost: number };
  /** 0–100, one decimal; null when the organisation handled no shipment in the month (no data, never 100). */
  score: number | null;
  grade: Grade | null;
};

/**
 * A percentile by linear interpolation between closest ranks: simple-statistics' `quantileSorted`,
 * R's type 7 and numpy's default (Hyndman & Fan 1996, definition 7), rounded to the whole ms.
 */
export function percentileMs(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  return Math.round(quantileSorted([...values].sort((a, b) => a - b), p));
}

/** The grade of a score by GRADE_THRESHOLDS; null (no data) stays null. */
export function gradeOf(score: number | null): Grade | null {
  if (score === null) return null;
  return GRADE_THRESHOLDS.find((t) => score >= t.minScore)?.grade ?? 'D';
}

/** `points` times the share `part / whole` (none with nothing measured), multiplied first so 20 × 1/3 is 20/3. */
const pointsFor = (points: number, part: number, whole: number) => (whole === 0 ? 0 : (points * part) / whole);
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The scorecard of one logistics provider for a month, from its activity as known at `computedAt`. */
export function computeScorecard(month: Month, activity: OrgActivity, computedAt: number): Scorecard {
  const { startMs, endMs } = monthRange(month);
  const inMonth = (at: number) => at >= startMs && at < endMs;
  // Known at computedAt: a later acknowledgement or answer is not counted (a recomputation agrees with the stored card).
  const known = (at: number | null) => at !== null && at <= computedAt;

  // A shipment is handled in every month a leg of the organisation overlaps, and in the month of an
  // excursion attributed to it, so every counted excursion has its shipment in the denominator.
  const shipments = new Set<string>();
  for (const leg of activity.legs) if (leg.startedAt < endMs && (leg.endedAt === null || leg.endedAt > startMs)) shipments.add(leg.shipmentId);
  const excursions = activity.excursions.filter((e) => inMonth(e.activeAt));
  for (const e of excursions) shipments.add(e.shipmentId);

  const alerts = activity.alerts.filter((a) => inMonth(a.raisedAt));
  const ackMs = alerts.filter((a) => known(a.acknowledgedAt)).map((a) => Math.max(0, a.acknowledgedAt! - a.raisedAt));
  const alertsLate = alerts.filter((a) => (known(a.acknowledgedAt) ? a.acknowledgedAt! >= a.respondBy : computedAt >= a.respondBy)).length;

  const filedInMonth = activity.claims.filter((c) => inMonth(c.filedAt));
  const claims = filedInMonth.filter((c) => !known(c.withdrawnAt));
  const answered = claims.filter((c) => c.answer !== null && known(c.answer.at));
  const unanswered = claims.filter((c) => !answered.includes(c));
  const disputed = answered.filter((c) => c.answer!.kind === 'disputed');
  const decided = disputed.filter((c) => c.decision !== null && known(c.decision.at));
  const upheld = decided.filter((c) => c.decision!.outcome === 'upheld').length;
  const overturned = decided.length - upheld;
  const inTime = answered.filter((c) => c.answer!.at < c.respondBy).length;
  const late = answered.length - inTime + unanswered.filter((c) => computedAt >= c.respondBy).length;

  const rate = shipments.size === 0 ? null : (excursions.length * 100) / shipments.size;
  const w = SCORE_WEIGHTS;
  const penalties = {
    excursions: Math.min(w.excursionMaxPoints, (rate ?? 0) * w.excursionPointsPerRate),
    // Shares over what has been decided: a claim or alert whose deadline is still running counts neither way.
    lateClaimAnswers: pointsFor(w.lateClaimAnswers, late, inTime + late),
    lateAlertAcks: pointsFor(w.lateAlertAcks, alertsLate, alerts.filter((a) => known(a.acknowledgedAt) || computedAt >= a.respondBy).length),
    disputesLost: pointsFor(w.disputesLost, upheld, upheld + overturned),
  };
  const total = penalties.excursions + penalties.lateClaimAnswers + penalties.lateAlertAcks + penalties.disputesLost;
  const score = rate === null ? null : round1(Math.max(0, 100 - total));
  return {
    month,
    orgId: activity.orgId,
    orgKind: activity.orgKind,
    orgName: activity.orgName,
    computedAt,
    shipmentsHandled: shipments.size,
    excursions: excursions.length,
    excursionsPer100Shipments: rate,
    alertsRaised: alerts.length,
    alertsAcknowledged: ackMs.length,
    alertsLate,
    ackMedianMs: percentileMs(ackMs, 0.5),
    ackP95Ms: percentileMs(ackMs, 0.95),
    claimsFiled: claims.length,
    claimsWithdrawn: filedInMonth.length - claims.length,
    claimsAccepted: answered.length - disputed.length,
    claimsDisputed: disputed.length,
    claimsUpheld: upheld,
    claimsOverturned: overturned,
    claimsAnsweredInTime: inTime,
    claimsAnsweredLate: late,
    penalties,
    score,
    grade: gradeOf(score),
  };
}

/** Scorecards of the logistics providers among `activities` (the platform and shippers are not scored). */
export function computeScorecards(month: Month, activities: readonly OrgActivity[], computedAt: number): Scorecard[] {
  return activities.filter((a) => isLogisticsProvider(a.orgKind)).map((a) => computeScorecard(month, a, computedAt));
}

/** Best first: score descending, no data last, ties by org id; equal scores share a rank (1, 2, 2, 4). */
export function rankScorecards(cards: readonly Scorecard[]): (Scorecard & { rank: number | null })[] {
  const sorted = [...cards].sort((a, b) => {
    if (a.score !== b.score) return a.score === null ? 1 : b.score === null ? -1 : b.score - a.score;
    return a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0;
  });
  return sorted.map((card, i) => ({
    ...card,
    rank: card.score === null ? null : sorted.findIndex((c) => c.score === card.score) + 1,
  }));
}

/** The change of an organisation's score against its stored card of the month before (null: none to compare). */
export function scoreChange(
  card: Scorecard,
  history: readonly Scorecard[],
): { previousMonth: Month; previousScore: number | null; change: number | null } {
  const before = previousMonth(card.month);
  const previous = history.find((c) => c.orgId === card.orgId && c.month === before) ?? null;
  const previousScore = previous?.score ?? null;
  const change = card.score === null || previousScore === null ? null : round1(card.score - previousScore);
  return { previousMonth: before, previousScore, change };
}

/** CSV columns: header in Chinese and English, and the cell of a card. */
type CsvRow = Scorecard & { rank?: number | null };
const CSV_COLUMNS: readonly { zh: string; en: string; cell: (c: CsvRow, lang: 'zh' | 'en') => string | number | null }[] = [
  { zh: '排名', en: 'Rank', cell: (c) => c.rank ?? null },
  { zh: '月份', en: 'Month', cell: (c) => c.month },
  { zh: '机构编号', en: 'Org ID', cell: (c) => c.orgId },
  { zh: '机构名称', en: 'Organisation', cell: (c, lang) => c.orgName?.[lang] ?? null },
  { zh: '类型', en: 'Kind', cell: (c, lang) => custodianKindName(c.orgKind)[lang] },
  { zh: '信用分', en: 'Credit score', cell: (c) => c.score },
  { zh: '等级', en: 'Grade', cell: (c) => c.grade },
  { zh: '等级说明', en: 'Grade label', cell: (c, lang) => GRADE_LABELS[c.grade ?? 'none'][lang] },
  { zh: '经手运单数', en: 'Shipments handled', cell: (c) => c.shipmentsHandled },
  { zh: '超标次数', en: 'Excursions', cell: (c) => c.excursions },
  { zh: '每百单超标次数', en: 'Excursions per 100 shipments', cell: (c) => c.excursionsPer100Shipments },
  { zh: '告警数', en: 'Alerts raised', cell: (c) => c.alertsRaised },
  { zh: '已确认告警数', en: 'Alerts acknowledged', cell: (c) => c.alertsAcknowledged },
  { zh: '超时确认告警数', en: 'Alerts acknowledged late', cell: (c) => c.alertsLate },
  { zh: '确认用时中位数（毫秒）', en: 'Median acknowledgement (ms)', cell: (c) => c.ackMedianMs },
  { zh: '确认用时 P95（毫秒）', en: 'P95 acknowledgement (ms)', cell: (c) => c.ackP95Ms },
  { zh: '索赔数', en: 'Claims filed', cell: (c) => c.claimsFiled },
  { zh: '已撤回索赔', en: 'Claims withdrawn', cell: (c) => c.claimsWithdrawn },
  { zh: '接受', en: 'Accepted', cell: (c) => c.claimsAccepted },
  { zh: '异议', en: 'Disputed', cell: (c) => c.claimsDisputed },
  { zh: '异议被驳回', en: 'Disputes lost (claim upheld)', cell: (c) => c.claimsUpheld },
  { zh: '异议成立（改判）', en: 'Disputes won (overturned)', cell: (c) => c.claimsOverturned },
  { zh: '时限内答复', en: 'Answered within deadline', cell: (c) => c.claimsAnsweredInTime },
  { zh: '超时或未答复', en: 'Answered late or not', cell: (c) => c.claimsAnsweredLate },
  { zh: '计算时间', en: 'Computed at', cell: (c) => new Date(c.computedAt).toISOString() },
];

/**
 * One field of RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled. Text that
 * a spreadsheet would run as a formula (= + - @, tab, CR first) is prefixed with ' (OWASP, CSV injection).
 */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The cards as CSV (RFC 4180: CRLF line ends, header first), headers in Chinese by default. Numbers are
 * written as computed, unformatted; empty means no data. The route sends it as UTF-8 and prefixes a BOM
 * (U+FEFF) so Excel reads the Chinese; this returns the text without one.
 */
export function scorecardsToCsv(rows: readonly CsvRow[], lang: 'zh' | 'en' = 'zh'): string {
  const lines = [CSV_COLUMNS.map((col) => csvField(col[lang])).join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((col) => csvField(col.cell(row, lang))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
