import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Clock, MqttConnectionOptions } from '@coldchain/bus';
import { closeMqtt, connectMqtt, createDeviceKeyCache } from '@coldchain/bus';
import { decodeTelemetry, DeviceRateLimiter, parseDeviceTopic, screenReadings, STATUS_FILTER, TELEMETRY_FILTER } from '@coldchain/schemas';
import type { RateLimit } from '@coldchain/schemas';
import { SpoolFullError } from '@coldchain/storage';
import type { OpsStore, StoredReading, TelemetryStore } from '@coldchain/storage';
import { createGroupCommitter } from './group-commit.ts';
import { recordDeadLetter } from './dead-letter.ts';
import { createIngestMetrics } from './ingest-metrics.ts';

/** What ingest needs: a broker connection, the stores, a clock, a logger. */
export type IngestDeps = {
  mqtt: MqttConnectionOptions;
  /** Subscription filter; `$share/ingest/...` to share the stream between instances (Mosquitto, EMQX). */
  filter?: string;
  telemetry: TelemetryStore;
  ops: Pick<OpsStore, 'insertDeadLetter' | 'recordDeviceEvent' | 'getDevice'>;
  clock: Clock;
  log: Logger;
  metrics?: Registry;
  rateLimit?: RateLimit;
  /** A device whose last message is older than this is silent: a `no_data` event (default 30 min). */
  noDataAfterMs?: number;
  /** How often silence is checked; it needs no new data to be noticed (default 60 s). */
  noDataCheckMs?: number;
  /**
   * MQTT connections on the shared subscription (needs a `$share/...` filter). Messages from all of
   * them share commits (group commit); one connection already keeps `maxUnacked` messages in flight.
   */
  connections?: number;
  /** Messages a connection holds unacknowledged while they are stored (default 1000; 1 = one at a time). */
  maxUnacked?: number;
};

/** Counters since start, for tests. */
export type IngestStats = { messages: number; accepted: number; duplicates: number; rejected: number };

/**
 * Messages one connection holds unacknowledged while they are checked and committed (default): they
 * share commits, one fsync for all that arrive during the one before. Bounds ingest's memory; past it,
 * TCP pushes back on the broker, which queues for the session.
 */
const DEFAULT_MAX_UNACKED = 1000;

/** Dead letters for a flooding device are kept at most once per this window; the metric counts all. */
const RATE_LIMIT_RECORD_MS = 10_000;

/**
 * Ingest: validates every telemetry message, stores its readings (deduplicated on device and device
 * time), and keeps every refusal as a dead letter with its reason. A message is acknowledged to the
 * broker only once it is stored or dead-lettered, so nothing acknowledged is lost; while the store's
 * spool is full it waits, and the broker keeps the messages.
 */
