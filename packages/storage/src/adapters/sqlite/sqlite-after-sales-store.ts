import type Database from 'better-sqlite3';
import { capAdvance } from '@coldchain/domain';
import type { ClaimAction, ClaimActionContext, CompensationRemedy, CompensationThresholds, LocalizedText } from '@coldchain/domain';
import type {
  AfterSalesEvent,
  AfterSalesPhoto,
  AfterSalesRequest,
  AfterSalesState,
  AfterSalesStore,
  AfterSalesTransition,
  AfterSalesTransitionOutcome,
  NewAfterSalesEvent,
  Payout,
} from '../../after-sales-ports.ts';
import type { ClaimTransitionOutcome } from '../../ports.ts';
import type { Row } from './ops-rows.ts';
import { PreparedStatements } from './prepared-statements.ts';

/** Applies a claim action inside the caller's transaction (the operational store's, same connection). */
export type ApplyClaimActionSync = (id: string, action: ClaimAction, context: ClaimActionContext) => ClaimTransitionOutcome;

const json = <T>(v: unknown): T => JSON.parse(v as string) as T;
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : (v as number));

function rowToRequest(r: Row): AfterSalesRequest {
  return {
    id: r.id as string,
    shipmentId: r.shipment_id as string,
    shipperOrgId: r.shipper_org_id as string,
    badCount: r.bad_count as number,
    totalCount: r.total_count as number,
    boxes: r.boxes as number,
    orderRef: (r.order_ref as string | null) ?? null,
    state: r.state as AfterSalesState,
    remedy: r.remedy as CompensationRemedy,
    remedyRuleId: r.remedy_rule_id as string,
    valueCents: r.value_cents as number,
    resend: r.resend === null ? null : json(r.resend),
    decisionRuleId: r.decision_rule_id as string,
    decisionReason: json<LocalizedText>(r.decision_reason),
    evidence: json(r.evidence),
    claimId: (r.claim_id as string | null) ?? null,
    liableOrgId: (r.liable_org_id as string | null) ?? null,
    advancedCents: r.advanced_cents as number,
    reportedAt: r.reported_at as number,
    remindAt: numOrNull(r.remind_at),
    decideBy: numOrNull(r.decide_by),
    escalateAt: numOrNull(r.escalate_at),
    remindedAt: numOrNull(r.reminded_at),
    escalatedAt: numOrNull(r.escalated_at),
    decidedAt: numOrNull(r.decided_at),
    paidAt: numOrNull(r.paid_at),
    photoCount: r.photo_count as number,
  };
}

function rowToEvent(r: Row): AfterSalesEvent {
  return {
    seq: r.seq as number,
    requestId: r.request_id as string,
    at: r.at as number,
    actor: { name: r.actor_name as string, orgId: (r.actor_org_id as string | null) ?? null },
    action: r.action as string,
    from: (r.from_state as AfterSalesState | null) ?? null,
    to: r.to_state as AfterSalesState,
    ruleId: r.rule_id as string,
    reason: json(r.reason),
    detail: r.detail === null ? null : json(r.detail),
  };
}

function rowToPayout(r: Row): Payout {
  return {
    id: r.id as string,
    requestId: r.request_id as string,
    claimId: (r.claim_id as string | null) ?? null,
    amountCents: r.amount_cents as number,
    currency: 'CNY',
    kind: r.kind as Payout['kind'],
    payer: r.payer as Payout['payer'],
    provider: r.provider as string,
    providerRef: (r.provider_ref as string | null) ?? null,
    status: r.status as Payout['status'],
    recordedAt: r.recorded_at as number,
  };
}

/** Columns a transition may patch, by field. */
const PATCH_COLUMNS: Record<keyof NonNullable<AfterSalesTransition['patch']>, [string, (v: unknown) => unknown]> = {
  decisionRuleId: ['decision_rule_id', (v) => v],
  decisionReason: ['decision_reason', (v) => JSON.stringify(v)],
  claimId: ['claim_id', (v) => v],
  liableOrgId: ['liable_org_id', (v) => v],
  evidence: ['evidence', (v) => JSON.stringify(v)],
  remindedAt: ['reminded_at', (v) => v],
  escalatedAt: ['escalated_at', (v) => v],
  decidedAt: ['decided_at', (v) => v],
  remindAt: ['remind_at', (v) => v],
  decideBy: ['decide_by', (v) => v],
  escalateAt: ['escalate_at', (v) => v],
};

/** After-sales on the operational store's connection to ops.db (schema v19). */
export class SqliteAfterSalesStore extends PreparedStatements implements AfterSalesStore<ClaimTransitionOutcome> {
  constructor(db: Database.Database, private readonly applyClaimActionSync: ApplyClaimActionSync) {
    super(db);
  }

