import { applyCorrections, buildLegs, totalMeasures } from '@coldchain/domain';
import type { CustodyCorrection, CustodyEvent } from '@coldchain/domain';
import { READINGS_CSV_HEADER, writeBundle } from '@coldchain/evidence';
import type { BundleResults, ChainEntry, ClaimBody, MessageBody, OriginalLine, Party, PublishedKey } from '@coldchain/evidence';
import type { EvidenceStore, OpsStore, Shipment, TelemetryStore } from '@coldchain/storage';
import type { Evidence } from './evidence-service.ts';
import type { ServiceKeys } from './service-keys.ts';
import { signText } from '@coldchain/evidence';

/** How to check a bundle, in both languages: the README of every bundle. */
const README = `coldchain 证据包 / evidence bundle

中文：本压缩包是一次运输的完整证据：原始签名报文、温度读数、交接记录与更正、哈希链及其签名、计算结果。
离线核验：在 coldchain 代码库中运行  npm run verify -- <本文件.zip>
核验内容：清单与每个文件的 SHA-256、哈希链与服务签名、每条原始报文的设备签名、CSV 与原始报文一致、
按同一领域代码重算超标、责任归属、MKT 与索赔金额。格式说明见 docs/evidence-format.md。

English: this zip is the whole evidence of one shipment: the signed original messages, the readings, the
custody events and corrections, the hash chain and its signed head, and the computed results.
Verify offline: in the coldchain repository run  npm run verify -- <this file.zip>
It checks the manifest and every file's SHA-256, the chain and the service's signatures, each original
message's device signature, that the CSV agrees with the originals, and recomputes excursions,
attribution, MKT and claim amounts with the same domain code. The format: docs/evidence-format.md.
`;

const csvNumber = (n: number | null) => (n === null ? '' : String(n));

/**
 * Builds a shipment's evidence bundle as a consistent cut at one chain position: the chain is brought up
 * to date, and everything in the bundle is what that position holds (the originals its message entries
 * name, the readings the telemetry store holds of them, the results as the service records them).
 */
