import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { evaluateReading, initialRuleState } from '@coldchain/domain';
import type { RuleState, Tier } from '@coldchain/domain';
import type { Clock, MqttConnectionOptions } from '@coldchain/bus';
import { closeMqtt, connectMqtt, createDeviceKeyCache } from '@coldchain/bus';
import { decodeTelemetry, DeviceRateLimiter, parseDeviceTopic, screenReadings, TELEMETRY_FILTER } from '@coldchain/schemas';
import type { Reading } from '@coldchain/schemas';
import type { Outbox } from '@coldchain/notify';
import { createProfileCatalog } from '@coldchain/storage';
import type { OpsStore, Shipment } from '@coldchain/storage';
import { createExcursionRecorder } from './excursion-recorder.ts';
import { createAlertScheduler } from './alert-scheduler.ts';
import { createEventSink } from './event-sink.ts';
import { createNotifier } from './notifier.ts';
import { createRuleStatePersistence } from './rule-state-persistence.ts';
import type { Tracked } from './rule-state-persistence.ts';
import { createWarningRecorder } from './warning-recorder.ts';
import { evaluateWarnings, initialWarningState } from './warning-tracker.ts';
import type { WarningState } from './warning-tracker.ts';

/** What the rules service needs. */
export type RulesDeps = {
  mqtt: MqttConnectionOptions;
  ops: OpsStore;
  clock: Clock;
  log: Logger;
  /** How often the timers (reminders, escalation, no-data) tick; 0 = only when `tick()` is called. */
  timerTickMs?: number;
  reminderMs?: Readonly<Record<Tier, number>>;
  /** How often streaming states are written for restart recovery (default 1 s). */
  stateFlushMs?: number;
  /** Notifications (webhook, DingTalk, WeCom, Feishu) through this durable outbox; none without it. */
  outbox?: Outbox;
  /** Where the messages link to (the console), e.g. https://coldchain.example.cn. */
  publicUrl?: string;
  /** Follow-ups of a shipment within this interval go out as one message (default 5 min). */
  groupIntervalMs?: number;
};


const SHIPMENT_CACHE_MS = 5_000;

/** Counters since start, for metrics and tests. */
export type RulesStats = { readings: number; evaluated: number; late: number; unassigned: number; transitions: number };

/**
 * Rules: consumes the same telemetry stream as ingest (its own persistent session), and evaluates each
 * reading, on device time, against the limits of the profile of the shipment the device travels with.
 */
