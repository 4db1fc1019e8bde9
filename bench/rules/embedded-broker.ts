// The embedded broker (aedes) on loopback, as the all-in-one process runs it; every client of the
// benchmark connects as a service.
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { buildBroker, createAuthenticator } from '@coldchain/broker';

const SECRET = 'bench-rules-service-secret-0123456789';

export type EmbeddedBroker = { url: string; username: string; password: string; connect(name: string): Promise<MqttClient>; stop(): Promise<void> };

export async function startEmbeddedBroker(): Promise<EmbeddedBroker> {
  const log = pino({ level: 'error' });
  const broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async () => undefined, serviceSecret: SECRET }) });
  const { port } = await broker.start();
  const url = `mqtt://127.0.0.1:${port}`;
  return {
    url,
    username: '_svc_bench',
    password: SECRET,
    connect: (name) => mqtt.connectAsync(url, { clientId: `coldchain-bench-${name}-${process.pid}`, username: `_svc_${name}`, password: SECRET, clean: true, reconnectPeriod: 0, protocolVersion: 4 }),
    stop: () => broker.stop(),
  };
}
