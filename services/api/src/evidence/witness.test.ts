import { describe, expect, it } from 'vitest';
import { publicKeyFromRaw, verifyText } from '@coldchain/evidence';
import { useTestApi } from '../test-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20);

/**
 * Issue 11, item 2: at each handoff and at delivery the chain's head goes to the parties: signed in the
 * handoff answer, recorded as handed out, and shown on the consumer page.
 */
describe('heads handed to the parties', () => {
  const api = useTestApi(async ({ call }) => {
    await call('POST', '/api/v1/organisations', { id: 'org-coop', name: '合作社', nameEn: 'Co-op', kind: 'shipper' });
    await call('POST', '/api/v1/organisations', { id: 'org-hub', name: '枢纽仓', nameEn: 'Hub', kind: 'warehouse' });
    await call('POST', '/api/v1/devices', { id: 'logger-w-1' });
    const created = await call('POST', '/api/v1/shipments', { id: 'shp-w-1', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-w-1', origin: '海口', destination: '上海', boxes: 10, goodsValueCents: 100_000, freightCents: 10_000, startedAt: T0 });
    return { traceCode: created.body.traceCode as string };
  });

  it('answers a handoff with the signed head, records it, and the consumer page shows the last one', async () => {
    const { call, traceCode } = api;
    const before = await call('GET', `/api/v1/trace/${traceCode}`);
    expect(before.body.evidence).toBeNull();

    const handoff = await call('POST', '/api/v1/shipments/shp-w-1/handoffs', { at: T0 + HOUR, stage: 'hub', toOrgId: 'org-hub', station: '广州', probeTempC: 4.8 });
    expect(handoff.status).toBe(201);
    const { chain } = handoff.body;
    expect(chain).toMatchObject({ shipmentId: 'shp-w-1', seq: 3 });
    const { keys } = (await call('GET', '/api/v1/keys', undefined, null)).body;
    expect(verifyText(chain.headJson, chain.signature, publicKeyFromRaw(keys[0].publicKey))).toBe(true);
    expect(JSON.parse(chain.headJson)).toMatchObject({ seq: chain.seq, hash: chain.hash, keyId: keys[0].keyId });

    const traced = await call('GET', `/api/v1/trace/${traceCode}`);
    expect(traced.body.evidence).toEqual({ seq: chain.seq, hash: chain.hash, witnessedAt: chain.signedAt });

    const delivered = await call('POST', '/api/v1/shipments/shp-w-1/handoffs', { at: T0 + 2 * HOUR, stage: 'delivered' });
    expect(delivered.body.chain.seq).toBe(chain.seq + 1);
    expect((await call('GET', `/api/v1/trace/${traceCode}`)).body.evidence.seq).toBe(chain.seq + 1);
    const status = (await call('GET', '/api/v1/shipments/shp-w-1/chain')).body;
    expect(status.verified).toBe(true);
    expect(status.witnesses.map((w: { to: string; seq: number }) => [w.to.split(':')[0], w.seq])).toEqual([
      ['handoff', chain.seq],
      ['delivery', chain.seq + 1],
    ]);

    // After the delivery, a correction is witnessed too: its answer carries the head with it in.
    const corrected = await call('POST', '/api/v1/shipments/shp-w-1/corrections', { eventId: handoff.body.id, probeTempC: 5.2, reason: 'probe misread' });
    expect(corrected.status).toBe(201);
    expect(corrected.body.chain.seq).toBe(chain.seq + 2);
    expect((await call('GET', `/api/v1/trace/${traceCode}`)).body.evidence.seq).toBe(chain.seq + 2);
    expect((await call('GET', '/api/v1/shipments/shp-w-1/chain')).body.witnesses.at(-1)).toMatchObject({ seq: chain.seq + 2, to: `correction:${corrected.body.correction.id}` });
  });

  it('refuses a key rotation without the admin token; after one, new heads are signed with the new key', async () => {
    const { call } = api;
    expect((await call('POST', '/api/v1/keys/rotate', undefined, null)).status).toBe(401);
    const first = (await call('GET', '/api/v1/shipments/shp-w-1/chain')).body.head.keyId;
    const rotated = await call('POST', '/api/v1/keys/rotate');
    expect(rotated.status).toBe(201);
    expect(rotated.body.keyId).not.toBe(first);
    expect((await call('GET', '/api/v1/shipments/shp-w-1/chain')).body.head.keyId).toBe(rotated.body.keyId);
    const { keys } = (await call('GET', '/api/v1/keys', undefined, null)).body;
    expect(keys.map((k: { keyId: string; isCurrent: boolean }) => [k.keyId, k.isCurrent])).toEqual([
      [first, false],
      [rotated.body.keyId, true],
    ]);
  });
});
