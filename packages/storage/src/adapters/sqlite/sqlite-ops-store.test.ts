import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgKind } from '@coldchain/domain';
import type { Alert, Claim, NewCustodyEvent, Organisation, Shipment } from '../../ports.ts';
import { SqliteOpsStore } from './sqlite-ops-store.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 4, 20, 6);

const org = (id: string, kind: OrgKind, name = `name of ${id}`): Organisation => ({ id, name, nameEn: `${name} (en)`, kind, createdAt: T0 });

function shipment(id: string, deviceId: string, startedAt: number): Shipment {
  return {
    id,
    traceCode: `trace-${id}-${randomUUID()}`,
    profileId: 'lychee',
    shipperOrgId: 'org-coop',
    deviceId,
    origin: '海口',
    destination: '上海',
    boxes: 120,
    goodsValueCents: 3_600_000,
    freightCents: 480_000,
    startedAt,
    deliveredAt: null,
    createdAt: startedAt,
    publicView: null,
  };
}

const packhouse = (s: Shipment): NewCustodyEvent => ({
  shipmentId: s.id,
  at: s.startedAt,
  stage: 'packhouse',
  toOrgId: s.shipperOrgId,
  station: '预冷站',
  probeTempC: null,
  recordedAt: s.startedAt,
});

function alert(shipmentId: string, ruleId: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id: randomUUID(),
    shipmentId,
    deviceId: 'logger-01',
    ruleId,
    kind: 'excursion',
    message: null,
    escalatedAt: null,
    lastNotifiedAt: null,
    reminders: 0,
    tier: 1,
    status: 'open',
    conditionState: 'firing',
    thresholdC: 15,
    direction: 'above',
    activeAt: T0 + HOUR,
    firedAt: T0 + HOUR + 10 * MIN,
    clearedAt: null,
    peakTempC: 27.9,
    outsideMs: 40 * MIN,
    degreeMinutes: 312.5,
    attribution: { status: 'attributed', orgId: 'org-hub', legIndex: 2, reason: { zh: '枢纽仓', en: 'hub' } },
    routedTo: ['org-hub', 'org-coop', 'platform'],
    respondBy: T0 + 2 * HOUR + 10 * MIN,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolutionNote: null,
    createdAt: T0 + HOUR + 10 * MIN,
    updatedAt: T0 + HOUR + 10 * MIN,
    ...overrides,
  };
}

function claim(shipmentId: string, alertId: string, liableOrgId: string, overrides: Partial<Claim> = {}): Claim {
  return {
    id: randomUUID(),
    shipmentId,
    alertId,
    liableOrgId,
    amountCents: 4_080_000,
    goodsShareCents: 3_600_000,
    freightCents: 480_000,
    currency: 'CNY',
    status: 'filed',
    reason: { zh: '枢纽仓空调故障', en: 'hub air-conditioning failure' },
    filedAt: T0 + 3 * HOUR,
    respondBy: T0 + 5 * HOUR,
    withdrawnAt: null,
    withdrawnReason: null,
    answeredAt: null,
    remindedAt: null,
    escalatedAt: null,
    closedAt: null,
    advancedCents: 0,
    recoveredCents: 0,
    ...overrides,
  };
}

