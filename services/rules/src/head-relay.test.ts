import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CustodyEvent } from '@coldchain/domain';
import type { NotifyHandoffEvent } from '@coldchain/notify';
import type { Organisation, ServiceKey, Shipment } from '@coldchain/storage';
import { createHeadRelay } from './head-relay.ts';

const T0 = Date.UTC(2024, 5, 1, 6, 0);
const HOUR = 3_600_000;
const SHIPMENT: Shipment = {
  id: 'sh-1', traceCode: 'LYCHEE-0001-ABC', profileId: 'lychee', shipperOrgId: 'org-farm', deviceId: 'dev-1', origin: '海口', destination: '武汉',
  boxes: 10, goodsValueCents: 1, freightCents: 1, startedAt: T0, deliveredAt: null, createdAt: T0,
};
const scan = (id: string, seq: number, at: number, stage: CustodyEvent['stage'], toOrgId: string | null): CustodyEvent => ({ id, shipmentId: 'sh-1', seq, at, stage, toOrgId, station: null, probeTempC: null, recordedAt: at });
const EVENTS = [scan('ce-1', 1, T0, 'packhouse', 'org-farm'), scan('ce-2', 2, T0 + HOUR, 'first_mile', 'org-van'), scan('ce-3', 3, T0 + 2 * HOUR, 'hub', 'org-hub')];
const ORGS: Record<string, Organisation> = {
  'org-farm': { id: 'org-farm', name: '海南果园', nameEn: 'Hainan Orchard', kind: 'shipper', createdAt: T0 },
  'org-van': { id: 'org-van', name: '海南果运', nameEn: 'Hainan Fruit Transport', kind: 'carrier', createdAt: T0 },
  'org-hub': { id: 'org-hub', name: '白云枢纽仓', nameEn: 'Baiyun Hub', kind: 'warehouse', createdAt: T0 },
};

const service = generateKeyPairSync('ed25519');
const raw = Buffer.from(service.publicKey.export({ format: 'jwk' }).x!, 'base64url');
const KEY: ServiceKey = { keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16), publicKey: raw.toString('base64url'), createdAt: T0, retiredAt: null };
const HASH = 'ab'.repeat(32);
const SIGNED_AT = T0 + 2 * HOUR + 1000;

function headFor(fields: { seq: number; hash: string; signedAt: number; keyId: string }, privateKey = service.privateKey) {
  const headJson = JSON.stringify({ v: 1, shipmentId: 'sh-1', ...fields });
  return { shipmentId: 'sh-1', ...fields, headJson, signature: sign(null, Buffer.from(headJson), privateKey).toString('base64') };
}
const GENUINE = headFor({ seq: 7, hash: HASH, signedAt: SIGNED_AT, keyId: KEY.keyId });

function relayWith(options: { keys?: ServiceKey[]; witnesses?: { seq: number; hash: string; at: number; to: string }[] } = {}) {
  const sent: { event: NotifyHandoffEvent; orgIds: readonly string[] }[] = [];
  const relay = createHeadRelay({
    ops: {
      getShipment: async (id) => (id === SHIPMENT.id ? SHIPMENT : undefined),
      listCustodyEvents: async () => EVENTS,
      listEffectiveCustodyEvents: async () => EVENTS,
      getOrganisation: async (id) => ORGS[id],
    },
    evidence: { listServiceKeys: async () => options.keys ?? [KEY], witnesses: async () => options.witnesses ?? [{ seq: 7, hash: HASH, at: SIGNED_AT, to: 'handoff:ce-3' }] },
    notify: async (event, orgIds) => void sent.push({ event, orgIds }),
    baseUrl: 'https://cc.example.cn/',
    log: pino({ level: 'silent' }),
  });
  const hear = (notice: unknown) => relay(Buffer.from(JSON.stringify(notice)));
  return { sent, hear };
}

describe('the head relay trusts the bus for nothing it can check', () => {
  it('sends a witnessed, service-signed head with the scan and parties read from the store', async () => {
    const { sent, hear } = relayWith();
    await hear({ shipmentId: 'sh-1', custodyEventId: 'ce-3', chain: GENUINE });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.orgIds).toEqual(['org-farm', 'org-van', 'org-hub']);
    expect(sent[0]!.event).toMatchObject({
      stage: 'handoff',
      custody: { id: 'ce-3', stage: 'hub', from: { id: 'org-van', name: '海南果运' }, to: { id: 'org-hub', nameEn: 'Baiyun Hub' } },
      chain: { seq: 7, hash: HASH, signature: GENUINE.signature },
      links: { keys: 'https://cc.example.cn/api/v1/keys', consumerPage: 'https://cc.example.cn/t/LYCHEE-0001-ABC' },
    });
    // Heard again (QoS 1 redelivery): not sent twice.
    await hear({ shipmentId: 'sh-1', custodyEventId: 'ce-3', chain: GENUINE });
    expect(sent).toHaveLength(1);
  });

  const stranger = generateKeyPairSync('ed25519');
  it.each([
    ['not JSON', 'oops'],
    ['no head', { shipmentId: 'sh-1', custodyEventId: 'ce-3' }],
    ['a scan the store does not have', { shipmentId: 'sh-1', custodyEventId: 'ce-404', chain: GENUINE }],
    ['another shipment named', { shipmentId: 'sh-2', custodyEventId: 'ce-3', chain: GENUINE }],
    ['a signature by another key', { shipmentId: 'sh-1', custodyEventId: 'ce-3', chain: headFor({ seq: 7, hash: HASH, signedAt: SIGNED_AT, keyId: KEY.keyId }, stranger.privateKey) }],
    ['the genuine signature over a changed head', { shipmentId: 'sh-1', custodyEventId: 'ce-3', chain: { ...GENUINE, headJson: GENUINE.headJson.replace('"seq":7', '"seq":8'), seq: 8 } }],
    ['the stated hash not the signed one', { shipmentId: 'sh-1', custodyEventId: 'ce-3', chain: { ...GENUINE, hash: 'cd'.repeat(32) } }],
    ['a genuine head witnessed for another scan', { shipmentId: 'sh-1', custodyEventId: 'ce-2', chain: GENUINE }],
    ['a head signed after its key was retired', { shipmentId: 'sh-1', custodyEventId: 'ce-3', chain: GENUINE, keys: [{ ...KEY, retiredAt: SIGNED_AT }] }],
    ['a signed head never handed out', { shipmentId: 'sh-1', custodyEventId: 'ce-3', chain: GENUINE, witnesses: [] }],
  ] as const)('sends nothing for %s', async (_what, notice) => {
    const options = typeof notice === 'object' ? { ...('keys' in notice ? { keys: [...notice.keys] } : {}), ...('witnesses' in notice ? { witnesses: [...notice.witnesses] } : {}) } : {};
    const { sent, hear } = relayWith(options);
    await hear(notice);
    expect(sent).toHaveLength(0);
  });
});
