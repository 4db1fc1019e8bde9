/**
 * @coldchain/domain: pure cold-chain logic. No I/O, no clock, no environment, no logging: time and data
 * arrive as arguments and decisions are returned for the services to carry out.
 */
export type { LocalizedText } from './text.ts';
export { formatMinutes } from './text.ts';
export type { ProductProfile, TemperatureLimit, Tier } from './profiles.ts';
export { DEFAULT_RESPONSE_MS, findProfile, LYCHEE, PROFILES } from './profiles.ts';
export type { Evaluation, RuleState, RuleStateName, Transition } from './excursion-machine.ts';
export { evaluateReading, excessC, initialRuleState } from './excursion-machine.ts';
export type { CustodyEvent, Leg, Stage } from './custody.ts';
export { buildLegs, currentLeg, legAt, STAGE_NAMES, STAGES } from './custody.ts';
export type { Attribution, AttributionInput } from './attribution.ts';
export { attributeExcursion } from './attribution.ts';
export type { OrgKind } from './organisations.ts';
export { isLogisticsProvider, ORG_KINDS, PLATFORM_ORG_ID } from './organisations.ts';
export type { ClaimDecision, ShipmentValue } from './claims.ts';
export { claimAmountCents, decideClaim } from './claims.ts';
export { routeAlert } from './routing.ts';
export type { CurvePoint } from './downsample.ts';
export { downsampleMinMax } from './downsample.ts';
export { unmonitoredMs } from './coverage.ts';
export type { Verdict, VerdictExcursion } from './verdict.ts';
export { buildVerdict } from './verdict.ts';
