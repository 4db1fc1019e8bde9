import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { CLAIM_REMIND_BEFORE_MS, evaluateReading, initialRuleState, PLATFORM_ORG_ID } from '@coldchain/domain';
import type { RuleState, Tier } from '@coldchain/domain';
import type { Clock, MqttConnectionOptions } from '@coldchain/bus';
import { closeMqtt, connectMqtt, createDeviceKeyCache } from '@coldchain/bus';
import { AFTER_SALES_TOPIC, claimsTopic, CORRECTIONS_TOPIC, decodeTelemetry, HEADS_TOPIC, parseDeviceTopic, screenReadings, TELEMETRY_FILTER } from '@coldchain/schemas';
import type { Reading } from '@coldchain/schemas';
import type { Outbox } from '@coldchain/notify';
import { createProfileCatalog } from '@coldchain/storage';
import type { EvidenceStore, OpsStore, Shipment, TelemetryStore } from '@coldchain/storage';
import { createAfterSalesWorkflow, RecordingPayouts } from '@coldchain/after-sales';
import type { PayoutPort } from '@coldchain/after-sales';
import { createAfterSalesRelay } from './after-sales-relay.ts';
import { createExcursionRecorder } from './excursion-recorder.ts';
import { createAlertScheduler } from './alert-scheduler.ts';
import { createClaimRelay } from './claim-relay.ts';
import { createClaimTimers } from './claim-timers.ts';
import { createCorrectionRejudge } from './correction-rejudge.ts';
import { createHeadRelay } from './head-relay.ts';
import { createEventSink } from './event-sink.ts';
import { createNotifier } from './notifier.ts';
import { createRuleStatePersistence, CURSOR_RULE_ID } from './rule-state-persistence.ts';
import { createStoreReplay } from './store-replay.ts';
import type { Tracked } from './rule-state-persistence.ts';
import type { DeviceRecord, RulesStats, ShipmentRef } from './rules-types.ts';
import { createWarningRecorder } from './warning-recorder.ts';
import { evaluateWarnings, initialWarningState } from './warning-tracker.ts';

/** What the rules service needs. */
export type RulesDeps = {
  mqtt: MqttConnectionOptions;
  ops: OpsStore;
  /**
   * The stored readings, the source of truth: late data is re-judged from them, and a start catches up
   * from them (issue 9, items 1 and 2). Without it, late readings are only counted.
   */
  telemetry?: Pick<TelemetryStore, 'readingsBetween'>;
  clock: Clock;
  log: Logger;
  /** How often the timers (reminders, escalation, no-data) tick; 0 = only when `tick()` is called. */
  timerTickMs?: number;
  /**
   * Demo only (the all-in-one's DEMO_SPEED): claims' answer times and their reminder lead are divided by
   * this, as the demo's device time runs this many times faster; 1 (the default) otherwise.
   */
  deadlineSpeed?: number;
  reminderMs?: Readonly<Record<Tier, number>>;
  /** How often streaming states are written for restart recovery (default 1 s). */
  stateFlushMs?: number;
  /** Notifications (webhook, DingTalk, WeCom, Feishu) through this durable outbox; none without it. */
  outbox?: Outbox;
  /** Where the messages link to (the console), e.g. https://coldchain.example.cn. */
  publicUrl?: string;
  /** Follow-ups of a shipment within this interval go out as one message (default 5 min). */
  groupIntervalMs?: number;
  /**
   * The evidence store (DATA_DIR/evidence.db), read only: the service's public keys and the heads
   * witnessed, against which the heads the API hands out are checked before they go to the parties'
   * channels (head-relay.ts). Without it (or without an outbox) heads are not sent.
   */
  evidence?: Pick<EvidenceStore, 'listServiceKeys' | 'witnesses'>;
  /**
   * Where the money of after-sales requests the timers catch up goes (a crash left them approved, unpaid);
   * default: recorded, not paid, as in the API. Each payout is keyed by the request, so paying twice is once.
   */
  payouts?: PayoutPort;
};


