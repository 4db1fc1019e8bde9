import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { IClientOptions, IConnackPacket, MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTS_FILTER, alertsTopic, CLAIMS_FILTER, claimsTopic } from '@coldchain/schemas';
import { dynsecPluginPath, requireServer, startMosquittoWithDynsec } from './helpers/servers.ts';
import type { DynsecMosquitto } from './helpers/servers.ts';

// Decision 0022 on the production broker: Mosquitto 2.0 with the shipped deploy/mosquitto/mosquitto.conf
// (only listener and paths rewritten), organisations' credentials provisioned with the mosquitto_ctrl
// commands of deploy/README.md ("Organisations' subscribers on Mosquitto"), real MQTT clients.
const hasMosquitto =
  requireServer('mosquitto', '/usr/sbin/mosquitto', 'apt-get install mosquitto') &&
  requireServer('mosquitto_ctrl', '/usr/bin/mosquitto_ctrl', 'apt-get install mosquitto') &&
  requireServer("mosquitto's dynamic-security plugin", dynsecPluginPath(), 'apt-get install mosquitto');
const SHIPPED_CONF = fileURLToPath(new URL('../deploy/mosquitto/mosquitto.conf', import.meta.url));
const SERVICE_PASSWORD = 'service-secret-for-tests-0123456789';
// As the API answers them: POST /api/v1/organisations/{id}/mqtt-credentials.
const ACME = { orgId: 'acme', username: 'org-acme-k3x9q2', password: 'password-of-acme-subscriber' };
const GLOBEX = { orgId: 'globex', username: 'org-globex-p0w7za', password: 'password-of-globex-subscriber' };
const DEVICE = { id: 'dev-a', password: 'secret-of-dev-a' };
const NOT_AUTHORISED = { 4: 5, 5: 135 } as const; // CONNACK code: MQTT 3.1.1 return code, MQTT 5 reason code

/** deploy/README.md, "Organisations' subscribers on Mosquitto": the role once per organisation, then the client. */
async function provisionOrganisation(broker: DynsecMosquitto, credential: typeof ACME): Promise<void> {
  const role = `org-${credential.orgId}`;
  await broker.ctrl('createRole', role);
  await broker.ctrl('addRoleACL', role, 'subscribeLiteral', alertsTopic(credential.orgId), 'allow');
  await broker.ctrl('addRoleACL', role, 'subscribeLiteral', claimsTopic(credential.orgId), 'allow');
  await broker.ctrl('addRoleACL', role, 'subscribePattern', '#', 'deny');
  await broker.ctrl('addRoleACL', role, 'publishClientSend', '#', 'deny');
  await broker.ctrl('createClient', credential.username, '-c', credential.username, '-p', credential.password);
  await broker.ctrl('addClientRole', credential.username, role);
}

/** The services and one device, as deploy/README.md provisions them. */
async function provisionServicesAndDevice(broker: DynsecMosquitto): Promise<void> {
  await broker.ctrl('createRole', 'coldchain-service');
  for (const acl of ['subscribePattern', 'publishClientReceive', 'publishClientSend']) await broker.ctrl('addRoleACL', 'coldchain-service', acl, 'coldchain/#', 'allow');
  await broker.ctrl('createClient', '_svc_rules', '-p', SERVICE_PASSWORD);
  await broker.ctrl('addClientRole', '_svc_rules', 'coldchain-service');
  await broker.ctrl('createClient', DEVICE.id, '-c', DEVICE.id, '-p', DEVICE.password);
  await broker.ctrl('createRole', `device-${DEVICE.id}`);
  await broker.ctrl('addRoleACL', `device-${DEVICE.id}`, 'publishClientSend', `coldchain/v1/devices/${DEVICE.id}/#`, 'allow');
  await broker.ctrl('addClientRole', DEVICE.id, `device-${DEVICE.id}`);
}

type Received = { topic: string; payload: string }[];

