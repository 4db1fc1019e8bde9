import { randomUUID } from 'node:crypto';
import { applyClaimAction, applyCorrections, validateCorrection } from '@coldchain/domain';
import type { ClaimAction, ClaimActionContext, ClaimHistoryEntry, ClaimLifecycle, ClaimStatus, CustodyCorrection, CustodyEvent, LocalizedText, Tier } from '@coldchain/domain';
import type {
  Alert,
  AlertFilter,
  ChangeMark,
  CorrectionOutcome,
  NewCustodyCorrection,
  AlertKind,
  AlertStatus,
  Claim,
  ClaimEvent,
  ClaimTransitionOutcome,
  DeadLetter,
  Device,
  DeviceEvent,
  NotificationChannel,
  ProfileChange,
  Review,
  ReviewDecision,
  ReviewOutcome,
  RuleStateRow,
  Silence,
  NewCustodyEvent,
  OpsStore,
  Organisation,
  Shipment,
  ShipmentFilter,
} from '../../ports.ts';
import type { AccountStore } from '../../account-ports.ts';
import type { PublicView } from '@coldchain/domain';
import { SqliteAfterSalesStore } from './sqlite-after-sales-store.ts';
import type { AfterSalesStore } from '../../after-sales-ports.ts';
import type { ScorecardStore } from '../../scorecard-ports.ts';
import { SqliteScorecardStore } from './sqlite-scorecard-store.ts';
import { SqliteAccountStore } from './sqlite-account-store.ts';
import { PreparedStatements } from './prepared-statements.ts';
import type { SqliteSync } from './open-database.ts';
import { openDatabase } from './open-database.ts';
import { OPS_MIGRATIONS } from './ops-migrations.ts';
import { alertToRow, rowToAlert, rowToClaim, rowToCorrection, rowToCustodyEvent, rowToDeadLetter, rowToOrg, rowToReview, rowToShipment } from './ops-rows.ts';

/**
 * The shipments an organisation is a party to: it ships them, or a custody scan or a correction of one
 * named it as a custodian (three parameters: the organisation). Finer rules (which alerts of them) are
 * the API's (auth/scope.ts).
 */
/** Claim states that no longer stand: a re-judgement leaves them as they are. */
const CLOSED_CLAIM_STATES = "('withdrawn', 'settled', 'overturned')";

const PARTY_SQL = `(shipper_org_id = ? OR id IN (SELECT shipment_id FROM custody_events WHERE to_org_id = ?)
  OR id IN (SELECT shipment_id FROM custody_corrections WHERE json_extract(changes, '$.toOrgId') = ?))`;

/** The embedded operational store on SQLite. */
export class SqliteOpsStore extends PreparedStatements implements OpsStore {
  /** Users, API keys, sessions, the audit trail: same database, same connection. */
  readonly accounts: AccountStore;
  /** Consumers' after-sales requests, photos, history, payouts and compensation settings: same connection. */
  readonly afterSales: AfterSalesStore<ClaimTransitionOutcome>;
  /** Monthly scorecards as computed: same connection. */
  readonly scorecards: ScorecardStore;

  constructor(path: string, sync: SqliteSync = 'FULL') {
    super(openDatabase(path, OPS_MIGRATIONS, sync));
    this.accounts = new SqliteAccountStore(this.db);
    this.scorecards = new SqliteScorecardStore(this.db);
    this.afterSales = new SqliteAfterSalesStore(this.db, (id, action, context) => this.applyClaimActionSync(id, action, context));
  }

  async upsertOrganisation(org: Organisation): Promise<void> {
    this
      .statement(
        `INSERT INTO organisations (id, name, name_en, kind, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, kind = excluded.kind`,
      )
      .run(org.id, org.name, org.nameEn, org.kind, org.createdAt);
  }

  async getOrganisation(id: string): Promise<Organisation | undefined> {
    const row = this.one('SELECT * FROM organisations WHERE id = ?', id);
    return row && rowToOrg(row);
  }

  async listOrganisations(): Promise<Organisation[]> {
    return this.all('SELECT * FROM organisations ORDER BY created_at, id').map(rowToOrg);
  }

  async createDevice(device: Device): Promise<boolean> {
    const result = this
      .statement('INSERT OR IGNORE INTO devices (id, secret_hash, public_key, created_at, owner_org_id) VALUES (?, ?, ?, ?, ?)')
      .run(device.id, device.secretHash, device.publicKey, device.createdAt, device.ownerOrgId ?? null);
    return result.changes === 1;
  }