export async function buildEvidenceBundle(deps: {
  shipment: Shipment;
  chains: Evidence;
  store: EvidenceStore;
  keys: ServiceKeys;
  ops: OpsStore;
  telemetry: Pick<TelemetryStore, 'readingsBetween'>;
  now: number;
}): Promise<{ zip: Uint8Array; head: { seq: number; hash: string } }> {
  const { shipment, ops, now } = deps;
  const tip = await deps.chains.sync(shipment.id);
  const signed = await deps.chains.sign(shipment.id, tip);
  const rows = await deps.store.chain(shipment.id, tip.seq);
  const entries = rows.map((r) => JSON.parse(r.line) as ChainEntry);
  const messageBodies = entries.filter((e) => e.kind === 'message').map((e) => e.body as MessageBody);
  const payloads = await deps.store.messagePayloads(messageBodies.map((m) => m.messageId));
  const originals = messageBodies.map((m): OriginalLine => ({ messageId: m.messageId, sha256: m.sha256, payload: payloads.get(m.messageId)?.toString('base64') ?? '' }));

  // The cut's custody, alerts and claims: the last entry of each in the chain up to the tip.
  const events = entries.filter((e) => e.kind === 'custody').map((e) => e.body);
  const corrections = entries.filter((e) => e.kind === 'correction').map((e) => e.body);
  const latest = <T extends { id: string }>(kind: string) => [...new Map(entries.filter((e) => e.kind === kind).map((e) => [(e.body as T).id, e.body as T])).values()];
  const alerts = latest<import('@coldchain/evidence').AlertBody>('alert');
  const claims = latest<ClaimBody>('claim');
  const reviews = latest<import('@coldchain/evidence').ReviewBody>('review');

  // The custody in effect at the cut, from the chain's scans and corrections (not the store's rows,
  // which the verifier could not tie to the chain if they were changed).
  const effective = applyCorrections(events as CustodyEvent[], corrections as CustodyCorrection[]);
  const legs = buildLegs(effective);
  const deliveredAt = effective.find((e) => e.stage === 'delivered')?.at ?? null;
  const end = deliveredAt ?? Number.MAX_SAFE_INTEGER;
  // The readings of the chained messages: those stored, within the shipment's window.
  const lastReceived = messageBodies.reduce((max, m) => Math.max(max, m.receivedAt), 0);
  const readings = (await deps.telemetry.readingsBetween(shipment.deviceId, shipment.startedAt, end, Number.MAX_SAFE_INTEGER)).filter((r) => r.receivedAt <= lastReceived);
  const csv = [READINGS_CSV_HEADER, ...readings.map((r) => `${r.deviceId},${r.sampledAt},${new Date(r.sampledAt).toISOString()},${r.tempC},${csvNumber(r.rhPct)},${r.receivedAt}`)].join('\n') + '\n';

  const shipmentEntry = [...entries].reverse().find((e) => e.kind === 'shipment');
  const profile = (shipmentEntry?.body as { profile: Parameters<typeof totalMeasures>[2] }).profile;
  const measuredTo = deliveredAt ?? now;
  const reviewed = new Set(reviews.filter((r) => r.decision !== null).map((r) => r.alertId));
  const results: BundleResults = {
    computedAt: now,
    measuredTo,
    readingCount: readings.length,
    excursions: alerts
      .filter((a) => a.kind === 'excursion' && a.activeAt >= shipment.startedAt && a.activeAt <= end)
      .map((a) => ({
        alertId: a.id,
        ruleId: a.ruleId,
        direction: a.direction,
        thresholdC: a.thresholdC,
        activeAt: a.activeAt,
        clearedAt: a.clearedAt,
        peakTempC: a.peakTempC,
        outsideMs: a.outsideMs,
        degreeMinutes: a.degreeMinutes,
        attribution: a.attribution,
        isDecidedByReview: reviewed.has(a.id),
      })),
    measures: totalMeasures(legs, readings, profile, measuredTo),
    claims: claims.map((c) => ({ id: c.id, alertId: c.alertId, liableOrgId: c.liableOrgId, amountCents: c.amountCents, goodsShareCents: c.goodsShareCents, freightCents: c.freightCents, status: c.status, reason: c.reason, withdrawnReason: c.withdrawnReason })),
  };

  const partyIds = new Set<string>([shipment.shipperOrgId, ...effective.map((e) => e.toOrgId).filter((id): id is string => id !== null), ...claims.map((c) => c.liableOrgId)]);
  const parties: Party[] = [];
  for (const id of partyIds) {
    const org = await ops.getOrganisation(id);
    if (org) parties.push({ id: org.id, name: org.name, nameEn: org.nameEn, kind: org.kind });
  }
  const keys: PublishedKey[] = (await deps.keys.list()).map((k) => ({ keyId: k.keyId, algorithm: 'Ed25519', publicKey: k.publicKey, createdAt: k.createdAt, retiredAt: k.retiredAt }));
  const signing = await deps.keys.current();
  const zip = writeBundle({
    shipmentId: shipment.id,
    createdAt: now,
    chain: tip,
    keyId: signing.keyId,
    sign: (text) => signText(text, signing.privateKey),
    files: {
      'README.txt': README,
      'chain.jsonl': rows.map((r) => r.line).join('\n') + (rows.length > 0 ? '\n' : ''),
      'head.json': signed.headJson,
      'head.sig': signed.signature,
      'keys.json': JSON.stringify(keys, null, 2),
      'originals.jsonl': originals.map((o) => JSON.stringify(o)).join('\n') + (originals.length > 0 ? '\n' : ''),
      'readings.csv': csv,
      'custody.json': JSON.stringify({ events, corrections, effective }, null, 2),
      'parties.json': JSON.stringify(parties, null, 2),
      'results.json': JSON.stringify(results, null, 2),
    },
  });
  return { zip, head: tip };
}
