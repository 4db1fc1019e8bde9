/**
 * @coldchain/domain: pure cold-chain logic. No I/O, no clock, no environment, no logging: time and data
 * arrive as arguments and decisions are returned for the services to carry out.
 */
export type { LocalizedText } from './text.ts';
export { formatMinutes } from './text.ts';
export type { SystemResolution } from './system-resolutions.ts';
export { describeSystemResolution, SYSTEM_ACTOR, SYSTEM_RESOLUTIONS, systemResolutionNote } from './system-resolutions.ts';
export type { ProductProfile, ShelfLifeModel, TemperatureLimit, Tier } from './profiles.ts';
export {
  APPLE,
  BANANA,
  CUT_ROSES,
  DEFAULT_RESPONSE_MS,
  responseMsFor,
  findProfile,
  KIWIFRUIT,
  LYCHEE,
  MANGO,
  NAVEL_ORANGE,
  PROFILES,
  SHELL_EGGS,
  STRAWBERRY,
  YANGMEI,
} from './profiles.ts';
export { validateProfile } from './profile-validation.ts';
export { shelfLifeHoursAt } from './shelf-life.ts';
export type { TemperatureSample } from './temperature-trace.ts';
export { meanKineticTemperatureC } from './mean-kinetic-temperature.ts';
export type { LegMeasures, Measures, MeasuresInput } from './measures.ts';
export { computeMeasures, measuresPerLeg, totalMeasures } from './measures.ts';
export type { BudgetStatus } from './budget.ts';
export { budgetStatus } from './budget.ts';
export type { Evaluation, RuleState, RuleStateName, Transition } from './excursion-machine.ts';
export { evaluateReading, excessC, initialRuleState } from './excursion-machine.ts';
export type { Episode } from './excursion-replay.ts';
export { replayLimit } from './excursion-replay.ts';
export type { CustodyEvent, Leg, Stage } from './custody.ts';
export { buildLegs, currentLeg, legAt, STAGE_NAMES, STAGES } from './custody.ts';
export type { CorrectionChanges, CustodyCorrection, CustodyRefusal } from './custody-corrections.ts';
export { applyCorrections, checkHandoffTime, correctionWithdrawalReason, validateCorrection } from './custody-corrections.ts';
export type { Attribution, AttributionInput } from './attribution.ts';
export { attributeByReview, attributeExcursion } from './attribution.ts';
export type { OrgKind } from './organisations.ts';
export type { PersonalDataKind, PersonalDataMatch, PublicFieldRefusal, PublicFields, PublicView } from './public-view.ts';
export { checkPublicFields, checkPublicView, custodianKindName, findPersonalData, isResidentIdNumber, publicFieldReason, resolvePublicFields } from './public-view.ts';
export { isLogisticsProvider, ORG_KINDS, PLATFORM_ORG_ID } from './organisations.ts';
export type { ClaimDecision, ShipmentValue } from './claims.ts';
export { CLAIM_RESPONSE_MAX_MS, CLAIM_RESPONSE_MIN_MS, CLAIM_RESPONSE_MS, claimAmountCents, claimResponseMsFor, claimWithdrawalReason, decideClaim, filedClaimFields } from './claims.ts';
export { routeAlert, routeOpenAlert } from './routing.ts';
export type { CurvePoint } from './downsample.ts';
export { downsampleMinMax } from './downsample.ts';
export { unmonitoredMs } from './coverage.ts';
export type { Verdict, VerdictExcursion } from './verdict.ts';
export { buildVerdict } from './verdict.ts';
export type { Cycling, Forecast, Sample, SampleWindow, WarningSettings } from './early-warning.ts';
export { DEFAULT_WARNINGS, detectCycling, forecastCrossing, pushToWindow, warningSettingsFor, WARNINGS_BY_PROFILE, windowOf } from './early-warning.ts';
export type { Grade, Month, MonthCheck, OrgActivity, Scorecard, ScorecardAlert, ScorecardClaim, ScorecardExcursion, ScorecardLeg } from './scorecard.ts';
export {
  checkMonth,
  computeScorecard,
  computeScorecards,
  GRADE_LABELS,
  GRADE_THRESHOLDS,
  gradeOf,
  monthOf,
  monthRange,
  percentileMs,
  previousMonth,
  rankScorecards,
  SCORE_WEIGHTS,
  scoreChange,
  scorecardsToCsv,
} from './scorecard.ts';
export type {
  ClaimAction,
  ClaimActionContext,
  ClaimActionKind,
  ClaimActionResult,
  ClaimActor,
  ClaimHistoryEntry,
  ClaimLifecycle,
  ClaimParty,
  ClaimRefusal,
  ClaimRefusalCode,
  ClaimStatus,
  ClaimTransitionStep,
} from './claim-lifecycle.ts';
export {
  applyClaimAction,
  CLAIM_ACTION_KINDS,
  CLAIM_PARTIES,
  CLAIM_REMIND_BEFORE_MS,
  CLAIM_STATUS_NAMES,
  CLAIM_STATUSES,
  CLAIM_TRANSITIONS,
  claimPartyOf,
  claimReminderLeadMs,
  EVIDENCE_MAX_ITEMS,
  isClaimStanding,
  isResponseClockRunning,
  isResponseOverdue,
  nextClaimTimer,
  nextDeadline,
  openClaimLifecycle,
  REASON_MAX_CHARS,
  reminderDue,
} from './claim-lifecycle.ts';
export type { AfterSalesDecision, AfterSalesEvidence, CompensationDecision, CompensationInput, CompensationRemedy, CompensationThresholds } from './compensation.ts';
export {
  AFTER_SALES_ESCALATE_MS,
  AFTER_SALES_REMIND_BEFORE_MS,
  AFTER_SALES_RESPOND_MS,
  boxesValueCents,
  boxValueCents,
  capAdvance,
  compensationThresholdsFor,
  decideAfterSales,
  decideCompensation,
  DEFAULT_COMPENSATION_THRESHOLDS,
  fruitsValueCents,
} from './compensation.ts';
export type { ConsumerAction, ConsumerFigureTones, ConsumerReason, ConsumerSituation, ConsumerTone, ConsumerVerdict, ConsumerVerdictInput } from './consumer-verdict.ts';
export { consumerVerdict, toneRank, UNMONITORED_HEADLINE_MS } from './consumer-verdict.ts';