  async getDevice(id: string): Promise<Device | undefined> {
    const row = this.one('SELECT * FROM devices WHERE id = ?', id);
    return row && {
      id: row.id as string,
      secretHash: row.secret_hash as string,
      publicKey: (row.public_key as string | null) ?? null,
      createdAt: row.created_at as number,
      ownerOrgId: (row.owner_org_id as string | null) ?? null,
    };
  }

  async setDeviceSecret(id: string, secretHash: string): Promise<boolean> {
    return this.statement('UPDATE devices SET secret_hash = ? WHERE id = ?').run(secretHash, id).changes === 1;
  }

  async createShipment(s: Shipment, firstLeg: NewCustodyEvent): Promise<boolean> {
    return this.db.transaction(() => {
      const result = this
        .statement(
          `INSERT OR IGNORE INTO shipments (id, trace_code, profile_id, shipper_org_id, device_id, origin, destination,
             boxes, goods_value_cents, freight_cents, started_at, delivered_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(s.id, s.traceCode, s.profileId, s.shipperOrgId, s.deviceId, s.origin, s.destination, s.boxes,
          s.goodsValueCents, s.freightCents, s.startedAt, s.deliveredAt, s.createdAt);
      if (result.changes !== 1) return false;
      this.insertCustodyEvent(firstLeg);
      return true;
    }).immediate();
  }

  async getShipment(id: string): Promise<Shipment | undefined> {
    const row = this.one('SELECT * FROM shipments WHERE id = ?', id);
    return row && rowToShipment(row);
  }

  async getShipmentByTraceCode(traceCode: string): Promise<Shipment | undefined> {
    const row = this.one('SELECT * FROM shipments WHERE trace_code = ?', traceCode);
    return row && rowToShipment(row);
  }

  async listShipments(limit = 500, after?: { startedAt: number; id: string }, filter: ShipmentFilter = {}): Promise<Shipment[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (after) {
      // Descending time, ascending id: no single row-value comparison; `started_at <= ?` bounds the index range.
      where.push('started_at <= ? AND (started_at < ? OR id > ?)');
      params.push(after.startedAt, after.startedAt, after.id);
    }
    if (filter.partyOrgId) {
      where.push(PARTY_SQL);
      params.push(filter.partyOrgId, filter.partyOrgId, filter.partyOrgId);
    }
    if (filter.live) where.push('delivered_at IS NULL');
    const sql = `SELECT * FROM shipments ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY started_at DESC, id LIMIT ?`;
    return this.all(sql, ...params, limit).map(rowToShipment);
  }

  async setShipmentPublicView(id: string, view: PublicView | null): Promise<boolean> {
    return this.statement('UPDATE shipments SET public_view = ? WHERE id = ?').run(view === null ? null : JSON.stringify(view), id).changes === 1;
  }

  async isShipmentParty(shipmentId: string, orgId: string): Promise<boolean> {
    return this.one(`SELECT 1 FROM shipments WHERE id = ? AND ${PARTY_SQL}`, shipmentId, orgId, orgId, orgId) !== undefined;
  }

  async listLiveShipmentsAfter(afterId: string | null, limit: number): Promise<Shipment[]> {
    // Every id sorts after '' (ids are non-empty): one statement for the first page and the next ones.
    return this.all('SELECT * FROM shipments WHERE delivered_at IS NULL AND id > ? ORDER BY id LIMIT ?', afterId ?? '', limit).map(rowToShipment);
  }

  async findShipmentForDevice(deviceId: string, at: number): Promise<Shipment | undefined> {
    const row = this.one(
      `SELECT * FROM shipments WHERE device_id = ? AND started_at <= ? AND (delivered_at IS NULL OR ? <= delivered_at)
       ORDER BY started_at DESC LIMIT 1`,
      deviceId, at, at,
    );
    return row && rowToShipment(row);
  }

  async findShipmentOverlapping(deviceId: string, from: number): Promise<Shipment | undefined> {
    const row = this.one('SELECT * FROM shipments WHERE device_id = ? AND (delivered_at IS NULL OR delivered_at > ?) ORDER BY started_at LIMIT 1', deviceId, from);
    return row && rowToShipment(row);
  }

  private insertCustodyEvent(e: NewCustodyEvent): CustodyEvent {
    const id = randomUUID();
    const result = this
      .statement(
        `INSERT INTO custody_events (id, shipment_id, at, stage, to_org_id, station, probe_temp_c, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, e.shipmentId, e.at, e.stage, e.toOrgId, e.station, e.probeTempC, e.recordedAt);
    if (e.stage === 'delivered') {
      this.statement('UPDATE shipments SET delivered_at = ? WHERE id = ?').run(e.at, e.shipmentId);
    }
    return { ...e, id, seq: Number(result.lastInsertRowid) };
  }

  async appendCustodyEvent(event: NewCustodyEvent): Promise<CustodyEvent> {
    return this.db.transaction(() => this.insertCustodyEvent(event)).immediate();
  }

  async listCustodyEvents(shipmentId: string): Promise<CustodyEvent[]> {
    return this.custodyEvents(shipmentId);
  }

  private custodyEvents(shipmentId: string): CustodyEvent[] {
    return this.all('SELECT * FROM custody_events WHERE shipment_id = ? ORDER BY at, seq', shipmentId).map(rowToCustodyEvent);
  }

  private corrections(shipmentId: string): CustodyCorrection[] {
    return this.all('SELECT * FROM custody_corrections WHERE shipment_id = ? ORDER BY seq', shipmentId).map(rowToCorrection);
  }

  async listEffectiveCustodyEvents(shipmentId: string): Promise<CustodyEvent[]> {
    // One read transaction: the events and their corrections of one moment.
    return this.db.transaction(() => applyCorrections(this.custodyEvents(shipmentId), this.corrections(shipmentId)))();
  }

  async appendCorrection(c: NewCustodyCorrection): Promise<CorrectionOutcome> {
    // Judged and stored under the write lock: two corrections at once cannot both take the same time.
    return this.db.transaction((): CorrectionOutcome => {
      const shipment = this.one('SELECT started_at, shipper_org_id FROM shipments WHERE id = ?', c.shipmentId);
      if (!shipment) return { status: 'shipment_not_found' };
      const events = this.custodyEvents(c.shipmentId);
      const before = applyCorrections(events, this.corrections(c.shipmentId));
      const refusal = validateCorrection({ startedAt: shipment.started_at as number, shipperOrgId: shipment.shipper_org_id as string, events: before, eventId: c.eventId, changes: c.changes });
      if (refusal) return { status: 'refused', refusal };
      const moved = before.find((e) => e.id === c.eventId);
      if (moved?.stage === 'delivered' && c.changes.at !== undefined && c.changes.at > moved.at) {
        // A later delivery must not reach into the logger's next shipment: a device is with one at a time.
        const next = this.one(
          'SELECT id, started_at FROM shipments WHERE device_id = (SELECT device_id FROM shipments WHERE id = ?) AND id != ? AND started_at > ? AND started_at <= ? ORDER BY started_at LIMIT 1',
          c.shipmentId, c.shipmentId, shipment.started_at, c.changes.at,
        );
        if (next) {
          return { status: 'refused', refusal: { code: 'shipment.device_busy', field: 'at', message: `at: the logger of this shipment is with shipment ${String(next.id)} from ${new Date(next.started_at as number).toISOString()}; the delivery cannot be later than that` } };
        }
      }
      const id = randomUUID();
      const result = this
        .statement('INSERT INTO custody_corrections (id, shipment_id, event_id, changes, reason, corrected_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, c.shipmentId, c.eventId, JSON.stringify(c.changes), c.reason, c.correctedBy, c.recordedAt);
      const correction = { ...c, id, seq: Number(result.lastInsertRowid) };
      const effective = applyCorrections(events, [...this.corrections(c.shipmentId)]);
      const delivered = effective.find((e) => e.stage === 'delivered');
      if (delivered && c.changes.at !== undefined && delivered.id === c.eventId) {
        this.statement('UPDATE shipments SET delivered_at = ? WHERE id = ?').run(delivered.at, c.shipmentId);
      }
      return { status: 'stored', correction, effective };
    }).immediate();
  }

  async listCorrections(shipmentId: string): Promise<CustodyCorrection[]> {
    return this.corrections(shipmentId);
  }

  async listCorrectionsAfter(afterSeq: number, limit: number): Promise<CustodyCorrection[]> {
    return this.all('SELECT * FROM custody_corrections WHERE seq > ? ORDER BY seq LIMIT ?', afterSeq, limit).map(rowToCorrection);
  }

  async shipmentChangeMark(shipmentId: string): Promise<ChangeMark> {
    // Corrections move the mark too (count and newest seq), and the parties they name count among the
    // custodians whose names the answers show. Claims too: the evidence chains skip a shipment whose mark
    // has not moved since they last looked (a claim filed or withdrawn is chained).
    const row = this.one(
      `SELECT (SELECT count(*) || ':' || coalesce(max(updated_at), 0) FROM alerts WHERE shipment_id = @id) AS alerts,
              (SELECT count(*) || ':' || coalesce(max(seq), 0) FROM custody_events WHERE shipment_id = @id) AS custody,
              (SELECT count(*) || ':' || coalesce(max(seq), 0) FROM custody_corrections WHERE shipment_id = @id) AS corrections,
              (SELECT count(*) || ':' || count(withdrawn_at) || ':' || coalesce(max(coalesce(withdrawn_at, filed_at)), 0) FROM claims WHERE shipment_id = @id) AS claims,
              (SELECT group_concat(o.name || '/' || o.name_en, '|') FROM organisations o WHERE o.id IN (
                 SELECT to_org_id FROM custody_events WHERE shipment_id = @id
                 UNION SELECT json_extract(changes, '$.toOrgId') FROM custody_corrections WHERE shipment_id = @id)) AS custodians,
              max(coalesce((SELECT max(updated_at) FROM alerts WHERE shipment_id = @id), 0),
                  coalesce((SELECT max(recorded_at) FROM custody_events WHERE shipment_id = @id), 0),
                  coalesce((SELECT max(recorded_at) FROM custody_corrections WHERE shipment_id = @id), 0)) AS changed_at`,
      { id: shipmentId },
    ) as { alerts: string; custody: string; corrections: string; claims: string; custodians: string | null; changed_at: number };
    return { mark: `${row.alerts}|${row.custody}|${row.corrections}|${row.claims}|${row.custodians ?? ''}`, changedAt: row.changed_at };
  }

  async findUnresolvedAlert(shipmentId: string, ruleId: string): Promise<Alert | undefined> {
    const row = this.one("SELECT * FROM alerts WHERE shipment_id = ? AND rule_id = ? AND status != 'resolved' AND condition_state = 'firing'", shipmentId, ruleId);
    return row && rowToAlert(row);
  }

  async insertAlert(alert: Alert): Promise<void> {
    const row = alertToRow(alert);
    const columns = Object.keys(row);
    this
      .statement(`INSERT INTO alerts (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`)
      .run(row);
  }

  async updateAlert(alert: Alert): Promise<void> {
    const row = alertToRow(alert);
    const columns = Object.keys(row).filter((c) => c !== 'id');
    this.statement(`UPDATE alerts SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run(row);
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    const row = this.one('SELECT * FROM alerts WHERE id = ?', id);
    return row && rowToAlert(row);
  }

  async listAlerts(filter: AlertFilter & { after?: { createdAt: number; id: string } } = {}): Promise<Alert[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.after) {
      // Descending time, ascending id: no single row-value comparison; `created_at <= ?` bounds the index range.
      where.push('created_at <= ? AND (created_at < ? OR id > ?)');
      params.push(filter.after.createdAt, filter.after.createdAt, filter.after.id);
    }
    if (filter.orgId) {
      where.push('EXISTS (SELECT 1 FROM json_each(alerts.routed_to) WHERE value = ?)');
      params.push(filter.orgId);
    }
    if (filter.partyOrgId) {
      where.push(`shipment_id IN (SELECT id FROM shipments WHERE ${PARTY_SQL})`);
      params.push(filter.partyOrgId, filter.partyOrgId, filter.partyOrgId);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.shipmentId) {
      where.push('shipment_id = ?');
      params.push(filter.shipmentId);
    }
    if (filter.kind) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    const sql = `SELECT * FROM alerts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id LIMIT ?`;
    return this.all(sql, ...params, filter.limit ?? 500).map(rowToAlert);
  }

  async listAlertsAfter(afterId: string | null, filter: { status: AlertStatus; kind?: AlertKind; limit: number }): Promise<Alert[]> {
    const rows = filter.kind
      ? this.all('SELECT * FROM alerts WHERE status = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?', filter.status, filter.kind, afterId ?? '', filter.limit)
      : this.all('SELECT * FROM alerts WHERE status = ? AND id > ? ORDER BY id LIMIT ?', filter.status, afterId ?? '', filter.limit);
    return rows.map(rowToAlert);
  }

  async fileClaimOnce(c: Claim): Promise<{ claim: Claim; isNew: boolean }> {
    return this.db.transaction(() => this.insertClaimOnce(c)).immediate();
  }

  /** Files a claim unless one stands for (shipment, liable party); call inside a transaction. */
  private insertClaimOnce(c: Claim): { claim: Claim; isNew: boolean } {
    const result = this
      .statement(
        `INSERT OR IGNORE INTO claims (id, shipment_id, alert_id, liable_org_id, amount_cents, goods_share_cents,
           freight_cents, currency, status, reason, filed_at, respond_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.shipmentId, c.alertId, c.liableOrgId, c.amountCents, c.goodsShareCents, c.freightCents,
        c.currency, c.status, JSON.stringify(c.reason), c.filedAt, c.respondBy);
    if (result.changes === 1) return { claim: rowToClaim(this.one('SELECT * FROM claims WHERE id = ?', c.id)!), isNew: true };
    // One standing claim per (shipment, party) (v16): the one that stands took this one's place.
    const row = this.one("SELECT * FROM claims WHERE shipment_id = ? AND liable_org_id = ? AND status != 'withdrawn'", c.shipmentId, c.liableOrgId)!;
    return { claim: rowToClaim(row), isNew: false };
  }

  async listClaims(filter: { shipmentId?: string; orgId?: string; visibleTo?: string; limit?: number; after?: { filedAt: number; id: string } } = {}): Promise<Claim[]> {
    const after = filter.after;
    // LIMIT -1 is no limit in SQLite: the rules read every claim of a shipment.
    return this.all(
      `SELECT * FROM claims WHERE (? IS NULL OR shipment_id = ?) AND (? IS NULL OR liable_org_id = ?)
         AND (? IS NULL OR liable_org_id = ? OR shipment_id IN (SELECT id FROM shipments WHERE shipper_org_id = ?))
         AND (? IS NULL OR (filed_at <= ? AND (filed_at < ? OR id > ?)))
       ORDER BY filed_at DESC, id LIMIT ?`,
      filter.shipmentId ?? null, filter.shipmentId ?? null, filter.orgId ?? null, filter.orgId ?? null,
      filter.visibleTo ?? null, filter.visibleTo ?? null, filter.visibleTo ?? null,
      after?.filedAt ?? null, after?.filedAt ?? null, after?.filedAt ?? null, after?.id ?? null, filter.limit ?? -1,
    ).map(rowToClaim);
  }

  async getClaim(id: string): Promise<Claim | undefined> {
    const row = this.one('SELECT * FROM claims WHERE id = ?', id);
    return row && rowToClaim(row);
  }

  async withdrawClaim(id: string, withdrawnAt: number, reason: LocalizedText): Promise<Claim | undefined> {
    return this.db.transaction(() => {
      const before = this.one('SELECT status FROM claims WHERE id = ?', id);
      const result = this
        .statement(`UPDATE claims SET status = 'withdrawn', withdrawn_at = ?, withdrawn_reason = ?, closed_at = ? WHERE id = ? AND status NOT IN ${CLOSED_CLAIM_STATES}`)
        .run(withdrawnAt, JSON.stringify(reason), withdrawnAt, id);
      if (result.changes !== 1) return undefined;
      this.insertClaimEvent(id, { at: withdrawnAt, actor: { name: 'system', orgId: 'platform' }, party: 'system', action: { kind: 'withdraw', reason: reason.en }, from: before!.status as ClaimStatus, to: 'withdrawn' });
      return rowToClaim(this.one('SELECT * FROM claims WHERE id = ?', id)!);
    }).immediate();
  }

  private insertClaimEvent(claimId: string, e: ClaimHistoryEntry): ClaimEvent {
    const result = this
      .statement('INSERT INTO claim_events (claim_id, at, actor_name, actor_org_id, party, action, from_status, to_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(claimId, e.at, e.actor.name, e.actor.orgId, e.party, JSON.stringify(e.action), e.from, e.to);
    return { ...e, seq: Number(result.lastInsertRowid), claimId };
  }

  async applyClaimAction(id: string, action: ClaimAction, context: ClaimActionContext): Promise<ClaimTransitionOutcome> {
    return this.applyClaimActionSync(id, action, context);
  }

  /** Judged and stored under the write lock (two answers at once cannot both move the claim); nests in a caller's transaction. */
  private applyClaimActionSync(id: string, action: ClaimAction, context: ClaimActionContext): ClaimTransitionOutcome {
    return this.db.transaction((): ClaimTransitionOutcome => {
      const row = this.one('SELECT claims.*, shipments.shipper_org_id FROM claims JOIN shipments ON shipments.id = claims.shipment_id WHERE claims.id = ?', id);
      if (!row) return { status: 'not_found' };
      const claim = rowToClaim(row);
      const state: ClaimLifecycle = {
        status: claim.status, liableOrgId: claim.liableOrgId, shipperOrgId: row.shipper_org_id as string, amountCents: claim.amountCents,
        goodsShareCents: claim.goodsShareCents, currency: 'CNY', filedAt: claim.filedAt, respondBy: claim.respondBy,
        answeredAt: claim.answeredAt ?? null, remindedAt: claim.remindedAt ?? null, escalatedAt: claim.escalatedAt ?? null,
        closedAt: claim.closedAt ?? null, advancedCents: claim.advancedCents ?? 0, recoveredCents: claim.recoveredCents ?? 0,
      };
      const result = applyClaimAction(state, action, context);
      if (!result.ok) return { status: 'refused', refusal: result };
      const n = result.next;
      const withdrawn = n.status === 'withdrawn' && claim.status !== 'withdrawn';
      this
        .statement(
          `UPDATE claims SET status = ?, answered_at = ?, reminded_at = ?, escalated_at = ?, closed_at = ?, advanced_cents = ?, recovered_cents = ?,
             withdrawn_at = COALESCE(?, withdrawn_at), withdrawn_reason = COALESCE(?, withdrawn_reason) WHERE id = ?`,
        )
        .run(n.status, n.answeredAt, n.remindedAt, n.escalatedAt, n.closedAt, n.advancedCents, n.recoveredCents,
          withdrawn ? context.now : null, withdrawn && action.kind === 'withdraw' ? JSON.stringify({ zh: action.reason, en: action.reason }) : null, id);
      const event = this.insertClaimEvent(id, result.event);
      return { status: 'applied', claim: rowToClaim(this.one('SELECT * FROM claims WHERE id = ?', id)!), event };
    }).immediate();
  }

  async listClaimEvents(claimId: string): Promise<ClaimEvent[]> {
    return this.all('SELECT * FROM claim_events WHERE claim_id = ? ORDER BY seq', claimId).map((r) => ({
      seq: r.seq as number,
      claimId: r.claim_id as string,
      at: r.at as number,
      actor: { name: r.actor_name as string, orgId: r.actor_org_id as string },
      party: r.party as ClaimEvent['party'],
      action: JSON.parse(r.action as string) as ClaimEvent['action'],
      from: r.from_status as ClaimStatus,
      to: r.to_status as ClaimStatus,
    }));
  }

  async listClaimsAnswerDue(until: number, limit: number): Promise<Claim[]> {
    // The reminder window is the caller's: `until` is now plus that window.
    return this.all("SELECT * FROM claims WHERE status IN ('filed', 'acknowledged') AND respond_by <= ? ORDER BY respond_by, id LIMIT ?", until, limit).map(rowToClaim);
  }

  async openReviewOnce(r: Review): Promise<{ review: Review; isNew: boolean }> {
    return this.db.transaction(() => {
      const result = this
        .statement('INSERT OR IGNORE INTO reviews (id, shipment_id, alert_id, reason, state, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(r.id, r.shipmentId, r.alertId, JSON.stringify(r.reason), 'open', r.createdAt);
      return { review: rowToReview(this.one('SELECT * FROM reviews WHERE alert_id = ?', r.alertId)!), isNew: result.changes === 1 };
    }).immediate();
  }

  async getReview(id: string): Promise<Review | undefined> {
    const row = this.one('SELECT * FROM reviews WHERE id = ?', id);
    return row && rowToReview(row);
  }

  async getReviewForAlert(alertId: string): Promise<Review | undefined> {
    const row = this.one('SELECT * FROM reviews WHERE alert_id = ?', alertId);
    return row && rowToReview(row);
  }

  async listReviews(filter: { state?: Review['state']; shipmentId?: string; limit?: number } = {}): Promise<Review[]> {
    return this.all(
      'SELECT * FROM reviews WHERE (? IS NULL OR state = ?) AND (? IS NULL OR shipment_id = ?) ORDER BY created_at DESC, id LIMIT ?',
      filter.state ?? null, filter.state ?? null, filter.shipmentId ?? null, filter.shipmentId ?? null, filter.limit ?? 500,
    ).map(rowToReview);
  }

  async decideReview(id: string, decision: Omit<ReviewDecision, 'claimId'>, claim: Claim | null): Promise<ReviewOutcome> {
    return this.db.transaction((): ReviewOutcome => {
      const row = this.one('SELECT * FROM reviews WHERE id = ?', id);
      if (!row) return { status: 'not_found' };
      if (row.state !== 'open') return { status: 'already_decided', review: rowToReview(row) };
      const filed = claim ? this.insertClaimOnce(claim) : null;
      this
        .statement(
          `UPDATE reviews SET state = 'decided', liable_org_id = ?, decision_reason = ?, decided_by = ?, decided_at = ?, claim_id = ?
           WHERE id = ? AND state = 'open'`,
        )
        .run(decision.liableOrgId, decision.reason, decision.decidedBy, decision.decidedAt, filed?.claim.id ?? null, id);
      return { status: 'decided', review: rowToReview(this.one('SELECT * FROM reviews WHERE id = ?', id)!), claim: filed };
    }).immediate();
  }

  async insertDeadLetter(letter: Omit<DeadLetter, 'id'>): Promise<DeadLetter> {
    const result = this
      .statement(
        `INSERT INTO dead_letters (device_id, topic, code, reason, payload, payload_bytes, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(letter.deviceId, letter.topic, letter.code, letter.reason, letter.payload, letter.payloadBytes, letter.receivedAt);
    return { ...letter, id: Number(result.lastInsertRowid) };
  }

  async listDeadLetters(filter: { deviceId?: string; limit?: number; beforeId?: number } = {}): Promise<DeadLetter[]> {
    return this.all(
      'SELECT * FROM dead_letters WHERE (? IS NULL OR device_id = ?) AND id < ? ORDER BY id DESC LIMIT ?',
      filter.deviceId ?? null, filter.deviceId ?? null, filter.beforeId ?? Number.MAX_SAFE_INTEGER, filter.limit ?? 500,
    ).map(rowToDeadLetter);
  }

  async insertSilence(s: Silence): Promise<void> {
    this
      .statement('INSERT INTO silences (id, shipment_id, device_id, rule_id, starts_at, ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.shipmentId, s.deviceId, s.ruleId, s.startsAt, s.endsAt, s.reason, s.createdBy, s.createdAt);
  }

  async listSilences(now: number): Promise<Silence[]> {
    return this.all('SELECT * FROM silences WHERE ends_at > ? ORDER BY starts_at', now).map((r) => ({
      id: r.id as string,
      shipmentId: (r.shipment_id as string | null) ?? null,
      deviceId: (r.device_id as string | null) ?? null,
      ruleId: (r.rule_id as string | null) ?? null,
      startsAt: r.starts_at as number,
      endsAt: r.ends_at as number,
      reason: r.reason as string,
      createdBy: r.created_by as string,
      createdAt: r.created_at as number,
    }));
  }

  async endSilence(id: string, now: number): Promise<boolean> {
    return this.statement('UPDATE silences SET ends_at = ? WHERE id = ? AND ends_at > ?').run(now, id, now).changes === 1;
  }

  async saveRuleStates(rows: readonly RuleStateRow[]): Promise<void> {
    const upsert = this.statement(
      `INSERT INTO rule_states (key, device_id, shipment_id, rule_id, state, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    );
    const remove = this.statement('DELETE FROM rule_states WHERE key = ?');
    this.db.transaction(() => {
      for (const r of rows) {
        if (r.state === null) remove.run(r.key);
        else upsert.run(r.key, r.deviceId, r.shipmentId, r.ruleId, r.state, r.updatedAt);
      }
    }).immediate();
  }

  async loadRuleStates(): Promise<RuleStateRow[]> {
    return this.all('SELECT * FROM rule_states').map((r) => ({
      key: r.key as string,
      deviceId: r.device_id as string,
      shipmentId: r.shipment_id as string,
      ruleId: r.rule_id as string,
      state: r.state as string,
      updatedAt: r.updated_at as number,
    }));
  }

  async setOrgChannels(orgId: string, channels: readonly NotificationChannel[], now: number): Promise<void> {
    this
      .statement('INSERT INTO org_channels (org_id, channels, updated_at) VALUES (?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET channels = excluded.channels, updated_at = excluded.updated_at')
      .run(orgId, JSON.stringify(channels), now);
  }

  async getOrgChannels(orgId: string): Promise<NotificationChannel[]> {
    const row = this.one('SELECT channels FROM org_channels WHERE org_id = ?', orgId);
    return row ? (JSON.parse(row.channels as string) as NotificationChannel[]) : [];
  }

  async listProfileOverrides(): Promise<{ id: string; profile: string }[]> {
    return this.all('SELECT id, profile FROM profile_overrides ORDER BY id').map((r) => ({ id: r.id as string, profile: r.profile as string }));
  }

  async saveProfile(change: Omit<ProfileChange, 'seq'>): Promise<ProfileChange> {
    return this.db.transaction(() => {
      this
        .statement('INSERT INTO profile_overrides (id, profile, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at')
        .run(change.profileId, change.after, change.changedAt);
      const result = this
        .statement('INSERT INTO profile_audit (profile_id, changed_by, changed_at, before, after) VALUES (?, ?, ?, ?, ?)')
        .run(change.profileId, change.changedBy, change.changedAt, change.before, change.after);
      return { ...change, seq: Number(result.lastInsertRowid) };
    }).immediate();
  }

  async listProfileChanges(profileId: string): Promise<ProfileChange[]> {
    return this.all('SELECT * FROM profile_audit WHERE profile_id = ? ORDER BY seq DESC', profileId).map((r) => ({
      seq: r.seq as number,
      profileId: r.profile_id as string,
      changedBy: r.changed_by as string,
      changedAt: r.changed_at as number,
      before: r.before as string,
      after: r.after as string,
    }));
  }

  async setOrgClaimResponseMs(orgId: string, responseMs: number | null): Promise<void> {
    this.statement('UPDATE organisations SET claim_response_ms = ? WHERE id = ?').run(responseMs, orgId);
  }

  async getOrgClaimResponseMs(orgId: string): Promise<number | null> {
    return (this.one('SELECT claim_response_ms FROM organisations WHERE id = ?', orgId)?.claim_response_ms as number | null | undefined) ?? null;
  }

  async setOrgResponseTimes(orgId: string, responseMs: Partial<Record<Tier, number>>): Promise<void> {
    this.statement('INSERT INTO org_response_times (org_id, response_ms) VALUES (?, ?) ON CONFLICT (org_id) DO UPDATE SET response_ms = excluded.response_ms').run(orgId, JSON.stringify(responseMs));
  }

  async getOrgResponseTimes(orgId: string): Promise<Partial<Record<Tier, number>> | undefined> {
    const row = this.one('SELECT response_ms FROM org_response_times WHERE org_id = ?', orgId);
    return row ? (JSON.parse(row.response_ms as string) as Partial<Record<Tier, number>>) : undefined;
  }

  async recordDeviceEvent(event: Omit<DeviceEvent, 'id'>): Promise<DeviceEvent> {
    const result = this.statement('INSERT INTO device_events (device_id, kind, detail, at) VALUES (?, ?, ?, ?)').run(event.deviceId, event.kind, event.detail, event.at);
    return { ...event, id: Number(result.lastInsertRowid) };
  }

  async listDeviceEvents(deviceId: string, limit = 500): Promise<DeviceEvent[]> {
    return this.all('SELECT * FROM device_events WHERE device_id = ? ORDER BY id DESC LIMIT ?', deviceId, limit).map((r) => ({
      id: r.id as number,
      deviceId: r.device_id as string,
      kind: r.kind as DeviceEvent['kind'],
      detail: r.detail as string,
      at: r.at as number,
    }));
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.one('SELECT value FROM settings WHERE key = ?', key)?.value as string | undefined;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.statement('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
