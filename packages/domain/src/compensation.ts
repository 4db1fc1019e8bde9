/**
 * After-sales compensation by rule (issue 13, item 4; DESIGN.md, "After-sales (from the plan)"):
 * - by the share of bad fruit: more than 10 % → full refund; 5–10 % → resend the order; under 5 % →
 *   resend the bad count. "More than 10 %" puts exactly 10 % in the resend band, and "5–10 %" starts at
 *   exactly 5 %. Shares are compared exactly, as integers (bad × 10 000 against threshold × total).
 * - "坏果秒赔": with an excursion on the shipment attributed to a logistics provider, the request is
 *   approved at once and the platform advances the money against the carrier's claim, capped by the
 *   claim's goods share; otherwise the streamer decides within 24 h and the platform takes it at 48 h.
 *
 * Money is integer cents (fen) of CNY. A value of part of the shipment is computed in one step from the
 * goods value and rounded once, half up (¥0.005 → ¥0.01), so an order of all the shipment's boxes is
 * worth exactly its goods value, and no per-box rounding error is multiplied by the boxes.
 */
import type { Attribution } from './attribution.ts';
import type { ClaimStatus } from './claim-lifecycle.ts';
import { isLogisticsProvider, type OrgKind } from './organisations.ts';
import type { LocalizedText } from './text.ts';

const HOUR = 60 * 60_000;

/** Thresholds on the share of bad fruit, in basis points (1 % = 100 bp) so that they compare exactly. */
export type CompensationThresholds = {
  /** A share strictly above this is refunded in full. */
  fullRefundAboveBp: number;
  /** A share from this up to `fullRefundAboveBp` (inclusive) is resent; below it, the bad count is resent. */
  resendFromBp: number;
};

/** The plan's bands (issue 13, item 4): more than 10 % → full refund; 5–10 % → resend; under 5 % → bad count. */
export const DEFAULT_COMPENSATION_THRESHOLDS: Readonly<CompensationThresholds> = { fullRefundAboveBp: 1000, resendFromBp: 500 };

/** Plan document via issue 13: fresh fruit after-sales "respond within 24 hours, close within 48 hours". */
export const AFTER_SALES_RESPOND_MS = 24 * HOUR;
/** Past this, a request the streamer has not decided escalates to the platform (the plan's 48 h close). */
export const AFTER_SALES_ESCALATE_MS = 48 * HOUR;
/** Reminder to the streamer before the 24 h mark; our choice, the plan sets only the deadlines. */
export const AFTER_SALES_REMIND_BEFORE_MS = 2 * HOUR;

/**
 * The thresholds that apply: the shipper's setting for the product wins over the product's, which wins
 * over the plan's defaults (issue 13: configurable per shipper and product). Whole settings, not fields,
 * so a pair validated together stays together.
 */
export function compensationThresholdsFor(shipperSetting: CompensationThresholds | undefined, productSetting: CompensationThresholds | undefined): CompensationThresholds {
  return shipperSetting ?? productSetting ?? DEFAULT_COMPENSATION_THRESHOLDS;
}

/** `goodsValueCents × numerators ÷ denominators`, rounded half up to a whole cent, exactly (BigInt). */
function shareOfCents(goodsValueCents: number, numerators: readonly number[], denominators: readonly number[]): number {
  const n = numerators.reduce((product, k) => product * BigInt(k), BigInt(goodsValueCents));
  const d = denominators.reduce((product, k) => product * BigInt(k), 1n);
  return Number((2n * n + d) / (2n * d));
}

/** One box's value: the goods value ÷ the shipment's boxes, rounded half up (for display). */
export function boxValueCents(goodsValueCents: number, shipmentBoxes: number): number {
  return shareOfCents(goodsValueCents, [], [shipmentBoxes]);
}

/** The value of `boxes` of the shipment's boxes, rounded once: all its boxes are worth its goods value. */
export function boxesValueCents(goodsValueCents: number, shipmentBoxes: number, boxes: number): number {
  return shareOfCents(goodsValueCents, [boxes], [shipmentBoxes]);
}

