import { randomBytes, randomUUID } from 'node:crypto';
import {
  claimAmountCents,
  compensationThresholdsFor,
  decideAfterSales,
  decideCompensation,
  PLATFORM_ORG_ID,
} from '@coldchain/domain';
import type { AfterSalesEvidence, ClaimActionContext, LocalizedText, OrgKind, ProductProfile } from '@coldchain/domain';
import type { AfterSalesEvent, AfterSalesPhoto, AfterSalesRequest, AfterSalesState, AfterSalesStepType, Claim, NewAfterSalesEvent, OpsStore, Shipment } from '@coldchain/storage';
import type { PayoutPort } from './payouts.ts';

/** Names of the states, Chinese first (consumer page, console, messages). */
export const AFTER_SALES_STATE_NAMES: Readonly<Record<AfterSalesState, LocalizedText>> = {
  received: { zh: '已收到', en: 'received' },
  approved: { zh: '已批准', en: 'approved' },
  awaiting_shipper: { zh: '等待主播处理', en: 'awaiting the streamer' },
  rejected: { zh: '已驳回', en: 'rejected' },
  escalated: { zh: '已升级至平台', en: 'escalated to the platform' },
  paid: { zh: '已赔付', en: 'paid' },
};

/** States in which a request waits for a person (the streamer, or the platform once escalated). */
export const OPEN_AFTER_SALES_STATES: readonly AfterSalesState[] = ['received', 'awaiting_shipper', 'escalated', 'approved'];

/** What happened, for the channels (storage's AfterSalesStepType): the shipper hears of every step, the platform of escalations and advances. */
export type AfterSalesNoticeType = AfterSalesStepType;

/** A step of a request for the channels; the consumer's order number is left out (the shipper's console shows it). */
export type AfterSalesNotice = {
  type: AfterSalesNoticeType;
  at: number;
  request: Omit<AfterSalesRequest, 'orderRef'>;
  step: AfterSalesEvent;
  /** Organisations to tell. */
  orgIds: string[];
};

/** A refusal of a report or a decision, naming the field and the rule in both languages. */
export type AfterSalesRefusal = { ok: false; code: 'request.invalid' | 'after_sales.boxes_exhausted' | 'after_sales.duplicate_order' | 'after_sales.not_open' | 'after_sales.not_found' | 'after_sales.not_your_turn'; field?: string; message: LocalizedText };

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void; debug?(obj: object, msg: string): void };

export type AfterSalesWorkflowDeps = {
  ops: Pick<OpsStore, 'afterSales' | 'getShipment' | 'listClaims' | 'getClaim' | 'listAlerts' | 'getOrganisation' | 'listOrganisations' | 'fileClaimOnce' | 'getOrgClaimResponseMs'>;
  profiles: { get(id: string): Promise<ProductProfile | undefined> };
  payouts: PayoutPort;
  clock: { now(): number };
  log: Log;
  /** Tells the channels of a step (the outbox); a failure is logged, the step stays stored. */
  notify?: (notice: AfterSalesNotice) => Promise<void>;
  /** A claim filed for an auto-approved request (the carrier hears of it like any new claim). */
  onClaimFiled?: (claim: Claim, shipment: Shipment) => Promise<void>;
  /** Divides the streamer's deadlines (the demo at DEMO_SPEED); 1 in production. */
  speed?: number;
  /** Grace before a timer takes up a request still being handled by the request that created it. */
  catchUpAfterMs?: number;
};

/** The consumer's report, checked for shape by the caller. */
export type AfterSalesReport = {
  shipment: Shipment;
  badCount: number;
  totalCount: number;
  boxes: number;
  orderRef: string | null;
  photos: ReadonlyArray<Omit<AfterSalesPhoto, 'requestId'>>;
};

const CONSUMER = { name: 'consumer 消费者', orgId: null };
/** The rule engine acting in the platform's name (it advances the money). */
const SYSTEM = { name: 'system 系统', orgId: PLATFORM_ORG_ID };

/** Why an approval by rule fell back to the streamer: no claim stands to advance against. */
const NO_CLAIM_REASON: LocalizedText = {
  zh: '本批货物没有仍然有效的物流方索赔可供平台先行垫付：请主播在 24 小时内处理，48 小时未结案则升级至平台',
  en: 'no claim on a logistics provider stands on this shipment for the platform to advance against: the streamer decides within 24 h; undecided at 48 h, it goes to the platform',
};

