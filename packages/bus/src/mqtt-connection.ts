import mqtt from 'mqtt';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import { handleMessages } from './pipelined-acks.ts';

/** How a service reaches the broker. */
export type MqttConnectionOptions = {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /**
   * Keep the session (and the QoS 1 messages queued for it) across restarts: MQTT 3.1.1 clean
   * session 0, the default. [MQTT-3.1.2-4]
   */
  isPersistent?: boolean;
  /** 4 = MQTT 3.1.1 (aedes speaks only this), 5 = MQTT 5 (Mosquitto, EMQX). */
  protocolVersion?: 4 | 5;
  /** MQTT 5: how long the broker keeps a persistent session (and its queue) after a disconnect. */
  sessionExpirySeconds?: number;
};

/** A week: ingest or rules may be down over a weekend without losing what devices publish. */
const DEFAULT_SESSION_EXPIRY_S = 7 * 24 * 3600;

/** A consumer's message handler: the PUBACK waits for it; `onError` hears of messages left unacknowledged. */
export type MessageConsumer = {
  handle: (topic: string, payload: Buffer, packet: IPublishPacket) => Promise<void>;
  onError: (error: unknown, topic: string) => void;
  /**
   * Messages handed over before the earlier ones' handlers have resolved: at most this many
   * unacknowledged (default 1, one at a time). PUBACKs go out only after each handler resolves, in
   * arrival order. See pipelined-acks.ts.
   */
  maxUnacked?: number;
};

/**
 * Connects a service to the broker and resolves once connected; rejects with the broker's refusal
 * (bad credentials) or after `timeoutMs`. Reconnects on its own afterwards. A `consumer` is installed
 * before the connection opens: a persistent session's queued messages arrive right after CONNACK and
 * must not be acknowledged by mqtt.js's default handler before the service has them.
 */
export async function connectMqtt(options: MqttConnectionOptions, consumer?: MessageConsumer, timeoutMs = 10_000): Promise<MqttClient> {
  const isPersistent = options.isPersistent ?? true;
  const protocolVersion = options.protocolVersion ?? 4;
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    // MQTT 5 Clean Start 0 with a session expiry keeps the queue while the consumer is down [MQTT-3.1.2-4].
    clean: !isPersistent,
    protocolVersion,
    ...(protocolVersion === 5
      ? {
          properties: {
            ...(isPersistent ? { sessionExpiryInterval: options.sessionExpirySeconds ?? DEFAULT_SESSION_EXPIRY_S } : {}),
            // MQTT 5 Receive Maximum: the broker sends no more unacknowledged messages than the consumer holds.
            // Only for a pipelined consumer: one handling a message at a time gains from the broker sending ahead.
            ...(consumer?.maxUnacked && consumer.maxUnacked > 1 ? { receiveMaximum: Math.min(consumer.maxUnacked, 65_535) } : {}),
          },
        }
      : {}),
    reconnectPeriod: 1000,
    connectTimeout: timeoutMs,
    manualConnect: true,
  };
  const client = mqtt.connect(options.url, clientOptions);
  if (consumer) handleMessages(client, consumer.handle, consumer.onError, consumer.maxUnacked ?? 1);
  client.connect();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no answer from MQTT broker ${options.url} within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      client.removeListener('connect', ok);
      client.end(true);
      reject(error);
    };
    const ok = () => {
      clearTimeout(timer);
      client.removeListener('error', fail);
      resolve();
    };
    client.once('connect', ok);
    client.once('error', fail);
  });
  return client;
}

/** Closes a client, waiting for in-flight messages. */
export async function closeMqtt(client: MqttClient | undefined, force = false): Promise<void> {
  if (!client) return;
  await client.endAsync(force);
}
