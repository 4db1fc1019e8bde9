import mqtt from 'mqtt';
import type { MqttClient, Packet } from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import type { TelemetrySink } from '@coldchain/broker';
import { telemetryTopic } from '@coldchain/schemas';
import { eventually } from './helpers/all-in-one.ts';

// The embedded broker reads a connection ahead of its messages' commits (services/broker/src/
// read-ahead.ts), within a bound, and still sends each PUBACK only after its own message is settled, in
// the order the PUBLISHes came. The sink here holds every message until the test settles it.
const SECRET = 'read-ahead-test-secret-0123456789';
const log = pino({ level: 'silent' });

type Held = { text: string; settle: (outcome: 'stored' | 'refused') => void };

describe('embedded broker: reading ahead of the commits (real aedes, real MQTT client)', () => {
  const held: Held[] = [];
  const sink: TelemetrySink = {
    acceptTelemetry: (_deviceId, _topic, payload) => new Promise((resolve) => held.push({ text: payload.toString('utf8'), settle: resolve })),
    acceptStatus: async () => undefined,
  };
  let broker: ReturnType<typeof buildBroker>;
  let url: string;
  let client: MqttClient | undefined;
  const pubacks: number[] = [];
  const sent = new Map<string, number>();

  beforeAll(async () => {
    broker = buildBroker({
      host: '127.0.0.1',
      port: 0,
      log,
      ingest: sink,
      readAhead: { messages: 3, bytes: 1024 * 1024, totalBytes: 8 * 1024 * 1024 },
      authenticate: createAuthenticator({ getDeviceSecretHash: async () => undefined, serviceSecret: SECRET }),
    });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
  });

  afterEach(async () => {
    for (const h of held.splice(0)) h.settle('stored');
    await client?.endAsync();
    client = undefined;
    pubacks.length = 0;
    sent.clear();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  async function connect() {
    client = await mqtt.connectAsync(url, { clientId: 'coldchain-read-ahead', username: '_svc_read_ahead', password: SECRET, reconnectPeriod: 0 });
    client.on('packetreceive', (packet: Packet) => {
      if (packet.cmd === 'puback') pubacks.push(packet.messageId!);
    });
    client.on('packetsend', (packet: Packet) => {
      if (packet.cmd === 'publish') sent.set(String(packet.payload), packet.messageId!);
    });
    return client;
  }

  const publish = (c: MqttClient, text: string) => void c.publishAsync(telemetryTopic('read-ahead'), text, { qos: 1 }).catch(() => undefined);
  const heldTexts = () => held.map((h) => h.text);
  const byText = (text: string) => held.find((h) => h.text === text)!;
  const idsOf = (...texts: string[]) => texts.map((t) => sent.get(t));
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('hands a later packet to ingest while an earlier one is still being committed', async () => {
    const c = await connect();
    publish(c, 'a1');
    await eventually('a1 with ingest', async () => (held.length === 1 ? true : undefined));
    // Sent after a1 reached ingest, so in another socket read: aedes alone would not read it before a1 is answered.
    publish(c, 'a2');
    await eventually('a2 with ingest while a1 is held', async () => (held.length === 2 ? true : undefined));
    expect(heldTexts()).toEqual(['a1', 'a2']);
    expect(pubacks).toEqual([]);
  });

  it('acknowledges in the order of arrival, each only once settled, even when a later one is refused first', async () => {
    const c = await connect();
    for (const text of ['b1', 'b2', 'b3']) {
      publish(c, text);
      await eventually(`${text} with ingest`, async () => (heldTexts().includes(text) ? true : undefined));
    }
    byText('b3').settle('refused');
    byText('b2').settle('stored');
    await pause(200);
    // b1 is not committed: nothing may be acknowledged, not even the settled b2 and b3.
    expect(pubacks).toEqual([]);
    byText('b1').settle('stored');
    await eventually('three PUBACKs', async () => (pubacks.length === 3 ? true : undefined));
    expect(pubacks).toEqual(idsOf('b1', 'b2', 'b3'));
  });

  it('stops reading a connection at its bound and reads on once a message is settled', async () => {
    const c = await connect();
    for (const text of ['c1', 'c2', 'c3']) {
      publish(c, text);
      await eventually(`${text} with ingest`, async () => (heldTexts().includes(text) ? true : undefined));
    }
    // Three unanswered: the bound. The next ones wait in the socket, not in the broker.
    for (const text of ['c4', 'c5', 'c6', 'c7']) publish(c, text);
    await pause(300);
    expect(heldTexts()).toEqual(['c1', 'c2', 'c3']);
    byText('c1').settle('stored');
    await eventually('the waiting messages read', async () => (held.length === 7 ? true : undefined));
    expect(heldTexts()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    for (const text of ['c2', 'c3', 'c4', 'c5', 'c6', 'c7']) byText(text).settle('stored');
    await eventually('seven PUBACKs', async () => (pubacks.length === 7 ? true : undefined));
    expect(pubacks).toEqual(idsOf('c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'));
  });

  it('keeps reading other connections while one is at its bound', async () => {
    const c = await connect();
    for (const text of ['d1', 'd2', 'd3']) {
      publish(c, text);
      await eventually(`${text} with ingest`, async () => (heldTexts().includes(text) ? true : undefined));
    }
    const other = await mqtt.connectAsync(url, { clientId: 'coldchain-read-ahead-other', username: '_svc_read_ahead', password: SECRET, reconnectPeriod: 0 });
    try {
      publish(other, 'e1');
      await eventually('the other connection read', async () => (heldTexts().includes('e1') ? true : undefined));
      byText('e1').settle('stored');
    } finally {
      await other.endAsync();
    }
  });
});