/** What the consumer reads for the system's own rulings: no organisation named (the shipper chooses what the public page names). */
const PUBLIC_REASONS: Readonly<Record<string, LocalizedText>> = {
  'after_sales.attributed_excursion': { zh: '冷链记录显示运输途中温度超标，责任在物流方：坏果秒赔，已立即批准', en: "the cold-chain record shows a temperature excursion in transport, a logistics provider's: approved at once" },
  'after_sales.claim_closed': { zh: '对物流方的索赔已结束：主播将在 24 小时内处理，48 小时未处理则由平台处理', en: 'the claim on the logistics provider is closed: the streamer decides within 24 h, the platform at 48 h' },
  'after_sales.shipper_decides': { zh: '冷链记录未显示物流方责任：主播将在 24 小时内处理，48 小时未处理则由平台处理', en: 'the cold-chain record shows no logistics provider at fault: the streamer decides within 24 h, the platform at 48 h' },
};

/** Requests read per page by the timers. */
const DUE_PAGE = 200;

/** An id nobody can guess: the consumer follows the request with it and the trace code, without an account. */
export function newAfterSalesId(): string {
  return `as_${randomBytes(16).toString('base64url')}`;
}

const refuse = (code: AfterSalesRefusal['code'], field: string | undefined, zh: string, en: string): AfterSalesRefusal => ({ ok: false, code, field, message: { zh: field ? `${field}：${zh}` : zh, en: field ? `${field}: ${en}` : en } });

/** States that still count against the shipment's boxes (a rejected request gives its boxes back). */
const COUNTED: readonly AfterSalesState[] = ['received', 'approved', 'awaiting_shipper', 'escalated', 'paid'];

/**
 * After-sales requests from report to payout (issue 13, items 3 and 4; decision 0024). One code path for
 * the API (a report is judged and paid while the consumer waits) and the rules service's timers (the
 * streamer's reminder and the escalation at 48 h, and catching up a request a crash left half done). Every
 * step is a compare-and-set on the stored state with its history line, so two runs of the same step (the
 * API and a timer, or two instances) make one.
 */
