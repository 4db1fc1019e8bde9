import { createHash, createPublicKey, verify } from 'node:crypto';
import type { Logger } from 'pino';
import { buildLegs, legAt } from '@coldchain/domain';
import type { HandoffParty, NotifyHandoffEvent, WitnessedHead } from '@coldchain/notify';
import type { EvidenceStore, OpsStore } from '@coldchain/storage';

/** Scans relayed by this process, kept to skip a notice the broker delivers again (QoS 1). */
const MAX_REMEMBERED = 10_000;

/** What the API publishes on HEADS_TOPIC after witnessing a head (services/api/src/live-feed.ts). */
type HeadNotice = { shipmentId: string; custodyEventId: string; chain: WitnessedHead & { shipmentId: string } };

/** Why a notice is not relayed; logged, never sent anywhere. */
type Refusal = 'unreadable' | 'unknown_scan' | 'bad_signature' | 'not_witnessed';

function readNotice(payload: Buffer): HeadNotice | null {
  let heard: Partial<HeadNotice>;
  try {
    heard = JSON.parse(payload.toString('utf8')) as Partial<HeadNotice>;
  } catch {
    return null;
  }
  const chain = heard.chain;
  if (typeof heard.shipmentId !== 'string' || typeof heard.custodyEventId !== 'string' || typeof chain !== 'object' || chain === null) return null;
  const isHead =
    Number.isInteger(chain.seq) && typeof chain.hash === 'string' && Number.isInteger(chain.signedAt) && typeof chain.keyId === 'string' && typeof chain.headJson === 'string' && typeof chain.signature === 'string';
  return isHead ? (heard as HeadNotice) : null;
}

/**
 * Whether `signature` is the service's Ed25519 signature over `headJson`, and `headJson` is exactly the
 * head the notice states (docs/evidence-format.md: fields in order, JSON without spaces), signed while
 * its key was current. Checked here with node:crypto on the published public keys: the rules never
 * hold the private key.
 */
function isSignedByService(notice: HeadNotice, keys: Awaited<ReturnType<EvidenceStore['listServiceKeys']>>): boolean {
  const { chain } = notice;
  const expected = JSON.stringify({ v: 1, shipmentId: notice.shipmentId, seq: chain.seq, hash: chain.hash, signedAt: chain.signedAt, keyId: chain.keyId });
  if (chain.headJson !== expected) return false;
  const key = keys.find((k) => k.keyId === chain.keyId);
  if (!key || key.createdAt > chain.signedAt || (key.retiredAt !== null && chain.signedAt >= key.retiredAt)) return false;
  const raw = Buffer.from(key.publicKey, 'base64url');
  if (raw.length !== 32 || createHash('sha256').update(raw).digest('hex').slice(0, 16) !== key.keyId) return false;
  const signature = Buffer.from(chain.signature, 'base64');
  if (signature.length !== 64) return false;
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return verify(null, Buffer.from(chain.headJson, 'utf8'), publicKey, signature);
}

/**
 * Sends the head the API witnessed at a handoff or delivery to the parties' channels (issue 11, item 2;
 * docs/decisions/0018): the shipper, the party handing over and the one taking over. The API cannot
 * enqueue (the outbox has one owner, the rules process), so it publishes a notice on the bus, as for a
 * review's claims (claim-relay.ts). Anyone with a service login can publish there, so the notice is
 * trusted for nothing the rules can check otherwise: the scan and the parties come from the store, and
 * the head is relayed only if its signature verifies with the service's published key and the evidence
 * store recorded exactly that head as witnessed for that scan. A notice heard twice is one delivery
 * (the delivery key is per scan and destination).
 */
export function createHeadRelay(deps: {
  ops: Pick<OpsStore, 'getShipment' | 'listCustodyEvents' | 'listEffectiveCustodyEvents' | 'getOrganisation'>;
  evidence: Pick<EvidenceStore, 'listServiceKeys' | 'witnesses'>;
  notify: (event: NotifyHandoffEvent, orgIds: readonly string[]) => Promise<void>;
  baseUrl: string;
  log: Logger;
}) {
  const { ops, log } = deps;
  const relayed = new Set<string>();
  const baseUrl = deps.baseUrl.replace(/\/+$/, '');

  async function party(orgId: string | null | undefined): Promise<HandoffParty | null> {
    if (!orgId) return null;
    const org = await ops.getOrganisation(orgId);
    return { id: orgId, name: org?.name ?? orgId, nameEn: org?.nameEn ?? orgId };
  }

  const refuse = (reason: Refusal, notice: Partial<HeadNotice> | null) => {
    log.warn({ reason, shipmentId: notice?.shipmentId, custodyEventId: notice?.custodyEventId }, 'rules.head_notice_refused');
  };

  return async function relayHead(payload: Buffer): Promise<void> {
    const notice = readNotice(payload);
    if (!notice) return refuse('unreadable', null);
    const { shipmentId, custodyEventId, chain } = notice;
    if (relayed.has(custodyEventId)) return;
    const shipment = await ops.getShipment(shipmentId);
    const scan = shipment && (await ops.listCustodyEvents(shipmentId)).find((e) => e.id === custodyEventId);
    if (!shipment || !scan) return refuse('unknown_scan', notice);
    if (!isSignedByService(notice, await deps.evidence.listServiceKeys())) return refuse('bad_signature', notice);
    const stage = scan.stage === 'delivered' ? 'delivery' : 'handoff';
    const witnessedTo = `${stage}:${scan.id}`;
    const witnesses = await deps.evidence.witnesses(shipmentId);
    if (!witnesses.some((w) => w.to === witnessedTo && w.seq === chain.seq && w.hash === chain.hash && w.at === chain.signedAt)) return refuse('not_witnessed', notice);

    // Who held the goods when the scan took place: the leg it closes, as the custody now stands
    // (corrections applied), without the scan itself.
    const effective = await ops.listEffectiveCustodyEvents(shipmentId);
    const scanAt = effective.find((e) => e.id === scan.id)?.at ?? scan.at;
    const before = legAt(buildLegs(effective.filter((e) => e.id !== scan.id)), scanAt);
    const from = await party(before?.custodianOrgId);
    const to = await party(scan.toOrgId);
    const event: NotifyHandoffEvent = {
      type: 'custody.handoff',
      at: scan.recordedAt,
      stage,
      shipment: { id: shipment.id, traceCode: shipment.traceCode },
      custody: { id: scan.id, stage: scan.stage, at: scan.at, station: scan.station, probeTempC: scan.probeTempC, from, to },
      chain: { seq: chain.seq, hash: chain.hash, keyId: chain.keyId, signedAt: chain.signedAt, headJson: chain.headJson, signature: chain.signature },
      links: { keys: `${baseUrl}/api/v1/keys`, consumerPage: `${baseUrl}/t/${encodeURIComponent(shipment.traceCode)}` },
    };
    const parties = [...new Set([shipment.shipperOrgId, from?.id, to?.id].filter((id): id is string => Boolean(id)))];
    await deps.notify(event, parties);
    if (relayed.size >= MAX_REMEMBERED) relayed.delete(relayed.values().next().value!);
    relayed.add(custodyEventId);
    log.info({ shipmentId, custodyEventId, stage, seq: chain.seq, parties }, 'rules.witnessed_head_notified');
  };
}
