import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { evaluateReading, findProfile, initialRuleState } from '@coldchain/domain';
import type { RuleState } from '@coldchain/domain';
import type { Clock, MqttConnectionOptions } from '@coldchain/bus';
import { closeMqtt, connectMqtt, createDeviceKeyCache } from '@coldchain/bus';
import { decodeTelemetry, DeviceRateLimiter, parseDeviceTopic, screenReadings, TELEMETRY_FILTER } from '@coldchain/schemas';
import type { Reading } from '@coldchain/schemas';
import type { OpsStore, Shipment } from '@coldchain/storage';
import { createExcursionRecorder } from './excursion-recorder.ts';

/** What the rules service needs. */
export type RulesDeps = {
  mqtt: MqttConnectionOptions;
  ops: OpsStore;
  clock: Clock;
  log: Logger;
};

/** A rule's streaming state for one device on one shipment, and the alert it has open. */
type Tracked = { state: RuleState; alertId: string | null };

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
  const tracked = new Map<string, Tracked>();
  const limiter = new DeviceRateLimiter();
  const deviceKey = createDeviceKeyCache(ops, () => deps.clock.now());
  const stats: RulesStats = { readings: 0, evaluated: 0, late: 0, unassigned: 0, transitions: 0 };
  const recorder = createExcursionRecorder({ ops, bus: () => publisher, clock: deps.clock, log });

  async function evaluate(deviceId: string, shipment: Shipment, reading: Reading): Promise<void> {
    const profile = findProfile(shipment.profileId);
    if (!profile) {
      log.error({ shipmentId: shipment.id, profileId: shipment.profileId }, 'rules.unknown_profile');
      return;
    }
    for (const limit of profile.limits) {
      const key = `${deviceId}\u0000${shipment.id}\u0000${limit.id}`;
      const current = tracked.get(key) ?? { state: initialRuleState(), alertId: null };
      const evaluation = evaluateReading(limit, current.state, reading, profile.maxReadingGapMs);
      if (!evaluation.isEvaluated) {
        stats.late++;
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
    }
    stats.evaluated++;
  }

  async function handle(topic: string, payload: Buffer): Promise<void> {
    const parsedTopic = parseDeviceTopic(topic);
    if (!parsedTopic || parsedTopic.kind !== 'telemetry') return;
    const { deviceId } = parsedTopic;
    // What ingest refuses (dead-lettered there), rules skips by the same pure checks: a sensor fault is
    // never an excursion.
    if (!limiter.tryTake(deviceId, deps.clock.now())) return;
    const decoded = decodeTelemetry(payload, await deviceKey(deviceId));
    if (!decoded.ok) return;
    const { accepted } = screenReadings(decoded.message.readings, deps.clock.now());
    // Loggers upload buffered readings in bulk, not always in order: evaluate in device-time order.
    const readings = accepted.sort((a, b) => a.sampledAt - b.sampledAt);
    let shipment: Shipment | undefined;
    for (const reading of readings) {
      stats.readings++;
      const covers = shipment && shipment.startedAt <= reading.sampledAt && (shipment.deliveredAt === null || reading.sampledAt <= shipment.deliveredAt);
      if (!covers) shipment = await ops.findShipmentForDevice(deviceId, reading.sampledAt);
      if (!shipment) {
        stats.unassigned++;
        continue;
      }
      await evaluate(deviceId, shipment, reading);
    }
  }

  return {
    async start(): Promise<void> {
      publisher = await connectMqtt({ ...deps.mqtt, clientId: `${deps.mqtt.clientId}-pub`, isPersistent: false });
      client = await connectMqtt(deps.mqtt, { handle, onError: (error, topic) => log.error({ err: error, topic }, 'rules.evaluate_failed') });
      await client.subscribeAsync(TELEMETRY_FILTER, { qos: 1 });
      log.info({ filter: TELEMETRY_FILTER }, 'rules.subscribed');
    },
    stats(): RulesStats {
      return { ...stats };
    },
    async stop(): Promise<void> {
      await closeMqtt(client);
      await closeMqtt(publisher);
      client = undefined;
      publisher = undefined;
    },
  };
}

export type Rules = ReturnType<typeof buildRules>;