export function createAfterSalesWorkflow(deps: AfterSalesWorkflowDeps) {
  const { ops, log } = deps;
  const store = ops.afterSales;
  const speed = deps.speed ?? 1;
  const catchUpAfterMs = deps.catchUpAfterMs ?? 30_000;

  async function tell(type: AfterSalesNoticeType, request: AfterSalesRequest, step: AfterSalesEvent, orgIds: string[]): Promise<void> {
    if (!deps.notify) return;
    const { orderRef: _left, ...rest } = request;
    await deps.notify({ type, at: step.at, request: rest, step, orgIds: [...new Set(orgIds)] }).catch((error: unknown) => log.error({ err: error, requestId: request.id, type }, 'after_sales.notify_failed'));
  }

  async function thresholdsFor(shipment: Shipment) {
    return compensationThresholdsFor(await store.getCompensationSettings(shipment.shipperOrgId, shipment.profileId), await store.getCompensationSettings(shipment.shipperOrgId, '*'));
  }

  /** Stores a consumer's report, then judges it (and pays it when approved by rule). */
  async function report(input: AfterSalesReport): Promise<{ ok: true; request: AfterSalesRequest } | AfterSalesRefusal> {
    const { shipment } = input;
    const compensation = decideCompensation({ badCount: input.badCount, totalCount: input.totalCount, boxes: input.boxes, shipment, thresholds: await thresholdsFor(shipment) });
    if (!compensation.ok) return { ok: false, code: 'request.invalid', field: compensation.field, message: compensation.message };
    const earlier = await store.list({ shipmentId: shipment.id, states: COUNTED, limit: 100_000 });
    if (input.orderRef !== null && earlier.some((r) => r.orderRef === input.orderRef)) {
      return refuse('after_sales.duplicate_order', 'orderRef', '该订单已提交过售后申请，请查看原申请的进度', 'a request for this order has been made already; follow that request instead');
    }
    const claimedBoxes = earlier.reduce((sum, r) => sum + r.boxes, 0);
    if (claimedBoxes + input.boxes > shipment.boxes) {
      return refuse('after_sales.boxes_exhausted', 'boxes', `本批货物共 ${shipment.boxes} 箱，已有 ${claimedBoxes} 箱提交售后`, `this shipment has ${shipment.boxes} boxes and requests already cover ${claimedBoxes}`);
    }
    const now = deps.clock.now();
    const request: AfterSalesRequest = {
      id: newAfterSalesId(), shipmentId: shipment.id, shipperOrgId: shipment.shipperOrgId,
      badCount: input.badCount, totalCount: input.totalCount, boxes: input.boxes, orderRef: input.orderRef,
      state: 'received', remedy: compensation.remedy, remedyRuleId: compensation.ruleId, valueCents: compensation.valueCents, resend: compensation.resend,
      decisionRuleId: 'after_sales.received', decisionReason: compensation.reason, evidence: { claimId: null, alertId: null },
      claimId: null, liableOrgId: null, advancedCents: 0, reportedAt: now,
      remindAt: null, decideBy: null, escalateAt: null, remindedAt: null, escalatedAt: null, decidedAt: null, paidAt: null, photoCount: input.photos.length,
    };
    const step = await store.create(request, input.photos, {
      at: now, actor: CONSUMER, action: 'report', ruleId: compensation.ruleId, reason: compensation.reason,
      detail: { badCount: request.badCount, totalCount: request.totalCount, boxes: request.boxes, photos: input.photos.length },
    });
    log.info({ requestId: request.id, shipmentId: shipment.id, remedy: request.remedy, valueCents: request.valueCents }, 'after_sales.received');
    await tell('after_sales.received', request, step, [shipment.shipperOrgId]);
    return { ok: true, request: (await judge(request.id)) ?? request };
  }

  /** What the cold-chain record says about the shipment, for `decideAfterSales`. */
  async function evidenceFor(shipmentId: string): Promise<AfterSalesEvidence> {
    const claims = await ops.listClaims({ shipmentId });
    const alerts = await ops.listAlerts({ shipmentId, kind: 'excursion', limit: 1000 });
    const orgs = new Map((await ops.listOrganisations()).map((o) => [o.id, o]));
    return {
      claims: claims.map((c) => ({ id: c.id, liableOrgId: c.liableOrgId, status: c.status, filedAt: c.filedAt })),
      excursions: alerts.map((a) => ({ alertId: a.id, attribution: a.attribution, custodianKind: a.attribution.status === 'attributed' ? ((orgs.get(a.attribution.orgId)?.kind as OrgKind | undefined) ?? null) : null })),
      orgNames: Object.fromEntries([...orgs.values()].map((o) => [o.id, { zh: o.name, en: o.nameEn }])),
    };
  }

  /** Files the claim an attributed excursion calls for when none stands (an excursion shorter than the claim threshold). */
  async function fileClaimFor(shipment: Shipment, alertId: string, liableOrgId: string): Promise<Claim | undefined> {
    const alert = (await ops.listAlerts({ shipmentId: shipment.id, kind: 'excursion', limit: 1000 })).find((a) => a.id === alertId);
    const profile = await deps.profiles.get(shipment.profileId);
    if (!alert || !profile) return undefined;
    const now = deps.clock.now();
    const { goodsShareCents, amountCents } = claimAmountCents(shipment, profile.claim.damagedShare);
    const responseMs = (await ops.getOrgClaimResponseMs(liableOrgId)) ?? undefined;
    const { claim, isNew } = await ops.fileClaimOnce({
      id: randomUUID(), shipmentId: shipment.id, alertId, liableOrgId, amountCents, goodsShareCents, freightCents: shipment.freightCents, currency: 'CNY',
      status: 'filed', reason: alert.attribution.reason, filedAt: now, respondBy: now + Math.round((responseMs ?? 2 * 60 * 60_000) / speed), withdrawnAt: null, withdrawnReason: null,
    });
    if (isNew) {
      log.info({ claimId: claim.id, shipmentId: shipment.id, liableOrgId }, 'claim.filed_for_after_sales');
      await deps.onClaimFiled?.(claim, shipment).catch((error: unknown) => log.error({ err: error, claimId: claim.id }, 'claim.notify_failed'));
    }
    return claim;
  }

  /** Judges a `received` request: approved by rule (with the platform's advance) or left to the streamer. */
  async function judge(id: string): Promise<AfterSalesRequest | undefined> {
    const request = await store.get(id);
    if (!request || request.state !== 'received') return request;
    const shipment = await ops.getShipment(request.shipmentId);
    if (!shipment) return request;
    const decision = decideAfterSales(await evidenceFor(shipment.id), request.reportedAt);
    const now = deps.clock.now();
    /** Leaves the request to the streamer, with the plan's deadlines (divided in the demo). */
    const toStreamer = async (ruleId: string, reason: LocalizedText) => {
      const awaiting = decideAfterSales({ claims: [], excursions: [] }, request.reportedAt);
      if (awaiting.decision !== 'awaiting_shipper') return store.get(id);
      const scaled = (at: number) => request.reportedAt + Math.round((at - request.reportedAt) / speed);
      const outcome = await store.transition(id, {
        from: ['received'], to: 'awaiting_shipper',
        patch: { decisionRuleId: ruleId, decisionReason: reason, remindAt: scaled(awaiting.remindAt), decideBy: scaled(awaiting.decideBy), escalateAt: scaled(awaiting.escalateAt) },
        event: { at: now, actor: SYSTEM, action: 'judge', ruleId, reason, detail: null },
      });
      if (outcome.status !== 'applied') return store.get(id);
      await tell('after_sales.awaiting_shipper', outcome.request, outcome.event, [shipment.shipperOrgId]);
      return outcome.request;
    };
    if (decision.decision === 'awaiting_shipper') return toStreamer(decision.ruleId, decision.reason);
    const claim = decision.claimId ? await ops.getClaim(decision.claimId) : await fileClaimFor(shipment, decision.alertId!, decision.liableOrgId);
    if (!claim) return toStreamer('after_sales.claim_closed', NO_CLAIM_REASON);
    const context: ClaimActionContext = { actor: SYSTEM, party: 'platform', now };
    const evidence = { claimId: claim.id, alertId: decision.alertId ?? claim.alertId };
    const outcome = await store.transition(id, {
      from: ['received'], to: 'approved',
      patch: { decisionRuleId: decision.ruleId, decisionReason: decision.reason, claimId: claim.id, liableOrgId: decision.liableOrgId, evidence, decidedAt: now },
      event: { at: now, actor: SYSTEM, action: 'approve', ruleId: decision.ruleId, reason: decision.reason, detail: { ...evidence } },
      // Capped by the claim's goods share less what it has advanced, read in the store's transaction.
      advance: { claimId: claim.id, requestedCents: request.valueCents, capCents: claim.goodsShareCents, note: `after-sales ${id}`, context },
    });
    if (outcome.status === 'claim_refused') {
      // The claim moved meanwhile (settled, withdrawn, overturned): the record no longer charges anyone, so
      // the streamer decides, and the consumer is not told of an advance that was not made.
      log.warn({ requestId: id, claimId: claim.id, outcome: outcome.claim }, 'after_sales.advance_refused');
      return toStreamer('after_sales.claim_closed', NO_CLAIM_REASON);
    }
    if (outcome.status !== 'applied') return store.get(id);
    log.info({ requestId: id, claimId: claim?.id, advancedCents: outcome.request.advancedCents }, 'after_sales.approved');
    await tell('after_sales.approved', outcome.request, outcome.event, [shipment.shipperOrgId, PLATFORM_ORG_ID]);
    return (await pay(id)) ?? outcome.request;
  }

  /** Pays (or records the resend of) an `approved` request through the payout port; once per request. */
  async function pay(id: string): Promise<AfterSalesRequest | undefined> {
    const request = await store.get(id);
    if (!request || request.state !== 'approved') return request;
    const kind = request.remedy === 'full_refund' ? 'refund' : 'resend';
    // The platform pays what it advanced against the claim; the rest of the value is the shipper's.
    const payer = request.advancedCents >= request.valueCents ? 'platform' : request.advancedCents > 0 ? 'shared' : 'shipper';
    const receipt = await deps.payouts.pay({ requestId: id, orderRef: request.orderRef, amountCents: request.valueCents, currency: 'CNY', kind, payer });
    const now = deps.clock.now();
    const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;
    const who: LocalizedText = payer === 'platform'
      ? { zh: '平台先行垫付', en: 'advanced by the platform' }
      : payer === 'shared'
        ? { zh: `平台先行垫付 ${yuan(request.advancedCents)}，其余 ${yuan(request.valueCents - request.advancedCents)} 由主播支付`, en: `${yuan(request.advancedCents)} advanced by the platform, ${yuan(request.valueCents - request.advancedCents)} paid by the streamer` }
        : { zh: '主播支付', en: 'paid by the streamer' };
    const reason: LocalizedText = kind === 'refund'
      ? { zh: `已退款 ${yuan(request.valueCents)}（${who.zh}）`, en: `refunded ${yuan(request.valueCents)} (${who.en})` }
      : { zh: `已安排补发，价值 ${yuan(request.valueCents)}（${who.zh}）`, en: `resend arranged, worth ${yuan(request.valueCents)} (${who.en})` };
    const outcome = await store.recordPayout(
      { id: `po_${randomBytes(12).toString('base64url')}`, requestId: id, claimId: request.claimId, amountCents: request.valueCents, currency: 'CNY', kind, payer, provider: receipt.provider, providerRef: receipt.providerRef, status: receipt.status, recordedAt: now },
      { at: now, actor: SYSTEM, action: 'pay', ruleId: request.remedyRuleId, reason, detail: { provider: receipt.provider, kind, payer, advancedCents: request.advancedCents } },
    );
    if (outcome.status !== 'paid') return store.get(id);
    if (outcome.isNew) {
      const events = await store.listEvents(id);
      await tell('after_sales.paid', outcome.request, events.at(-1)!, [request.shipperOrgId]);
    }
    return outcome.request;
  }

  /**
   * The streamer's (or, once escalated, the platform's) decision on a request waiting for a person:
   * approve (then paid by the shipper) or reject with the reason the consumer reads.
   */
  async function decide(id: string, input: { decision: 'approve' | 'reject'; reason: string }, actor: { name: string; orgId: string }, party: 'shipper' | 'platform'): Promise<{ ok: true; request: AfterSalesRequest } | AfterSalesRefusal> {
    const now = deps.clock.now();
    const to: AfterSalesState = input.decision === 'approve' ? 'approved' : 'rejected';
    const ruleId = `after_sales.${input.decision === 'approve' ? 'approved' : 'rejected'}_by_${party}`;
    const who = party === 'shipper' ? { zh: '主播', en: 'the streamer' } : { zh: '平台', en: 'the platform' };
    const reason: LocalizedText = input.decision === 'approve'
      ? { zh: `${who.zh}批准：${input.reason}`, en: `approved by ${who.en}: ${input.reason}` }
      : { zh: `${who.zh}驳回：${input.reason}`, en: `rejected by ${who.en}: ${input.reason}` };
    // The streamer decides while the request waits for it, and may still once escalated; the platform
    // only once escalated (decision 0024): before that it is the streamer's money and the streamer's call.
    if (party === 'platform') {
      const current = await store.get(id);
      if (current && current.state === 'awaiting_shipper') {
        return refuse('after_sales.not_your_turn', undefined, '该申请仍在主播处理时限内，升级至平台后平台才能处理', "the request is the streamer's to decide until it is escalated to the platform");
      }
    }
    const outcome = await store.transition(id, {
      from: party === 'platform' ? ['escalated'] : ['awaiting_shipper', 'escalated'], to,
      patch: { decisionRuleId: ruleId, decisionReason: reason, decidedAt: now },
      event: { at: now, actor, action: input.decision, ruleId, reason, detail: null },
    });
    if (outcome.status === 'not_found') return refuse('after_sales.not_found', undefined, `没有售后申请 ${id}`, `no after-sales request ${id}`);
    if (outcome.status !== 'applied') {
      const state = outcome.status === 'conflict' ? outcome.request.state : 'unknown';
      return refuse('after_sales.not_open', undefined, `该申请当前状态为「${state}」，不能再处理`, `the request is ${state}: nothing to decide`);
    }
    await tell(to === 'approved' ? 'after_sales.approved' : 'after_sales.rejected', outcome.request, outcome.event, [outcome.request.shipperOrgId, ...(party === 'platform' || outcome.request.escalatedAt ? [PLATFORM_ORG_ID] : [])]);
    return { ok: true, request: to === 'approved' ? ((await pay(id)) ?? outcome.request) : outcome.request };
  }

  /** One step a timer owes a request, if any. */
  async function catchUp(request: AfterSalesRequest, now: number, report: AfterSalesTickReport): Promise<void> {
    if ((request.state === 'received' || request.state === 'approved') && now - (request.decidedAt ?? request.reportedAt) < catchUpAfterMs) return;
    if (request.state === 'received') {
      await judge(request.id);
      report.judged.push(request.id);
    } else if (request.state === 'approved') {
      await pay(request.id);
      report.paid.push(request.id);
    } else if (request.state === 'awaiting_shipper' && request.escalateAt !== null && request.escalateAt <= now) {
      const reason = { zh: '主播 48 小时内未处理，已升级至平台处理', en: 'the streamer did not decide within 48 h: escalated to the platform' };
      const outcome = await store.transition(request.id, { from: ['awaiting_shipper'], to: 'escalated', patch: { escalatedAt: now }, event: { at: now, actor: SYSTEM, action: 'escalate', ruleId: 'after_sales.escalated_at_48h', reason, detail: null } });
      if (outcome.status !== 'applied') return;
      report.escalated.push(request.id);
      log.warn({ requestId: request.id, shipmentId: request.shipmentId }, 'after_sales.escalated');
      await tell('after_sales.escalated', outcome.request, outcome.event, [PLATFORM_ORG_ID, request.shipperOrgId]);
    } else if (request.state === 'awaiting_shipper' && request.remindedAt === null && request.remindAt !== null && request.remindAt <= now) {
      const reason = { zh: '请在 24 小时时限前处理该售后申请', en: 'decide this request before its 24 h deadline' };
      const outcome = await store.transition(request.id, { from: ['awaiting_shipper'], to: 'awaiting_shipper', patch: { remindedAt: now }, event: { at: now, actor: SYSTEM, action: 'remind', ruleId: 'after_sales.decision_due', reason, detail: { decideBy: request.decideBy } } });
      if (outcome.status !== 'applied') return;
      report.reminded.push(request.id);
      await tell('after_sales.decision_due', outcome.request, outcome.event, [request.shipperOrgId]);
    }
  }

  /**
   * The timers, from the store on every tick (so they survive a restart): the streamer's reminder,
   * escalation at 48 h, and requests a crash left `received` or `approved`.
   */
  async function tick(): Promise<AfterSalesTickReport> {
    const now = deps.clock.now();
    const report: AfterSalesTickReport = { reminded: [], escalated: [], judged: [], paid: [] };
    const visited = new Set<string>();
    for (let limit = DUE_PAGE; ; limit += DUE_PAGE) {
      const due = await store.listDue(now, limit);
      for (const request of due) {
        if (visited.has(request.id)) continue;
        visited.add(request.id);
        await catchUp(request, now, report).catch((error: unknown) => log.error({ err: error, requestId: request.id }, 'after_sales.timer_failed'));
      }
      if (due.length < limit) return report;
    }
  }

  return { report, judge, pay, decide, tick };
}