  private insertEvent(requestId: string, from: AfterSalesState | null, to: AfterSalesState, e: NewAfterSalesEvent): AfterSalesEvent {
    const info = this
      .statement(
        `INSERT INTO after_sales_events (request_id, at, actor_name, actor_org_id, action, from_state, to_state, rule_id, reason, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(requestId, e.at, e.actor.name, e.actor.orgId, e.action, from, to, e.ruleId, JSON.stringify(e.reason), e.detail === null ? null : JSON.stringify(e.detail));
    return { ...e, seq: Number(info.lastInsertRowid), requestId, from, to };
  }

  async create(request: AfterSalesRequest, photos: ReadonlyArray<Omit<AfterSalesPhoto, 'requestId'>>, event: NewAfterSalesEvent): Promise<AfterSalesEvent> {
    return this.db.transaction(() => {
      const r = request;
      this
        .statement(
          `INSERT INTO after_sales_requests (id, shipment_id, shipper_org_id, bad_count, total_count, boxes, order_ref, state, remedy, remedy_rule_id,
             value_cents, resend, decision_rule_id, decision_reason, evidence, claim_id, liable_org_id, advanced_cents, reported_at, remind_at,
             decide_by, escalate_at, reminded_at, escalated_at, decided_at, paid_at, photo_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(r.id, r.shipmentId, r.shipperOrgId, r.badCount, r.totalCount, r.boxes, r.orderRef, r.state, r.remedy, r.remedyRuleId,
          r.valueCents, r.resend === null ? null : JSON.stringify(r.resend), r.decisionRuleId, JSON.stringify(r.decisionReason), JSON.stringify(r.evidence),
          r.claimId, r.liableOrgId, r.advancedCents, r.reportedAt, r.remindAt, r.decideBy, r.escalateAt, r.remindedAt, r.escalatedAt, r.decidedAt,
          r.paidAt, photos.length);
      for (const p of photos) {
        this.statement('INSERT INTO after_sales_photos (request_id, idx, content_type, bytes, sha256) VALUES (?, ?, ?, ?, ?)').run(r.id, p.idx, p.contentType, p.bytes, p.sha256);
      }
      return this.insertEvent(r.id, null, r.state, event);
    }).immediate();
  }

  async get(id: string): Promise<AfterSalesRequest | undefined> {
    const row = this.one('SELECT * FROM after_sales_requests WHERE id = ?', id);
    return row && rowToRequest(row);
  }