/**
 * The value of `fruits` of an order: a box's value ÷ fruits per box (the order's `totalCount ÷ boxes`),
 * × fruits, i.e. goods × fruits × boxes ÷ (shipment boxes × totalCount), rounded once, half up.
 */
export function fruitsValueCents(goodsValueCents: number, shipmentBoxes: number, order: { boxes: number; totalCount: number }, fruits: number): number {
  return shareOfCents(goodsValueCents, [fruits, order.boxes], [shipmentBoxes, order.totalCount]);
}

/** A consumer's report and what it is judged against. */
export type CompensationInput = {
  /** Bad fruits, of `totalCount` fruits in the order. */
  badCount: number;
  totalCount: number;
  /** Boxes in the order (issue 13: default 1). */
  boxes?: number;
  shipment: { goodsValueCents: number; boxes: number };
  thresholds?: CompensationThresholds;
};

/** What the consumer gets: the order refunded, the order resent, the bad fruits resent, or nothing. */
export type CompensationRemedy = 'full_refund' | 'resend_order' | 'resend_bad_count' | 'none';

/** The remedy, its rule, and what it is worth; a refusal names the field in both languages. */
export type CompensationDecision =
  | {
      ok: true;
      remedy: CompensationRemedy;
      ruleId: `compensation.${CompensationRemedy}`;
      /** Refunded, or the value of what is resent (issue 13: "a resend is recorded at the value of what is resent"). */
      valueCents: number;
      currency: 'CNY';
      /** What is resent: the order's boxes, or the bad fruits; null for a refund or nothing. */
      resend: { boxes: number } | { fruits: number } | null;
      reason: LocalizedText;
    }
  | { ok: false; code: 'request.invalid'; field: string; message: LocalizedText };

function refuse(field: string, zh: string, en: string): Extract<CompensationDecision, { ok: false }> {
  return { ok: false, code: 'request.invalid', field, message: { zh: `${field}：${zh}`, en: `${field}: ${en}` } };
}

const isCount = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;

/** The first rule an input breaks, or null. */
function checkInput(input: CompensationInput, boxes: number, thresholds: CompensationThresholds) {
  const { badCount, totalCount, shipment } = input;
  if (!isCount(shipment.goodsValueCents, 0)) return refuse('shipment.goodsValueCents', '须为以分计的非负整数', 'must be a whole number of cents (fen), 0 or more');
  if (!isCount(shipment.boxes, 1)) return refuse('shipment.boxes', '须为至少 1 的整数', 'must be a whole number, at least 1');
  if (!isCount(totalCount, 1)) return refuse('totalCount', '须为至少 1 的整数（果数）', 'must be a whole number of fruits, at least 1');
  if (!isCount(badCount, 0)) return refuse('badCount', '须为 0 或正整数（果数）', 'must be a whole number of fruits, 0 or more');
  if (badCount > totalCount) return refuse('badCount', `不能多于总果数 ${totalCount}`, `must not be more than totalCount (${totalCount})`);
  if (!isCount(boxes, 1)) return refuse('boxes', '须为至少 1 的整数', 'must be a whole number, at least 1');
  if (boxes > shipment.boxes) return refuse('boxes', `不能多于本批货物的箱数 ${shipment.boxes}`, `must not be more than the shipment's ${shipment.boxes} boxes`);
  const { fullRefundAboveBp, resendFromBp } = thresholds;
  if (!isCount(fullRefundAboveBp, 0) || fullRefundAboveBp > 10_000) return refuse('thresholds.fullRefundAboveBp', '须为 0 至 10000 的整数（基点）', 'must be a whole number of basis points from 0 to 10000');
  if (!isCount(resendFromBp, 0) || resendFromBp > fullRefundAboveBp) return refuse('thresholds.resendFromBp', '须为不大于全额退款阈值的非负整数（基点）', 'must be a whole number of basis points, 0 up to fullRefundAboveBp');
  return null;
}

/** A share as words: at most two decimals, exact enough to tell 4.99 % from 5 %. */
function percent(bad: number, total: number): string {
  return `${Number(((bad * 100) / total).toFixed(2))} %`;
}

const bp = (value: number) => `${value / 100} %`;

