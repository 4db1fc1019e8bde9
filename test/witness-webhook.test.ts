import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMqtt, connectMqtt } from '@coldchain/bus';
import { keyIdOf, publicKeyFromRaw, rawPublicKey, verifyText } from '@coldchain/evidence';
import { createApiClient, DEMO_ORGS, DEMO_ROLE_ORGS } from '@coldchain/firmware-sim';
import type { ApiClient } from '@coldchain/firmware-sim';
import { verifyWebhookSignature } from '@coldchain/notify';
import { HEADS_TOPIC } from '@coldchain/schemas';
import { SqliteOpsStore } from '@coldchain/storage';
import { eventually, startAllInOne } from './helpers/all-in-one.ts';
import type { RunningService } from './helpers/all-in-one.ts';
import { startReceiver } from './helpers/webhook-receiver.ts';

const HOUR = 3_600_000;
const SHIPMENT = 'LZ-W1';
const { shipper: SHIPPER, first_mile: FIRST_MILE, hub: HUB, line_haul: LINE_HAUL } = DEMO_ROLE_ORGS;
const PUBLIC_URL = 'https://cold.example.cn';
const secretOf = (orgId: string) => `whsec-${orgId}-0001`;

type Head = { seq: number; hash: string; signedAt: number; keyId: string; headJson: string; signature: string };
type HandoffAnswer = { id: string; chain: Head };
type HandoffHook = {
  type: string;
  stage: 'handoff' | 'delivery';
  shipment: { id: string; traceCode: string };
  custody: { id: string; stage: string; probeTempC: number | null; from: { id: string } | null; to: { id: string } | null };
  chain: Head;
  links: { keys: string; consumerPage: string };
};

