import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Clock, MqttConnectionOptions } from '@coldchain/bus';
import { closeMqtt, connectMqtt, handleMessagesInOrder } from '@coldchain/bus';
import { decodeTelemetry, parseDeviceTopic, TELEMETRY_FILTER } from '@coldchain/schemas';
import type { OpsStore, TelemetryStore } from '@coldchain/storage';
import { recordDeadLetter } from './dead-letter.ts';

/** What ingest needs: a broker connection, the stores, a clock, a logger. */
export type IngestDeps = {
  mqtt: MqttConnectionOptions;
  telemetry: TelemetryStore;
  ops: Pick<OpsStore, 'insertDeadLetter'>;
  clock: Clock;
  log: Logger;
};

/** Counters since start, for metrics and tests. */
export type IngestStats = { messages: number; accepted: number; duplicates: number; rejected: number };

/**
 * Ingest: validates every telemetry message, stores its readings (deduplicated on device and device
 * time), and keeps every refused message as a dead letter with its reason. A message is acknowledged
 * to the broker only once it is stored or dead-lettered, so nothing acknowledged is lost.
 */
export function buildIngest(deps: IngestDeps) {
  const { log } = deps;
  const stats: IngestStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0 };
  let client: MqttClient | undefined;

  async function handle(topic: string, payload: Buffer): Promise<void> {
    stats.messages++;
    const receivedAt = deps.clock.now();
    const parsedTopic = parseDeviceTopic(topic);
    if (!parsedTopic || parsedTopic.kind !== 'telemetry') {
      stats.rejected++;
      await recordDeadLetter(deps.ops, { deviceId: null, topic, code: 'topic.invalid', reason: `not a telemetry topic: ${topic}`, payload, receivedAt });
      return;
    }
    const { deviceId } = parsedTopic;
    const decoded = decodeTelemetry(payload);
    if (!decoded.ok) {
      stats.rejected++;
      log.warn({ deviceId, code: decoded.code, reason: decoded.reason }, 'ingest.rejected');
      await recordDeadLetter(deps.ops, { deviceId, topic, code: decoded.code, reason: decoded.reason, payload, receivedAt });
      return;
    }
    const { inserted, duplicates } = await deps.telemetry.insertReadings(
      decoded.message.readings.map((r) => ({ deviceId, ...r, receivedAt })),
    );
    stats.accepted += inserted;
    stats.duplicates += duplicates;
  }

  return {
    async start(): Promise<void> {
      client = await connectMqtt(deps.mqtt);
      handleMessagesInOrder(client, handle, (error, topic) => log.error({ err: error, topic }, 'ingest.store_failed'));
      await client.subscribeAsync(TELEMETRY_FILTER, { qos: 1 });
      log.info({ filter: TELEMETRY_FILTER }, 'ingest.subscribed');
    },
    stats(): IngestStats {
      return { ...stats };
    },
    async stop(): Promise<void> {
      await closeMqtt(client);
      client = undefined;
    },
  };
}

export type Ingest = ReturnType<typeof buildIngest>;