export function buildIngest(deps: IngestDeps) {
  const { log, clock } = deps;
  const stats: IngestStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const metrics = createIngestMetrics(deps.metrics ?? new Registry(), deps.telemetry);
  const limiter = new DeviceRateLimiter(deps.rateLimit);
  const lastSeq = new Map<string, number>();
  const deviceKey = createDeviceKeyCache(deps.ops, () => clock.now());
  const lastRateLimitRecord = new Map<string, number>();
  const clients: MqttClient[] = [];
  let isStopping = false;
  // Last message per device (server time) and the devices currently flagged silent.
  const lastHeardAt = new Map<string, number>();
  const silent = new Set<string>();
  let silenceTimer: NodeJS.Timeout | undefined;
  const noDataAfterMs = deps.noDataAfterMs ?? 30 * 60_000;

  async function checkSilence(): Promise<void> {
    const now = clock.now();
    for (const [deviceId, at] of lastHeardAt) {
      if (silent.has(deviceId) || now - at < noDataAfterMs) continue;
      silent.add(deviceId);
      log.warn({ deviceId, lastHeardAt: at }, 'ingest.no_data');
      await deps.ops.recordDeviceEvent({ deviceId, kind: 'no_data', detail: `no message for ${Math.round((now - at) / 60_000)} min (last at ${new Date(at).toISOString()})`, at: now });
    }
  }

  async function heard(deviceId: string, at: number): Promise<void> {
    lastHeardAt.set(deviceId, at);
    if (silent.delete(deviceId)) await deps.ops.recordDeviceEvent({ deviceId, kind: 'data_resumed', detail: 'messages arrive again', at });
  }

  async function handleStatus(deviceId: string, payload: Buffer, isRetained: boolean): Promise<undefined> {
    // Retained statuses come again at every subscribe: only live changes are events.
    if (isRetained) return;
    const status = payload.toString('utf8').trim();
    if (status !== 'online' && status !== 'offline') return;
    await deps.ops.recordDeviceEvent({ deviceId, kind: status, detail: status === 'offline' ? 'the device went offline (last will or clean goodbye)' : 'the device connected', at: clock.now() });
  }

  async function refuse(deviceId: string | null, topic: string, code: string, reason: string, payload: Buffer, receivedAt: number): Promise<undefined> {
    stats.rejected++;
    metrics.messagesRejected.inc({ reason: code });
    log.warn({ deviceId, code, reason: reason.slice(0, 300) }, 'ingest.rejected');
    await recordDeadLetter(deps.ops, { deviceId, topic, code, reason, payload, receivedAt });
  }

  async function commit(readings: StoredReading[]) {
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await deps.telemetry.insertReadings(readings);
        metrics.writeSeconds.observe((performance.now() - started) / 1000);
        stats.accepted += result.inserted;
        stats.duplicates += result.duplicates;
        metrics.readingsAccepted.inc(result.inserted);
        metrics.readingsDuplicate.inc(result.duplicates);
        return result;
      } catch (error) {
        // Back-pressure: not acknowledged until stored; the broker holds the rest meanwhile.
        if (!(error instanceof SpoolFullError) || isStopping) throw error;
        if (attempt % 30 === 0) log.error({ err: error }, 'ingest.spool_full');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  const store = createGroupCommitter(commit);

  /**
   * Checks one message and records what it refuses; returns the readings to store. Runs one message at
   * a time in arrival order (sequence gaps, rate limits), while commits of earlier messages go on.
   */
  async function prepare(topic: string, payload: Buffer, packet: { retain?: boolean }): Promise<StoredReading[] | undefined> {
    const receivedAt = clock.now();
    const parsedTopic = parseDeviceTopic(topic);
    if (parsedTopic?.kind === 'status') return handleStatus(parsedTopic.deviceId, payload, packet.retain === true);
    stats.messages++;
    metrics.messages.inc();
    if (!parsedTopic) return refuse(null, topic, 'topic.invalid', `not a telemetry topic: ${topic}`, payload, receivedAt);
    const { deviceId } = parsedTopic;
    await heard(deviceId, receivedAt);

    if (!limiter.tryTake(deviceId, receivedAt)) {
      stats.rejected++;
      metrics.messagesRejected.inc({ reason: 'device.rate_limited' });
      if (receivedAt - (lastRateLimitRecord.get(deviceId) ?? 0) >= RATE_LIMIT_RECORD_MS) {
        lastRateLimitRecord.set(deviceId, receivedAt);
        const limit = deps.rateLimit ?? { perSecond: 20, burst: 200 };
        await recordDeadLetter(deps.ops, { deviceId, topic, code: 'device.rate_limited', reason: `device sends more than ${limit.perSecond} messages/s (bursts of ${limit.burst}); messages over the limit are refused (this record stands for all refused in the next ${RATE_LIMIT_RECORD_MS / 1000} s, see coldchain_messages_rejected_total)`, payload, receivedAt });
      }
      return;
    }

    const decoded = decodeTelemetry(payload, await deviceKey(deviceId));
    if (!decoded.ok) return refuse(deviceId, topic, decoded.code, decoded.reason, payload, receivedAt);

    const { seq } = decoded.message;
    if (seq !== null) {
      const previous = lastSeq.get(deviceId);
      if (previous !== undefined && seq > previous + 1) {
        metrics.seqGaps.inc();
        await deps.ops.recordDeviceEvent({ deviceId, kind: 'seq_gap', detail: `messages ${previous + 1}…${seq - 1} never arrived (${seq - previous - 1} missing)`, at: receivedAt });
      }
      // A restarted logger starts again from 0: follow it rather than flag every later message.
      if (previous === undefined || seq > previous || seq === 0) lastSeq.set(deviceId, seq);
    }

    const { accepted, rejected } = screenReadings(decoded.message.readings, receivedAt);
    if (rejected.length > 0) {
      stats.rejected += rejected.length;
      for (const r of rejected) metrics.readingsRejected.inc({ reason: r.code });
      const reason = rejected.slice(0, 5).map((r) => r.reason).join('; ') + (rejected.length > 5 ? `; and ${rejected.length - 5} more` : '');
      await recordDeadLetter(deps.ops, { deviceId, topic, code: rejected[0]!.code, reason: `${rejected.length} of ${decoded.message.readings.length} readings refused: ${reason}`, payload, receivedAt });
    }
    if (accepted.length === 0) return;
    return accepted.map((r) => ({ deviceId, sampledAt: r.sampledAt, tempC: r.tempC, rhPct: r.rhPct, receivedAt }));
  }

  let preparing: Promise<unknown> = Promise.resolve();

  /** One message: checked in turn, then stored in the next group commit; resolves once stored. */
  async function handle(topic: string, payload: Buffer, packet: { retain?: boolean }): Promise<void> {
    const prepared = preparing.then(() => prepare(topic, payload, packet));
    preparing = prepared.catch(() => undefined);
    const readings = await prepared;
    if (readings) await store(readings);
  }


  return {
    async start(): Promise<void> {
      isStopping = false;
      const filter = deps.filter ?? TELEMETRY_FILTER;
      const count = deps.connections ?? 1;
      if (count > 1 && !filter.startsWith('$share/')) throw new Error(`${count} ingest connections need a shared subscription ($share/<group>/...): set MQTT_SHARED_GROUP`);
      // Statuses go to the same share group as telemetry, so each change is recorded once.
      const statusFilter = filter.startsWith('$share/') ? filter.replace(TELEMETRY_FILTER, STATUS_FILTER) : STATUS_FILTER;
      const consumer = { handle, onError: (error: unknown, topic: string) => log.error({ err: error, topic }, 'ingest.store_failed'), maxUnacked: deps.maxUnacked ?? DEFAULT_MAX_UNACKED };
      for (let k = 0; k < count; k++) {
        const connection = await connectMqtt({ ...deps.mqtt, clientId: count > 1 ? `${deps.mqtt.clientId}-${k}` : deps.mqtt.clientId }, consumer);
        await connection.subscribeAsync({ [filter]: { qos: 1 }, [statusFilter]: { qos: 1 } });
        clients.push(connection);
      }
      log.info({ filter, connections: count }, 'ingest.subscribed');
      silenceTimer = setInterval(() => void checkSilence().catch((error: unknown) => log.error({ err: error }, 'ingest.silence_check_failed')), deps.noDataCheckMs ?? 60_000);
    },
    stats(): IngestStats {
      return { ...stats };
    },
    async stop(): Promise<void> {
      isStopping = true;
      clearInterval(silenceTimer);
      // Messages already handed over are stored and acknowledged before the goodbye (a message stored
      // but not acknowledged would only come again, as a duplicate).
      await preparing;
      await store.idle();
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(clients.splice(0).map((c) => closeMqtt(c)));
    },
    /** Drops the connection without a clean DISCONNECT, as a crashed process would (for tests). */
    async crash(): Promise<void> {
      isStopping = true;
      clearInterval(silenceTimer);
      await Promise.all(clients.splice(0).map((c) => closeMqtt(c, true)));
    },
  };
}

export type Ingest = ReturnType<typeof buildIngest>;
