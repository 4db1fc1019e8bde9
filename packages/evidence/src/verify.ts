import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { applyCorrections, attributeExcursion, buildLegs, decideClaim, replayLimit, totalMeasures } from '@coldchain/domain';
import type { CustodyCorrection, CustodyEvent, Episode, LocalizedText, Measures, ProductProfile, TemperatureSample } from '@coldchain/domain';
import { decodeTelemetry, isSignedEnvelope, screenReadings } from '@coldchain/schemas';
import type { SignedEnvelope } from '@coldchain/schemas';
import type { BundleResults, ClaimResult, ExcursionResult, Manifest, OriginalLine, Party } from './bundle.ts';
import { BUNDLE_FORMAT, READINGS_CSV_HEADER, readBundle, text } from './bundle.ts';
import type { AlertBody, ClaimBody, DeviceKeyBody, MessageBody, ReviewBody, ShipmentBody } from './entries.ts';
import type { ChainEntry, ChainHead } from './format.ts';
import { checkChain, keyIdOf, publicKeyFromRaw, sha256Hex, verifyText } from './format.ts';

/** A published service key, as in `keys.json` (and GET /api/v1/keys). */
export type PublishedKey = { keyId: string; algorithm: 'Ed25519'; publicKey: string; createdAt: number; retiredAt: number | null };

export type VerifySummary = {
  shipmentId: string;
  entries: number;
  head: { seq: number; hash: string; keyId: string; signedAt: number };
  messages: number;
  signedMessages: number;
  readings: number;
  excursions: number;
  claims: number;
  mktC: number | null;
};

/** What verifying found: everything holds, or the exact things that do not. */
export type VerifyReport = { ok: true; summary: VerifySummary } | { ok: false; problems: string[]; summary: Partial<VerifySummary> };

const NEAR = 1e-6;
const near = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= NEAR * Math.max(1, Math.abs(a), Math.abs(b)));
const iso = (t: number) => new Date(t).toISOString();

/**
 * Verifies an evidence bundle offline (docs/evidence-format.md), with the same domain code the service
 * runs: the files against the signed manifest, the chain and its signed head, every original message
 * against its entry and its device's signature, the CSV against the readings the originals hold, the
 * custody file against the chain, and the results against a recomputation (excursions, attribution,
 * measures with MKT, claim amounts) from the originals. Collects every problem it finds.
 */
