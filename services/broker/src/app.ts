import { Aedes } from 'aedes';
import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import type { Logger } from 'pino';
import { parseDeviceTopic } from '@coldchain/schemas';
import type { Principal } from './principal.ts';

/** What the broker needs from the rest of the service. */
export type BrokerDeps = {
  host: string;
  port: number;
  /** Checks MQTT credentials; null refuses the connection. */
  authenticate: (username: string, password: string) => Promise<Principal | null>;
  /** Told of a device publishing where it may not, so the refusal is on record. */
  onRefusedPublish?: (deviceId: string, topic: string, payload: Buffer) => void;
  log: Logger;
};

/** The broker could not listen because its port is taken. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

const principals = new WeakMap<Client, Principal>();

function authError(message: string, returnCode: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * The embedded MQTT broker (aedes). Devices authenticate with username = device id and password =
 * device secret, and may publish only under their own topics; services authenticate as `_svc_<name>`.
 */
export function buildBroker(deps: BrokerDeps) {
  const { log } = deps;
  let aedes: Aedes | undefined;
  let server: Server | undefined;

  const authorizePublish = (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) => {
    const principal = client ? principals.get(client) : undefined;
    if (!client || principal?.kind === 'service') return callback(null);
    if (!principal) return callback(new Error('not authenticated'));
    const topic = parseDeviceTopic(packet.topic);
    if (topic && topic.deviceId === principal.deviceId) return callback(null);
    log.warn({ deviceId: principal.deviceId, topic: packet.topic }, 'broker.publish_refused');
    deps.onRefusedPublish?.(principal.deviceId, packet.topic, Buffer.from(packet.payload));
    // [MQTT-3.3.5-2] 3.1.1 has no negative PUBACK: aedes closes the connection, the message is dropped.
    callback(new Error(`device ${principal.deviceId} may not publish to ${packet.topic}`));
  };

  return {
    async start(): Promise<{ port: number }> {
      aedes = await Aedes.createBroker({
        authenticate: (client, username, password, done) => {
          deps
            .authenticate(username ?? '', password?.toString('utf8') ?? '')
            .then((principal) => {
              if (!principal) {
                log.warn({ clientId: client.id, username }, 'broker.connect_refused');
                return done(authError('bad username or password', 4), false);
              }
              principals.set(client, principal);
              done(null, true);
            })
            .catch((error: unknown) => {
              log.error({ err: error }, 'broker.authenticate_failed');
              done(authError('authentication unavailable', 5), false);
            });
        },
        authorizePublish,
        authorizeSubscribe: (client, subscription, callback) => {
          // aedes has no shared subscriptions (moscajs/aedes#228): it would accept `$share/...` and deliver
          // nothing. Refuse it loudly; share the stream on Mosquitto or EMQX.
          if (subscription.topic.startsWith('$share/')) {
            log.error({ topic: subscription.topic }, 'broker.shared_subscription_refused: the embedded broker has no shared subscriptions');
            return callback(new Error('shared subscriptions need an external broker (MQTT_URL)'));
          }
          // Devices only publish; subscriptions are for services.
          if (principals.get(client)?.kind === 'service') return callback(null, subscription);
          callback(new Error('devices may not subscribe'));
        },
      });
      const broker = aedes;
      server = createServer(broker.handle);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new PortInUseError(deps.port) : error),
        );
        server!.listen(deps.port, deps.host, () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      log.info({ host: deps.host, port }, 'broker.listening');
      return { port };
    },

    /** Connected clients, for metrics and tests. */
    connectedClients(): number {
      return aedes?.connectedClients ?? 0;
    },

    async stop(): Promise<void> {
      await new Promise<void>((resolve) => (aedes ? aedes.close(() => resolve()) : resolve()));
      await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

export type Broker = ReturnType<typeof buildBroker>;
