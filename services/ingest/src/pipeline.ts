import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Clock } from '@coldchain/bus';
import { createDeviceKeyCache } from '@coldchain/bus';
import { decodeTelemetry, DeviceRateLimiter, screenReadings } from '@coldchain/schemas';
import type { RateLimit } from '@coldchain/schemas';
import { SpoolFullError } from '@coldchain/storage';
import type { EvidenceMessage, EvidenceStore, OpsStore, StoredReading, TelemetryStore } from '@coldchain/storage';
import { createGroupCommitter } from './group-commit.ts';
import { recordDeadLetter } from './dead-letter.ts';
import { createIngestMetrics } from './ingest-metrics.ts';
import { createSilenceWatch } from './silence-watch.ts';

/** What the ingest pipeline needs: the stores, a clock, a logger. */
export type IngestPipelineDeps = {
  telemetry: TelemetryStore;
  /**
   * Where each accepted message's exact bytes are kept as evidence (issue 11) when the telemetry store
   * does not keep them itself (`keepsMessages`: SQLite, in the readings' transaction). Either way they are
   * committed before the message is acknowledged.
   */
  evidence?: Pick<EvidenceStore, 'recordMessages'>;
  /** false: keep no messages (benchmarks measuring what keeping them costs). Default true. */
  keepEvidence?: boolean;
  ops: Pick<OpsStore, 'insertDeadLetter' | 'recordDeviceEvent' | 'getDevice'>;
  clock: Clock;
  log: Logger;
  metrics?: Registry;
  rateLimit?: RateLimit;
  /** A device whose last message is older than this is silent: a `no_data` event (default 30 min). */
  noDataAfterMs?: number;
  /** How often silence is checked; it needs no new data to be noticed (default 60 s). */
  noDataCheckMs?: number;
};

/** How a telemetry message arrived: MQTT's QoS and retain flags as the publisher set them. */
export type PublishFlags = { qos: number; retain: boolean };

/** What became of one telemetry message: its readings committed, or the message refused on record. */
export type TelemetryOutcome = 'stored' | 'refused';

/** Counters since start, for tests. */
export type IngestStats = { messages: number; accepted: number; duplicates: number; rejected: number; held: number };

/** The pipeline is stopping: the message was not taken, and the publisher must send it again. */
export class IngestStoppingError extends Error {
  override name = 'IngestStoppingError';
  constructor() {
    super('ingest is stopping: message not acknowledged, send it again');
  }
}

/**
 * The one ingest code path, whichever broker runs: a telemetry message is checked (contract, signature,
 * rate, readings) and its readings committed, or it is refused with a dead letter on record. The
 * promise resolves only then, so whoever acknowledges the message (the embedded broker's PUBACK to the
 * device, or ingest's PUBACK to an external broker) acknowledges something durable. Messages are
 * checked one at a time in arrival order (sequence gaps), and stored in group commits.
 */