export async function verifyBundle(bytes: Uint8Array, options: { witnesses?: readonly { seq: number; hash: string }[] } = {}): Promise<VerifyReport> {
  const problems: string[] = [];
  const summary: Partial<VerifySummary> = {};
  const fail = () => ({ ok: false as const, problems, summary });
  let files: Map<string, Uint8Array>;
  try {
    files = readBundle(bytes);
  } catch (error) {
    problems.push((error as Error).message);
    return fail();
  }
  const json = <T>(name: string): T | undefined => {
    const file = files.get(name);
    if (!file) {
      problems.push(`${name}: missing from the bundle`);
      return undefined;
    }
    try {
      return JSON.parse(text(file)) as T;
    } catch {
      problems.push(`${name}: not valid JSON`);
      return undefined;
    }
  };

  // 1. Keys, manifest and its signature, every file against the manifest.
  const keys = json<PublishedKey[]>('keys.json') ?? [];
  const keyById = new Map<string, { key: KeyObject; published: PublishedKey }>();
  for (const k of keys) {
    try {
      const key = publicKeyFromRaw(k.publicKey);
      if (keyIdOf(Buffer.from(k.publicKey, 'base64url')) !== k.keyId) problems.push(`keys.json: key ${k.keyId} is not the fingerprint of its public key`);
      else keyById.set(k.keyId, { key, published: k });
    } catch (error) {
      problems.push(`keys.json: key ${k.keyId}: ${(error as Error).message}`);
    }
  }
  const manifestBytes = files.get('manifest.json');
  const manifest = json<Manifest>('manifest.json');
  if (!manifest || !manifestBytes) return fail();
  if (manifest.format !== BUNDLE_FORMAT) problems.push(`manifest.json: format is ${String(manifest.format)}, not ${BUNDLE_FORMAT}`);
  const manifestSig = files.get('manifest.sig');
  const manifestKey = keyById.get(manifest.keyId);
  if (!manifestSig) problems.push('manifest.sig: missing from the bundle');
  else if (!manifestKey) problems.push(`manifest.json: signed with key ${manifest.keyId}, which keys.json does not hold`);
  else if (!verifyText(text(manifestBytes), text(manifestSig).trim(), manifestKey.key)) problems.push(`manifest.sig: the signature does not verify over manifest.json with key ${manifest.keyId}`);
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.name);
    const file = files.get(f.name);
    if (!file) problems.push(`${f.name}: listed in the manifest but missing from the bundle`);
    else if (sha256Hex(file) !== f.sha256 || file.length !== f.bytes) problems.push(`${f.name}: SHA-256 ${sha256Hex(file)} does not match the manifest's ${f.sha256}`);
  }
  for (const name of files.keys()) if (name !== 'manifest.json' && name !== 'manifest.sig' && !listed.has(name)) problems.push(`${name}: in the bundle but not in the manifest`);

  // 2. The chain and its signed head.
  const shipmentId = manifest.shipmentId;
  summary.shipmentId = shipmentId;
  const chainFile = files.get('chain.jsonl');
  if (!chainFile) {
    problems.push('chain.jsonl: missing from the bundle');
    return fail();
  }
  const lines = text(chainFile).split('\n').filter((line) => line.length > 0);
  const chain = checkChain(lines, shipmentId);
  if (!chain.ok) {
    problems.push(`chain.jsonl: ${chain.problem}`);
    return fail();
  }
  summary.entries = chain.seq;
  // Heads a party was handed (a handoff answer, a webhook, the consumer page): still in the chain, so
  // history was not rewritten after they were given out.
  for (const w of options.witnesses ?? []) {
    const at = w.seq >= 1 && w.seq <= lines.length ? sha256Hex(lines[w.seq - 1]!) : undefined;
    if (at !== w.hash) problems.push(`witnessed head ${w.seq}:${w.hash} is not in this chain${at ? ` (entry ${w.seq} hashes to ${at})` : ` (it has ${lines.length} entries)`}: the history was rewritten after it was handed out`);
  }
  const headBytes = files.get('head.json');
  const headSig = files.get('head.sig');
  const head = json<ChainHead>('head.json');
  if (head && headBytes) {
    summary.head = { seq: head.seq, hash: head.hash, keyId: head.keyId, signedAt: head.signedAt };
    if (head.shipmentId !== shipmentId) problems.push(`head.json: names shipment ${head.shipmentId}, not ${shipmentId}`);
    if (head.seq !== chain.seq || head.hash !== chain.hash) problems.push(`head.json: says entry ${head.seq} with hash ${head.hash}; the chain ends at entry ${chain.seq} with hash ${chain.hash}`);
    if (manifest.chain.seq !== chain.seq || manifest.chain.hash !== chain.hash) problems.push(`manifest.json: says the cut is at entry ${manifest.chain.seq}; the chain ends at entry ${chain.seq}`);
    const signer = keyById.get(head.keyId);
    if (!signer) problems.push(`head.json: signed with key ${head.keyId}, which keys.json does not hold`);
    else {
      if (!headSig || !verifyText(text(headBytes), text(headSig).trim(), signer.key)) problems.push(`head.sig: the signature does not verify over head.json with key ${head.keyId}`);
      const { createdAt, retiredAt } = signer.published;
      if (head.signedAt < createdAt || (retiredAt !== null && head.signedAt >= retiredAt)) problems.push(`head.json: signed at ${iso(head.signedAt)}, outside the validity of key ${head.keyId}`);
    }
  }

  // 3. What the chain says: shipment and profile, custody, corrections, alerts, reviews, claims, messages.
  let shipmentBody: ShipmentBody | undefined;
  const events: CustodyEvent[] = [];
  const corrections: CustodyCorrection[] = [];
  const alerts = new Map<string, AlertBody>();
  const reviews = new Map<string, ReviewBody>();
  const claims = new Map<string, ClaimBody>();
  const messages: { entry: ChainEntry; body: MessageBody; key: string | null }[] = [];
  let deviceKey: string | null = null;
  for (const entry of chain.entries) {
    if (entry.kind === 'shipment') shipmentBody = entry.body as ShipmentBody;
    else if (entry.kind === 'custody') events.push(entry.body as CustodyEvent);
    else if (entry.kind === 'correction') corrections.push(entry.body as CustodyCorrection);
    else if (entry.kind === 'alert') alerts.set((entry.body as AlertBody).id, entry.body as AlertBody);
    else if (entry.kind === 'review') reviews.set((entry.body as ReviewBody).id, entry.body as ReviewBody);
    else if (entry.kind === 'claim') claims.set((entry.body as ClaimBody).id, entry.body as ClaimBody);
    else if (entry.kind === 'device_key') deviceKey = (entry.body as DeviceKeyBody).publicKey;
    else if (entry.kind === 'message') messages.push({ entry, body: entry.body as MessageBody, key: deviceKey });
  }
  if (!shipmentBody) {
    problems.push('chain.jsonl: no shipment entry');
    return fail();
  }
  const { shipment, profile } = shipmentBody;

  // 4. Every original against its entry and its device's signature; the readings they hold.
  const originals = new Map<number, OriginalLine>();
  const originalsFile = files.get('originals.jsonl');
  if (!originalsFile) problems.push('originals.jsonl: missing from the bundle');
  else {
    for (const [i, line] of text(originalsFile).split('\n').entries()) {
      if (line.length === 0) continue;
      try {
        const original = JSON.parse(line) as OriginalLine;
        originals.set(original.messageId, original);
      } catch {
        problems.push(`originals.jsonl: line ${i + 1} is not valid JSON`);
      }
    }
  }
  const events2 = applyCorrections(events, corrections);
  const delivered = events2.find((e) => e.stage === 'delivered');
  const windowEnd = delivered?.at ?? Number.MAX_SAFE_INTEGER;
  const readings = new Map<number, { tempC: number; rhPct: number | null; receivedAt: number }>();
  let signedMessages = 0;
  const deviceKeys = new Map<string, KeyObject>();
  const signatureChecks: Promise<string | null>[] = [];
  for (const { entry, body, key } of messages) {
    const original = originals.get(body.messageId);
    if (!original) {
      problems.push(`originals.jsonl: message ${body.messageId} (chain entry ${entry.seq}) is missing`);
      continue;
    }
    const payload = Buffer.from(original.payload, 'base64');
    if (sha256Hex(payload) !== body.sha256 || payload.length !== body.bytes) {
      problems.push(`originals.jsonl: message ${body.messageId} does not hash to chain entry ${entry.seq}'s SHA-256 (the original was changed)`);
      continue;
    }
    // The device's signature, checked on the crypto thread pool (all cores): one Ed25519 verification
    // per message is most of a bundle's time. The message's content is decoded here meanwhile.
    if (body.signed) {
      if (!key) {
        problems.push(`chain entry ${entry.seq}: message ${body.messageId} is marked signed but no device key precedes it`);
        continue;
      }
      const publicKey = deviceKeys.get(key) ?? publicKeyFromRaw(key);
      deviceKeys.set(key, publicKey);
      const envelope = parseEnvelope(payload);
      if (!envelope) {
        problems.push(`originals.jsonl: message ${body.messageId} is marked signed but carries no signature`);
        continue;
      }
      signatureChecks.push(
        verifySignature(envelope, publicKey).then((isValid) =>
          isValid ? null : `originals.jsonl: message ${body.messageId} (chain entry ${entry.seq}): the device's signature does not verify with its key ${keyIdOf(Buffer.from(key, 'base64url'))}`,
        ),
      );
      signedMessages++;
    }
    const decoded = decodeTelemetry(payload, null);
    if (!decoded.ok) {
      problems.push(`originals.jsonl: message ${body.messageId} (chain entry ${entry.seq}) does not decode: ${decoded.code}: ${decoded.reason}`);
      continue;
    }
    // The readings the service stored of it: screened as at its arrival; a time already stored keeps its first reading.
    for (const r of screenReadings(decoded.message.readings, body.receivedAt).accepted) {
      if (!readings.has(r.sampledAt)) readings.set(r.sampledAt, { tempC: r.tempC, rhPct: r.rhPct, receivedAt: body.receivedAt });
    }
  }
  for (const problem of await Promise.all(signatureChecks)) if (problem) problems.push(problem);
  summary.messages = messages.length;
  summary.signedMessages = signedMessages;
  const inWindow = [...readings.entries()].filter(([t]) => t >= shipment.startedAt && t <= windowEnd).sort((a, b) => a[0] - b[0]);
  summary.readings = inWindow.length;

  // 5. The CSV against them.
  const csvFile = files.get('readings.csv');
  if (!csvFile) problems.push('readings.csv: missing from the bundle');
  else {
    const rows = text(csvFile).split('\n').filter((line) => line.length > 0);
    if (rows[0] !== READINGS_CSV_HEADER) problems.push(`readings.csv: the header is not "${READINGS_CSV_HEADER}"`);
    const seen = new Set<number>();
    // Rows no original backs are counted and the first named: one missing original makes hundreds.
    const unbacked: string[] = [];
    for (let i = 1; i < rows.length; i++) {
      const [device, ts, , temp, rh] = rows[i]!.split(',');
      const t = Number(ts);
      const original = readings.get(t);
      const where = `readings.csv line ${i + 1} (${Number.isFinite(t) ? iso(t) : ts})`;
      if (device !== shipment.deviceId) problems.push(`${where}: device ${device} is not the shipment's ${shipment.deviceId}`);
      else if (!original || t < shipment.startedAt || t > windowEnd) unbacked.push(where);
      else if (Number(temp) !== original.tempC) problems.push(`${where}: ${temp} °C, the original says ${original.tempC} °C`);
      else if ((rh === '' ? null : Number(rh)) !== original.rhPct) problems.push(`${where}: humidity ${rh || 'none'}, the original says ${original.rhPct ?? 'none'}`);
      seen.add(t);
    }
    if (unbacked.length > 0) problems.push(`${unbacked[0]}: no original holds a reading at this time${unbacked.length > 1 ? ` (nor for ${unbacked.length - 1} more row(s))` : ''}`);
    const missing = inWindow.filter(([t]) => !seen.has(t));
    if (missing.length > 0) problems.push(`readings.csv: ${missing.length} reading(s) of the originals are missing, the first at ${iso(missing[0]![0])}`);
  }

  // 6. The custody file against the chain.
  const custody = json<{ events: CustodyEvent[]; corrections: CustodyCorrection[] }>('custody.json');
  if (custody) {
    if (JSON.stringify(custody.events) !== JSON.stringify(events)) problems.push('custody.json: the custody events differ from those in the chain');
    if (JSON.stringify(custody.corrections) !== JSON.stringify(corrections)) problems.push('custody.json: the corrections differ from those in the chain');
  }

  // 7. The results: against the chain's records, then recomputed from the originals.
  const results = json<BundleResults>('results.json');
  const parties = json<Party[]>('parties.json') ?? [];
  if (results) {
    const legs = buildLegs(events2);
    const samples: TemperatureSample[] = inWindow.map(([sampledAt, r]) => ({ sampledAt, tempC: r.tempC }));
    checkMeasures(results.measures, totalMeasures(legs, samples, profile, results.measuredTo), problems);
    summary.mktC = results.measures.mktC;
    const orgNames: Record<string, LocalizedText> = Object.fromEntries(parties.map((p) => [p.id, { zh: p.name, en: p.nameEn }]));
    const episodes = new Map<string, Episode[]>();
    for (const limit of profile.limits) episodes.set(limit.id, replayLimit(limit, samples, profile.maxReadingGapMs).episodes);
    for (const excursion of results.excursions) {
      const recorded = alerts.get(excursion.alertId);
      const where = `results.json: excursion ${excursion.alertId}`;
      if (!recorded) {
        problems.push(`${where} has no alert entry in the chain`);
        continue;
      }
      for (const field of ['activeAt', 'clearedAt', 'peakTempC', 'outsideMs', 'degreeMinutes', 'thresholdC', 'direction', 'ruleId'] as const) {
        if (recorded[field] !== excursion[field]) problems.push(`${where}: ${field} is ${String(excursion[field])}, the chain's alert says ${String(recorded[field])}`);
      }
      if (JSON.stringify(recorded.attribution) !== JSON.stringify(excursion.attribution)) problems.push(`${where}: the attribution differs from the chain's alert`);
      const limit = profile.limits.find((l) => l.id === excursion.ruleId);
      const episode = episodes.get(excursion.ruleId)?.find((e) => e.fired.activeAt === excursion.activeAt);
      if (!limit || !episode) {
        problems.push(`${where}: the readings of the originals show no excursion of rule ${excursion.ruleId} beginning at ${iso(excursion.activeAt)}`);
        continue;
      }
      if (!near(episode.last.peakTempC, excursion.peakTempC)) problems.push(`${where}: peak ${excursion.peakTempC} °C, the originals reach ${episode.last.peakTempC} °C`);
      if ((episode.cleared?.at ?? null) !== null && excursion.clearedAt !== null && episode.cleared!.at !== excursion.clearedAt) problems.push(`${where}: cleared at ${iso(excursion.clearedAt)}, the originals at ${iso(episode.cleared!.at)}`);
      const review = [...reviews.values()].find((r) => r.alertId === excursion.alertId);
      if (excursion.isDecidedByReview || review?.decision) continue;
      const attribution = attributeExcursion({ legs, limit, activeAt: episode.fired.activeAt!, previousReadingAt: episode.fired.previousReadingAt, maxGapMs: profile.maxReadingGapMs, orgNames });
      if (attribution.status !== excursion.attribution.status || attribution.orgId !== excursion.attribution.orgId) {
        problems.push(`${where}: attributed to ${excursion.attribution.orgId ?? 'nobody'} (${excursion.attribution.status}); recomputed: ${attribution.orgId ?? 'nobody'} (${attribution.status})`);
      }
      for (const claim of results.claims.filter((c) => c.alertId === excursion.alertId && c.status !== 'withdrawn')) {
        const kind = parties.find((p) => p.id === claim.liableOrgId)?.kind ?? null;
        const decision = decideClaim({ profile, limit, outsideMs: episode.maxOutsideMs, attribution, liableOrgKind: kind as Parameters<typeof decideClaim>[0]['liableOrgKind'], value: shipment });
        if (!decision.shouldFile) problems.push(`results.json: claim ${claim.id}: recomputed, no claim is due (${decision.why})`);
        else if (decision.liableOrgId !== claim.liableOrgId || decision.amountCents !== claim.amountCents) problems.push(`results.json: claim ${claim.id}: ${claim.amountCents} fen from ${claim.liableOrgId}; recomputed: ${decision.amountCents} fen from ${decision.liableOrgId}`);
      }
    }
    // An excursion the originals show inside the window but the results leave out.
    for (const [ruleId, list] of episodes) {
      for (const e of list) {
        if (!results.excursions.some((x) => x.ruleId === ruleId && x.activeAt === e.fired.activeAt)) problems.push(`results.json: the originals show an excursion of rule ${ruleId} beginning at ${iso(e.fired.activeAt!)} that the results leave out`);
      }
    }
    for (const claim of results.claims) checkClaim(claim, claims.get(claim.id), problems);
    // A standing claim needs an excursion of this journey: one that began outside it (a delivery
    // corrected to before the onset) is no ground for one.
    for (const claim of results.claims) {
      if (claim.status !== 'withdrawn' && !results.excursions.some((x) => x.alertId === claim.alertId)) {
        problems.push(`results.json: claim ${claim.id} (${claim.amountCents} fen from ${claim.liableOrgId}) stands, but its excursion ${claim.alertId} did not begin within the journey`);
      }
    }
    summary.excursions = results.excursions.length;
    summary.claims = results.claims.length;
  }
  return problems.length === 0 ? { ok: true, summary: summary as VerifySummary } : fail();
}