/** The plan's compensation for a report of `badCount` bad fruits of `totalCount`. */
export function decideCompensation(input: CompensationInput): CompensationDecision {
  const boxes = input.boxes ?? 1;
  const thresholds = input.thresholds ?? DEFAULT_COMPENSATION_THRESHOLDS;
  const refusal = checkInput(input, boxes, thresholds);
  if (refusal) return refusal;
  const { badCount, totalCount, shipment } = input;
  const share = percent(badCount, totalCount);
  const base = { ok: true as const, currency: 'CNY' as const };
  if (badCount === 0) {
    return { ...base, remedy: 'none', ruleId: 'compensation.none', valueCents: 0, resend: null, reason: { zh: '未报告坏果，无需补偿', en: 'no bad fruit reported: nothing to compensate' } };
  }
  const orderValueCents = boxesValueCents(shipment.goodsValueCents, shipment.boxes, boxes);
  // exact: bad ÷ total > threshold ÷ 10 000  ⇔  bad × 10 000 > threshold × total
  const scaled = badCount * 10_000;
  if (scaled > thresholds.fullRefundAboveBp * totalCount) {
    return {
      ...base, remedy: 'full_refund', ruleId: 'compensation.full_refund', valueCents: orderValueCents, resend: null,
      reason: { zh: `坏果 ${badCount}/${totalCount}（${share}）超过 ${bp(thresholds.fullRefundAboveBp)}：全额退款 ${boxes} 箱`, en: `${badCount} of ${totalCount} bad (${share}), more than ${bp(thresholds.fullRefundAboveBp)}: full refund of ${boxes} box(es)` },
    };
  }
  if (scaled >= thresholds.resendFromBp * totalCount) {
    return {
      ...base, remedy: 'resend_order', ruleId: 'compensation.resend_order', valueCents: orderValueCents, resend: { boxes },
      reason: { zh: `坏果 ${badCount}/${totalCount}（${share}）在 ${bp(thresholds.resendFromBp)} 至 ${bp(thresholds.fullRefundAboveBp)} 之间：补发 ${boxes} 箱`, en: `${badCount} of ${totalCount} bad (${share}), from ${bp(thresholds.resendFromBp)} to ${bp(thresholds.fullRefundAboveBp)}: resend ${boxes} box(es)` },
    };
  }
  return {
    ...base, remedy: 'resend_bad_count', ruleId: 'compensation.resend_bad_count', resend: { fruits: badCount },
    valueCents: fruitsValueCents(shipment.goodsValueCents, shipment.boxes, { boxes, totalCount }, badCount),
    reason: { zh: `坏果 ${badCount}/${totalCount}（${share}）低于 ${bp(thresholds.resendFromBp)}：按坏果数补发 ${badCount} 个`, en: `${badCount} of ${totalCount} bad (${share}), under ${bp(thresholds.resendFromBp)}: resend the ${badCount} bad fruit(s)` },
  };
}

/**
 * What the platform may advance of `requestedCents` against a claim: never more than the claim's goods
 * share less what is already advanced on it (issue 13: "capped by it, never on top of it"); 0 when full.
 * Throws on amounts that are not whole non-negative cents: that is a bug in the caller.
 */
export function capAdvance(requestedCents: number, goodsShareCents: number, alreadyAdvancedCents: number): number {
  for (const n of [requestedCents, goodsShareCents, alreadyAdvancedCents]) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`capAdvance: ${n} is not a whole number of cents, 0 or more`);
  }
  return Math.max(0, Math.min(requestedCents, goodsShareCents - alreadyAdvancedCents));
}

/** What the cold-chain record says about a shipment, as far as after-sales needs it. */
export type AfterSalesEvidence = {
  /** Claims on the shipment, any status; the earliest filed that stands is the one charged. */
  claims: ReadonlyArray<{ id: string; liableOrgId: string; status: ClaimStatus; filedAt: number }>;
  /** Excursion alerts with their attribution and the liable custodian's kind (null when unknown). */
  excursions: ReadonlyArray<{ alertId: string; attribution: Attribution; custodianKind: OrgKind | null }>;
  /** Display names of organisations, by id. */
  orgNames?: Readonly<Record<string, LocalizedText>>;
};

