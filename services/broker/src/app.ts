import { Aedes } from 'aedes';
import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { parseDeviceTopic } from '@coldchain/schemas';
import { closeRevoked, isOrgSubscriptionAllowed, orgTopics } from './org-access.ts';
import { guardPacketSize } from './packet-size-guard.ts';
import { createReadAhead } from './read-ahead.ts';
import type { ReadAheadLimits } from './read-ahead.ts';
import type { AuthResult, ConnectRequest, Principal } from './principal.ts';
import type { TelemetrySink } from './telemetry-sink.ts';

/** What the broker needs from the rest of the service. */
export type BrokerDeps = {
  host: string;
  port: number;
  /** Checks a CONNECT: credentials, client id bound to the identity, throttling. */
  authenticate: (request: ConnectRequest) => Promise<AuthResult>;
  /**
   * Ingest in the publish path: a device's PUBACK is sent only once this has stored its message or
   * refused it on record. Without it (benchmarks' raw pass-through) the broker acknowledges on receipt.
   */
  ingest?: TelemetrySink;
  /** Keeps a refusal the broker makes itself (foreign topic, wildcard topic, oversized packet) on record. */
  recordRefusal?: (refusal: { deviceId: string | null; topic: string; code: string; reason: string; payload: Buffer }) => Promise<void>;
  /**
   * Whether a connected client's credential still holds (org-access.ts createPrincipalCheck): asked
   * every `revalidateEveryMs` for each organisation's subscriber, which is disconnected once it answers
   * false (its credential was revoked). Without it, a revoked credential is refused at its next CONNECT only.
   */
  isPrincipalActive?: (principal: Principal) => Promise<boolean>;
  /** How often connected organisations' subscribers are re-checked (default 10 s). */
  revalidateEveryMs?: number;
  /** Largest MQTT packet accepted (Remaining Length, bytes); larger ones end the connection unread. */
  maxPacketBytes?: number;
  /** How far a connection is read ahead of its messages' commits (read-ahead.ts; defaults there). */
  readAhead?: ReadAheadLimits;
  /** How long `stop()` waits for messages being stored before it closes the connections anyway. */
  drainTimeoutMs?: number;
  metrics?: Registry;
  log: Logger;
};

/** 1 MiB of payload (the device contract's largest message) plus the topic and header. */
export const DEFAULT_MAX_PACKET_BYTES = 1024 * 1024 + 1024;

