import { entryLine, FORMAT_VERSION, GENESIS, headText, keyIdOf, sha256Hex, signText } from '@coldchain/evidence';
import type { AlertBody, ChainEntry, ClaimBody, EntryKind, ReviewBody, ShipmentBody } from '@coldchain/evidence';
import type { Alert, ChainRow, Claim, EvidenceStore, MessageMeta, OpsStore, ProfileCatalog, Review, Shipment } from '@coldchain/storage';
import type { EvidenceService, SignedHead, Witness } from './evidence-types.ts';
import type { ServiceKeys } from './service-keys.ts';

/** A fact of the operational store to record: appended when its fingerprint differs from the last one recorded. */
type Candidate = { kind: EntryKind; ref: string; at: number; body: unknown };

const shipmentBody = (s: Shipment, profile: ShipmentBody['profile']): ShipmentBody => ({
  shipment: {
    id: s.id,
    traceCode: s.traceCode,
    profileId: s.profileId,
    shipperOrgId: s.shipperOrgId,
    deviceId: s.deviceId,
    origin: s.origin,
    destination: s.destination,
    boxes: s.boxes,
    goodsValueCents: s.goodsValueCents,
    freightCents: s.freightCents,
    startedAt: s.startedAt,
    createdAt: s.createdAt,
  },
  profile,
});

const alertBody = (a: Alert): AlertBody => ({
  id: a.id,
  deviceId: a.deviceId,
  ruleId: a.ruleId,
  kind: a.kind,
  tier: a.tier,
  status: a.status,
  conditionState: a.conditionState,
  thresholdC: a.thresholdC,
  direction: a.direction,
  activeAt: a.activeAt,
  firedAt: a.firedAt,
  clearedAt: a.clearedAt,
  peakTempC: a.peakTempC,
  outsideMs: a.outsideMs,
  degreeMinutes: a.degreeMinutes,
  attribution: a.attribution,
  acknowledgedAt: a.acknowledgedAt,
  acknowledgedBy: a.acknowledgedBy,
  resolvedAt: a.resolvedAt,
  resolvedBy: a.resolvedBy,
  resolutionNote: a.resolutionNote,
});

/** A claim as recorded, all but its shipment (the chain's). */
const claimBody = ({ shipmentId: _shipmentId, ...claim }: Claim): ClaimBody => claim;

const reviewBody = (r: Review): ReviewBody => ({ id: r.id, alertId: r.alertId, state: r.state, reason: r.reason, decision: r.decision });

/** Kinds recorded once and never again: what changes them is a correction, itself recorded. */
const IMMUTABLE = new Set<EntryKind>(['custody', 'correction']);

/** The order of kinds recorded at the same time: what a later fact depends on comes first. */
const KIND_ORDER: Record<EntryKind, number> = { shipment: 0, device_key: 1, message: 2, custody: 3, correction: 4, alert: 5, review: 6, claim: 7 };

export type EvidenceDeps = {
  store: EvidenceStore;
  ops: OpsStore;
  profiles: ProfileCatalog;
  keys: ServiceKeys;
  now: () => number;
};

/** Raised for a shipment that does not exist. */
export class NoSuchShipmentError extends Error {
  override name = 'NoSuchShipmentError';
}

/**
 * The shipments' evidence chains (decision 0017). A chain is brought up to date with the stores when
 * asked (a head, a bundle, a handoff) and by a periodic pass over live shipments: the messages ingest
 * stored for the shipment's device and window since the last look, and every custody event, correction,
 * alert, review and claim whose recorded fields changed since they were last chained, in the order of
 * their server times. Appends are one write transaction each, so two appenders never fork a chain.
 */
