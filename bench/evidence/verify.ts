// Evidence bundle benchmark (issue 11, item 4): a 30-day lychee shipment at one reading a minute from a
// signing logger (43,200 readings), stored through ingest's real pipeline (a movable clock: each message
// arrives when it is sampled), chained, bundled by the API's code, then verified offline as
// `npm run verify` does. Two ways the logger uploads: one reading per message (the worst case: 43,200
// signatures) and ten per message. Goal: verifying in under 2 s here.
// Usage: npx tsx bench/evidence/verify.ts [runs=3]
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { attributeExcursion, buildLegs, decideClaim, LYCHEE, replayLimit, filedClaimFields } from '../../packages/domain/src/index.ts';
import { verifyBundle } from '../../packages/evidence/src/index.ts';
import { createIngestPipeline } from '@coldchain/ingest';
import { signTelemetry } from '@coldchain/schemas';
import { createProfileCatalog, SqliteEvidenceStore, SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { Alert } from '@coldchain/storage';
import { buildEvidenceBundle } from '../../services/api/src/evidence/bundle-builder.ts';
import { createEvidenceService } from '../../services/api/src/evidence/evidence-service.ts';
import { ServiceKeys } from '../../services/api/src/evidence/service-keys.ts';

const RUNS = Number(process.argv[2] ?? 3);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAYS = 30;
const START = Date.UTC(2026, 9, 1);
const END = START + DAYS * 24 * HOUR;
const ORGS = [
  { id: 'coop', name: '荔枝合作社', nameEn: 'Lychee Co-op', kind: 'shipper' as const },
  { id: 'first', name: '头程冷链', nameEn: 'First Mile', kind: 'carrier' as const },
  { id: 'hub', name: '枢纽仓', nameEn: 'Hub', kind: 'warehouse' as const },
  { id: 'haul', name: '干线冷运', nameEn: 'Line Haul', kind: 'carrier' as const },
  { id: 'last', name: '末端配送', nameEn: 'Last Mile', kind: 'courier' as const },
];
// Hub from day 5 to day 20; its air-conditioning fails for 4 h on day 10.
const LEGS = [
  { stage: 'first_mile' as const, at: START + 1 * 24 * HOUR, org: 'first' },
  { stage: 'hub' as const, at: START + 5 * 24 * HOUR, org: 'hub' },
  { stage: 'line_haul' as const, at: START + 20 * 24 * HOUR, org: 'haul' },
  { stage: 'last_mile' as const, at: START + 28 * 24 * HOUR, org: 'last' },
];
const FAILURE = { from: START + 10 * 24 * HOUR, to: START + 10 * 24 * HOUR + 4 * HOUR };
const tempAt = (t: number) => (t >= FAILURE.from && t < FAILURE.to ? 18 + ((t / MIN) % 5) * 0.1 : 4 + ((t / MIN) % 10) * 0.1);

async function buildBundle(perMessage: number): Promise<{ zip: Uint8Array; buildMs: number; ingestMs: number; messages: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-evidence-'));
  let now = START;
  const ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
  const telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
  const evidence = new SqliteEvidenceStore(join(dir, 'evidence.db'), 'NORMAL', { messagesIn: join(dir, 'telemetry.db') });
  try {
    for (const org of ORGS) await ops.upsertOrganisation({ ...org, createdAt: START });
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'jwk' }).x!;
    const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64');
    await ops.createDevice({ id: 'dev-30d', secretHash: 'x', publicKey: raw, createdAt: START });
    const shipment = { id: 'S-30D', traceCode: 'tc-30d', profileId: LYCHEE.id, shipperOrgId: 'coop', deviceId: 'dev-30d', origin: '海口', destination: '北京', boxes: 500, goodsValueCents: 500 * 9_900, freightCents: 500 * 1_500, startedAt: START, deliveredAt: null, createdAt: START };
    await ops.createShipment(shipment, { shipmentId: shipment.id, at: START, stage: 'packhouse', toOrgId: 'coop', station: '产地仓', probeTempC: 4.2, recordedAt: START });
    const clock = { now: () => now };
    const pipeline = createIngestPipeline({ telemetry, evidence, ops, clock, log: pino({ level: 'silent' }), rateLimit: { perSecond: 1e9, burst: 1e9 } });
    const started = performance.now();
    let legIndex = 0;
    let messages = 0;
    let pending: Promise<unknown>[] = [];
    for (let t = START; t < END; t += perMessage * MIN) {
      while (legIndex < LEGS.length && LEGS[legIndex]!.at <= t) {
        const leg = LEGS[legIndex++]!;
        await Promise.all(pending);
        pending = [];
        await ops.appendCustodyEvent({ shipmentId: shipment.id, at: leg.at, stage: leg.stage, toOrgId: leg.org, station: `${leg.stage} 站`, probeTempC: 4.5, recordedAt: leg.at });
      }
      const readings = Array.from({ length: perMessage }, (_, k) => ({ ts: t + k * MIN, tempC: Math.round(tempAt(t + k * MIN) * 10) / 10 }));
      now = t + (perMessage - 1) * MIN + 1_000;
      pending.push(pipeline.acceptTelemetry('dev-30d', `coldchain/v1/devices/dev-30d/telemetry`, Buffer.from(signTelemetry({ seq: messages, readings }, seed)), { qos: 1, retain: false }));
      messages++;
      if (pending.length >= 500) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    await ops.appendCustodyEvent({ shipmentId: shipment.id, at: END, stage: 'delivered', toOrgId: null, station: '北京', probeTempC: 5, recordedAt: END });
    await pipeline.stop();
    const ingestMs = performance.now() - started;
    now = END + HOUR;

    // The excursion as the rules record it: alert with attribution, and the claim on the hub.
    const legs = buildLegs(await ops.listCustodyEvents(shipment.id));
    const samples = (await telemetry.readingsBetween('dev-30d', START, END, 1e9)).map((r) => ({ sampledAt: r.sampledAt, tempC: r.tempC }));
    const orgNames = Object.fromEntries(ORGS.map((o) => [o.id, { zh: o.name, en: o.nameEn }]));
    for (const limit of LYCHEE.limits) {
      for (const [i, e] of replayLimit(limit, samples, LYCHEE.maxReadingGapMs).episodes.entries()) {
        const attribution = attributeExcursion({ legs, limit, activeAt: e.fired.activeAt!, previousReadingAt: e.fired.previousReadingAt, maxGapMs: LYCHEE.maxReadingGapMs, orgNames });
        const alert: Alert = {
          id: `A-${limit.id}-${i}`, shipmentId: shipment.id, deviceId: 'dev-30d', ruleId: limit.id, kind: 'excursion', message: null, tier: limit.tier, status: 'resolved', conditionState: e.cleared ? 'cleared' : 'firing',
          thresholdC: limit.thresholdC, direction: limit.direction, activeAt: e.fired.activeAt!, firedAt: e.fired.firedAt!, clearedAt: e.cleared?.at ?? null, peakTempC: e.last.peakTempC!, outsideMs: e.maxOutsideMs, degreeMinutes: e.last.degreeMinutes,
          attribution, routedTo: [], respondBy: END, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: END, resolvedBy: 'bench', resolutionNote: 'bench', escalatedAt: null, lastNotifiedAt: null, reminders: 0, createdAt: e.fired.firedAt!, updatedAt: END,
        };
        await ops.insertAlert(alert);
        const decision = decideClaim({ profile: LYCHEE, limit, outsideMs: e.maxOutsideMs, attribution, liableOrgKind: ORGS.find((o) => o.id === attribution.orgId)?.kind ?? null, value: shipment });
        if (decision.shouldFile) await ops.fileClaimOnce({ id: `C-${alert.id}`, shipmentId: shipment.id, alertId: alert.id, reason: attribution.reason, ...filedClaimFields(decision, END) });
      }
    }

    const keys = new ServiceKeys(evidence, dir, () => now);
    const chains = createEvidenceService({ store: evidence, ops, profiles: createProfileCatalog(ops, () => now), keys, now: () => now });
    const buildStarted = performance.now();
    const { zip } = await buildEvidenceBundle({ shipment: (await ops.getShipment(shipment.id))!, chains, store: evidence, keys, ops, telemetry, now });
    return { zip, buildMs: performance.now() - buildStarted, ingestMs, messages };
  } finally {
    await evidence.close();
    await telemetry.close();
    await ops.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: string[] = [];
for (const perMessage of [1, 10]) {
  const { zip, buildMs, messages } = await buildBundle(perMessage);
  if (process.env.SAVE_BUNDLE) writeFileSync(`${process.env.SAVE_BUNDLE}-${perMessage}.zip`, zip);
  const times: number[] = [];
  let summary = '';
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const report = await verifyBundle(zip);
    times.push(performance.now() - started);
    if (!report.ok) throw new Error(`the bundle does not verify: ${report.problems.slice(0, 5).join('; ')}`);
    summary = `${report.summary.readings.toLocaleString('en')} readings, ${report.summary.excursions} excursion, ${report.summary.claims} claim, MKT ${report.summary.mktC?.toFixed(2)} °C`;
  }
  rows.push(`| ${perMessage} | ${messages.toLocaleString('en')} | ${(zip.length / 2 ** 20).toFixed(1)} MiB | ${(buildMs / 1000).toFixed(2)} s | ${(median(times) / 1000).toFixed(2)} s (${times.map((t) => (t / 1000).toFixed(2)).join(', ')}) | ${summary} |`);
}
process.stdout.write(
  [
    `npx tsx bench/evidence/verify.ts ${RUNS}`,
    `30 days at one reading a minute, a signing logger, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; verification median of ${RUNS}`,
    '',
    '| readings per message | messages (signatures) | bundle | building it (GET …/evidence) | verifying it (npm run verify) | what it verified |',
    '| ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
  ].join('\n'),
);
