import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkChain, verifyText, publicKeyFromRaw } from '@coldchain/evidence';
import { createProfileCatalog, SqliteEvidenceStore } from '@coldchain/storage';
import type { Alert } from '@coldchain/storage';
import { openTempStores } from '../test-harness.ts';
import type { TempStores } from '../test-harness.ts';
import { createEvidenceService } from './evidence-service.ts';
import { ServiceKeys } from './service-keys.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 0, 0);

describe('evidence chains (issue 11, items 1-2)', () => {
  let stores: TempStores;
  let now = T0;
  const service = () => {
    const keys = new ServiceKeys(stores.evidence, stores.dir, () => now);
    return { keys, chains: createEvidenceService({ store: stores.evidence, ops: stores.ops, profiles: createProfileCatalog(stores.ops, () => now), keys, now: () => now }) };
  };

  beforeEach(async () => {
    now = T0;
    stores = openTempStores();
    const { ops } = stores;
    await ops.upsertOrganisation({ id: 'shipper', name: '合作社', nameEn: 'Co-op', kind: 'shipper', createdAt: T0 });
    await ops.upsertOrganisation({ id: 'hub', name: '枢纽仓', nameEn: 'Hub', kind: 'warehouse', createdAt: T0 });
    await ops.createDevice({ id: 'dev-1', secretHash: 'x', publicKey: null, createdAt: T0 });
    await ops.createShipment(
      { id: 'S1', traceCode: 'tc1', profileId: 'lychee', shipperOrgId: 'shipper', deviceId: 'dev-1', origin: 'A', destination: 'B', boxes: 1, goodsValueCents: 100, freightCents: 10, startedAt: T0, deliveredAt: null, createdAt: T0 },
      { shipmentId: 'S1', at: T0, stage: 'packhouse', toOrgId: 'shipper', station: null, probeTempC: null, recordedAt: T0 },
    );
  });
  afterEach(async () => {
    await stores.close();
  });

  const message = (ts: number, receivedAt: number) => ({ deviceId: 'dev-1', receivedAt, firstTs: ts, lastTs: ts, count: 1, payload: Buffer.from(JSON.stringify({ readings: [{ ts, tempC: 5 }] })), publicKey: null });

  it('chains the shipment, its custody and its messages in arrival order, once each, and keeps them append-only', async () => {
    const { chains } = service();
    // Kept as ingest keeps them: with their readings, in the telemetry store's transaction.
    await stores.telemetry.insertReadings([], [message(T0 + 60_000, T0 + 61_000), message(T0 + 120_000, T0 + 121_000)]);
    // The same bytes again (a resend after a crash): chained once.
    await stores.telemetry.insertReadings([], [message(T0 + 60_000, T0 + 61_000)]);
    const first = await chains.sync('S1');
    const again = await chains.sync('S1');
    expect(again).toEqual(first);
    const rows = await stores.evidence.chain('S1');
    expect(rows.map((r) => r.kind)).toEqual(['shipment', 'custody', 'device_key', 'message', 'message']);
    expect(checkChain(rows.map((r) => r.line), 'S1')).toMatchObject({ ok: true, seq: 5, hash: first.hash });
    // A message before the shipment's start is not its evidence; one in its window arriving later is appended later.
    await stores.telemetry.insertReadings([], [message(T0 - HOUR, T0 + 200_000), message(T0 + 180_000, T0 + 300_000)]);
    await chains.sync('S1');
    expect((await stores.evidence.chain('S1')).map((r) => r.kind)).toEqual(['shipment', 'custody', 'device_key', 'message', 'message', 'message']);
    const db = (stores.evidence as unknown as { db: { prepare(sql: string): { run(...a: unknown[]): unknown } } }).db;
    expect(() => db.prepare("UPDATE chain SET line = 'x' WHERE shipment_id = 'S1'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM t.messages').run()).toThrow(/append-only/);
  });

  it("records the device's key before its first message also when the chain began before any message (found in CI)", async () => {
    const { chains } = service();
    await chains.sync('S1');
    await stores.telemetry.insertReadings([], [message(T0 + 60_000, T0 + 61_000)]);
    await chains.sync('S1');
    expect((await stores.evidence.chain('S1')).map((r) => r.kind)).toEqual(['shipment', 'custody', 'device_key', 'message']);
  });

  it('with a remote telemetry store, keeps the messages in evidence.db through its writer thread and chains them the same', async () => {
    const store = new SqliteEvidenceStore(join(stores.dir, 'remote-evidence.db'), 'NORMAL');
    try {
      const keys = new ServiceKeys(store, undefined, () => now);
      const chains = createEvidenceService({ store, ops: stores.ops, profiles: createProfileCatalog(stores.ops, () => now), keys, now: () => now });
      await store.recordMessages([message(T0 + 60_000, T0 + 61_000), message(T0 + 120_000, T0 + 121_000)]);
      await chains.sync('S1');
      const rows = await store.chain('S1');
      expect(rows.map((r) => r.kind)).toEqual(['shipment', 'custody', 'device_key', 'message', 'message']);
      const ids = rows.filter((r) => r.kind === 'message').map((r) => JSON.parse(r.line).body.messageId as number);
      const payloads = await store.messagePayloads(ids);
      expect(payloads.get(ids[0]!)?.toString('utf8')).toBe(message(T0 + 60_000, 0).payload.toString('utf8'));
    } finally {
      await store.close();
    }
  });

  it('records a scan once: a row changed in the store behind the API is not chained again, and is named', async () => {
    const { chains } = service();
    await chains.sync('S1');
    expect(await chains.discrepancies('S1')).toEqual([]);
    const db = (stores.ops as unknown as { db: { prepare(sql: string): { run(...a: unknown[]): unknown } } }).db;
    db.prepare("UPDATE custody_events SET probe_temp_c = 16 WHERE shipment_id = 'S1'").run();
    await chains.sync('S1');
    const custody = (await stores.evidence.chain('S1')).filter((r) => r.kind === 'custody');
    expect(custody).toHaveLength(1);
    expect(JSON.parse(custody[0]!.line).body.probeTempC).toBeNull();
    expect(await chains.discrepancies('S1')).toEqual([expect.stringMatching(/^custody \S+ in the operational store differs from chain entry 2: changed outside the API \(a correction is the only way\)$/)]);
  });

  it('records an alert again when what it decides changes, and not a state older than the one recorded', async () => {
    const { chains } = service();
    const alert: Alert = {
      id: 'A1', shipmentId: 'S1', deviceId: 'dev-1', ruleId: 'lychee-high', kind: 'excursion', message: null, tier: 1, status: 'open', conditionState: 'firing',
      thresholdC: 15, direction: 'above', activeAt: T0 + HOUR, firedAt: T0 + HOUR, clearedAt: null, peakTempC: 20, outsideMs: HOUR, degreeMinutes: 300,
      attribution: { status: 'attributed', orgId: 'shipper', legIndex: 0, reason: { zh: '原因', en: 'reason' } }, routedTo: ['shipper'], respondBy: T0 + 2 * HOUR,
      acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolutionNote: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, createdAt: T0 + HOUR, updatedAt: T0 + HOUR,
    };
    await stores.ops.insertAlert(alert);
    await chains.sync('S1');
    // A reminder changes nothing the chain records.
    await stores.ops.updateAlert({ ...alert, reminders: 1, lastNotifiedAt: T0 + 2 * HOUR, updatedAt: T0 + 2 * HOUR });
    await chains.sync('S1');
    expect((await stores.evidence.chain('S1')).filter((r) => r.kind === 'alert')).toHaveLength(1);
    await stores.ops.updateAlert({ ...alert, conditionState: 'cleared', clearedAt: T0 + 3 * HOUR, updatedAt: T0 + 3 * HOUR });
    await chains.sync('S1');
    const alerts = (await stores.evidence.chain('S1')).filter((r) => r.kind === 'alert').map((r) => JSON.parse(r.line).body);
    expect(alerts.map((a) => a.conditionState)).toEqual(['firing', 'cleared']);
  });

  it('signs heads with a key kept owner-only; a rotated key stays published and its heads still verify', async () => {
    const { chains, keys } = service();
    const before = await chains.head('S1');
    const [key] = await keys.list();
    expect(key!.keyId).toBe(before.keyId);
    expect(verifyText(before.headJson, before.signature, publicKeyFromRaw(key!.publicKey))).toBe(true);
    expect(statSync(join(stores.dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(statSync(join(stores.dir, 'keys', `evidence-${key!.keyId}.pem`)).mode & 0o777).toBe(0o600);
    now += HOUR;
    const rotated = await keys.rotate();
    const after = await chains.head('S1');
    expect(after.keyId).toBe(rotated.keyId);
    const list = await keys.list();
    expect(list).toEqual([
      { keyId: before.keyId, publicKey: key!.publicKey, createdAt: T0, retiredAt: T0 + HOUR },
      expect.objectContaining({ keyId: rotated.keyId, retiredAt: null }),
    ]);
    expect(verifyText(before.headJson, before.signature, publicKeyFromRaw(list[0]!.publicKey))).toBe(true);
    // A second service over the same folder signs with the same current key.
    expect((await service().chains.head('S1')).keyId).toBe(rotated.keyId);
  });
});
