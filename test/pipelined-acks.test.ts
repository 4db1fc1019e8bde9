import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { closeMqtt, connectMqtt } from '@coldchain/bus';
import { telemetryTopic, TELEMETRY_FILTER } from '@coldchain/schemas';
import { eventually } from './helpers/all-in-one.ts';

// The pipelined consumer (packages/bus/src/pipelined-acks.ts) against the real embedded broker. What
// the broker sends again after the consumer crashes shows which messages were acknowledged.
const SECRET = 'pipelined-acks-test-secret-0123456789';
const log = pino({ level: 'silent' });

type Held = { topic: string; text: string; resolve: () => void; reject: (error: Error) => void };

/** A pipelined consumer whose handler holds every message until the test settles it. */
async function startConsumer(url: string, clientId: string, maxUnacked: number) {
  const held: Held[] = [];
  const client = await connectMqtt(
    { url, clientId: `coldchain-${clientId}`, username: '_svc_pipeline', password: SECRET, isPersistent: true },
    {
      handle: (topic, payload) => new Promise<void>((resolve, reject) => held.push({ topic, text: payload.toString('utf8'), resolve, reject })),
      onError: () => undefined,
      maxUnacked,
    },
  );
  await client.subscribeAsync(TELEMETRY_FILTER, { qos: 1 });
  return { client, held, texts: () => held.map((h) => h.text), byText: (text: string) => held.find((h) => h.text === text)! };
}

describe('pipelined acknowledgement (real aedes broker)', () => {
  let broker: ReturnType<typeof buildBroker>;
  let url: string;
  let publisher: MqttClient;

  beforeAll(async () => {
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async () => undefined, serviceSecret: SECRET }) });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
    publisher = await mqtt.connectAsync(url, { clientId: 'coldchain-pipeline-publisher', username: '_svc_publisher', password: SECRET, reconnectPeriod: 0 });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.stop();
  });

  const publish = async (device: string, texts: string[]) => {
    for (const text of texts) await publisher.publishAsync(telemetryTopic(device), text, { qos: 1 });
  };

  it('hands messages over before earlier ones are handled, and acknowledges only a settled prefix, in order', async () => {
    const first = await startConsumer(url, 'pipeline-order', 10);
    await publish('order', ['m1', 'm2', 'm3', 'm4', 'm5']);
    // All five are with the handler at once, none settled: one-at-a-time delivery would show only m1.
    await eventually('five messages in flight', async () => (first.held.length === 5 ? true : undefined));
    expect(first.texts()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);

    // m2 and m3 are done, but m1 is not: nothing may be acknowledged yet. Then m1 is done: m1…m3 are.
    first.byText('m2').resolve();
    first.byText('m3').resolve();
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.byText('m1').resolve();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await closeMqtt(first.client, true);

    // The broker sends again exactly what was not acknowledged.
    const second = await startConsumer(url, 'pipeline-order', 10);
    await eventually('the unacknowledged messages again', async () => (second.held.length >= 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.texts()).toEqual(['m4', 'm5']);
    for (const h of second.held) h.resolve();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await closeMqtt(second.client);
  });

  it('acknowledges nothing after an unsettled message, even when later ones are done', async () => {
    const first = await startConsumer(url, 'pipeline-head', 10);
    await publish('head', ['h1', 'h2', 'h3']);
    await eventually('three messages in flight', async () => (first.held.length === 3 ? true : undefined));
    first.byText('h2').resolve();
    first.byText('h3').resolve();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await closeMqtt(first.client, true);

    const second = await startConsumer(url, 'pipeline-head', 10);
    await eventually('all three again', async () => (second.held.length >= 3 ? true : undefined));
    expect(second.texts()).toEqual(['h1', 'h2', 'h3']);
    for (const h of second.held) h.resolve();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await closeMqtt(second.client);
  });

  it('does not acknowledge a message whose handler failed: the next session gets it again', async () => {
    const first = await startConsumer(url, 'pipeline-fail', 10);
    await publish('fail', ['f1', 'f2']);
    await eventually('two messages in flight', async () => (first.held.length === 2 ? true : undefined));
    first.byText('f1').reject(new Error('store down'));
    first.byText('f2').resolve();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await closeMqtt(first.client, true);

    const second = await startConsumer(url, 'pipeline-fail', 10);
    await eventually('the failed message again', async () => (second.held.length >= 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.texts()).toEqual(['f1']);
    second.held[0]!.resolve();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await closeMqtt(second.client);
  });

  it('holds mqtt.js once maxUnacked messages are unsettled, and goes on as they settle', async () => {
    const consumer = await startConsumer(url, 'pipeline-bound', 3);
    await publish('bound', ['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    await eventually('three messages in flight', async () => (consumer.held.length === 3 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(consumer.held).toHaveLength(3);
    consumer.byText('b1').resolve();
    await eventually('the fourth message', async () => (consumer.held.length === 4 ? true : undefined));
    for (const text of ['b2', 'b3', 'b4']) consumer.byText(text).resolve();
    await eventually('all six', async () => (consumer.held.length === 6 ? true : undefined));
    expect(consumer.texts()).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    for (const text of ['b5', 'b6']) consumer.byText(text).resolve();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await closeMqtt(consumer.client);
  });
});
