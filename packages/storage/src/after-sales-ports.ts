import type { ClaimActionContext, CompensationRemedy, CompensationThresholds, LocalizedText } from '@coldchain/domain';

/**
 * Where a consumer's after-sales request stands (issue 13, item 3): `received` (stored, not yet judged),
 * `approved` (by rule or by a person; the money is being recorded), `awaiting_shipper` (the streamer
 * decides within 24 h), `rejected` (with the reason shown to the consumer), `escalated` (undecided at 48 h:
 * the platform decides), `paid` (the refund or the resend recorded).
 */
export type AfterSalesState = 'received' | 'approved' | 'awaiting_shipper' | 'rejected' | 'escalated' | 'paid';

export const AFTER_SALES_STATES: readonly AfterSalesState[] = ['received', 'approved', 'awaiting_shipper', 'rejected', 'escalated', 'paid'];

/**
 * What happened to a request, as the channels hear of it (the workflow's notices, the bus's after-sales
 * steps, the messages): one list for all of them.
 */
export type AfterSalesStepType =
  | 'after_sales.received'
  | 'after_sales.approved'
  | 'after_sales.awaiting_shipper'
  | 'after_sales.decision_due'
  | 'after_sales.escalated'
  | 'after_sales.rejected'
  | 'after_sales.paid';

/** What a decision rests on: the claim and alert it was judged against (null when none). */
export type AfterSalesEvidenceRef = { claimId: string | null; alertId: string | null };

/** A consumer's report of bad fruit and what was decided on it. */
export type AfterSalesRequest = {
  id: string;
  shipmentId: string;
  shipperOrgId: string;
  badCount: number;
  totalCount: number;
  boxes: number;
  /** The consumer's order number, if given: visible to the shipper only. */
  orderRef: string | null;
  state: AfterSalesState;
  /** The compensation the plan's bands give (packages/domain compensation.ts) and its rule. */
  remedy: CompensationRemedy;
  remedyRuleId: string;
  valueCents: number;
  resend: { boxes: number } | { fruits: number } | null;
  /** The rule that decided who decides (auto-approval or the streamer), then the latest decision's rule. */
  decisionRuleId: string;
  decisionReason: LocalizedText;
  evidence: AfterSalesEvidenceRef;
  /** The claim the platform's advance is recorded against, and the liable provider; null without one. */
  claimId: string | null;
  liableOrgId: string | null;
  /** What the platform advanced against the claim for this request (capped by the claim's goods share). */
  advancedCents: number;
  reportedAt: number;
  /** The streamer's reminder, deadline and the escalation to the platform; null when approved by rule. */
  remindAt: number | null;
  decideBy: number | null;
  escalateAt: number | null;
  remindedAt: number | null;
  escalatedAt: number | null;
  decidedAt: number | null;
  paidAt: number | null;
  photoCount: number;
};

/** A photo as stored: re-encoded, metadata stripped. */
export type AfterSalesPhoto = { requestId: string; idx: number; contentType: string; bytes: Buffer; sha256: string };

/** One step of a request's history (append-only): who, what, from which state to which, by which rule, why. */
export type AfterSalesEvent = {
  seq: number;
  requestId: string;
  at: number;
  actor: { name: string; orgId: string | null };
  action: string;
  from: AfterSalesState | null;
  to: AfterSalesState;
  ruleId: string;
  reason: LocalizedText;
  detail: Record<string, unknown> | null;
};

export type NewAfterSalesEvent = Omit<AfterSalesEvent, 'seq' | 'requestId' | 'from' | 'to'>;

/** Money paid out (or a resend sent) for a request, as the payout port recorded it. */
export type Payout = {
  id: string;
  requestId: string;
  claimId: string | null;
  amountCents: number;
  currency: 'CNY';
  /** A refund of money, or goods resent (recorded at the value of what is resent). */
  kind: 'refund' | 'resend';
  /** Who pays: the platform (advanced against a claim), the shipper, or both (the advance was capped: the platform its advance, the shipper the rest). */
  payer: 'platform' | 'shipper' | 'shared';
  /** The adapter that carried it out: `recorded` (no provider reachable), `wechat_pay`, `alipay`. */
  provider: string;
  providerRef: string | null;
  status: 'recorded' | 'succeeded';
  recordedAt: number;
};

