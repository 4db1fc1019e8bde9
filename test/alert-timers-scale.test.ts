import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { DEMO_ORGS } from '@coldchain/firmware-sim';
import { buildRules } from '@coldchain/rules';
import { SqliteOpsStore } from '@coldchain/storage';
import type { Alert } from '@coldchain/storage';

const MIN = 60_000;
const SECRET = 'service-secret-for-scale-tests';
const log = pino({ level: 'warn' });
/** More than the 5,000 the timers used to read: the ones past it were never reminded (issue 9). */
const FLEET = 6_000;

/**
 * The timers' scan reaches every open alert and every live shipment, however many: 6,000 shipments on
 * the road, each with an open tier-1 alert, one tick of the real rules service (real broker, real store)
 * with an injected clock. Seeded through the store's own methods.
 */
describe(`alert timers at scale: ${FLEET} open alerts on ${FLEET} live shipments`, () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let broker: ReturnType<typeof buildBroker>;
  let rules: ReturnType<typeof buildRules>;
  const T = Math.floor(Date.now() / MIN) * MIN;
  let now = T;
  const clock = { now: () => now };
  const ids: string[] = [];

  async function allOpen(kind: Alert['kind']): Promise<Alert[]> {
    const found: Alert[] = [];
    let afterId: string | null = null;
    for (;;) {
      const page: Alert[] = await ops.listAlertsAfter(afterId, { status: 'open', kind, limit: 1000 });
      found.push(...page);
      if (page.length < 1000) return found;
      afterId = page[page.length - 1]!.id;
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-timers-scale-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    const seedStartedAt = performance.now();
    for (const org of [...DEMO_ORGS, { id: 'platform', name: '平台运营', nameEn: 'Platform', kind: 'platform' as const }]) await ops.upsertOrganisation({ ...org, createdAt: T });
    for (let i = 0; i < FLEET; i++) {
      const n = String(i).padStart(5, '0');
      const shipmentId = `LZ-S${n}`;
      await ops.createDevice({ id: `logger-s${n}`, secretHash: 'sha256$unused', publicKey: null, createdAt: T });
      await ops.createShipment(
        { id: shipmentId, traceCode: `trace-code-scale-${n}`, profileId: 'lychee', shipperOrgId: 'hn-lychee-coop', deviceId: `logger-s${n}`, origin: '海口', destination: '武汉', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: T - 300 * MIN, deliveredAt: null, createdAt: T },
        { shipmentId, at: T - 300 * MIN, stage: 'packhouse', toOrgId: 'hn-lychee-coop', station: null, probeTempC: null, recordedAt: T },
      );
      await ops.appendCustodyEvent({ shipmentId, at: T - 240 * MIN, stage: 'hub', toOrgId: 'gz-baiyun-hub', station: null, probeTempC: null, recordedAt: T });
      const id = `alert-${n}`;
      ids.push(id);
      await ops.insertAlert({
        id, shipmentId, deviceId: `logger-s${n}`, ruleId: 'high', kind: 'excursion', message: null, tier: 1, status: 'open', conditionState: 'firing',
        thresholdC: 15, direction: 'above', activeAt: T - 60 * MIN, firedAt: T - 50 * MIN, clearedAt: null, peakTempC: 18, outsideMs: 50 * MIN, degreeMinutes: 120,
        attribution: { status: 'attributed', orgId: 'gz-baiyun-hub', legIndex: 1, reason: { zh: '枢纽仓', en: 'hub' } },
        routedTo: ['gz-baiyun-hub', 'hn-lychee-coop', 'platform'], respondBy: T + 60 * MIN, acknowledgedAt: null, acknowledgedBy: null,
        resolvedAt: null, resolvedBy: null, resolutionNote: null, escalatedAt: null, lastNotifiedAt: T, reminders: 0, createdAt: T, updatedAt: T,
      });
    }
    log.warn({ fleet: FLEET, seedMs: Math.round(performance.now() - seedStartedAt) }, 'scale.seeded');
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async () => undefined, serviceSecret: SECRET }) });
    const url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
    rules = buildRules({ mqtt: { url, clientId: 'coldchain-scale-rules', username: '_svc_rules', password: SECRET }, ops, clock, log, timerTickMs: 0 });
    await rules.start();
  }, 120_000);
  afterAll(async () => {
    await rules?.stop();
    await broker?.stop();
    await ops?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reminds every one of the open alerts once, the ones past the 5,000th too', async () => {
    // Tier 1 reminds every 15 min; the loggers' 30 min of grace for no-data has not run out yet.
    now = T + 16 * MIN;
    const startedAt = performance.now();
    const report = await rules.tick();
    log.warn({ alerts: FLEET, tickMs: Math.round(performance.now() - startedAt) }, 'scale.tick');
    expect(report.reminded).toHaveLength(FLEET);
    expect(new Set(report.reminded)).toEqual(new Set(ids));
    const stored = await allOpen('excursion');
    expect(stored).toHaveLength(FLEET);
    expect(stored.filter((a) => a.reminders !== 1 || a.lastNotifiedAt !== now)).toEqual([]);
    // Each once: a second tick at the same time reminds nobody.
    expect((await rules.tick()).reminded).toEqual([]);
  }, 60_000);

  it('notices every silent logger, and holds the reminders of every alert whose logger went silent', async () => {
    // 31 min without a word from any logger: each live shipment gets its no-data alert, and its
    // temperature alert (due again) waits instead of repeating stale data, past the 5,000th as well.
    now = T + 32 * MIN;
    const startedAt = performance.now();
    const report = await rules.tick();
    log.warn({ shipments: FLEET, tickMs: Math.round(performance.now() - startedAt) }, 'scale.tick_no_data');
    expect(report.noData).toHaveLength(FLEET);
    expect(report.reminded).toEqual([]);
    expect(await allOpen('no_data')).toHaveLength(FLEET);
  }, 60_000);
});