const SHIPMENT_CACHE_MS = 30_000;
/** Where rules hear the claims the API files on a review's decision (it names the platform on every claim). */
const REVIEW_CLAIMS_TOPIC = claimsTopic(PLATFORM_ORG_ID);

/** The key a rule state is stored under. */
function stateKey(deviceId: string, shipmentId: string, ruleId: string): string {
  return `${deviceId}\u0000${shipmentId}\u0000${ruleId}`;
}


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
  // One record per device: its shipment (the fields evaluation needs), rule states and warning state.
  // A map per concern cost a key and an entry each per device (BENCHMARKS.md, memory per device).
  let devices = new Map<string, DeviceRecord>();
  const profiles = createProfileCatalog(ops, () => deps.clock.now());
  const persistence = createRuleStatePersistence(ops, () => deps.clock.now(), log);
  const deviceKey = createDeviceKeyCache(ops, () => deps.clock.now());
  const stats: RulesStats = { readings: 0, evaluated: 0, late: 0, unassigned: 0, transitions: 0, rejudged: 0, caughtUp: 0 };
  // Message handling, re-judging and catching up take turns: each reads and writes a device's states.
  let lane: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const done = lane.then(work);
    lane = done.catch(() => undefined);
    return done;
  };
  const notify = deps.outbox ? createNotifier({ ops, profiles, outbox: deps.outbox, baseUrl: deps.publicUrl ?? 'http://127.0.0.1:8080', now: () => deps.clock.now(), log, groupIntervalMs: deps.groupIntervalMs }) : undefined;
  const events = createEventSink({ bus: () => publisher, notify, log });
  const recorder = createExcursionRecorder({ ops, events, clock: deps.clock, log, deadlineSpeed: deps.deadlineSpeed });
  const warningRecorder = createWarningRecorder({ ops, events, clock: deps.clock, log });
  // The claims' answer deadlines: a reminder to the carrier, then escalation, from the store on each tick.
  const claimTimers = createClaimTimers({ ops, clock: deps.clock, log, baseUrl: deps.publicUrl ?? 'http://127.0.0.1:8080', notify, remindBeforeMs: CLAIM_REMIND_BEFORE_MS / (deps.deadlineSpeed ?? 1) });
  const relayClaim = notify ? createClaimRelay({ ops, notify, log, baseUrl: deps.publicUrl ?? 'http://127.0.0.1:8080' }) : undefined;
  // After-sales steps to the shipper and the platform: the API's by the bus, the timers' own directly.
  const relayAfterSales = notify ? createAfterSalesRelay({ ops, notify: notify.afterSales, onClaimNamed: relayClaim?.afterSalesClaim, baseUrl: deps.publicUrl ?? 'http://127.0.0.1:8080', log }) : undefined;
  // The streamer's reminder at 22 h and escalation at 48 h (divided by DEMO_SPEED like the claims'), and the
  // requests a crash left received or approved: from the store on each tick, so they survive a restart.
  const afterSales = createAfterSalesWorkflow({
    ops, profiles, payouts: deps.payouts ?? new RecordingPayouts(), clock: deps.clock, log, speed: deps.deadlineSpeed,
    ...(relayAfterSales ? { notify: (notice) => relayAfterSales.deliver(notice.request.id, notice.step.seq) } : {}),
  });
  const scheduler = createAlertScheduler({ ops, profiles, events, clock: deps.clock, log, warnings: warningRecorder, lastHeardAt: (id) => devices.get(id)?.lastHeardAt || undefined, canJudgeSilence: () => catchUpsRunning === 0, reminderMs: deps.reminderMs, claims: claimTimers, afterSales });

  function recordFor(deviceId: string): DeviceRecord {
    let record = devices.get(deviceId);
    if (!record) {
      record = { lastHeardAt: 0, shipment: null, shipmentAt: 0, shipmentId: null, limits: {}, warning: null, cursorAt: null, cursorTempC: null };
      devices.set(deviceId, record);
    }
    return record;
  }

  async function evaluate(deviceId: string, record: DeviceRecord, ref: ShipmentRef, reading: Reading): Promise<void> {
    const profile = await profiles.get(ref.profileId);
    if (!profile) {
      log.error({ shipmentId: ref.id, profileId: ref.profileId }, 'rules.unknown_profile');
      return;
    }
    if (record.shipmentId !== ref.id && ref.deliveredAt !== null) {
      // A reading of a delivered shipment whose states this record does not hold (the logger travels
      // with another one now, or a restart kept none): late data, judged again from the store, where a
      // reading already stored for its time wins. Judged here from fresh states, it would raise an
      // excursion out of this one reading and reset the states of the shipment the logger is with.
      stats.late++;
      replay?.schedule(deviceId, ref, reading);
      return;
    }
    if (record.shipmentId !== ref.id) {
      // The logger moved on to another shipment: its states start afresh.
      record.shipmentId = ref.id;
      record.limits = {};
      record.warning = null;
      record.cursorAt = null;
      record.cursorTempC = null;
    }
    if (record.cursorAt !== null && reading.sampledAt <= record.cursorAt) {
      // Older than the last reading evaluated: late, whatever the states say (an inactive rule's state
      // is not kept across a restart, the cursor is), so judged again from the store.
      stats.late++;
      replay?.schedule(deviceId, ref, reading);
      return;
    }
    let full: Shipment | undefined;
    const loadShipment = async () => (full ??= (await ops.getShipment(ref.id))!);
    const limitStates = new Map<string, RuleState['state']>();
    let isLate = false;
    for (const limit of profile.limits) {
      // A rule without a kept state was inactive: it goes on from the last reading evaluated, so the time
      // since that reading is not taken for a gap.
      const current = record.limits[limit.id] ?? { state: { ...initialRuleState(), lastReadingAt: record.cursorAt, lastTempC: record.cursorTempC }, alertId: null };
      const evaluation = evaluateReading(limit, current.state, reading, profile.maxReadingGapMs);
      if (!evaluation.isEvaluated) {
        isLate = true;
        continue;
      }
      const { state, transition } = evaluation;
      const next: Tracked = { state, alertId: current.alertId };
      if (transition) {
        stats.transitions++;
        log.debug({ deviceId, shipmentId: ref.id, ruleId: limit.id, previousState: transition.previous, nextState: transition.next, reason: transition.reason }, 'rule.transition');
      }
      if (state.state === 'firing') {
        next.alertId = await recorder.recordFiring({ shipment: await loadShipment(), deviceId, profile, limit, state, alertId: current.alertId }, transition?.next === 'firing');
      } else if (transition?.previous === 'firing') {
        await recorder.recordCleared({ shipment: await loadShipment(), deviceId, profile, limit, state, alertId: current.alertId }, transition.at, transition.reason);
        next.alertId = null;
      }
      record.limits[limit.id] = next;
      persistence.markDirty(stateKey(deviceId, ref.id, limit.id), deviceId, ref.id, limit.id, next);
      limitStates.set(limit.id, state.state);
    }
    if (isLate) {
      stats.late++;
      // Older than what the states have passed: judged again from the store, once per burst.
      replay?.schedule(deviceId, ref, reading);
      return;
    }
    record.cursorAt = reading.sampledAt;
    record.cursorTempC = reading.tempC;
    persistence.markDirty(stateKey(deviceId, ref.id, CURSOR_RULE_ID), deviceId, ref.id, CURSOR_RULE_ID, { state: { ...initialRuleState(), lastReadingAt: reading.sampledAt, lastTempC: reading.tempC }, alertId: null });
    record.warning ??= initialWarningState();
    await evaluateWarnings({ state: record.warning, sample: reading, shipmentId: ref.id, loadShipment, deviceId, profile, limitStates, recorder: warningRecorder });
    stats.evaluated++;
  }

  const replay = deps.telemetry
    ? createStoreReplay({ telemetry: deps.telemetry, ops, profiles, recorder, persistence, log, serial, stats, evaluate, recordFor, stateKey })
    : undefined;
  const relayHead = notify && deps.evidence ? createHeadRelay({ ops, evidence: deps.evidence, notify: notify.handoff, baseUrl: deps.publicUrl ?? 'http://127.0.0.1:8080', log }) : undefined;
  const corrections = deps.telemetry ? createCorrectionRejudge({ ops, telemetry: deps.telemetry, profiles, recorder, log, now: () => deps.clock.now() }) : undefined;

  // One run of the corrections queued at a time: notices in a row while one waits add nothing to it.
  let isCorrectionRunQueued = false;
  /**
   * Judges the custody corrections recorded since the last run (docs/decisions/0016), in the lane: on
   * start, after every reconnect, and on the API's notice. Never awaited from inside the lane.
   */
  function queueCorrections(reason: 'start' | 'reconnect' | 'notice'): void {
    if (!corrections || isCorrectionRunQueued) return;
    isCorrectionRunQueued = true;
    void serial(async () => {
      isCorrectionRunQueued = false;
      const judged = await corrections.catchUp();
      if (judged > 0) log.info({ reason, corrections: judged }, 'rules.corrections_judged');
    }).catch((error: unknown) => log.error({ err: error, reason }, 'rules.corrections_failed'));
  }

  // One catch-up queued at a time: reconnects in a row while one waits in the lane add nothing to it.
  // Cleared when it starts, so what is stored during a running catch-up is read by the next one.
  let isCatchUpQueued = false;
  /** Catch-ups queued or running: silences are not judged meanwhile (see the scheduler). */
  let catchUpsRunning = 0;
  /**
   * Catches each live shipment's device up from its cursor in the store, in the lane (after what is
   * being handled, before what arrives next): on start, and after every reconnect of the consuming
   * connection (issue 9, item 2, "after any gap in what it received"): what was stored while rules were
   * cut off is judged whether or not the broker kept a queue for them. Messages the broker did keep come
   * after it and are older than the cursor by then: judged again as late data, once per device.
   */
  function queueCatchUp(reason: 'start' | 'reconnect'): void {
    if (!replay || isCatchUpQueued) return;
    isCatchUpQueued = true;
    catchUpsRunning++;
    void serial(async () => {
      isCatchUpQueued = false;
      const before = stats.caughtUp;
      try {
        await replay.catchUp();
      } finally {
        catchUpsRunning--;
      }
      await persistence.flush();
      log.info({ reason, readings: stats.caughtUp - before }, 'rules.caught_up');
    }).catch((error: unknown) => log.error({ err: error, reason }, 'rules.catch_up_failed'));
  }

  /** One handler per message kind: telemetry, the claims of review decisions, custody corrections, witnessed heads, after-sales steps. */
  async function dispatch(topic: string, payload: Buffer): Promise<void> {
    if (topic === REVIEW_CLAIMS_TOPIC) return relayClaim?.(payload);
    if (topic === HEADS_TOPIC) return relayHead?.(payload);
    if (topic === AFTER_SALES_TOPIC) return relayAfterSales?.(payload);
    // The notice only wakes the run: what was corrected is read from the store.
    if (topic === CORRECTIONS_TOPIC) return queueCorrections('notice');
    return handle(topic, payload);
  }

  async function handle(topic: string, payload: Buffer): Promise<void> {
    const parsedTopic = parseDeviceTopic(topic);
    if (!parsedTopic || parsedTopic.kind !== 'telemetry') return;
    const { deviceId } = parsedTopic;
    const now = deps.clock.now();
    const record = recordFor(deviceId);
    record.lastHeardAt = now;
    // What ingest refuses (dead-lettered there), rules skips by the same pure checks: a sensor fault is
    // never an excursion. The rate limit is ingest's alone: it slows a device, and everything it
    // stores is judged here.
    const decoded = decodeTelemetry(payload, await deviceKey(deviceId));
    if (!decoded.ok) return;
    const { accepted } = screenReadings(decoded.message.readings, now);
    // Loggers upload buffered readings in bulk, not always in order: evaluate in device-time order.
    const readings = accepted.sort((a, b) => a.sampledAt - b.sampledAt);
    // The device's shipment, cached a few seconds: a store lookup per message was a large share of the
    // rules' time (BENCHMARKS.md). A delivery is seen within SHIPMENT_CACHE_MS (30 s of server time).
    let ref = record.shipment && now - record.shipmentAt < SHIPMENT_CACHE_MS ? record.shipment : null;
    for (const reading of readings) {
      stats.readings++;
      const covers = ref && ref.startedAt <= reading.sampledAt && (ref.deliveredAt === null || reading.sampledAt <= ref.deliveredAt);
      if (!covers) {
        const found = await ops.findShipmentForDevice(deviceId, reading.sampledAt);
        ref = found ? { id: found.id, profileId: found.profileId, startedAt: found.startedAt, deliveredAt: found.deliveredAt } : null;
        if (ref) {
          record.shipment = ref;
          record.shipmentAt = now;
        }
      }
      if (!ref) {
        stats.unassigned++;
        continue;
      }
      await evaluate(deviceId, record, ref, reading);
    }
  }

  return {
    async start(): Promise<void> {
      // Resume where the last run left off: pending hold-for timers and firing excursions.
      devices = new Map();
      for (const [key, saved] of await persistence.load()) {
        const [deviceId, shipmentId, ruleId] = key.split('\u0000') as [string, string, string];
        const record = recordFor(deviceId);
        if (record.shipmentId !== shipmentId) {
          record.shipmentId = shipmentId;
          record.limits = {};
          record.cursorAt = null;
          record.cursorTempC = null;
        }
        if (ruleId === CURSOR_RULE_ID) {
          record.cursorAt = saved.state.lastReadingAt;
          record.cursorTempC = saved.state.lastTempC;
        } else record.limits[ruleId] = saved;
      }
      persistence.start(deps.stateFlushMs ?? 1000);
      publisher = await connectMqtt({ ...deps.mqtt, clientId: `${deps.mqtt.clientId}-pub`, isPersistent: false });
      // Catch up from the store before any message is handled (they wait in the lane): nothing depends
      // on the broker having kept a queue for this client.
      queueCatchUp('start');
      queueCorrections('start');
      const consuming = await connectMqtt(deps.mqtt, { handle: (topic, payload) => serial(() => dispatch(topic, payload)), onError: (error, topic) => log.error({ err: error, topic }, 'rules.evaluate_failed') });
      client = consuming;
      // connectMqtt resolved on the first CONNACK: every 'connect' from here on is a reconnect.
      consuming.on('connect', () => {
        if (client !== consuming) return;
        queueCatchUp('reconnect');
        queueCorrections('reconnect');
      });
      const filters = [TELEMETRY_FILTER, ...(relayClaim ? [REVIEW_CLAIMS_TOPIC] : []), ...(corrections ? [CORRECTIONS_TOPIC] : []), ...(relayHead ? [HEADS_TOPIC] : []), ...(relayAfterSales ? [AFTER_SALES_TOPIC] : [])];
      await consuming.subscribeAsync(filters, { qos: 1 });
      log.info({ filters }, 'rules.subscribed');
      if ((deps.timerTickMs ?? 10_000) > 0) scheduler.start(deps.timerTickMs ?? 10_000);
    },
    stats(): RulesStats {
      return { ...stats };
    },
    /** Runs the timers once now (tests drive them with an injected clock). */
    tick: () => scheduler.tick(),
    /** Resolves once what is queued (catch-up, messages, re-judging due now) has run (for tests). */
    settled: async () => {
      await replay?.flush();
      await serial(async () => undefined);
    },
    async stop(): Promise<void> {
      replay?.cancel();
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
      replay?.cancel();
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
