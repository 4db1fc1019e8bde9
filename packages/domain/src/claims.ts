import type { Attribution } from './attribution.ts';
import type { LocalizedText } from './text.ts';
import type { OrgKind } from './organisations.ts';
import { isLogisticsProvider } from './organisations.ts';
import type { ProductProfile, TemperatureLimit } from './profiles.ts';

/** The money side of a shipment, in cents (fen) of CNY. */
export type ShipmentValue = { goodsValueCents: number; freightCents: number };

/** Whether to file a claim for an excursion, and for how much. */
export type ClaimDecision =
  | { shouldFile: true; liableOrgId: string; amountCents: number; goodsShareCents: number; freightCents: number }
  | { shouldFile: false; why: 'not_claimable' | 'below_threshold' | 'indeterminate' | 'not_logistics' };

/**
 * Claim amount: the damaged share of the goods value plus the freight (plan document: the carrier
 * pays the full goods value and the freight when goods are damaged in transport).
 */
export function claimAmountCents(value: ShipmentValue, damagedShare: number): { goodsShareCents: number; amountCents: number } {
  const share = Math.min(1, Math.max(0, damagedShare));
  const goodsShareCents = Math.round(value.goodsValueCents * share);
  return { goodsShareCents, amountCents: goodsShareCents + value.freightCents };
}

/** Decides whether an excursion becomes a claim: claimable limit, over threshold, attributed to a logistics provider. */
export function decideClaim(input: {
  profile: ProductProfile;
  limit: TemperatureLimit;
  outsideMs: number;
  attribution: Attribution;
  liableOrgKind: OrgKind | null;
  value: ShipmentValue;
}): ClaimDecision {
  const { profile, limit, outsideMs, attribution, liableOrgKind, value } = input;
  if (!limit.isClaimable) return { shouldFile: false, why: 'not_claimable' };
  if (outsideMs < profile.claim.minOutsideMs) return { shouldFile: false, why: 'below_threshold' };
  if (attribution.status !== 'attributed') return { shouldFile: false, why: 'indeterminate' };
  if (liableOrgKind === null || !isLogisticsProvider(liableOrgKind)) return { shouldFile: false, why: 'not_logistics' };
  const { goodsShareCents, amountCents } = claimAmountCents(value, profile.claim.damagedShare);
  return { shouldFile: true, liableOrgId: attribution.orgId, amountCents, goodsShareCents, freightCents: value.freightCents };
}

/**
 * Why a claim filed on live data is withdrawn once late readings place the onset in another custodian's
 * leg (issue 9, item 1): the claim is kept, marked withdrawn, and the liable party's claim is filed instead.
 */
export function claimWithdrawalReason(stage: LocalizedText, holder: LocalizedText): LocalizedText {
  return {
    zh: `迟到的缓存数据显示超标开始于由${holder.zh}持有的「${stage.zh}」段；索赔转由${holder.zh}承担`,
    en: `late readings show the excursion began in the ${stage.en} leg held by ${holder.en}; the claim passes to ${holder.en}`,
  };
}

/** How long a carrier has to answer a claim. Plan document: the carrier answers within 2 hours. */
export const CLAIM_RESPONSE_MS = 2 * 60 * 60_000;
/** Shortest answer time the platform may set for an organisation (our limit: a person must be able to answer). */
export const CLAIM_RESPONSE_MIN_MS = 5 * 60_000;
/** Longest answer time the platform may set for an organisation (our limit: a week). */
export const CLAIM_RESPONSE_MAX_MS = 7 * 24 * 60 * 60_000;

/**
 * A claim's answer time on an organisation: its setting (set by the platform), else the plan's 2 h;
 * divided by `speed` where time runs faster than the wall clock (the all-in-one demo's DEMO_SPEED).
 */
export function claimResponseMsFor(orgSettingMs: number | null | undefined, speed = 1): number {
  return Math.max(1, Math.round((orgSettingMs ?? CLAIM_RESPONSE_MS) / speed));
}

/**
 * The fields of a claim being filed now on a decision to file, whoever files it (the rules service on an
 * attributed excursion, or the platform deciding a review): amounts, the answer deadline, status `filed`.
 * `responseMs` is the liable organisation's answer time (its setting); null or absent: the plan's 2 h.
 */
export function filedClaimFields(decision: Extract<ClaimDecision, { shouldFile: true }>, now: number, responseMs?: number | null) {
  return {
    liableOrgId: decision.liableOrgId,
    amountCents: decision.amountCents,
    goodsShareCents: decision.goodsShareCents,
    freightCents: decision.freightCents,
    currency: 'CNY' as const,
    status: 'filed' as const,
    filedAt: now,
    respondBy: now + (responseMs ?? CLAIM_RESPONSE_MS),
    withdrawnAt: null,
    withdrawnReason: null,
  };
}