export function createIngestPipeline(deps: IngestPipelineDeps) {
  const { log, clock } = deps;
  const stats: IngestStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0, held: 0 };
  const metrics = createIngestMetrics(deps.metrics ?? new Registry(), deps.telemetry);
  const rateLimit = deps.rateLimit ?? { perSecond: 20, burst: 200 };
  const limiter = new DeviceRateLimiter(rateLimit);
  const lastSeq = new Map<string, number>();
  const deviceKey = createDeviceKeyCache(deps.ops, () => clock.now());
  const silence = createSilenceWatch({ ops: deps.ops, clock, log, noDataAfterMs: deps.noDataAfterMs ?? 30 * 60_000 });
  // Messages waiting for their device's rate-limit tokens; released with an error on stop.
  const holds = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();
  let silenceTimer: NodeJS.Timeout | undefined;
  let isStopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  // A device sending the same bad message over and over gets one log line a minute per reason, with the
  // count left out; every refusal is a dead letter and counted in the metrics.
  const rejectionLogged = new Map<string, { at: number; suppressed: number }>();
  function logRejection(deviceId: string | null, code: string, reason: string, at: number): void {
    const key = `${deviceId} ${code}`;
    const last = rejectionLogged.get(key);
    if (last && at - last.at < 60_000) {
      last.suppressed++;
      return;
    }
    if (rejectionLogged.size >= 10_000) rejectionLogged.clear();
    rejectionLogged.set(key, { at, suppressed: 0 });
    log.warn({ deviceId, code, reason: reason.slice(0, 300), similarNotLogged: last?.suppressed ?? 0 }, 'ingest.rejected');
  }

  async function refuse(deviceId: string | null, topic: string, code: string, reason: string, payload: Buffer, receivedAt: number): Promise<'refused'> {
    stats.rejected++;
    metrics.messagesRejected.inc({ reason: code });
    logRejection(deviceId, code, reason, receivedAt);
    await recordDeadLetter(deps.ops, { deviceId, topic, code, reason, payload, receivedAt });
    return 'refused';
  }

  async function commit(readings: StoredReading[], messages: EvidenceMessage[]) {
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        // Readings and their messages durable before any PUBACK: in one transaction when the store keeps
        // both; else in two stores at once (after a crash between the two commits the device sends the
        // message again: its readings come back as duplicates, chains record the same bytes once).
        const result = keepsMessages
          ? await deps.telemetry.insertReadings(readings, messages)
          : (await Promise.all([deps.telemetry.insertReadings(readings), deps.evidence?.recordMessages(messages)]))[0];
        metrics.writeSeconds.observe((performance.now() - started) / 1000);
        stats.accepted += result.inserted;
        stats.duplicates += result.duplicates;
        metrics.readingsAccepted.inc(result.inserted);
        metrics.readingsDuplicate.inc(result.duplicates);
        return result;
      } catch (error) {
        // Back-pressure: not acknowledged until stored; the publisher holds the rest meanwhile.
        if (!(error instanceof SpoolFullError) || isStopping) throw error;
        if (attempt % 30 === 0) log.error({ err: error }, 'ingest.spool_full');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  const store = createGroupCommitter(commit);
  const keepsMessages = deps.telemetry.keepsMessages === true;
  const isKeepingEvidence = deps.keepEvidence !== false && (keepsMessages || deps.evidence !== undefined);

  /** Waits until the device may send another message; over the limit it is slowed, never refused. */
  function waitForRate(deviceId: string, now: number): Promise<void> | undefined {
    const delayMs = limiter.reserve(deviceId, now);
    if (delayMs === 0) return undefined;
    stats.held++;
    metrics.messagesHeld.inc();
    return new Promise<void>((resolve, reject) => {
      const hold = {
        timer: setTimeout(() => {
          holds.delete(hold);
          resolve();
        }, delayMs),
        reject,
      };
      holds.add(hold);
    });
  }

  /** Checks one message (in arrival order) and returns the readings to store and its record, or the refusal. */
  async function prepare(deviceId: string, topic: string, payload: Buffer, flags: PublishFlags, receivedAt: number): Promise<{ readings: StoredReading[]; message: EvidenceMessage } | 'refused'> {
    await silence.heard(deviceId, receivedAt);
    // The device contract: telemetry is QoS 1, never retained. QoS 0 cannot be acknowledged after the
    // commit (nothing would be resent), QoS 2 has no use here, and a retained reading would be handed
    // to every new subscriber as if it were new.
    if (flags.retain) return refuse(deviceId, topic, 'message.retained', 'telemetry must not be retained (device contract: QoS 1, retain 0); the message was refused', payload, receivedAt);
    if (flags.qos !== 1) return refuse(deviceId, topic, 'message.qos', `telemetry must be published with QoS 1 (device contract); this message used QoS ${flags.qos} and was refused`, payload, receivedAt);

    const key = await deviceKey.entry(deviceId);
    const decoded = decodeTelemetry(payload, key?.key ?? null);
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
    if (accepted.length === 0) return 'refused';
    const readings = accepted.map((r) => ({ deviceId, sampledAt: r.sampledAt, tempC: r.tempC, rhPct: r.rhPct, receivedAt }));
    let firstTs = readings[0]!.sampledAt;
    let lastTs = firstTs;
    for (const r of readings) {
      if (r.sampledAt < firstTs) firstTs = r.sampledAt;
      if (r.sampledAt > lastTs) lastTs = r.sampledAt;
    }
    const message = { deviceId, receivedAt, firstTs, lastTs, count: readings.length, payload, publicKey: decoded.isSigned ? (key?.raw ?? null) : null };
    return { readings, message };
  }

  let preparing: Promise<unknown> = Promise.resolve();

  async function acceptTelemetry(deviceId: string | null, topic: string, payload: Buffer, flags: PublishFlags): Promise<TelemetryOutcome> {
    if (isStopping) throw new IngestStoppingError();
    inFlight++;
    try {
      const receivedAt = clock.now();
      stats.messages++;
      metrics.messages.inc();
      if (deviceId === null) return await refuse(null, topic, 'topic.invalid', `not a telemetry topic: ${topic}`, payload, receivedAt);
      const held = waitForRate(deviceId, receivedAt);
      if (held) await held;
      const prepared = preparing.then(() => prepare(deviceId, topic, payload, flags, receivedAt));
      preparing = prepared.catch(() => undefined);
      const checked = await prepared;
      if (checked === 'refused') return 'refused';
      await store(checked.readings, isKeepingEvidence ? checked.message : undefined);
      return 'stored';
    } finally {
      if (--inFlight === 0) drained?.();
    }
  }

  return {
    /**
     * Takes one telemetry message from `deviceId` (null: the topic names no device). Resolves once its
     * readings are committed ('stored') or it is refused with a dead letter ('refused'); rejects when it
     * could not be stored (the store failed, or the pipeline is stopping): then it must not be
     * acknowledged, and the publisher sends it again.
     */
    acceptTelemetry,
    /** A device's online/offline status (its retained status topic, or its last will). */
    acceptStatus: (deviceId: string, payload: Buffer) => silence.status(deviceId, payload),
    start(): void {
      isStopping = false;
      silenceTimer = setInterval(() => {
        limiter.prune(clock.now());
        void silence.check().catch((error: unknown) => log.error({ err: error }, 'ingest.silence_check_failed'));
      }, deps.noDataCheckMs ?? 60_000);
    },
    stats(): IngestStats {
      return { ...stats };
    },
    /** Messages taken and not yet stored or refused. */
    inFlight: () => inFlight,
    /**
     * Stops taking messages; those held by the rate limit are released unacknowledged (the publisher
     * sends them again); resolves once every message already being stored is committed.
     */
    async stop(): Promise<void> {
      isStopping = true;
      clearInterval(silenceTimer);
      for (const hold of holds) {
        clearTimeout(hold.timer);
        hold.reject(new IngestStoppingError());
      }
      holds.clear();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      drained = undefined;
      await store.idle();
    },
  };
}

export type IngestPipeline = ReturnType<typeof createIngestPipeline>;