describe('SqliteOpsStore', () => {
  let dir: string;
  let path: string;
  let ops: SqliteOpsStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-ops-'));
    path = join(dir, 'ops.db');
    ops = new SqliteOpsStore(path);
    for (const o of [org('org-coop', 'shipper'), org('org-hub', 'warehouse'), org('org-reefer', 'carrier'), org('platform', 'platform')]) {
      await ops.upsertOrganisation(o);
    }
    await ops.createDevice({ id: 'logger-01', secretHash: 'scrypt$a$b', publicKey: null, createdAt: T0 });
    await ops.createDevice({ id: 'logger-02', secretHash: 'scrypt$c$d', publicKey: null, createdAt: T0 });
  });

  afterEach(async () => {
    await ops.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function createShipment(id: string, deviceId = 'logger-01', startedAt = T0): Promise<Shipment> {
    const s = shipment(id, deviceId, startedAt);
    expect(await ops.createShipment(s, packhouse(s))).toBe(true);
    return s;
  }

  describe('organisations', () => {
    it('upserts: a second write updates the names and kind but keeps when it was created', async () => {
      await ops.upsertOrganisation({ ...org('org-hub', 'carrier', '海口新枢纽'), createdAt: T0 + HOUR });

      expect(await ops.getOrganisation('org-hub')).toEqual({ id: 'org-hub', name: '海口新枢纽', nameEn: '海口新枢纽 (en)', kind: 'carrier', createdAt: T0 });
      expect((await ops.listOrganisations()).map((o) => o.id).sort()).toEqual(['org-coop', 'org-hub', 'org-reefer', 'platform']);
      expect(await ops.getOrganisation('org-nobody')).toBeUndefined();
    });
  });

  describe('devices', () => {
    it('refuses a duplicate id without overwriting the stored secret', async () => {
      expect(await ops.createDevice({ id: 'logger-01', secretHash: 'scrypt$new$hash', publicKey: null, createdAt: T0 + HOUR })).toBe(false);
      expect(await ops.getDevice('logger-01')).toEqual({ id: 'logger-01', secretHash: 'scrypt$a$b', publicKey: null, createdAt: T0, ownerOrgId: null });
    });

    it('rotates the secret of a known device only', async () => {
      expect(await ops.setDeviceSecret('logger-01', 'scrypt$rotated$x')).toBe(true);
      expect((await ops.getDevice('logger-01'))?.secretHash).toBe('scrypt$rotated$x');
      expect(await ops.setDeviceSecret('logger-99', 'scrypt$x$y')).toBe(false);
      expect(await ops.getDevice('logger-99')).toBeUndefined();
    });
  });

  describe('shipments and custody', () => {
    it('creates a shipment with its first custody event, findable by id and by trace code', async () => {
      const s = await createShipment('shp-1');

      expect(await ops.getShipment('shp-1')).toEqual(s);
      expect(await ops.getShipmentByTraceCode(s.traceCode)).toEqual(s);
      const events = await ops.listCustodyEvents('shp-1');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ ...packhouse(s), seq: expect.any(Number), id: expect.any(String) });
    });

    it('refuses a duplicate shipment id, leaving the first shipment and its custody untouched', async () => {
      const first = await createShipment('shp-1');
      const second = { ...shipment('shp-1', 'logger-02', T0 + HOUR), origin: '三亚' };

      expect(await ops.createShipment(second, packhouse(second))).toBe(false);
      expect(await ops.getShipment('shp-1')).toEqual(first);
      expect(await ops.listCustodyEvents('shp-1')).toHaveLength(1);
    });

    it('creates nothing when the first custody event cannot be stored', async () => {
      const s = shipment('shp-1', 'logger-01', T0);

      await expect(ops.createShipment(s, { ...packhouse(s), toOrgId: 'org-unknown' })).rejects.toThrow(/FOREIGN KEY/);
      expect(await ops.getShipment('shp-1')).toBeUndefined();
      expect(await ops.listCustodyEvents('shp-1')).toEqual([]);
    });

    it('finds the shipment a device was with at a device time, from start to delivery inclusive', async () => {
      await createShipment('shp-1', 'logger-01', T0);
      const deliveredAt = T0 + 30 * HOUR;

      expect((await ops.findShipmentForDevice('logger-01', T0 + 5 * HOUR))?.id).toBe('shp-1');
      expect((await ops.findShipmentForDevice('logger-01', T0 + 400 * HOUR))?.id).toBe('shp-1');

      await ops.appendCustodyEvent({ shipmentId: 'shp-1', at: deliveredAt, stage: 'delivered', toOrgId: null, station: '上海', probeTempC: 5, recordedAt: deliveredAt });
      expect((await ops.getShipment('shp-1'))?.deliveredAt).toBe(deliveredAt);

      expect(await ops.findShipmentForDevice('logger-01', T0 - 1)).toBeUndefined();
      expect((await ops.findShipmentForDevice('logger-01', T0))?.id).toBe('shp-1');
      expect((await ops.findShipmentForDevice('logger-01', deliveredAt))?.id).toBe('shp-1');
      expect(await ops.findShipmentForDevice('logger-01', deliveredAt + 1)).toBeUndefined();
      expect(await ops.findShipmentForDevice('logger-02', T0 + 5 * HOUR)).toBeUndefined();

      // The device goes out again with a new shipment: later readings belong to it.
      await createShipment('shp-2', 'logger-01', deliveredAt + HOUR);
      expect(await ops.findShipmentForDevice('logger-01', deliveredAt + 30 * MIN)).toBeUndefined();
      expect((await ops.findShipmentForDevice('logger-01', deliveredAt + 2 * HOUR))?.id).toBe('shp-2');
      expect((await ops.findShipmentForDevice('logger-01', T0 + HOUR))?.id).toBe('shp-1');
    });

    it('pages through the shipments not yet delivered by id (keyset), skipping delivered ones', async () => {
      for (const id of ['shp-e', 'shp-a', 'shp-d', 'shp-b', 'shp-c']) await createShipment(id);
      await ops.appendCustodyEvent({ shipmentId: 'shp-b', at: T0 + 30 * HOUR, stage: 'delivered', toOrgId: null, station: '上海', probeTempC: 5, recordedAt: T0 + 30 * HOUR });

      const first = await ops.listLiveShipmentsAfter(null, 2);
      expect(first.map((s) => s.id)).toEqual(['shp-a', 'shp-c']);
      expect((await ops.listLiveShipmentsAfter('shp-c', 2)).map((s) => s.id)).toEqual(['shp-d', 'shp-e']);
      expect(await ops.listLiveShipmentsAfter('shp-e', 2)).toEqual([]);
      expect(first[0]).toEqual(await ops.getShipment('shp-a'));
    });

    it('lists custody events by time, ties in the order recorded', async () => {
      await createShipment('shp-1');
      const append = (at: number, stage: NewCustodyEvent['stage'], toOrgId: string) =>
        ops.appendCustodyEvent({ shipmentId: 'shp-1', at, stage, toOrgId, station: null, probeTempC: null, recordedAt: T0 + 50 * HOUR });
      // A late scan recorded after a later one, and two scans at the same minute.
      const hub = await append(T0 + 8 * HOUR, 'hub', 'org-hub');
      const firstMile = await append(T0 + 3 * HOUR, 'first_mile', 'org-reefer');
      const lineHaulA = await append(T0 + 20 * HOUR, 'line_haul', 'org-reefer');
      const lineHaulB = await append(T0 + 20 * HOUR, 'line_haul', 'org-hub');

      expect(lineHaulB.seq).toBeGreaterThan(lineHaulA.seq);
      const listed = await ops.listCustodyEvents('shp-1');
      expect(listed.map((e) => e.id).slice(1)).toEqual([firstMile.id, hub.id, lineHaulA.id, lineHaulB.id]);
      expect(listed[2]).toEqual(hub);
    });
  });

  describe('alerts', () => {
    it('round-trips an alert, its attribution and routing', async () => {
      await createShipment('shp-1');
      const a = alert('shp-1', 'high', { clearedAt: T0 + 2 * HOUR, conditionState: 'cleared' });
      await ops.insertAlert(a);

      expect(await ops.getAlert(a.id)).toEqual(a);
      expect(await ops.getAlert(randomUUID())).toBeUndefined();
    });

    it('holds one unresolved alert per (shipment, rule); a new one may follow once it is resolved', async () => {
      await createShipment('shp-1');
      const first = alert('shp-1', 'high');
      await ops.insertAlert(first);

      await expect(ops.insertAlert(alert('shp-1', 'high'))).rejects.toThrow(/UNIQUE constraint/);
      await ops.updateAlert({ ...first, status: 'acknowledged', acknowledgedAt: T0 + 2 * HOUR, acknowledgedBy: 'hub' });
      await expect(ops.insertAlert(alert('shp-1', 'high'))).rejects.toThrow(/UNIQUE constraint/);
      expect((await ops.findUnresolvedAlert('shp-1', 'high'))?.id).toBe(first.id);

      // Another rule of the same shipment is a different alert.
      await ops.insertAlert(alert('shp-1', 'low', { direction: 'below', thresholdC: 1, tier: 3 }));

      await ops.updateAlert({ ...first, status: 'resolved', resolvedAt: T0 + 3 * HOUR, resolvedBy: 'hub' });
      expect(await ops.findUnresolvedAlert('shp-1', 'high')).toBeUndefined();
      const second = alert('shp-1', 'high', { activeAt: T0 + 10 * HOUR });
      await ops.insertAlert(second);
      expect((await ops.findUnresolvedAlert('shp-1', 'high'))?.id).toBe(second.id);
      expect((await ops.getAlert(first.id))?.status).toBe('resolved');
    });

    it('lets a new excursion of the same rule open beside a cleared alert still awaiting acknowledgement, and keeps a resolution note', async () => {
      await createShipment('shp-1');
      const first = alert('shp-1', 'high');
      await ops.insertAlert(first);
      // The condition cleared by itself; nobody has seen it: still open, no longer the rule's identity.
      await ops.updateAlert({ ...first, conditionState: 'cleared', clearedAt: T0 + 2 * HOUR });
      expect(await ops.findUnresolvedAlert('shp-1', 'high')).toBeUndefined();
      const second = alert('shp-1', 'high', { activeAt: T0 + 5 * HOUR });
      await ops.insertAlert(second);
      expect((await ops.findUnresolvedAlert('shp-1', 'high'))?.id).toBe(second.id);
      // Still one firing alert per (shipment, rule).
      await expect(ops.insertAlert(alert('shp-1', 'high'))).rejects.toThrow(/UNIQUE constraint/);
      expect((await ops.listAlerts({ shipmentId: 'shp-1', status: 'open' })).map((a) => a.id).sort()).toEqual([first.id, second.id].sort());

      await ops.updateAlert({ ...first, conditionState: 'cleared', status: 'resolved', resolvedAt: T0 + 6 * HOUR, resolvedBy: 'hub', resolutionNote: '冷库门已修好，货物复检正常' });
      expect(await ops.getAlert(first.id)).toMatchObject({ status: 'resolved', resolutionNote: '冷库门已修好，货物复检正常' });
      expect((await ops.getAlert(second.id))?.resolutionNote).toBeNull();
    });

    it('filters the alert list by routed organisation, status and shipment, newest first', async () => {
      await createShipment('shp-1', 'logger-01');
      await createShipment('shp-2', 'logger-02');
      const hubHigh = alert('shp-1', 'high', { createdAt: T0 + HOUR });
      const hubLow = alert('shp-1', 'low', { createdAt: T0 + 3 * HOUR, status: 'acknowledged', routedTo: ['org-hub', 'org-coop'] });
      const reeferHigh = alert('shp-2', 'high', { createdAt: T0 + 2 * HOUR, routedTo: ['org-reefer', 'org-coop', 'platform'] });
      for (const a of [hubHigh, hubLow, reeferHigh]) await ops.insertAlert(a);

      const ids = async (filter: Parameters<SqliteOpsStore['listAlerts']>[0]) => (await ops.listAlerts(filter)).map((a) => a.id);
      expect(await ids({})).toEqual([hubLow.id, reeferHigh.id, hubHigh.id]);
      expect(await ids({ orgId: 'org-hub' })).toEqual([hubLow.id, hubHigh.id]);
      expect(await ids({ orgId: 'org-reefer' })).toEqual([reeferHigh.id]);
      expect(await ids({ orgId: 'org-coop' })).toEqual([hubLow.id, reeferHigh.id, hubHigh.id]);
      // Exact organisation ids only: no prefix or substring matches.
      expect(await ids({ orgId: 'org' })).toEqual([]);
      expect(await ids({ orgId: 'org-hu' })).toEqual([]);
      expect(await ids({ status: 'open' })).toEqual([reeferHigh.id, hubHigh.id]);
      expect(await ids({ status: 'acknowledged', orgId: 'org-hub' })).toEqual([hubLow.id]);
      expect(await ids({ shipmentId: 'shp-2' })).toEqual([reeferHigh.id]);
      expect(await ids({ shipmentId: 'shp-1', status: 'open' })).toEqual([hubHigh.id]);
      expect(await ids({ limit: 2 })).toEqual([hubLow.id, reeferHigh.id]);
    });

    it('pages through every alert of a status by id (keyset), however many, each once, also while updating them', async () => {
      for (const id of ['shp-1', 'shp-2', 'shp-3']) await createShipment(id);
      const open: Alert[] = [];
      for (const id of ['shp-1', 'shp-2', 'shp-3']) {
        for (const ruleId of ['high', 'low', 'trend', 'no_data']) open.push(alert(id, ruleId, { kind: ruleId === 'no_data' ? 'no_data' : 'excursion' }));
      }
      const done = alert('shp-1', 'high', { status: 'resolved', resolvedAt: T0 + 2 * HOUR, resolvedBy: 'hub' });
      const seen = alert('shp-2', 'cycling', { status: 'acknowledged', acknowledgedAt: T0 + 2 * HOUR, acknowledgedBy: 'hub' });
      for (const a of [...open, done, seen]) await ops.insertAlert(a);

      // Pages of 5 over 12 open alerts, each alert updated (reminded) as it is read, as the timers do.
      const visited: string[] = [];
      const sizes: number[] = [];
      let afterId: string | null = null;
      for (;;) {
        const page: Alert[] = await ops.listAlertsAfter(afterId, { status: 'open', limit: 5 });
        sizes.push(page.length);
        for (const a of page) {
          visited.push(a.id);
          await ops.updateAlert({ ...a, reminders: a.reminders + 1, updatedAt: T0 + 5 * HOUR });
        }
        if (page.length < 5) break;
        afterId = page[page.length - 1]!.id;
      }
      expect(sizes).toEqual([5, 5, 2]);
      expect(visited).toEqual(open.map((a) => a.id).sort());
      expect((await ops.listAlerts({ status: 'open' })).every((a) => a.reminders === 1)).toBe(true);

      const noData = await ops.listAlertsAfter(null, { status: 'open', kind: 'no_data', limit: 100 });
      expect(noData.map((a) => a.id)).toEqual(open.filter((a) => a.kind === 'no_data').map((a) => a.id).sort());
      expect((await ops.listAlertsAfter(null, { status: 'acknowledged', limit: 100 })).map((a) => a.id)).toEqual([seen.id]);
      expect(await ops.listAlertsAfter(visited[visited.length - 1]!, { status: 'open', limit: 100 })).toEqual([]);
    });
  });

  describe('claims', () => {
    it('files one claim per (shipment, liable organisation) and returns the original on a repeat', async () => {
      await createShipment('shp-1');
      const a = alert('shp-1', 'high');
      await ops.insertAlert(a);
      const original = claim('shp-1', a.id, 'org-hub');

      expect(await ops.fileClaimOnce(original)).toEqual({ claim: original, isNew: true });
      const repeat = await ops.fileClaimOnce(claim('shp-1', a.id, 'org-hub', { amountCents: 1, filedAt: T0 + 9 * HOUR }));
      expect(repeat).toEqual({ claim: original, isNew: false });

      const onCarrier = claim('shp-1', a.id, 'org-reefer', { filedAt: T0 + 4 * HOUR });
      expect((await ops.fileClaimOnce(onCarrier)).isNew).toBe(true);
      expect((await ops.listClaims({ shipmentId: 'shp-1' })).map((c) => c.id)).toEqual([onCarrier.id, original.id]);
      expect(await ops.listClaims({ orgId: 'org-hub' })).toEqual([original]);
      expect(await ops.listClaims({ shipmentId: 'shp-other' })).toEqual([]);
    });

    it('withdraws a filed claim once, keeping it with when and why', async () => {
      await createShipment('shp-1');
      const a = alert('shp-1', 'high');
      await ops.insertAlert(a);
      const filed = claim('shp-1', a.id, 'org-reefer');
      await ops.fileClaimOnce(filed);
      const why = { zh: '迟到数据显示超标始于枢纽仓', en: 'late readings show the excursion began in the hub' };

      const withdrawn = { ...filed, status: 'withdrawn' as const, withdrawnAt: T0 + 6 * HOUR, withdrawnReason: why, closedAt: T0 + 6 * HOUR };
      expect(await ops.withdrawClaim(filed.id, T0 + 6 * HOUR, why)).toEqual(withdrawn);
      expect(await ops.withdrawClaim(filed.id, T0 + 7 * HOUR, why)).toBeUndefined();
      expect(await ops.listClaims({ shipmentId: 'shp-1' })).toEqual([withdrawn]);
      // The history says the system withdrew it, from filed.
      expect((await ops.listClaimEvents(filed.id)).map((e) => [e.party, e.action.kind, e.from, e.to, e.at])).toEqual([['system', 'withdraw', 'filed', 'withdrawn', T0 + 6 * HOUR]]);
    });
  });

  describe('reviews', () => {
    const gap = { zh: '缺口覆盖交接，需人工复核', en: 'a gap over a handoff; flagged for review' };

    it('opens one review per alert, decides it once, and files the claim with the decision', async () => {
      await createShipment('shp-1');
      const a = alert('shp-1', 'high');
      await ops.insertAlert(a);
      const review = { id: randomUUID(), shipmentId: 'shp-1', alertId: a.id, reason: gap, state: 'open' as const, createdAt: T0 + 2 * HOUR, decision: null };
      expect(await ops.openReviewOnce(review)).toEqual({ review, isNew: true });
      expect(await ops.openReviewOnce({ ...review, id: randomUUID(), createdAt: T0 + 3 * HOUR })).toEqual({ review, isNew: false });
      expect(await ops.getReviewForAlert(a.id)).toEqual(review);
      expect(await ops.listReviews({ state: 'open' })).toEqual([review]);

      const decision = { liableOrgId: 'org-hub', reason: '枢纽仓温控记录显示空调故障', decidedBy: 'platform-ops', decidedAt: T0 + 5 * HOUR };
      const c = claim('shp-1', a.id, 'org-hub');
      const outcome = await ops.decideReview(review.id, decision, c);
      expect(outcome).toEqual({ status: 'decided', review: { ...review, state: 'decided', decision: { ...decision, claimId: c.id } }, claim: { claim: c, isNew: true } });

      // Decided once: a second decision changes nothing and files nothing.
      const again = await ops.decideReview(review.id, { ...decision, liableOrgId: 'org-reefer' }, claim('shp-1', a.id, 'org-reefer'));
      expect(again).toMatchObject({ status: 'already_decided', review: { decision: { liableOrgId: 'org-hub' } } });
      expect((await ops.listClaims({ shipmentId: 'shp-1' })).map((x) => x.liableOrgId)).toEqual(['org-hub']);
      expect(await ops.listReviews({ state: 'open' })).toEqual([]);
      expect(await ops.decideReview(randomUUID(), decision, null)).toEqual({ status: 'not_found' });
    });

    it('keeps a decision that nobody is liable, with no claim', async () => {
      await createShipment('shp-1');
      const a = alert('shp-1', 'high');
      await ops.insertAlert(a);
      const { review } = await ops.openReviewOnce({ id: randomUUID(), shipmentId: 'shp-1', alertId: a.id, reason: gap, state: 'open', createdAt: T0, decision: null });
      const outcome = await ops.decideReview(review.id, { liableOrgId: null, reason: '果实复检正常', decidedBy: 'platform-ops', decidedAt: T0 + HOUR }, null);
      expect(outcome).toMatchObject({ status: 'decided', claim: null, review: { state: 'decided', decision: { liableOrgId: null, reason: '果实复检正常', claimId: null } } });
      expect(await ops.listClaims()).toEqual([]);
    });
  });

  describe('dead letters', () => {
    it('lists dead letters newest first, and by device', async () => {
      const letter = (deviceId: string | null, code: string, receivedAt: number) => ({
        deviceId,
        topic: deviceId ? `coldchain/v1/devices/${deviceId}/telemetry` : 'coldchain/v1/devices/+bad/telemetry',
        code,
        reason: `${code} for test`,
        payload: '{"readings":[{"ts":1,"tempC":"warm"}]}',
        payloadBytes: 38,
        receivedAt,
      });
      const a = await ops.insertDeadLetter(letter('logger-01', 'message.invalid', T0));
      const b = await ops.insertDeadLetter(letter(null, 'topic.invalid', T0 + MIN));
      const c = await ops.insertDeadLetter(letter('logger-01', 'message.not_json', T0 + 2 * MIN));

      expect(a).toEqual({ ...letter('logger-01', 'message.invalid', T0), id: expect.any(Number) });
      expect(await ops.listDeadLetters()).toEqual([c, b, a]);
      expect(await ops.listDeadLetters({ deviceId: 'logger-01' })).toEqual([c, a]);
      expect(await ops.listDeadLetters({ limit: 1 })).toEqual([c]);
      expect(await ops.listDeadLetters({ deviceId: 'logger-02' })).toEqual([]);
    });
  });

  describe('settings', () => {
    it('stores, overwrites and reads settings', async () => {
      expect(await ops.getSetting('schema')).toBeUndefined();
      await ops.setSetting('schema', '1');
      await ops.setSetting('schema', '2');
      expect(await ops.getSetting('schema')).toBe('2');
    });
  });

  it('keeps everything when the same file is opened again', async () => {
    const s = await createShipment('shp-1');
    const event = await ops.appendCustodyEvent({ shipmentId: 'shp-1', at: T0 + 3 * HOUR, stage: 'hub', toOrgId: 'org-hub', station: '海口南港', probeTempC: 5.1, recordedAt: T0 + 3 * HOUR });
    const a = alert('shp-1', 'high');
    await ops.insertAlert(a);
    const c = claim('shp-1', a.id, 'org-hub');
    await ops.fileClaimOnce(c);
    const letter = await ops.insertDeadLetter({ deviceId: 'logger-01', topic: 't', code: 'message.empty', reason: 'message is empty', payload: '', payloadBytes: 0, receivedAt: T0 });
    await ops.setSetting('schema', '1');
    await ops.close();

    ops = new SqliteOpsStore(path);
    expect(await ops.getOrganisation('org-hub')).toEqual(org('org-hub', 'warehouse'));
    expect(await ops.getDevice('logger-01')).toEqual({ id: 'logger-01', secretHash: 'scrypt$a$b', publicKey: null, createdAt: T0, ownerOrgId: null });
    expect(await ops.getShipment('shp-1')).toEqual(s);
    expect((await ops.listCustodyEvents('shp-1')).at(-1)).toEqual(event);
    expect(await ops.getAlert(a.id)).toEqual(a);
    expect(await ops.listClaims()).toEqual([c]);
    expect(await ops.listDeadLetters()).toEqual([letter]);
    expect(await ops.getSetting('schema')).toBe('1');
    // Identity rules still hold after the reopen.
    await expect(ops.insertAlert(alert('shp-1', 'high'))).rejects.toThrow(/UNIQUE constraint/);
    expect(await ops.createDevice({ id: 'logger-01', secretHash: 'x', publicKey: null, createdAt: T0 })).toBe(false);
  });

  describe('keyset pages of the lists (issue 10, item 5)', () => {
    it('pages shipments newest first from a position, ties in start time in id order', async () => {
      for (const [id, startedAt] of [['shp-a', T0], ['shp-b', T0 + HOUR], ['shp-c', T0 + HOUR], ['shp-d', T0 + 2 * HOUR]] as const) await createShipment(id, 'logger-01', startedAt);
      expect((await ops.listShipments(2)).map((s) => s.id)).toEqual(['shp-d', 'shp-b']);
      expect((await ops.listShipments(2, { startedAt: T0 + HOUR, id: 'shp-b' })).map((s) => s.id)).toEqual(['shp-c', 'shp-a']);
      expect(await ops.listShipments(2, { startedAt: T0, id: 'shp-a' })).toEqual([]);
      // A position need not be a stored row: the page starts after where it would sort.
      expect((await ops.listShipments(5, { startedAt: T0 + HOUR, id: 'shp-bb' })).map((s) => s.id)).toEqual(['shp-c', 'shp-a']);
    });

    it('pages alerts newest first from a position, with the filters', async () => {
      await createShipment('shp-1');
      const early = alert('shp-1', 'low', { id: 'a-1', createdAt: T0 });
      const tieA = alert('shp-1', 'high', { id: 'a-2', createdAt: T0 + HOUR, routedTo: ['org-reefer'] });
      const tieB = alert('shp-1', 'warn', { id: 'a-3', createdAt: T0 + HOUR });
      for (const a of [early, tieA, tieB]) await ops.insertAlert(a);
      expect((await ops.listAlerts({ after: { createdAt: T0 + HOUR, id: 'a-2' } })).map((a) => a.id)).toEqual(['a-3', 'a-1']);
      expect((await ops.listAlerts({ orgId: 'org-hub', limit: 1, after: { createdAt: T0 + HOUR, id: 'a-2' } })).map((a) => a.id)).toEqual(['a-3']);
    });

    it('lists every claim unless given a limit (the rules read all of a shipment), and pages them newest first', async () => {
      await createShipment('shp-1');
      const a = alert('shp-1', 'high');
      await ops.insertAlert(a);
      const claims = [claim('shp-1', a.id, 'org-hub', { id: 'c-1', filedAt: T0 }), claim('shp-1', a.id, 'org-reefer', { id: 'c-2', filedAt: T0 + HOUR }), claim('shp-1', a.id, 'org-coop', { id: 'c-3', filedAt: T0 + HOUR })];
      for (const c of claims) await ops.fileClaimOnce(c);
      expect((await ops.listClaims({ shipmentId: 'shp-1' })).map((c) => c.id)).toEqual(['c-2', 'c-3', 'c-1']);
      expect((await ops.listClaims({ limit: 1, after: { filedAt: T0 + HOUR, id: 'c-2' } })).map((c) => c.id)).toEqual(['c-3']);
      expect((await ops.listClaims({ orgId: 'org-hub', after: { filedAt: T0 + HOUR, id: 'c-3' } })).map((c) => c.id)).toEqual(['c-1']);
    });

    it('pages dead letters newest first, older than a given id', async () => {
      const letters = [];
      for (let i = 0; i < 4; i++) letters.push(await ops.insertDeadLetter({ deviceId: i % 2 ? 'logger-02' : 'logger-01', topic: 't', code: 'message.empty', reason: `r${i}`, payload: '', payloadBytes: 0, receivedAt: T0 + i }));
      expect((await ops.listDeadLetters({ limit: 2 })).map((l) => l.reason)).toEqual(['r3', 'r2']);
      expect((await ops.listDeadLetters({ beforeId: letters[2]!.id })).map((l) => l.reason)).toEqual(['r1', 'r0']);
      expect((await ops.listDeadLetters({ deviceId: 'logger-01', beforeId: letters[2]!.id })).map((l) => l.reason)).toEqual(['r0']);
    });
  });
});