/** The broker could not listen because its port is taken. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

function authError(message: string, returnCode: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** aedes's own refusals of a PUBLISH topic (lib/handlers/publish.js), before authorizePublish runs. */
const WILDCARD_PUBLISH = /^(# is not allowed|\+ is not allowed|empty topic not allowed) in PUBLISH/;

/**
 * The embedded MQTT broker (aedes). Devices authenticate with username = client id = device id and the
 * device secret, and may publish only under their own topics; services authenticate as `_svc_<name>`
 * with client ids `coldchain-...`. Organisations' subscribers (`org-...`, decision 0022) may subscribe to
 * their own alert and claim topics only and publish nothing; a revoked one is disconnected. With
 * `ingest`, telemetry is stored before it is acknowledged.
 */
export function buildBroker(deps: BrokerDeps) {
  const { log } = deps;
  const registry = deps.metrics ?? new Registry();
  const connectsRefused = new Counter({ name: 'coldchain_broker_connects_refused_total', help: 'CONNECTs the embedded broker refused, by reason (credentials, client id not bound to the identity, throttled)', labelNames: ['code'] as const, registers: [registry] });
  const subscribeRefused = new Counter({ name: 'coldchain_broker_subscribe_refused_total', help: "SUBSCRIBE filters the embedded broker refused (SUBACK 0x80), by reason: an organisation's subscriber asking for anything but its own alert and claim topics", labelNames: ['code'] as const, registers: [registry] });
  const publishRefused = new Counter({ name: 'coldchain_broker_publish_refused_total', help: 'PUBLISH packets the embedded broker refused itself, by reason', labelNames: ['code'] as const, registers: [registry] });
  const principals = new WeakMap<Client, Principal>();
  // Payloads of refused telemetry: acknowledged (the refusal is on record) but forwarded to nobody.
  const refusedPayloads = new WeakSet<Buffer>();
  const readAhead = createReadAhead(deps.readAhead);
  let aedes: Aedes | undefined;
  let server: Server | undefined;
  let isStopping = false;
  let storing = 0;
  let drained: (() => void) | undefined;
  let revalidateTimer: NodeJS.Timeout | undefined;
  let revalidating: Promise<number> | undefined;

  /** Disconnects every organisation's subscriber whose credential no longer holds; how many. */
  async function revalidateOrganisations(): Promise<number> {
    if (!aedes || !deps.isPrincipalActive) return 0;
    const clients = Object.values((aedes as unknown as { clients: Record<string, Client> }).clients);
    const connected = clients.flatMap((client) => {
      const principal = principals.get(client);
      return principal?.kind === 'organisation' ? [{ principal, client }] : [];
    });
    return closeRevoked(connected, deps.isPrincipalActive, {
      onRevoked: ({ principal, client }) => {
        log.warn({ username: principal.username, orgId: principal.orgId, code: 'credentials.revoked' }, 'broker.client_disconnected: its credential was revoked');
        principals.delete(client);
        client.close();
      },
      onError: ({ principal }, error) => log.error({ err: error, username: principal.username }, 'broker.revalidate_failed'),
    });
  }

  const refuse = (deviceId: string | null, topic: string, code: string, reason: string, payload: Buffer) => {
    publishRefused.inc({ code });
    log.warn({ deviceId, topic, code }, 'broker.publish_refused');
    deps.recordRefusal?.({ deviceId, topic, code, reason, payload }).catch((error: unknown) => log.error({ err: error, deviceId, topic }, 'broker.dead_letter_failed'));
  };

  /**
   * Stores telemetry before aedes writes the PUBACK (aedes acknowledges QoS 1 once `callback` runs), and
   * lets the connection be read further meanwhile (read-ahead.ts).
   */
  function ingestThenAcknowledge(client: Client, deviceId: string, packet: PublishPacket, callback: (error?: Error | null) => void): void {
    const sink = deps.ingest!;
    if (isStopping) return callback(new Error('broker stopping: not acknowledged, send again after reconnecting'));
    storing++;
    const payload = packet.payload as Buffer;
    const outcome = sink.acceptTelemetry(deviceId, packet.topic, payload, { qos: packet.qos, retain: packet.retain }).then(
      (result) => {
        if (result === 'refused') {
          refusedPayloads.add(payload);
          // Not kept as the topic's retained message either.
          packet.retain = false;
        }
        return null;
      },
      // Not stored: no PUBACK. aedes closes the connection and the device sends it again.
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    readAhead.handOff(client, payload.length, outcome, (error) => {
      callback(error);
      if (--storing === 0) drained?.();
    });
  }

  const authorizePublish = (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) => {
    const principal = client ? principals.get(client) : undefined;
    if (!client) return callback(null);
    if (!principal) return callback(new Error('not authenticated'));
    if (principal.kind === 'organisation') {
      // Organisations' credentials only listen (decision 0022). Refused on record and acknowledged, like a
      // device's foreign topic: forwarded to nobody, never retained. Its last will comes here too.
      refuse(null, packet.topic, 'publish.subscriber_only', `organisation credential ${principal.username} (${principal.orgId}) may not publish; it may only subscribe to ${orgTopics(principal.orgId).join(' and ')}; the message was refused`, packet.payload as Buffer);
      refusedPayloads.add(packet.payload as Buffer);
      packet.retain = false;
      return callback(null);
    }
    const topic = parseDeviceTopic(packet.topic);
    if (principal.kind === 'device' && topic?.deviceId !== principal.deviceId) {
      // Refused on record and acknowledged, so the device is not stuck resending it before its own readings.
      refuse(principal.deviceId, packet.topic, 'topic.foreign_device', `device ${principal.deviceId} may only publish under coldchain/v1/devices/${principal.deviceId}/; the message was refused`, packet.payload as Buffer);
      refusedPayloads.add(packet.payload as Buffer);
      packet.retain = false;
      return callback(null);
    }
    if (topic?.kind === 'telemetry' && deps.ingest) return ingestThenAcknowledge(client, topic.deviceId, packet, callback);
    callback(null);
  };

  // A flood of refused CONNECTs must not flood the log: one line per address and reason a minute, with
  // how many were left out; the metric counts every one.
  const refusalLogged = new Map<string, { at: number; suppressed: number }>();
  function logRefusal(client: Client, username: string, code: string, reason: string): void {
    const remoteAddress = (client.conn as Partial<Socket>).remoteAddress ?? '';
    const key = `${code} ${remoteAddress}`;
    const now = Date.now();
    const last = refusalLogged.get(key);
    if (last && now - last.at < 60_000) {
      last.suppressed++;
      return;
    }
    if (refusalLogged.size >= 10_000) refusalLogged.clear();
    refusalLogged.set(key, { at: now, suppressed: 0 });
    log.warn({ clientId: client.id.slice(0, 64), username: username.slice(0, 64), remoteAddress, code, reason, similarRefusalsNotLogged: last?.suppressed ?? 0 }, 'broker.connect_refused');
  }

  async function authenticate(client: Client, username: string, password: string): Promise<AuthResult> {
    const remoteAddress = (client.conn as Partial<Socket>).remoteAddress ?? '';
    return deps.authenticate({ username, password, clientId: client.id, remoteAddress });
  }

  return {
    async start(): Promise<{ port: number }> {
      isStopping = false;
      aedes = await Aedes.createBroker({
        authenticate: (client, username, password, done) => {
          authenticate(client, username ?? '', password?.toString('utf8') ?? '').then(
            (result) => {
              if (!result.ok) {
                connectsRefused.inc({ code: result.code });
                logRefusal(client, username ?? '', result.code, result.reason);
                return done(authError(result.reason, result.returnCode), false);
              }
              principals.set(client, result.principal);
              done(null, true);
            },
            (error: unknown) => {
              log.error({ err: error }, 'broker.authenticate_failed');
              done(authError('authentication unavailable', 5), false);
            },
          );
        },
        authorizePublish,
        authorizeForward: (_client, packet) => (refusedPayloads.has(packet.payload as Buffer) ? null : packet),
        authorizeSubscribe: (client, subscription, callback) => {
          const principal = principals.get(client);
          if (principal?.kind === 'organisation') {
            if (isOrgSubscriptionAllowed(principal.orgId, subscription.topic)) return callback(null, subscription);
            // A failure in the SUBACK for this filter (0x80, [MQTT-3.9.3]); the connection and the other
            // filters of the packet stay. Wildcards and $share/ groups are refused too: they would reach
            // other organisations' topics.
            subscribeRefused.inc({ code: 'topic.not_own' });
            log.warn({ username: principal.username, orgId: principal.orgId, topic: subscription.topic.slice(0, 200), code: 'topic.not_own' }, 'broker.subscribe_refused');
            return callback(null, null);
          }
          // aedes has no shared subscriptions (moscajs/aedes#228): it would accept `$share/...` and deliver
          // nothing. Refuse it loudly; share the stream on Mosquitto or EMQX.
          if (subscription.topic.startsWith('$share/')) {
            log.error({ topic: subscription.topic }, 'broker.shared_subscription_refused: the embedded broker has no shared subscriptions');
            return callback(new Error('shared subscriptions need an external broker (MQTT_URL)'));
          }
          // Devices only publish; subscriptions are for services.
          if (principal?.kind === 'service') return callback(null, subscription);
          callback(new Error('devices may not subscribe'));
        },
      });
      const broker = aedes;
      // Statuses (a device's retained online/offline, and its last will, which aedes publishes itself
      // without authorizePublish) reach ingest from here; they carry no readings.
      if (deps.ingest) {
        const sink = deps.ingest;
        broker.on('publish', (packet) => {
          // Every publish passes here (telemetry, $SYS, alerts): only status topics are parsed.
          if (!packet.topic.endsWith('/status')) return;
          const topic = parseDeviceTopic(packet.topic);
          if (topic?.kind !== 'status' || refusedPayloads.has(packet.payload as Buffer)) return;
          sink.acceptStatus(topic.deviceId, packet.payload as Buffer).catch((error: unknown) => log.error({ err: error, deviceId: topic.deviceId }, 'broker.status_failed'));
        });
      }
      broker.on('clientError', (client, error) => {
        if (!WILDCARD_PUBLISH.test(error.message)) return;
        const principal = principals.get(client);
        const deviceId = principal?.kind === 'device' ? principal.deviceId : null;
        refuse(deviceId, '(a topic with + or #, or empty)', 'topic.wildcard', `PUBLISH to a wildcard or empty topic is not allowed [MQTT-3.3.2-2]; the broker closed the connection (${error.message})`, Buffer.alloc(0));
      });
      if (deps.isPrincipalActive) {
        revalidateTimer = setInterval(() => {
          revalidating ??= revalidateOrganisations().finally(() => (revalidating = undefined));
        }, deps.revalidateEveryMs ?? 10_000);
        revalidateTimer.unref();
      }
      const maxPacketBytes = deps.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
      server = createServer((socket) => {
        guardPacketSize(socket, maxPacketBytes, (announced) => {
          const client = Object.values((broker as unknown as { clients: Record<string, Client> }).clients).find((c) => c.conn === socket);
          const principal = client ? principals.get(client) : undefined;
          refuse(principal?.kind === 'device' ? principal.deviceId : null, '(not read)', 'message.too_large', `an MQTT packet of ${announced} bytes was announced; the limit is ${maxPacketBytes} (MQTT_MAX_PACKET_BYTES); the broker closed the connection before reading it`, Buffer.alloc(0));
        });
        readAhead.gate(socket);
        broker.handle(socket);
      });
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

    /**
     * Re-checks the connected organisations' subscribers now, as the timer does every
     * `revalidateEveryMs`, and disconnects those whose credential was revoked; answers how many.
     */
    async revalidate(): Promise<number> {
      await revalidating;
      return revalidateOrganisations();
    },

    /** Connected clients, for metrics and tests. */
    connectedClients(): number {
      return aedes?.connectedClients ?? 0;
    },

    /**
     * Stops in the safe order: no new connections and no new messages taken (a message arriving now is
     * not acknowledged, so the device sends it again later), then waits for the messages being stored
     * to be committed and acknowledged, then closes every connection.
     */
    async stop(): Promise<void> {
      isStopping = true;
      clearInterval(revalidateTimer);
      await revalidating;
      const closed = new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
      if (storing > 0) {
        const timeoutMs = deps.drainTimeoutMs ?? 10_000;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            log.warn({ storing, timeoutMs }, 'broker.drain_timeout: closing with messages still being stored (they stay unacknowledged)');
            resolve();
          }, timeoutMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      // Let the PUBACKs written by the last callbacks leave before the sockets close.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => (aedes ? aedes.close(() => resolve()) : resolve()));
      await closed;
    },
  };
}

export type Broker = ReturnType<typeof buildBroker>;