export function buildRules(deps: RulesDeps) {
  const { ops, log } = deps;
  let client: MqttClient | undefined;
  // Alerts go out on a connection of their own: a QoS 1 publish awaited inside message handling on the
  // consuming connection would wait for a PUBACK queued behind the message being handled.
  let publisher: MqttClient | undefined;
  let tracked = new Map<string, Tracked>();
  const profiles = createProfileCatalog(ops, () => deps.clock.now());
  const persistence = createRuleStatePersistence(ops, () => deps.clock.now(), log);
  const limiter = new DeviceRateLimiter();
  const deviceKey = createDeviceKeyCache(ops, () => deps.clock.now());
  const stats: RulesStats = { readings: 0, evaluated: 0, late: 0, unassigned: 0, transitions: 0 };
  const notify = deps.outbox ? createNotifier({ ops, profiles, outbox: deps.outbox, baseUrl: deps.publicUrl ?? 'http://127.0.0.1:8080', now: () => deps.clock.now(), log, groupIntervalMs: deps.groupIntervalMs }) : undefined;
  const events = createEventSink({ bus: () => publisher, notify, log });
  const recorder = createExcursionRecorder({ ops, events, clock: deps.clock, log });
  const warningRecorder = createWarningRecorder({ ops, events, clock: deps.clock, log });
  const warnings = new Map<string, WarningState>();
  const lastHeardAt = new Map<string, number>();
  const shipmentCache = new Map<string, { shipment: Shipment; at: number }>();
  const scheduler = createAlertScheduler({ ops, profiles, events, clock: deps.clock, log, warnings: warningRecorder, lastHeardAt: (id) => lastHeardAt.get(id), reminderMs: deps.reminderMs });

  async function evaluate(deviceId: string, shipment: Shipment, reading: Reading): Promise<void> {
    const profile = await profiles.get(shipment.profileId);
    if (!profile) {
      log.error({ shipmentId: shipment.id, profileId: shipment.profileId }, 'rules.unknown_profile');
      return;
    }
    const limitStates = new Map<string, RuleState['state']>();
    let isLate = false;
    for (const limit of profile.limits) {
      const key = `${deviceId}\u0000${shipment.id}\u0000${limit.id}`;
      const current = tracked.get(key) ?? { state: initialRuleState(), alertId: null };
      const evaluation = evaluateReading(limit, current.state, reading, profile.maxReadingGapMs);
      if (!evaluation.isEvaluated) {
        isLate = true;
        continue;
      }
      const { state, transition } = evaluation;
      const next: Tracked = { state, alertId: current.alertId };
      if (transition) {
        stats.transitions++;
        log.debug({ deviceId, shipmentId: shipment.id, ruleId: limit.id, previousState: transition.previous, nextState: transition.next, reason: transition.reason }, 'rule.transition');
      }
      const update = { shipment, deviceId, profile, limit, state, alertId: current.alertId };
      if (state.state === 'firing') {
        next.alertId = await recorder.recordFiring(update, transition?.next === 'firing');
      } else if (transition?.previous === 'firing') {
        await recorder.recordCleared(update, transition.at, transition.reason);
        next.alertId = null;
      }
      tracked.set(key, next);
      persistence.markDirty(key, deviceId, shipment.id, limit.id, next);
      limitStates.set(limit.id, state.state);
    }
    if (isLate) {
      stats.late++;
      return;
    }
    const warningKey = `${deviceId}\u0000${shipment.id}`;
    const warningState = warnings.get(warningKey) ?? initialWarningState();
    warnings.set(warningKey, warningState);
    await evaluateWarnings({ state: warningState, sample: reading, shipment, deviceId, profile, limitStates, recorder: warningRecorder });
    stats.evaluated++;
  }

  async function handle(topic: string, payload: Buffer): Promise<void> {
    const parsedTopic = parseDeviceTopic(topic);
    if (!parsedTopic || parsedTopic.kind !== 'telemetry') return;
    const { deviceId } = parsedTopic;
    lastHeardAt.set(deviceId, deps.clock.now());
    // What ingest refuses (dead-lettered there), rules skips by the same pure checks: a sensor fault is
    // never an excursion.
    if (!limiter.tryTake(deviceId, deps.clock.now())) return;
    const decoded = decodeTelemetry(payload, await deviceKey(deviceId));
    if (!decoded.ok) return;
    const { accepted } = screenReadings(decoded.message.readings, deps.clock.now());
    // Loggers upload buffered readings in bulk, not always in order: evaluate in device-time order.
    const readings = accepted.sort((a, b) => a.sampledAt - b.sampledAt);
    // The device's shipment, cached a few seconds: a store lookup per message was a large share of the
    // rules' time (BENCHMARKS.md). A delivery is seen within SHIPMENT_CACHE_MS.
    const cached = shipmentCache.get(deviceId);
    let shipment: Shipment | undefined = cached && deps.clock.now() - cached.at < SHIPMENT_CACHE_MS ? cached.shipment : undefined;
    for (const reading of readings) {
      stats.readings++;
      const covers = shipment && shipment.startedAt <= reading.sampledAt && (shipment.deliveredAt === null || reading.sampledAt <= shipment.deliveredAt);
      if (!covers) {
        shipment = await ops.findShipmentForDevice(deviceId, reading.sampledAt);
        if (shipment) shipmentCache.set(deviceId, { shipment, at: deps.clock.now() });
      }
      if (!shipment) {
        stats.unassigned++;
        continue;
      }
      await evaluate(deviceId, shipment, reading);
    }
  }

  return {
    async start(): Promise<void> {
      // Resume where the last run left off: pending hold-for timers and firing excursions.
      tracked = await persistence.load();
      persistence.start(deps.stateFlushMs ?? 1000);
      publisher = await connectMqtt({ ...deps.mqtt, clientId: `${deps.mqtt.clientId}-pub`, isPersistent: false });
      client = await connectMqtt(deps.mqtt, { handle, onError: (error, topic) => log.error({ err: error, topic }, 'rules.evaluate_failed') });
      await client.subscribeAsync(TELEMETRY_FILTER, { qos: 1 });
      log.info({ filter: TELEMETRY_FILTER }, 'rules.subscribed');
      if ((deps.timerTickMs ?? 10_000) > 0) scheduler.start(deps.timerTickMs ?? 10_000);
    },
    stats(): RulesStats {
      return { ...stats };
    },
    /** Runs the timers once now (tests drive them with an injected clock). */
    tick: () => scheduler.tick(),
    async stop(): Promise<void> {
      await scheduler.stop();
      await closeMqtt(client);
      notify?.flushAll();
      await persistence.stop(true);
      await closeMqtt(publisher);
      client = undefined;
      publisher = undefined;
    },
    /** Dies as a killed process would: no clean DISCONNECT, no last write of the states (for tests). */
    async crash(): Promise<void> {
      await scheduler.stop();
      await persistence.stop(false);
      await closeMqtt(client, true);
      await closeMqtt(publisher, true);
      client = undefined;
      publisher = undefined;
    },
  };
}

export type Rules = ReturnType<typeof buildRules>;
