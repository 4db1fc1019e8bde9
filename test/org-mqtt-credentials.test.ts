import mqtt from 'mqtt';
import type { IClientOptions, IConnackPacket, MqttClient } from 'mqtt';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '@coldchain/auth';
import { buildBroker, createAuthenticator, createPrincipalCheck, ORG_USER_PREFIX } from '@coldchain/broker';
import { publishAlertEvent, publishClaimEvent } from '@coldchain/bus';
import { ALERTS_FILTER, alertsTopic, CLAIMS_FILTER, claimsTopic } from '@coldchain/schemas';
import type { Alert, Claim } from '@coldchain/storage';
import { ORG_MQTT_USER_PREFIX } from '../services/api/src/routes/mqtt-credentials.ts';
import { startTestApi } from '../services/api/src/test-harness.ts';
import type { TestApi } from '../services/api/src/test-harness.ts';
import { eventually } from './helpers/all-in-one.ts';

// Issue 12, item 6 (decision 0022) on the embedded broker: an organisation's administrator creates
// broker credentials through the API; its systems subscribe to the organisation's own alert and claim
// topics with real MQTT clients, and nothing else.
const SERVICE_SECRET = 'service-secret-for-org-credentials-test';
const DEVICE_SECRET = 'device-secret-of-a-squatter';

type Received = { topic: string; payload: string }[];
type Dead = { deviceId: string | null; topic: string; code: string; reason: string };