export function createEvidenceService(deps: EvidenceDeps): EvidenceService & {
  /** Brings the chain up to date; answers its tip (seq 0 and GENESIS when empty). */
  sync(shipmentId: string): Promise<{ seq: number; hash: string }>;
  /** Signs a head at a given tip. */
  sign(shipmentId: string, tip: { seq: number; hash: string }): Promise<SignedHead>;
  /** Scans and corrections in the stores that differ from what the chain recorded, in words. */
  discrepancies(shipmentId: string): Promise<string[]>;
} {
  const { store, ops } = deps;

  async function candidates(shipment: Shipment): Promise<Candidate[]> {
    const profile = await deps.profiles.get(shipment.profileId);
    if (!profile) throw new Error(`shipment ${shipment.id} has unknown profile ${shipment.profileId}`);
    const [events, corrections, alerts, claims, reviews] = await Promise.all([
      ops.listCustodyEvents(shipment.id),
      ops.listCorrections(shipment.id),
      ops.listAlerts({ shipmentId: shipment.id, limit: 100_000 }),
      ops.listClaims({ shipmentId: shipment.id }),
      ops.listReviews({ shipmentId: shipment.id, limit: 100_000 }),
    ]);
    return [
      { kind: 'shipment', ref: 'shipment', at: shipment.createdAt, body: shipmentBody(shipment, profile) },
      ...events.map((e): Candidate => ({ kind: 'custody', ref: `custody:${e.id}`, at: e.recordedAt, body: e })),
      ...corrections.map((c): Candidate => ({ kind: 'correction', ref: `correction:${c.id}`, at: c.recordedAt, body: c })),
      ...alerts.map((a): Candidate => ({ kind: 'alert', ref: `alert:${a.id}`, at: a.updatedAt, body: alertBody(a) })),
      ...reviews.map((r): Candidate => ({ kind: 'review', ref: `review:${r.id}`, at: r.decision?.decidedAt ?? r.createdAt, body: reviewBody(r) })),
      ...claims.map((c): Candidate => ({ kind: 'claim', ref: `claim:${c.id}`, at: c.withdrawnAt ?? c.filedAt, body: claimBody(c) })),
    ];
  }

  async function sync(shipmentId: string): Promise<{ seq: number; hash: string }> {
    const shipment = await ops.getShipment(shipmentId);
    if (!shipment) throw new NoSuchShipmentError(`no shipment ${shipmentId}`);
    const facts = (await candidates(shipment)).map((c) => {
      const text = JSON.stringify(c.body);
      return { ...c, text, fingerprint: sha256Hex(text) };
    });
    const window = `${shipment.deviceId}\u0000${shipment.startedAt}\u0000${shipment.deliveredAt ?? ''}`;
    let tip = { seq: 0, hash: GENESIS };
    await store.appendChain(shipment.id, (txn) => {
      tip = txn.tip() ?? { seq: 0, hash: GENESIS };
      const progress = txn.progress();
      // A window that moved (a corrected delivery) is scanned again from the start; messages already
      // chained are known by their ref and not added twice.
      const isSameWindow = progress?.window === window;
      const cursor = isSameWindow ? progress.messageCursor : 0;
      // The key the chain last recorded for the device (undefined: none recorded yet, not even "unsigned").
      const lastKey = txn.last(`device_key:${shipment.deviceId}`);
      let deviceKey = lastKey ? (JSON.parse(lastKey.line) as { body: { publicKey: string | null } }).body.publicKey : undefined;
      const items: { kind: EntryKind; ref: string; at: number; fingerprint: string | null; body: unknown; message?: MessageMeta }[] = [];
      for (const f of facts) {
        const last = txn.last(f.ref);
        if (last?.fingerprint === f.fingerprint) continue;
        // A scan or a correction is recorded once: a stored one that no longer matches its entry was
        // changed behind the API's back (corrections are the only way); the chain keeps what it recorded
        // and `discrepancies` names the change (found in review).
        if (last && IMMUTABLE.has(f.kind)) continue;
        // Read before another appender recorded a newer state of it: not recorded after that one.
        if (last && f.kind !== 'shipment' && (JSON.parse(last.line) as ChainEntry).at > f.at) continue;
        items.push({ kind: f.kind, ref: f.ref, at: f.kind === 'shipment' && tip.seq === 0 ? -Infinity : f.at, fingerprint: f.fingerprint, body: f.body });
      }
      let messageCursor = cursor;
      const seen = new Set<string>();
      for (const m of txn.messagesAfter(shipment.deviceId, cursor, shipment.startedAt, shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER)) {
        messageCursor = m.id;
        // The same bytes again (a resend after a crash): recorded once.
        const ref = `message:${m.sha256}`;
        if (seen.has(ref) || txn.last(ref) !== undefined) continue;
        seen.add(ref);
        items.push({ kind: 'message', ref, at: m.receivedAt, fingerprint: m.sha256, body: null, message: m });
      }
      items.sort((a, b) => a.at - b.at || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.message?.id ?? 0) - (b.message?.id ?? 0));
      const entries: ChainRow[] = [];
      const append = (kind: EntryKind, ref: string, fingerprint: string | null, at: number, body: unknown) => {
        const entry: ChainEntry = { v: FORMAT_VERSION, shipmentId: shipment.id, seq: tip.seq + 1, kind, at, prev: tip.hash, body };
        const line = entryLine(entry);
        const hash = sha256Hex(line);
        entries.push({ seq: entry.seq, kind, ref, fingerprint, line, hash });
        tip = { seq: entry.seq, hash };
      };
      for (const item of items) {
        const at = Number.isFinite(item.at) ? item.at : shipment.createdAt;
        const m = item.message;
        if (m) {
          if (deviceKey === undefined || deviceKey !== m.publicKey) {
            deviceKey = m.publicKey;
            const keyId = m.publicKey ? keyIdOf(Buffer.from(m.publicKey, 'base64url')) : null;
            append('device_key', `device_key:${m.deviceId}`, keyId, at, { deviceId: m.deviceId, publicKey: m.publicKey, keyId });
          }
          append('message', item.ref, item.fingerprint, at, {
            messageId: m.id,
            deviceId: m.deviceId,
            receivedAt: m.receivedAt,
            sha256: m.sha256,
            bytes: m.bytes,
            firstTs: m.firstTs,
            lastTs: m.lastTs,
            count: m.count,
            signed: m.publicKey !== null,
          });
        } else append(item.kind, item.ref, item.fingerprint, at, item.body);
      }
      return { entries, progress: { messageCursor, window } };
    });
    return tip;
  }

  /**
   * What the stores say now against what the chain recorded, for facts recorded once (scans and
   * corrections): each one changed or gone since, in words. Empty when they agree.
   */
  async function discrepancies(shipmentId: string): Promise<string[]> {
    const shipment = await ops.getShipment(shipmentId);
    if (!shipment) throw new NoSuchShipmentError(`no shipment ${shipmentId}`);
    const recorded = new Map<string, { seq: number; fingerprint: string | null }>();
    for (const row of await store.chain(shipmentId)) if (IMMUTABLE.has(row.kind as EntryKind) && !recorded.has(row.ref)) recorded.set(row.ref, { seq: row.seq, fingerprint: row.fingerprint });
    const problems: string[] = [];
    const now = new Set<string>();
    for (const fact of await candidates(shipment)) {
      if (!IMMUTABLE.has(fact.kind)) continue;
      now.add(fact.ref);
      const entry = recorded.get(fact.ref);
      if (entry && entry.fingerprint !== sha256Hex(JSON.stringify(fact.body))) problems.push(`${fact.ref.replace(':', ' ')} in the operational store differs from chain entry ${entry.seq}: changed outside the API (a correction is the only way)`);
    }
    for (const [ref, entry] of recorded) if (!now.has(ref)) problems.push(`${ref.replace(':', ' ')} (chain entry ${entry.seq}) is gone from the operational store`);
    return problems;
  }

  async function sign(shipmentId: string, tip: { seq: number; hash: string }): Promise<SignedHead> {
    const key = await deps.keys.current();
    const signedAt = deps.now();
    const head = { v: FORMAT_VERSION, shipmentId, seq: tip.seq, hash: tip.hash, signedAt, keyId: key.keyId } as const;
    const text = headText(head);
    return { shipmentId, seq: tip.seq, hash: tip.hash, signedAt, keyId: key.keyId, headJson: text, signature: signText(text, key.privateKey) };
  }

  async function head(shipmentId: string): Promise<SignedHead> {
    return sign(shipmentId, await sync(shipmentId));
  }

  return {
    sync,
    sign,
    head,
    discrepancies,
    async witness(shipmentId: string, to: string): Promise<SignedHead> {
      const signed = await head(shipmentId);
      await store.recordWitness(shipmentId, { seq: signed.seq, hash: signed.hash, at: signed.signedAt, to });
      return signed;
    },
    witnesses: (shipmentId: string): Promise<Witness[]> => store.witnesses(shipmentId),
  };
}

export type Evidence = ReturnType<typeof createEvidenceService>;