// Both ways the all-in-one runs the API: in its own thread (the default) and on the main event loop.
describe.each(['1', '0'])("witnessed heads reach the parties' webhooks (issue 11, item 2; decision 0018), API_THREAD=%s", (apiThread) => {
  let service: RunningService;
  let api: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const start = Date.now() - 10 * HOUR;

  /** The custody.handoff webhooks an organisation got for one scan, each checked against its secret. */
  function hooksFor(orgId: string, custodyEventId: string): HandoffHook[] {
    return receiver.received
      .filter((r) => r.path === `/hook/${orgId}`)
      .filter((r) => {
        const body = JSON.parse(r.body) as HandoffHook;
        return body.type === 'custody.handoff' && body.custody.id === custodyEventId;
      })
      .map((r) => {
        const verdict = verifyWebhookSignature(secretOf(orgId), String(r.headers['x-coldchain-timestamp']), r.body, String(r.headers['x-coldchain-signature']), Date.now());
        expect(verdict.ok, `${orgId}: the webhook is signed with its secret`).toBe(true);
        return JSON.parse(r.body) as HandoffHook;
      });
  }

  /** Waits until each organisation has its webhook for the scan, then that none had two (the outbox is quick). */
  async function expectOneEach(orgIds: readonly string[], answer: HandoffAnswer): Promise<HandoffHook[]> {
    await eventually(`the head of ${answer.id} at ${orgIds.join(', ')}`, async () => (orgIds.every((id) => hooksFor(id, answer.id).length > 0) ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    return orgIds.map((orgId) => {
      const hooks = hooksFor(orgId, answer.id);
      expect(hooks, `${orgId}: one webhook for the scan`).toHaveLength(1);
      const hook = hooks[0]!;
      expect(hook.chain).toEqual({ seq: answer.chain.seq, hash: answer.chain.hash, keyId: answer.chain.keyId, signedAt: answer.chain.signedAt, headJson: answer.chain.headJson, signature: answer.chain.signature });
      return hook;
    });
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    // Links in messages are absolute, on the public address (port 0 here is only known once listening).
    service = await startAllInOne({ PUBLIC_URL, API_THREAD: apiThread });
    api = createApiClient(service.info.apiUrl, service.info.adminToken);
    for (const org of DEMO_ORGS) {
      await api.upsertOrganisation(org);
      const channels = [{ id: 'hook', type: 'webhook', url: `${receiver.url}/hook/${org.id}`, secret: secretOf(org.id) }];
      if (org.id === SHIPPER) channels.push({ id: 'dingtalk', type: 'dingtalk', url: `${receiver.url}/robot/${org.id}/send?access_token=abc`, secret: '' });
      await api.call('PUT', `/api/v1/organisations/${org.id}/channels`, { channels: channels.map(({ secret, ...c }) => (secret ? { ...c, secret } : c)) });
    }
    await api.provisionDevice('logger-w1');
    await api.createShipment({ id: SHIPMENT, profileId: 'lychee', shipperOrgId: SHIPPER, deviceId: 'logger-w1', origin: '海南省海口市', destination: '湖北省武汉市', boxes: 10, goodsValueCents: 99_000, freightCents: 15_000, startedAt: start });
  });
  afterAll(async () => {
    await service?.stop();
    receiver?.server.close();
  });

  let firstMile: HandoffAnswer;
  let hub: HandoffAnswer;

  it('sends the head of a handoff to the shipper, the party handing over and the one taking over, as answered, once each', async () => {
    firstMile = await api.recordHandoff(SHIPMENT, { stage: 'first_mile', toOrgId: FIRST_MILE, at: start + HOUR, station: '海口美兰站', probeTempC: 3.2 }) as HandoffAnswer;
    // The shipper held the goods at the packhouse: it is both the shipper and the party handing over.
    const [toShipper] = await expectOneEach([SHIPPER, FIRST_MILE], firstMile);
    expect(toShipper!.custody.from?.id).toBe(SHIPPER);

    hub = (await api.recordHandoff(SHIPMENT, { stage: 'hub', toOrgId: HUB, at: start + 3 * HOUR, station: '广州白云站', probeTempC: 4.8 })) as HandoffAnswer;
    const hooks = await expectOneEach([SHIPPER, FIRST_MILE, HUB], hub);
    expect(hooks[0]).toMatchObject({ stage: 'handoff', shipment: { id: SHIPMENT }, custody: { id: hub.id, stage: 'hub', probeTempC: 4.8, from: { id: FIRST_MILE }, to: { id: HUB } } });
    expect(hub.chain.seq).toBeGreaterThan(firstMile.chain.seq);
    // Nobody else is told: the line-haul carrier has no part in this handoff.
    expect(hooksFor(LINE_HAUL, hub.id)).toHaveLength(0);
    // Deliveries are keyed per scan and destination.
    const keys = receiver.received.filter((r) => r.body.includes(hub.id)).map((r) => String(r.headers['x-coldchain-delivery']));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives a receiver what it needs to check the head itself: the published key verifies the signature', async () => {
    const [hook] = hooksFor(HUB, hub.id);
    expect(hook).toBeDefined();
    if (!hook) return;
    expect(hook.links.keys).toBe(`${PUBLIC_URL}/api/v1/keys`);
    expect(hook.links.consumerPage).toBe(`${PUBLIC_URL}/t/${hook.shipment.traceCode}`);
    const { keys } = (await (await fetch(`${service.info.apiUrl}/api/v1/keys`)).json()) as { keys: { keyId: string; publicKey: string }[] };
    const key = keys.find((k) => k.keyId === hook.chain.keyId)!;
    expect(verifyText(hook.chain.headJson, hook.chain.signature, publicKeyFromRaw(key.publicKey))).toBe(true);
    expect(JSON.parse(hook.chain.headJson)).toMatchObject({ shipmentId: SHIPMENT, seq: hook.chain.seq, hash: hook.chain.hash });
  });

  it("sends the shipper's DingTalk robot the handoff in Chinese with the entry and the full hash to keep", async () => {
    const robot = await eventually('the DingTalk message of the hub handoff', async () =>
      receiver.received.find((r) => r.path.startsWith(`/robot/${SHIPPER}/`) && r.body.includes('枢纽仓') && r.body.includes('交接已记录')),
    );
    const text = (JSON.parse(robot.body) as { markdown: { text: string } }).markdown.text;
    expect(text).toContain('由 海口顺达冷链 交给 广州白云冷链枢纽仓（探针 4.8 °C）');
    expect(text).toMatch(/第 \d+ 条/);
    expect(text).toMatch(/[0-9a-f]{64}（请保存，用于日后核验）/);
  });

  it('sends nothing for a forged notice on the bus: a head not signed by the service, or signed but not witnessed for that scan', async () => {
    // The packhouse scan (made with the shipment) was never witnessed: a head claimed for it is forged.
    const ops = new SqliteOpsStore(join(service.dataDir, 'ops.db'), 'NORMAL');
    const packhouse = (await ops.listCustodyEvents(SHIPMENT)).find((e) => e.stage === 'packhouse')!;
    await ops.close();
    expect(packhouse).toBeDefined();
    // Whoever has a service login can publish on the topic (devices may publish only under their own).
    const forger = await connectMqtt({ url: service.info.mqttUrl, clientId: 'coldchain-forger', username: '_svc_forger', password: readFileSync(join(service.dataDir, 'service-secret'), 'utf8').trim(), isPersistent: false });
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const fakeKeyId = keyIdOf(rawPublicKey(publicKey));
    const fakeHash = 'f'.repeat(64);
    const headJson = JSON.stringify({ v: 1, shipmentId: SHIPMENT, seq: 99, hash: fakeHash, signedAt: Date.now(), keyId: fakeKeyId });
    const forged = [
      // Signed with a key that is not the service's.
      { seq: 99, hash: fakeHash, signedAt: JSON.parse(headJson).signedAt as number, keyId: fakeKeyId, headJson, signature: sign(null, Buffer.from(headJson), privateKey).toString('base64') },
      // The service's genuine head of the first-mile scan, replayed as if handed out at the packhouse.
      firstMile.chain,
    ];
    try {
      for (const chain of forged) await forger.publishAsync(HEADS_TOPIC, JSON.stringify({ shipmentId: SHIPMENT, custodyEventId: packhouse.id, chain: { ...chain, shipmentId: SHIPMENT } }), { qos: 1 });
    } finally {
      await closeMqtt(forger);
    }
    // A genuine handoff after them: the rules handle the bus in order and the outbox sends in order per
    // destination, so once its head has arrived, the forged ones would have too.
    const lineHaul = (await api.recordHandoff(SHIPMENT, { stage: 'line_haul', toOrgId: LINE_HAUL, at: start + 5 * HOUR })) as HandoffAnswer;
    await expectOneEach([SHIPPER, HUB, LINE_HAUL], lineHaul);
    for (const org of DEMO_ORGS) expect(hooksFor(org.id, packhouse.id), `${org.id}: no forged head`).toHaveLength(0);
    expect(receiver.received.some((r) => r.body.includes(fakeHash))).toBe(false);
  });

  it('sends the head of the delivery to the shipper and the party that delivered, once each', async () => {
    const delivery = (await api.recordHandoff(SHIPMENT, { stage: 'delivered', at: start + 8 * HOUR, probeTempC: 5.1 })) as HandoffAnswer;
    const hooks = await expectOneEach([SHIPPER, LINE_HAUL], delivery);
    expect(hooks[1]).toMatchObject({ stage: 'delivery', custody: { id: delivery.id, stage: 'delivered', from: { id: LINE_HAUL }, to: null } });
    expect(hooksFor(HUB, delivery.id)).toHaveLength(0);
  });
});