export type AfterSalesTickReport = { reminded: string[]; escalated: string[]; judged: string[]; paid: string[] };
export type AfterSalesWorkflow = ReturnType<typeof createAfterSalesWorkflow>;

/** A request as the consumer may see it: no order number, no names of people, the history as states and reasons. */
export function publicAfterSalesView(request: AfterSalesRequest, events: readonly AfterSalesEvent[]) {
  return {
    id: request.id,
    state: request.state,
    stateName: AFTER_SALES_STATE_NAMES[request.state],
    badCount: request.badCount,
    totalCount: request.totalCount,
    boxes: request.boxes,
    remedy: request.remedy,
    valueCents: request.valueCents,
    currency: 'CNY' as const,
    resend: request.resend,
    decision: { ruleId: request.decisionRuleId, reason: PUBLIC_REASONS[request.decisionRuleId] ?? request.decisionReason },
    reportedAt: request.reportedAt,
    decideBy: request.decideBy,
    escalateAt: request.escalateAt,
    decidedAt: request.decidedAt,
    paidAt: request.paidAt,
    photoCount: request.photoCount,
    // The streamer's reminder is between the system and the streamer.
    history: events
      .filter((e) => e.action !== 'remind')
      .map((e) => ({ at: e.at, state: e.to, stateName: AFTER_SALES_STATE_NAMES[e.to], action: e.action, reason: (e.actor.orgId === PLATFORM_ORG_ID && e.actor.name === SYSTEM.name && PUBLIC_REASONS[e.ruleId]) || e.reason })),
  };
}
