import mqtt from 'mqtt';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';

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
};

/**
 * Connects a service to the broker and resolves once connected; rejects with the broker's refusal
 * (bad credentials) or after `timeoutMs`. Reconnects on its own afterwards.
 */
export async function connectMqtt(options: MqttConnectionOptions, timeoutMs = 10_000): Promise<MqttClient> {
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clean: !(options.isPersistent ?? true),
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: timeoutMs,
  };
  const client = mqtt.connect(options.url, clientOptions);
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

/**
 * Makes a client acknowledge each QoS 1 message only after `handle` resolves, so a message is never
 * acknowledged before it is durably processed. mqtt.js sends the PUBACK when handleMessage calls back.
 */
export function handleMessagesInOrder(
  client: MqttClient,
  handle: (topic: string, payload: Buffer, packet: IPublishPacket) => Promise<void>,
  onError: (error: unknown, topic: string) => void,
): void {
  client.handleMessage = (packet, callback) => {
    handle(packet.topic, packet.payload as Buffer, packet).then(
      () => callback(),
      (error: unknown) => {
        onError(error, packet.topic);
        // Not acknowledged: the broker redelivers it on the next session.
        callback(error as Error);
      },
    );
  };
}

/** Closes a client, waiting for in-flight messages. */
export async function closeMqtt(client: MqttClient | undefined, force = false): Promise<void> {
  if (!client) return;
  await client.endAsync(force);
}