/** A state change of a request, judged against the state stored (compare and set, in one transaction). */
export type AfterSalesTransition = {
  from: readonly AfterSalesState[];
  to: AfterSalesState;
  patch?: Partial<Pick<AfterSalesRequest, 'decisionRuleId' | 'decisionReason' | 'claimId' | 'liableOrgId' | 'evidence' | 'remindedAt' | 'escalatedAt' | 'decidedAt' | 'remindAt' | 'decideBy' | 'escalateAt'>>;
  event: NewAfterSalesEvent;
  /**
   * An advance on the claim in the same transaction: `requestedCents`, capped by `capCents` less what
   * the claim has advanced already, read under the write lock (two approvals at once never pass the cap).
   * The amount advanced is the request's `advancedCents` and the event's `detail.advancedCents`. A
   * refusal by the claim's state machine aborts the whole transition.
   */
  advance?: { claimId: string; requestedCents: number; capCents: number; note: string; context: ClaimActionContext };
};

/**
 * What a transition did. `ClaimOutcome` is the operational store's claim transition outcome (a type
 * parameter, so that this module does not import the operational store's ports).
 */
export type AfterSalesTransitionOutcome<ClaimOutcome = unknown> =
  | { status: 'applied'; request: AfterSalesRequest; event: AfterSalesEvent; claim: ClaimOutcome | null }
  | { status: 'conflict'; request: AfterSalesRequest }
  | { status: 'claim_refused'; claim: ClaimOutcome }
  | { status: 'not_found' };

/** After-sales requests, their photos, history and payouts; compensation settings (ops.db). */
export interface AfterSalesStore<ClaimOutcome = unknown> {
  /** Stores a new request, its photos and its first history line in one transaction. */
  create(request: AfterSalesRequest, photos: ReadonlyArray<Omit<AfterSalesPhoto, 'requestId'>>, event: NewAfterSalesEvent): Promise<AfterSalesEvent>;
  get(id: string): Promise<AfterSalesRequest | undefined>;
  /**
   * Requests newest first (ties by id), filtered by shipper, shipment and states, after a keyset
   * position (reportedAt, id) of the previous page.
   */
  list(filter: { shipperOrgId?: string; shipmentId?: string; states?: readonly AfterSalesState[]; limit: number; after?: { reportedAt: number; id: string } }): Promise<AfterSalesRequest[]>;
  listEvents(requestId: string): Promise<AfterSalesEvent[]>;
  getPhoto(requestId: string, idx: number): Promise<AfterSalesPhoto | undefined>;
  transition(id: string, transition: AfterSalesTransition): Promise<AfterSalesTransitionOutcome<ClaimOutcome>>;
  /**
   * Records a payout and moves the request from `approved` to `paid` in one transaction; a second payout
   * for the same request is refused by the store (one per request), answering the first.
   */
  recordPayout(payout: Payout, event: NewAfterSalesEvent): Promise<{ status: 'paid'; request: AfterSalesRequest; payout: Payout; isNew: boolean } | { status: 'conflict'; request: AfterSalesRequest } | { status: 'not_found' }>;
  getPayout(requestId: string): Promise<Payout | undefined>;
  /** Advances already recorded against a claim by after-sales requests (for the goods-share cap). */
  advancedOnClaim(claimId: string): Promise<number>;
  /**
   * Requests a timer must look at, by `now`: awaiting the shipper with the reminder due and not sent or the
   * escalation due, and approved ones without a payout (a crash between approval and payout).
   */
  listDue(now: number, limit: number): Promise<AfterSalesRequest[]>;
  /** The shipper's thresholds for a product (`*`: all its products); undefined when not set. */
  getCompensationSettings(shipperOrgId: string, profileId: string): Promise<CompensationThresholds | undefined>;
  setCompensationSettings(shipperOrgId: string, profileId: string, thresholds: CompensationThresholds, by: string, at: number): Promise<void>;
}