describe("organisations' broker credentials on the embedded broker", () => {
  let api: TestApi;
  let broker: ReturnType<typeof buildBroker>;
  let url: string;
  const metrics = new Registry();
  const deadLetters: Dead[] = [];
  const clients: MqttClient[] = [];
  let acmeAdmin: string;
  let globexAdmin: string;
  let acmeViewer: string;

  beforeAll(async () => {
    api = await startTestApi();
    for (const [id, kind] of [['acme', 'warehouse'], ['globex', 'carrier']] as const) {
      expect((await api.call('POST', '/api/v1/organisations', { id, name: id, kind })).status).toBe(201);
    }
    const key = async (orgId: string, role: string) => (await api.call('POST', `/api/v1/organisations/${orgId}/api-keys`, { name: `${orgId} ${role}`, role })).body.key as string;
    acmeAdmin = await key('acme', 'admin');
    globexAdmin = await key('globex', 'admin');
    acmeViewer = await key('acme', 'viewer');
    const getOrgCredential = (username: string) => api.ops.accounts.getMqttCredential(username);
    broker = buildBroker({
      host: '127.0.0.1',
      port: 0,
      log: pino({ level: 'silent' }),
      metrics,
      authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await api.ops.getDevice(id))?.secretHash, getOrgCredential, serviceSecret: SERVICE_SECRET }),
      isPrincipalActive: createPrincipalCheck(getOrgCredential),
      revalidateEveryMs: 100,
      recordRefusal: async (refusal) => void deadLetters.push({ deviceId: refusal.deviceId, topic: refusal.topic, code: refusal.code, reason: refusal.reason }),
    });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    await broker?.stop();
    await api?.stop();
  });

  /** Connects; resolves with the client, its CONNACK and what it receives, or rejects with the refusal. */
  async function open(username: string, password: string, clientId = username, options: IClientOptions = {}) {
    const client = mqtt.connect(url, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 5000, ...options });
    clients.push(client);
    const received: Received = [];
    client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
    client.on('error', () => undefined);
    const connack = await new Promise<IConnackPacket>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
      client.once('close', () => reject(new Error(`${clientId}: closed before CONNACK`)));
    });
    return { client, connack, received };
  }
  /** The CONNACK return code of a refused CONNECT; fails the test when it is accepted. */
  async function refusal(username: string, password: string, clientId = username): Promise<number | undefined> {
    return open(username, password, clientId).then(
      () => expect.fail(`${username} was accepted as ${clientId}`),
      (error: { code?: number }) => error.code,
    );
  }
  /** The QoS granted per filter (128: refused), whether mqtt.js resolves or rejects the SUBACK. */
  async function granted(client: MqttClient, filters: string[]): Promise<number[]> {
    const answer = await client.subscribeAsync(filters, { qos: 1 }).then(
      (grants) => grants.map((g) => g.qos),
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted ?? expect.fail(String(error)),
    );
    return answer;
  }
  const service = () => open('_svc_rules', SERVICE_SECRET, `coldchain-rules-${Math.random().toString(36).slice(2, 8)}`);
  const createCredential = async (orgId: string, token: string, body: unknown = { name: 'alert bridge' }) => api.call('POST', `/api/v1/organisations/${orgId}/mqtt-credentials`, body, token);
  const counted = async (name: string, code: string) => (await metrics.getSingleMetric(name)!.get()).values.find((v) => v.labels.code === code)?.value ?? 0;

  it("is created by the organisation's administrator only, answered once, and listed without secrets", async () => {
    expect(ORG_MQTT_USER_PREFIX).toBe(ORG_USER_PREFIX);
    const created = await createCredential('acme', acmeAdmin);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ orgId: 'acme', topics: ['coldchain/v1/alerts/acme', 'coldchain/v1/claims/acme'], revokedAt: null });
    expect(created.body.username).toMatch(/^org-acme-[a-z0-9]{6}$/);
    expect(created.body.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Also without a body: the label is optional.
    expect((await createCredential('acme', acmeAdmin, undefined)).status).toBe(201);

    expect((await createCredential('acme', acmeViewer)).status).toBe(403);
    expect((await createCredential('acme', globexAdmin)).status).toBe(404);
    expect((await createCredential('nowhere', api.adminToken)).body.error.code).toBe('organisation.unknown');
    expect((await createCredential('acme', 'cck_not-a-key')).status).toBe(401);

    const listed = await api.call('GET', '/api/v1/organisations/acme/mqtt-credentials', undefined, acmeAdmin);
    expect(listed.status).toBe(200);
    expect(listed.body.mqttCredentials.map((c: { username: string }) => c.username)).toContain(created.body.username);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(created.body.password);
    expect(text).not.toMatch(/secret|password|hash/i);
    expect((await api.call('GET', '/api/v1/organisations/acme/mqtt-credentials', undefined, globexAdmin)).status).toBe(404);

    const audit = await api.call('GET', `/api/v1/audit?target=${encodeURIComponent(`mqtt_credential:${created.body.username}`)}`, undefined, acmeAdmin);
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: 'mqtt_credential.created', orgId: 'acme', actorKind: 'api-key', actorOrgId: 'acme', detail: JSON.stringify({ username: created.body.username, name: 'alert bridge' }) })]);
    const stored = await api.ops.accounts.getMqttCredential(created.body.username);
    expect(stored?.secretHash).not.toContain(created.body.password);
  });

  it('subscribes to its own alert and claim topics only, receives its own events, and cannot publish', async () => {
    const acme = (await createCredential('acme', acmeAdmin)).body;
    const sub = await open(acme.username, acme.password);
    expect(await granted(sub.client, [alertsTopic('acme'), claimsTopic('acme')])).toEqual([1, 1]);
    const refusedBefore = await counted('coldchain_broker_subscribe_refused_total', 'topic.not_own');
    const foreign = [alertsTopic('globex'), 'coldchain/v1/alerts/#', 'coldchain/v1/+/x', ALERTS_FILTER, CLAIMS_FILTER, '#', '$SYS/#', 'coldchain/v1/devices/+/telemetry', `$share/g/${alertsTopic('acme')}`];
    for (const filter of foreign) expect({ filter, granted: await granted(sub.client, [filter]) }).toEqual({ filter, granted: [128] });
    expect(await counted('coldchain_broker_subscribe_refused_total', 'topic.not_own')).toBe(refusedBefore + foreign.length);
    expect(sub.client.connected).toBe(true);

    // The rules publish as a service: an alert routed to both organisations, a claim for globex, one for acme.
    const rules = await service();
    const watcher = await service();
    await watcher.client.subscribeAsync([ALERTS_FILTER, CLAIMS_FILTER], { qos: 1 });
    const alert = { id: 'alert-1', routedTo: ['acme', 'globex'] } as unknown as Alert; // the routing is all publishAlertEvent reads
    await publishAlertEvent(rules.client, { type: 'alert.opened', at: 1, alert });
    await publishClaimEvent(rules.client, { type: 'claim.filed', at: 2, claim: { id: 'claim-g' } as unknown as Claim }, ['globex']);
    await publishClaimEvent(rules.client, { type: 'claim.filed', at: 3, claim: { id: 'claim-a' } as unknown as Claim }, ['acme']);
    await eventually('acme events', async () => (sub.received.length >= 2 ? true : undefined));
    // Its own publish attempt: acknowledged (MQTT 3.1.1 has no refusal) and forwarded to nobody.
    await sub.client.publishAsync(alertsTopic('acme'), '{"forged":true}', { qos: 1 });
    await sub.client.publishAsync(alertsTopic('globex'), '{"forged":true}', { qos: 1, retain: true });
    await publishClaimEvent(rules.client, { type: 'claim.filed', at: 4, claim: { id: 'sentinel' } as unknown as Claim }, ['acme']);
    await eventually('the sentinel', async () => (watcher.received.some((m) => m.payload.includes('sentinel')) && sub.received.some((m) => m.payload.includes('sentinel')) ? true : undefined));

    expect(sub.received.map((m) => [m.topic, JSON.parse(m.payload).type])).toEqual([
      [alertsTopic('acme'), 'alert.opened'],
      [claimsTopic('acme'), 'claim.filed'],
      [claimsTopic('acme'), 'claim.filed'],
    ]);
    expect(sub.received.map((m) => m.payload).join()).not.toContain('claim-g');
    expect(watcher.received.map((m) => m.payload).join()).not.toContain('forged');
    expect(sub.client.connected).toBe(true);
    expect(await counted('coldchain_broker_publish_refused_total', 'publish.subscriber_only')).toBe(2);
    expect(deadLetters.filter((d) => d.code === 'publish.subscriber_only').map((d) => d.topic)).toEqual([alertsTopic('acme'), alertsTopic('globex')]);
    // Nothing retained on globex's topic either: a new subscriber of globex gets nothing.
    const globex = (await createCredential('globex', globexAdmin)).body;
    const late = await open(globex.username, globex.password);
    expect(await granted(late.client, [alertsTopic('globex')])).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(late.received).toEqual([]);
  });

  it('binds the client id, refuses a wrong password (4), and is refused at once when revoked; a connected subscriber is disconnected', async () => {
    const acme = (await createCredential('acme', acmeAdmin)).body;
    expect(await refusal(acme.username, acme.password, 'another-client')).toBe(5);
    expect(await refusal(acme.username, acme.password, 'coldchain-ingest')).toBe(5);
    expect(await refusal(acme.username, 'wrong-password')).toBe(4);
    expect(await refusal(`${acme.username}x`, acme.password)).toBe(4);

    const sub = await open(acme.username, acme.password);
    const closed = new Promise<void>((resolve) => sub.client.once('close', () => resolve()));
    expect((await api.call('DELETE', `/api/v1/mqtt-credentials/${acme.username}`, undefined, globexAdmin)).status).toBe(404);
    const revoked = await api.call('DELETE', `/api/v1/mqtt-credentials/${acme.username}`, undefined, acmeAdmin);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(Number));
    // The broker re-checks connected organisations every revalidateEveryMs (100 ms here, 10 s by default).
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the revoked subscriber is still connected after 5 s')), 5000))]);
    expect(await refusal(acme.username, acme.password)).toBe(5);
    expect(await counted('coldchain_broker_connects_refused_total', 'credentials.revoked')).toBe(1);
    // Revoking again changes nothing and writes no second audit entry.
    expect((await api.call('DELETE', `/api/v1/mqtt-credentials/${acme.username}`, undefined, acmeAdmin)).status).toBe(200);
    const audit = await api.call('GET', `/api/v1/audit?target=${encodeURIComponent(`mqtt_credential:${acme.username}`)}`, undefined, acmeAdmin);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['mqtt_credential.revoked', 'mqtt_credential.created']);
    expect(JSON.stringify(audit.body)).not.toContain(acme.password);
  });

  it('never checks an org- username as a device: a device provisioned under that name cannot log in with it', async () => {
    const acme = (await createCredential('acme', acmeAdmin)).body;
    // Written to the store directly: the API refuses device ids starting with org-.
    await api.ops.createDevice({ id: acme.username, secretHash: await hashSecret(DEVICE_SECRET), publicKey: null, createdAt: Date.now() });
    expect(await refusal(acme.username, DEVICE_SECRET)).toBe(4);
    const squatter = `${ORG_USER_PREFIX}squatter-1`;
    await api.ops.createDevice({ id: squatter, secretHash: await hashSecret(DEVICE_SECRET), publicKey: null, createdAt: Date.now() });
    expect(await refusal(squatter, DEVICE_SECRET)).toBe(4);
    // The organisation's own credential still works under that name.
    const sub = await open(acme.username, acme.password);
    expect(await granted(sub.client, [alertsTopic('acme')])).toEqual([1]);
  });
});