  async list(filter: Parameters<AfterSalesStore['list']>[0]): Promise<AfterSalesRequest[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.shipperOrgId !== undefined) (where.push('shipper_org_id = ?'), params.push(filter.shipperOrgId));
    if (filter.shipmentId !== undefined) (where.push('shipment_id = ?'), params.push(filter.shipmentId));
    if (filter.states?.length) (where.push(`state IN (${filter.states.map(() => '?').join(', ')})`), params.push(...filter.states));
    if (filter.after) (where.push('(reported_at < ? OR (reported_at = ? AND id > ?))'), params.push(filter.after.reportedAt, filter.after.reportedAt, filter.after.id));
    const sql = `SELECT * FROM after_sales_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY reported_at DESC, id LIMIT ?`;
    return this.all(sql, ...params, filter.limit).map(rowToRequest);
  }

  async listEvents(requestId: string): Promise<AfterSalesEvent[]> {
    return this.all('SELECT * FROM after_sales_events WHERE request_id = ? ORDER BY seq', requestId).map(rowToEvent);
  }

  async getPhoto(requestId: string, idx: number): Promise<AfterSalesPhoto | undefined> {
    const r = this.one('SELECT * FROM after_sales_photos WHERE request_id = ? AND idx = ?', requestId, idx);
    return r && { requestId, idx, contentType: r.content_type as string, bytes: r.bytes as Buffer, sha256: r.sha256 as string };
  }

  async transition(id: string, t: AfterSalesTransition): Promise<AfterSalesTransitionOutcome<ClaimTransitionOutcome>> {
    try {
      return this.db.transaction((): AfterSalesTransitionOutcome<ClaimTransitionOutcome> => {
        const row = this.one('SELECT * FROM after_sales_requests WHERE id = ?', id);
        if (!row) return { status: 'not_found' };
        const before = rowToRequest(row);
        if (!t.from.includes(before.state)) return { status: 'conflict', request: before };
        let claim: ClaimTransitionOutcome | null = null;
        let advanced = before.advancedCents;
        let event = t.event;
        if (t.advance) {
          const { claimId, requestedCents, capCents, note, context } = t.advance;
          const already = (this.one('SELECT advanced_cents FROM claims WHERE id = ?', claimId)?.advanced_cents as number | undefined) ?? 0;
          const amountCents = capAdvance(requestedCents, capCents, already);
          if (amountCents > 0) {
            claim = this.applyClaimActionSync(claimId, { kind: 'advance', amountCents, note }, context);
            // Thrown to roll the request back with the claim: nothing half done.
            if (claim.status !== 'applied') throw new ClaimRefused(claim);
            advanced += amountCents;
          }
          event = { ...event, detail: { ...(event.detail ?? {}), advancedCents: amountCents, capCents, advancedBeforeCents: already } };
        }
        const sets = ['state = ?', 'advanced_cents = ?'];
        const params: unknown[] = [t.to, advanced];
        for (const [field, value] of Object.entries(t.patch ?? {})) {
          const [column, encode] = PATCH_COLUMNS[field as keyof typeof PATCH_COLUMNS];
          sets.push(`${column} = ?`);
          params.push(encode(value));
        }
        this.db.prepare(`UPDATE after_sales_requests SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
        const stored = this.insertEvent(id, before.state, t.to, event);
        return { status: 'applied', request: rowToRequest(this.one('SELECT * FROM after_sales_requests WHERE id = ?', id)!), event: stored, claim };
      }).immediate();
    } catch (error) {
      if (error instanceof ClaimRefused) return { status: 'claim_refused', claim: error.outcome };
      throw error;
    }
  }

  async recordPayout(payout: Payout, event: NewAfterSalesEvent): ReturnType<AfterSalesStore['recordPayout']> {
    return this.db.transaction((): Awaited<ReturnType<AfterSalesStore['recordPayout']>> => {
      const row = this.one('SELECT * FROM after_sales_requests WHERE id = ?', payout.requestId);
      if (!row) return { status: 'not_found' };
      const existing = this.one('SELECT * FROM payouts WHERE request_id = ?', payout.requestId);
      if (existing) return { status: 'paid', request: rowToRequest(row), payout: rowToPayout(existing), isNew: false };
      const before = rowToRequest(row);
      if (before.state !== 'approved') return { status: 'conflict', request: before };
      const p = payout;
      this
        .statement(
          `INSERT INTO payouts (id, request_id, claim_id, amount_cents, currency, kind, payer, provider, provider_ref, status, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(p.id, p.requestId, p.claimId, p.amountCents, p.currency, p.kind, p.payer, p.provider, p.providerRef, p.status, p.recordedAt);
      this.statement("UPDATE after_sales_requests SET state = 'paid', paid_at = ? WHERE id = ?").run(p.recordedAt, p.requestId);
      this.insertEvent(p.requestId, 'approved', 'paid', event);
      return { status: 'paid', request: rowToRequest(this.one('SELECT * FROM after_sales_requests WHERE id = ?', p.requestId)!), payout: p, isNew: true };
    }).immediate();
  }

  async getPayout(requestId: string): Promise<Payout | undefined> {
    const row = this.one('SELECT * FROM payouts WHERE request_id = ?', requestId);
    return row && rowToPayout(row);
  }

  async advancedOnClaim(claimId: string): Promise<number> {
    return (this.one('SELECT COALESCE(SUM(advanced_cents), 0) AS n FROM after_sales_requests WHERE claim_id = ?', claimId)!.n as number) ?? 0;
  }

  async listDue(now: number, limit: number): Promise<AfterSalesRequest[]> {
    return this
      .all(
        `SELECT * FROM after_sales_requests
         WHERE (state = 'awaiting_shipper' AND ((reminded_at IS NULL AND remind_at <= ?) OR escalate_at <= ?))
            OR state IN ('received', 'approved')
         ORDER BY reported_at, id LIMIT ?`,
        now, now, limit,
      )
      .map(rowToRequest);
  }

  async getCompensationSettings(shipperOrgId: string, profileId: string): Promise<CompensationThresholds | undefined> {
    const r = this.one('SELECT * FROM compensation_settings WHERE shipper_org_id = ? AND profile_id = ?', shipperOrgId, profileId);
    return r && { fullRefundAboveBp: r.full_refund_above_bp as number, resendFromBp: r.resend_from_bp as number };
  }

  async setCompensationSettings(shipperOrgId: string, profileId: string, t: CompensationThresholds, by: string, at: number): Promise<void> {
    this
      .statement(
        `INSERT INTO compensation_settings (shipper_org_id, profile_id, full_refund_above_bp, resend_from_bp, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (shipper_org_id, profile_id) DO UPDATE SET full_refund_above_bp = excluded.full_refund_above_bp,
           resend_from_bp = excluded.resend_from_bp, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(shipperOrgId, profileId, t.fullRefundAboveBp, t.resendFromBp, at, by);
  }
}

class ClaimRefused extends Error {
  constructor(readonly outcome: ClaimTransitionOutcome) {
    super('claim action refused');
  }
}