describe.skipIf(!hasMosquitto)("organisations' broker credentials on a real Mosquitto with the shipped settings (dynamic security)", () => {
  let broker: DynsecMosquitto;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    broker = await startMosquittoWithDynsec(SHIPPED_CONF);
    await provisionServicesAndDevice(broker);
    await provisionOrganisation(broker, ACME);
    await provisionOrganisation(broker, GLOBEX);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    await broker?.stop();
  });

  async function open(username: string, password: string, clientId: string, options: IClientOptions = {}) {
    const client = mqtt.connect(broker.url, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 5, ...options });
    clients.push(client);
    const received: Received = [];
    client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
    client.on('error', () => undefined);
    const connack = await new Promise<IConnackPacket>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
      client.once('close', () => reject(new Error(`${clientId}: connection closed before CONNACK`)));
    });
    return { client, connack, received };
  }
  const subscriber = (credential: typeof ACME, protocolVersion: 4 | 5 = 5) => open(credential.username, credential.password, credential.username, { protocolVersion });
  const service = () => open('_svc_rules', SERVICE_PASSWORD, `coldchain-rules-${Math.random().toString(36).slice(2, 8)}`);
  async function refusal(username: string, password: string, clientId: string, protocolVersion: 4 | 5): Promise<number | undefined> {
    return open(username, password, clientId, { protocolVersion }).then(
      () => expect.fail(`${username} was accepted as ${clientId}`),
      (error: { code?: number }) => error.code,
    );
  }
  /** The SUBACK codes, whether mqtt.js resolves (granted) or rejects (MQTT 5 refusal) the subscription. */
  async function granted(client: MqttClient, filters: string[]): Promise<number[]> {
    return client.subscribeAsync(filters, { qos: 1 }).then(
      (grants) => grants.map((g) => g.qos),
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted ?? expect.fail(String(error)),
    );
  }
  async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('lets an organisation subscribe to its own two topics only, and receive only its own events', async () => {
    for (const protocolVersion of [4, 5] as const) {
      const acme = await subscriber(ACME, protocolVersion);
      expect(await granted(acme.client, [alertsTopic('acme'), claimsTopic('acme')])).toEqual([1, 1]);
      // MQTT 5: SUBACK 0x87 Not authorized; MQTT 3.1.1: 0x80 Failure.
      const refused = protocolVersion === 5 ? 135 : 128;
      for (const filter of [alertsTopic('globex'), 'coldchain/v1/alerts/#', 'coldchain/v1/+/x', ALERTS_FILTER, CLAIMS_FILTER, '#', 'coldchain/v1/devices/+/telemetry', `$share/g/${alertsTopic('acme')}`]) {
        expect({ filter, granted: await granted(acme.client, [filter]) }).toEqual({ filter, granted: [refused] });
      }
      await acme.client.endAsync();
    }

    const acme = await subscriber(ACME);
    await acme.client.subscribeAsync([alertsTopic('acme'), claimsTopic('acme')], { qos: 1 });
    const globex = await subscriber(GLOBEX);
    await globex.client.subscribeAsync([alertsTopic('globex'), claimsTopic('globex')], { qos: 1 });
    const rules = await service();
    await rules.client.publishAsync(alertsTopic('acme'), '{"type":"alert.opened","for":"acme"}', { qos: 1 });
    await rules.client.publishAsync(alertsTopic('globex'), '{"type":"alert.opened","for":"globex"}', { qos: 1 });
    await rules.client.publishAsync(claimsTopic('globex'), '{"type":"claim.filed","for":"globex"}', { qos: 1 });
    await rules.client.publishAsync(claimsTopic('acme'), '{"type":"claim.filed","for":"acme"}', { qos: 1 });
    await until('both organisations\' events', () => acme.received.length === 2 && globex.received.length === 2);
    expect(acme.received).toEqual([
      { topic: alertsTopic('acme'), payload: '{"type":"alert.opened","for":"acme"}' },
      { topic: claimsTopic('acme'), payload: '{"type":"claim.filed","for":"acme"}' },
    ]);
    expect(globex.received.map((m) => m.topic)).toEqual([alertsTopic('globex'), claimsTopic('globex')]);
  });

  it('refuses every publish from an organisation (MQTT 5: PUBACK 135) and delivers none of it', async () => {
    const watcher = await service();
    await watcher.client.subscribeAsync([ALERTS_FILTER, CLAIMS_FILTER, 'coldchain/v1/devices/+/telemetry'], { qos: 1 });
    const acme = await subscriber(ACME);
    for (const topic of [alertsTopic('acme'), alertsTopic('globex'), 'coldchain/v1/devices/dev-a/telemetry']) {
      const code = await acme.client.publishAsync(topic, 'forged', { qos: 1 }).then(
        () => undefined,
        (error: { code?: number }) => error.code,
      );
      expect({ topic, code }).toEqual({ topic, code: 135 });
    }
    const rules = await service();
    await rules.client.publishAsync(alertsTopic('acme'), 'sentinel', { qos: 1 });
    await until('the sentinel', () => watcher.received.some((m) => m.payload === 'sentinel'));
    expect(watcher.received.map((m) => m.payload)).toEqual(['sentinel']);
    await broker.waitForLog(new RegExp(`Denied PUBLISH from ${ACME.username} \\(d0, q1, r0, m\\d+, 'coldchain/v1/alerts/acme'`));
  });

  it('binds the client id, and a device cannot log in under the organisation\'s name nor subscribe to its topics', async () => {
    for (const protocolVersion of [4, 5] as const) {
      expect(await refusal(ACME.username, ACME.password, 'acme-bridge', protocolVersion)).toBe(NOT_AUTHORISED[protocolVersion]);
      expect(await refusal(ACME.username, ACME.password, 'coldchain-ingest', protocolVersion)).toBe(NOT_AUTHORISED[protocolVersion]);
      expect(await refusal(ACME.username, DEVICE.password, ACME.username, protocolVersion)).toBe(NOT_AUTHORISED[protocolVersion]);
      expect(await refusal(DEVICE.id, DEVICE.password, ACME.username, protocolVersion)).toBe(NOT_AUTHORISED[protocolVersion]);
    }
    const device = await open(DEVICE.id, DEVICE.password, DEVICE.id);
    expect(await granted(device.client, [alertsTopic('acme')])).toEqual([135]);
  });

  it('queues the events of a persistent session while the subscriber is away (QoS 1, not retained)', async () => {
    const session = { clean: false, properties: { sessionExpiryInterval: 3600 } };
    const first = await open(ACME.username, ACME.password, ACME.username, session);
    await first.client.subscribeAsync([alertsTopic('acme'), claimsTopic('acme')], { qos: 1 });
    await first.client.endAsync();
    const rules = await service();
    for (let seq = 0; seq < 3; seq++) await rules.client.publishAsync(alertsTopic('acme'), JSON.stringify({ seq }), { qos: 1 });
    const back = await open(ACME.username, ACME.password, ACME.username, session);
    expect(back.connack.sessionPresent).toBe(true);
    await until('the queued events', () => back.received.length === 3);
    expect(back.received.map((m) => JSON.parse(m.payload).seq)).toEqual([0, 1, 2]);
    await back.client.endAsync();
  });

  it('revoked (deleteClient or disableClient): the connected subscriber is disconnected at once and its next CONNECT refused', async () => {
    const acme = await subscriber(ACME);
    await acme.client.subscribeAsync(alertsTopic('acme'), { qos: 1 });
    const closed = new Promise<void>((resolve) => acme.client.once('close', () => resolve()));
    await broker.ctrl('deleteClient', ACME.username);
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('still connected 5 s after deleteClient')), 5000))]);
    expect(await refusal(ACME.username, ACME.password, ACME.username, 5)).toBe(135);
    // The other organisation is untouched.
    const globex = await subscriber(GLOBEX);
    expect(await granted(globex.client, [alertsTopic('globex')])).toEqual([1]);
    // disableClient, which keeps the client for later, disconnects the same way.
    const globexClosed = new Promise<void>((resolve) => globex.client.once('close', () => resolve()));
    await broker.ctrl('disableClient', GLOBEX.username);
    await Promise.race([globexClosed, new Promise((_, reject) => setTimeout(() => reject(new Error('still connected 5 s after disableClient')), 5000))]);
    expect(await refusal(GLOBEX.username, GLOBEX.password, GLOBEX.username, 4)).toBe(5);
  });
});