export type AfterSalesDecision =
  | {
      decision: 'auto_approve';
      ruleId: 'after_sales.attributed_excursion';
      liableOrgId: string;
      /** The claim the advance is recorded against; null when none is filed yet (the caller files one). */
      claimId: string | null;
      /** The alert that is the evidence when there is no claim. */
      alertId: string | null;
      reason: LocalizedText;
    }
  | { decision: 'awaiting_shipper'; ruleId: 'after_sales.shipper_decides' | 'after_sales.claim_closed'; remindAt: number; decideBy: number; escalateAt: number; reason: LocalizedText };

/**
 * Claims an advance can be recorded against: not withdrawn, not overturned on dispute (the claim fell), not closed
 * by settlement. A disputed claim stands: "the dispute decides who finally pays, not whether the consumer
 * waits" (issue 13, item 4).
 */
const isStanding = (status: ClaimStatus) => status !== 'withdrawn' && status !== 'overturned' && status !== 'settled';

/** "坏果秒赔": approve at once on an excursion attributed to a logistics provider, else the streamer decides. */
export function decideAfterSales(evidence: AfterSalesEvidence, reportedAt: number): AfterSalesDecision {
  const name = (orgId: string) => evidence.orgNames?.[orgId] ?? { zh: orgId, en: orgId };
  const approve = (liableOrgId: string, claimId: string | null, alertId: string | null): AfterSalesDecision => ({
    decision: 'auto_approve', ruleId: 'after_sales.attributed_excursion', liableOrgId, claimId, alertId,
    reason: {
      zh: `冷链记录显示本批货物的温度超标归属于物流方${name(liableOrgId).zh}：坏果秒赔，立即批准；平台在对其索赔的货值范围内先行垫付（超出部分由主播支付）`,
      en: `the cold-chain record attributes an excursion on this shipment to the logistics provider ${name(liableOrgId).en}: approved at once; the platform advances the money against the claim on it, up to the claim's goods share (the rest is the streamer's)`,
    },
  });
  const claim = evidence.claims.filter((c) => isStanding(c.status)).sort((a, b) => a.filedAt - b.filedAt)[0];
  if (claim) return approve(claim.liableOrgId, claim.id, null);
  // A party whose claim on this shipment was withdrawn, overturned or settled is not charged again by a
  // consumer's report: the people who closed that claim decided, and a new claim would undo them.
  const closed = new Set(evidence.claims.map((c) => c.liableOrgId));
  const excursion = evidence.excursions.find(
    (e) => e.attribution.status === 'attributed' && e.custodianKind !== null && isLogisticsProvider(e.custodianKind) && !closed.has(e.attribution.orgId),
  );
  if (excursion?.attribution.status === 'attributed') return approve(excursion.attribution.orgId, null, excursion.alertId);
  const decideBy = reportedAt + AFTER_SALES_RESPOND_MS;
  const deadlines = { decision: 'awaiting_shipper' as const, remindAt: decideBy - AFTER_SALES_REMIND_BEFORE_MS, decideBy, escalateAt: reportedAt + AFTER_SALES_ESCALATE_MS };
  const closedParty = evidence.excursions.some((e) => e.attribution.status === 'attributed' && closed.has(e.attribution.orgId));
  if (closedParty) {
    return {
      ...deadlines, ruleId: 'after_sales.claim_closed',
      reason: {
        zh: '对责任物流方的索赔已结束（撤回、申辩成立或已结案）：请主播在 24 小时内处理，48 小时未结案则升级至平台',
        en: 'the claim on the liable logistics provider is closed (withdrawn, overturned or settled): the streamer decides within 24 h; undecided at 48 h, it goes to the platform',
      },
    };
  }
  return {
    ...deadlines, ruleId: 'after_sales.shipper_decides',
    reason: {
      zh: '冷链记录未显示归属于物流方的温度超标：请主播在 24 小时内处理，48 小时未结案则升级至平台',
      en: 'the cold-chain record shows no excursion attributed to a logistics provider: the streamer decides within 24 h; undecided at 48 h, it goes to the platform',
    },
  };
}
