// @ts-check
/**
 * The shapes the scorecards page reads: `GET /api/v1/scorecards` (services/api/src/scorecards/kept-months.ts,
 * the domain's Scorecard with its rank) and `GET /api/v1/scorecards/trend`.
 */

/**
 * @typedef {{ zh: string, en: string }} LocalizedText
 * @typedef {'A' | 'B' | 'C' | 'D'} Grade
 * @typedef {{
 *   month: string, orgId: string, orgKind: 'carrier' | 'warehouse' | 'courier', orgName: LocalizedText | null,
 *   computedAt: number, rank: number | null, score: number | null, grade: Grade | null,
 *   shipmentsHandled: number, excursions: number, excursionsPer100Shipments: number | null,
 *   alertsRaised: number, alertsAcknowledged: number, alertsLate: number, ackMedianMs: number | null, ackP95Ms: number | null,
 *   claimsFiled: number, claimsWithdrawn: number, claimsAccepted: number, claimsDisputed: number,
 *   claimsUpheld: number, claimsOverturned: number, claimsAnsweredInTime: number, claimsAnsweredLate: number,
 * }} Scorecard
 * @typedef {'cron' | 'catch_up' | 'on_demand'} Trigger
 * @typedef {{ month: string, kept: boolean, computedAt: number, trigger: Trigger | null, scorecards: Scorecard[] }} MonthScorecards
 * @typedef {{ month: string, score: number | null, grade: Grade | null, rank: number | null }} TrendPoint
 * @typedef {{ orgId: string, orgKind: Scorecard['orgKind'], orgName: LocalizedText | null, points: TrendPoint[] }} OrgTrend
 * @typedef {{ months: { month: string, kept: boolean, computedAt: number | null, trigger: Trigger | null }[], organisations: OrgTrend[] }} ScorecardTrend
 */

export {};
