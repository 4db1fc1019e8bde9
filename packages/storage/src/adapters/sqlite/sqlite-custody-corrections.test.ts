import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stage } from '@coldchain/domain';
import type { Claim, Shipment } from '../../ports.ts';
import { openDatabase } from './open-database.ts';
import { OPS_MIGRATIONS } from './ops-migrations.ts';
import { SqliteOpsStore } from './sqlite-ops-store.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 4, 20, 6);
const at = (m: number) => T0 + m * MIN;

describe('SqliteOpsStore: custody corrections (issue 11, item 6)', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  const ids: Record<string, string> = {};

  const shipment: Shipment = {
    id: 'shp-1', traceCode: 'trace-shp-1', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-01', origin: '海口', destination: '上海',
    boxes: 120, goodsValueCents: 3_600_000, freightCents: 480_000, startedAt: T0, deliveredAt: null, createdAt: T0,
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-corrections-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    for (const [id, kind] of [['org-coop', 'shipper'], ['org-hub', 'warehouse'], ['org-reefer', 'carrier']] as const) await ops.upsertOrganisation({ id, name: id, nameEn: id, kind, createdAt: T0 });
    await ops.createDevice({ id: 'logger-01', secretHash: 'x', publicKey: null, createdAt: T0 });
    await ops.createShipment(shipment, { shipmentId: 'shp-1', at: T0, stage: 'packhouse', toOrgId: 'org-coop', station: null, probeTempC: null, recordedAt: T0 });
    const plan: [Stage, string | null, number][] = [['hub', 'org-hub', 60], ['line_haul', 'org-reefer', 300], ['delivered', null, 900]];
    for (const [stage, toOrgId, m] of plan) ids[stage] = (await ops.appendCustodyEvent({ shipmentId: 'shp-1', at: at(m), stage, toOrgId, station: null, probeTempC: 5, recordedAt: at(m) })).id;
  });
  afterEach(async () => {
    await ops.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const correct = (eventId: string, changes: Record<string, unknown>, recordedAt = at(1000)) =>
    ops.appendCorrection({ shipmentId: 'shp-1', eventId, changes, reason: 'scan entered late', correctedBy: 'ops@platform', recordedAt });

  it('stores a correction, keeps the original event, and gives the effective events', async () => {
    const outcome = await correct(ids.line_haul!, { at: at(240), probeTempC: null });
    expect(outcome.status).toBe('stored');
    if (outcome.status !== 'stored') return;
    expect(outcome.correction).toMatchObject({ shipmentId: 'shp-1', eventId: ids.line_haul, changes: { at: at(240), probeTempC: null }, correctedBy: 'ops@platform', seq: expect.any(Number) });
    expect((await ops.listCustodyEvents('shp-1')).find((e) => e.id === ids.line_haul)).toMatchObject({ at: at(300), probeTempC: 5 });
    const effective = await ops.listEffectiveCustodyEvents('shp-1');
    expect(effective.find((e) => e.id === ids.line_haul)).toMatchObject({ at: at(240), probeTempC: null });
    expect(outcome.effective).toEqual(effective);
    expect(await ops.listCorrections('shp-1')).toEqual([outcome.correction]);
  });

  it('lists corrections in recording order, later ones winning', async () => {
    await correct(ids.line_haul!, { at: at(240) });
    await correct(ids.line_haul!, { at: at(250) });
    expect((await ops.listCorrections('shp-1')).map((c) => c.changes.at)).toEqual([at(240), at(250)]);
    expect((await ops.listEffectiveCustodyEvents('shp-1')).find((e) => e.id === ids.line_haul)?.at).toBe(at(250));
    expect((await ops.listCorrectionsAfter(0, 10)).map((c) => c.changes.at)).toEqual([at(240), at(250)]);
    const [first] = await ops.listCorrections('shp-1');
    expect((await ops.listCorrectionsAfter(first!.seq, 10)).map((c) => c.changes.at)).toEqual([at(250)]);
  });

  it('refuses what the domain refuses, storing nothing', async () => {
    expect(await correct(ids.line_haul!, { at: at(60) })).toMatchObject({ status: 'refused', refusal: { code: 'handoff.same_time', field: 'at' } });
    expect(await correct('no-such-event', { at: at(70) })).toMatchObject({ status: 'refused', refusal: { code: 'correction.event_not_found' } });
    expect(await ops.appendCorrection({ shipmentId: 'shp-x', eventId: ids.hub!, changes: { at: at(70) }, reason: 'r', correctedBy: 'c', recordedAt: T0 })).toEqual({ status: 'shipment_not_found' });
    expect(await ops.listCorrections('shp-1')).toEqual([]);
  });

  it("moves the shipment's delivery time with a correction of the delivery event", async () => {
    expect((await ops.getShipment('shp-1'))?.deliveredAt).toBe(at(900));
    expect((await correct(ids.delivered!, { at: at(960) })).status).toBe('stored');
    expect((await ops.getShipment('shp-1'))?.deliveredAt).toBe(at(960));
    expect((await correct(ids.delivered!, { station: 'door' })).status).toBe('stored');
    expect((await ops.getShipment('shp-1'))?.deliveredAt).toBe(at(960));
  });

  it("moves the shipment's change mark and its time", async () => {
    const before = await ops.shipmentChangeMark('shp-1');
    await correct(ids.hub!, { station: 'Haikou hub' }, at(2000));
    const after = await ops.shipmentChangeMark('shp-1');
    expect(after.mark).not.toBe(before.mark);
    expect(after.changedAt).toBe(at(2000));
  });

  it('keeps the table append-only: rows cannot be updated or deleted', async () => {
    await correct(ids.hub!, { station: 'Haikou hub' });
    await ops.close();
    const db = new Database(join(dir, 'ops.db'));
    try {
      expect(() => db.prepare("UPDATE custody_corrections SET reason = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM custody_corrections').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    expect(await ops.listCorrections('shp-1')).toHaveLength(1);
  });

  describe('claims: one standing claim per (shipment, party), v16', () => {
    const claim = (id: string, liableOrgId: string, alertId: string, overrides: Partial<Claim> = {}): Claim => ({
      id, shipmentId: 'shp-1', alertId, liableOrgId, amountCents: 4_080_000, goodsShareCents: 3_600_000, freightCents: 480_000, currency: 'CNY', status: 'filed',
      reason: { zh: '理由', en: 'reason' }, filedAt: at(100), respondBy: at(220), withdrawnAt: null, withdrawnReason: null, ...overrides,
    });
    async function alertId(): Promise<string> {
      const id = 'alert-1';
      await ops.insertAlert({
        id, shipmentId: 'shp-1', deviceId: 'logger-01', ruleId: 'high', kind: 'excursion', message: null, tier: 1, status: 'open', conditionState: 'cleared', thresholdC: 15, direction: 'above',
        activeAt: at(50), firedAt: at(60), clearedAt: at(200), peakTempC: 20, outsideMs: 3 * 3_600_000, degreeMinutes: 900,
        attribution: { status: 'attributed', orgId: 'org-hub', legIndex: 1, reason: { zh: 'z', en: 'e' } }, routedTo: ['org-hub'], respondBy: at(120),
        acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolutionNote: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, createdAt: at(60), updatedAt: at(60),
      });
      return id;
    }

    it('files a party again once its claim was withdrawn, keeping the withdrawn one; a standing claim is not doubled', async () => {
      const alert = await alertId();
      expect((await ops.fileClaimOnce(claim('c-1', 'org-hub', alert))).isNew).toBe(true);
      expect(await ops.fileClaimOnce(claim('c-2', 'org-hub', alert))).toMatchObject({ isNew: false, claim: { id: 'c-1' } });
      await ops.withdrawClaim('c-1', at(300), { zh: '撤回', en: 'withdrawn' });
      expect(await ops.fileClaimOnce(claim('c-3', 'org-hub', alert, { filedAt: at(400) }))).toMatchObject({ isNew: true, claim: { id: 'c-3', status: 'filed' } });
      expect(await ops.fileClaimOnce(claim('c-4', 'org-hub', alert))).toMatchObject({ isNew: false, claim: { id: 'c-3' } });
      expect((await ops.listClaims({ shipmentId: 'shp-1' })).map((c) => [c.id, c.status])).toEqual([['c-3', 'filed'], ['c-1', 'withdrawn']]);
    });

    it('migrates a v15 database: claims and the reviews that name them kept, foreign keys whole', async () => {
      await ops.close();
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'coldchain-corrections-'));
      const path = join(dir, 'ops.db');
      const v15 = openDatabase(path, OPS_MIGRATIONS.slice(0, 15), 'NORMAL');
      v15.exec(`INSERT INTO organisations VALUES ('org-coop', 'c', 'c', 'shipper', 0), ('org-hub', 'h', 'h', 'warehouse', 0);
        INSERT INTO devices (id, secret_hash, created_at) VALUES ('logger-01', 'x', 0);
        INSERT INTO shipments VALUES ('shp-1', 't', 'lychee', 'org-coop', 'logger-01', 'a', 'b', 1, 100, 10, 0, NULL, 0);
        INSERT INTO alerts (id, shipment_id, device_id, rule_id, tier, status, condition_state, threshold_c, direction, active_at, fired_at, peak_temp_c, outside_ms, degree_minutes, attribution, routed_to, respond_by, created_at, updated_at)
          VALUES ('alert-1', 'shp-1', 'logger-01', 'high', 1, 'open', 'cleared', 15, 'above', 1, 2, 20, 3, 4, '{}', '[]', 5, 6, 7);
        INSERT INTO claims (id, shipment_id, alert_id, liable_org_id, amount_cents, goods_share_cents, freight_cents, currency, status, reason, filed_at, respond_by, withdrawn_at, withdrawn_reason)
          VALUES ('c-1', 'shp-1', 'alert-1', 'org-hub', 110, 100, 10, 'CNY', 'withdrawn', '{"zh":"z","en":"e"}', 8, 9, 10, '{"zh":"w","en":"w"}');
        INSERT INTO reviews (id, shipment_id, alert_id, reason, state, created_at, liable_org_id, decision_reason, decided_by, decided_at, claim_id)
          VALUES ('r-1', 'shp-1', 'alert-1', '{"zh":"z","en":"e"}', 'decided', 1, 'org-hub', 'why', 'me', 2, 'c-1');`);
      v15.close();

      ops = new SqliteOpsStore(path, 'NORMAL');
      expect(await ops.listClaims({ shipmentId: 'shp-1' })).toEqual([expect.objectContaining({ id: 'c-1', status: 'withdrawn', withdrawnAt: 10, withdrawnReason: { zh: 'w', en: 'w' } })]);
      expect((await ops.getReview('r-1'))?.decision?.claimId).toBe('c-1');
      expect((await ops.fileClaimOnce(claim('c-2', 'org-hub', 'alert-1'))).isNew).toBe(true);
      await ops.close();
      const db = new Database(path);
      try {
        expect(db.pragma('foreign_key_check')).toEqual([]);
        expect(db.pragma('user_version', { simple: true })).toBe(OPS_MIGRATIONS.length);
      } finally {
        db.close();
      }
      ops = new SqliteOpsStore(path, 'NORMAL');
    });
  });
});
