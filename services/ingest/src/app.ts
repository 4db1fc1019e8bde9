import type { MqttClient } from 'mqtt';
import type { MqttConnectionOptions } from '@coldchain/bus';
import { closeMqtt, connectMqtt } from '@coldchain/bus';
import { parseDeviceTopic, STATUS_FILTER, TELEMETRY_FILTER } from '@coldchain/schemas';
import { createIngestPipeline, IngestStoppingError } from './pipeline.ts';
import type { IngestPipelineDeps, IngestStats } from './pipeline.ts';

/** What ingest needs when it consumes from an external broker: the pipeline's needs and a broker connection. */
export type IngestDeps = IngestPipelineDeps & {
  mqtt: MqttConnectionOptions;
  /** Subscription filter; `$share/ingest/...` to share the stream between instances (Mosquitto, EMQX). */
  filter?: string;
  /**
   * MQTT connections on the shared subscription (needs a `$share/...` filter). Messages from all of
   * them share commits (group commit); one connection already keeps `maxUnacked` messages in flight.
   */
  connections?: number;
  /** Messages a connection holds unacknowledged while they are stored (default 1000; 1 = one at a time). */
  maxUnacked?: number;
};

export type { IngestStats };

/**
 * Messages one connection holds unacknowledged while they are checked and committed (default): they
 * share commits, one fsync for all that arrive during the one before. Bounds ingest's memory; past it,
 * TCP pushes back on the broker, which queues for the session.
 */
const DEFAULT_MAX_UNACKED = 1000;

/**
 * Ingest as a consumer of an external broker (Mosquitto, EMQX): the broker acknowledged the device, and
 * ingest acknowledges each message to the broker only once the pipeline has stored or dead-lettered it,
 * so the broker's persistent session keeps whatever ingest has not finished. With the embedded broker
 * the same pipeline runs inside the broker's publish path instead (see services/all-in-one).
 */
export function buildIngest(deps: IngestDeps) {
  const { log } = deps;
  const pipeline = createIngestPipeline(deps);
  const clients: MqttClient[] = [];

  async function handle(topic: string, payload: Buffer, packet: { qos: number; retain?: boolean }): Promise<void> {
    const parsed = parseDeviceTopic(topic);
    if (parsed?.kind === 'status') {
      // Retained statuses come again at every subscribe: only live changes are events.
      if (!packet.retain) await pipeline.acceptStatus(parsed.deviceId, payload);
      return;
    }
    await pipeline.acceptTelemetry(parsed?.deviceId ?? null, topic, payload, { qos: packet.qos, retain: packet.retain === true });
  }

  return {
    async start(): Promise<void> {
      const filter = deps.filter ?? TELEMETRY_FILTER;
      const count = deps.connections ?? 1;
      if (count > 1 && !filter.startsWith('$share/')) throw new Error(`${count} ingest connections need a shared subscription ($share/<group>/...): set MQTT_SHARED_GROUP`);
      pipeline.start();
      // Statuses go to the same share group as telemetry, so each change is recorded once.
      const statusFilter = filter.startsWith('$share/') ? filter.replace(TELEMETRY_FILTER, STATUS_FILTER) : STATUS_FILTER;
      const onError = (error: unknown, topic: string) =>
        // Arriving while ingest stops: left unacknowledged on purpose, the broker delivers it again.
        error instanceof IngestStoppingError ? log.debug({ topic }, 'ingest.not_taken_while_stopping') : log.error({ err: error, topic }, 'ingest.store_failed');
      const consumer = { handle, onError, maxUnacked: deps.maxUnacked ?? DEFAULT_MAX_UNACKED };
      for (let k = 0; k < count; k++) {
        const connection = await connectMqtt({ ...deps.mqtt, clientId: count > 1 ? `${deps.mqtt.clientId}-${k}` : deps.mqtt.clientId }, consumer);
        // MQTT 5 Retain As Published [MQTT-3.8.3-3]: a device's retained telemetry keeps its flag, so it
        // is refused like on the embedded broker (MQTT 3.1.1 clears the flag on live forwarding).
        await connection.subscribeAsync({ [filter]: { qos: 1, rap: true }, [statusFilter]: { qos: 1 } });
        clients.push(connection);
      }
      log.info({ filter, connections: count }, 'ingest.subscribed');
    },
    stats: (): IngestStats => pipeline.stats(),
    async stop(): Promise<void> {
      // Messages already handed over are stored and acknowledged before the goodbye (a message stored
      // but not acknowledged would only come again, as a duplicate).
      await pipeline.stop();
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(clients.splice(0).map((c) => closeMqtt(c)));
    },
    /** Drops the connection without a clean DISCONNECT, as a crashed process would (for tests). */
    async crash(): Promise<void> {
      await Promise.all(clients.splice(0).map((c) => closeMqtt(c, true)));
      await pipeline.stop().catch(() => undefined);
    },
  };
}

export type Ingest = ReturnType<typeof buildIngest>;