/** A signed message's envelope (`{"signed", "sig"}`), or null when the payload is not one. */
function parseEnvelope(payload: Buffer): SignedEnvelope | null {
  try {
    const json: unknown = JSON.parse(payload.toString('utf8'));
    return isSignedEnvelope(json) && typeof json.sig === 'string' ? json : null;
  } catch {
    return null;
  }
}

/** Ed25519 over the exact UTF-8 bytes of `signed`, verified on libuv's thread pool. */
function verifySignature(envelope: SignedEnvelope, publicKey: KeyObject): Promise<boolean> {
  const signature = Buffer.from(envelope.sig, 'base64');
  if (signature.length !== 64) return Promise.resolve(false);
  return new Promise((resolve) => verify(null, Buffer.from(envelope.signed, 'utf8'), publicKey, signature, (error, isValid) => resolve(!error && isValid)));
}

function checkMeasures(recorded: Measures, recomputed: Measures, problems: string[]): void {
  for (const field of ['readingCount', 'monitoredMs', 'unmonitoredMs', 'timeAboveMs', 'timeBelowMs', 'degreeMinutesAbove', 'degreeMinutesBelow', 'minTempC', 'maxTempC', 'meanTempC', 'mktC', 'shelfLifeConsumedPct'] as const) {
    if (!near(recorded[field], recomputed[field])) problems.push(`results.json: measures.${field} is ${String(recorded[field])}; recomputed from the originals: ${String(recomputed[field])}`);
  }
}

function checkClaim(claim: ClaimResult, recorded: ClaimBody | undefined, problems: string[]): void {
  if (!recorded) {
    problems.push(`results.json: claim ${claim.id} has no claim entry in the chain`);
    return;
  }
  for (const field of ['liableOrgId', 'amountCents', 'goodsShareCents', 'freightCents', 'status', 'alertId'] as const) {
    if (recorded[field] !== claim[field]) problems.push(`results.json: claim ${claim.id}: ${field} is ${String(claim[field])}, the chain's claim says ${String(recorded[field])}`);
  }
}

export type { ExcursionResult, ProductProfile };
