import type { Logger } from 'pino';
import type { OpsStore, ProfileCatalog, StoredReading, TelemetryStore } from '@coldchain/storage';
import type { Reading } from '@coldchain/schemas';
import type { DeviceRecord, RulesStats, ShipmentRef } from './rules-types.ts';
import type { ExcursionRecorder } from './excursion-recorder.ts';
import { replayLimit } from '@coldchain/domain';
import type { RuleStatePersistence } from './rule-state-persistence.ts';
import { CURSOR_RULE_ID } from './rule-state-persistence.ts';
import { initialRuleState } from '@coldchain/domain';

/** Late data is re-judged this long after the last late reading of a burst was seen... */
const DEBOUNCE_MS = 250;
/** ...but no later than this after the first one, however long the burst goes on. */
const MAX_WAIT_MS = 2_000;
/** Readings read from the store per query. */
const PAGE = 50_000;
/**
 * Readings caught up between two turns of the event loop. Reads from SQLite resolve at once, so without
 * a turn a catch-up of a million readings would hold the loop for its whole length: the broker could
 * not answer a CONNECT (its CONNACK timed out after 30 s) nor ingest store a reading meanwhile.
 */
const EVALUATIONS_PER_TURN = 1_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Late readings held per device from the messages themselves (rules may hear before ingest commits). */
const MAX_HELD = 20_000;

type Pending = { ref: ShipmentRef; held: Reading[] };

/**
 * The store as the rules' source of truth (issue 9, items 1 and 2). Late readings (older than what a
 * device's states have passed) schedule one re-judgement per device per burst: the device's rules run
 * again over the shipment's stored readings from a fresh state, merged with the late readings heard,
 * and the alerts are reconciled by identity (shipment, rule). On start, each live shipment's device
 * catches up from its last evaluated reading through the streaming path, as if never interrupted.
 */
export function createStoreReplay(deps: {
  telemetry: Pick<TelemetryStore, 'readingsBetween'>;
  ops: OpsStore;
  profiles: ProfileCatalog;
  recorder: ExcursionRecorder;
  persistence: RuleStatePersistence;
  log: Logger;
  serial: <T>(work: () => Promise<T>) => Promise<T>;
  stats: RulesStats;
  evaluate: (deviceId: string, record: DeviceRecord, ref: ShipmentRef, reading: Reading) => Promise<void>;
  recordFor: (deviceId: string) => DeviceRecord;
  stateKey: (deviceId: string, shipmentId: string, ruleId: string) => string;
}) {
  const { telemetry, ops, log } = deps;
  let pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let firstSeenAt = 0;
  let running: Promise<void> = Promise.resolve();

  async function* storedAfter(deviceId: string, from: number, to: number): AsyncGenerator<StoredReading[]> {
    for (;;) {
      const page = await telemetry.readingsBetween(deviceId, from, to, PAGE);
      await nextTurn();
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
      from = page[page.length - 1]!.sampledAt + 1;
    }
  }

  async function rejudge(deviceId: string, { ref, held }: Pending): Promise<void> {
    const shipment = await ops.getShipment(ref.id);
    const profile = shipment && (await deps.profiles.get(shipment.profileId));
    if (!shipment || !profile) return;
    const to = shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER;
    const byTime = new Map<number, { sampledAt: number; tempC: number }>();
    for await (const page of storedAfter(deviceId, shipment.startedAt, to)) for (const r of page) byTime.set(r.sampledAt, r);
    for (const r of held) if (r.sampledAt >= shipment.startedAt && r.sampledAt <= to && !byTime.has(r.sampledAt)) byTime.set(r.sampledAt, r);
    const readings = [...byTime.values()].sort((a, b) => a.sampledAt - b.sampledAt);
    deps.stats.rejudged++;
    const record = deps.recordFor(deviceId);
    // Late data of an earlier shipment of this logger: its alerts are put right, the states of the
    // shipment the logger travels with now are left as they are.
    const isCurrent = record.shipmentId === shipment.id || record.shipmentId === null;
    if (record.shipmentId === null) record.shipmentId = shipment.id;
    for (const limit of profile.limits) {
      const { state, episodes } = replayLimit(limit, readings, profile.maxReadingGapMs);
      const alertId = await deps.recorder.reconcile({ shipment, deviceId, profile, limit, alertId: isCurrent ? (record.limits[limit.id]?.alertId ?? null) : null }, episodes);
      if (!isCurrent) continue;
      const next = { state, alertId };
      record.limits[limit.id] = next;
      deps.persistence.markDirty(deps.stateKey(deviceId, shipment.id, limit.id), deviceId, shipment.id, limit.id, next);
    }
    if (!isCurrent) return;
    const last = readings.at(-1);
    if (last && (record.cursorAt === null || last.sampledAt > record.cursorAt)) {
      record.cursorAt = last.sampledAt;
      record.cursorTempC = last.tempC;
    }
    if (record.cursorAt !== null) {
      const cursor = { ...initialRuleState(), lastReadingAt: record.cursorAt, lastTempC: record.cursorTempC };
      deps.persistence.markDirty(deps.stateKey(deviceId, shipment.id, CURSOR_RULE_ID), deviceId, shipment.id, CURSOR_RULE_ID, { state: cursor, alertId: null });
    }
    log.info({ deviceId, shipmentId: shipment.id, readings: readings.length, lateHeard: held.length }, 'rules.rejudged');
  }

  function runDue(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const due = pending;
    pending = new Map();
    if (due.size === 0) return running;
    running = deps.serial(async () => {
      for (const [deviceId, entry] of due) {
        try {
          await rejudge(deviceId, entry);
        } catch (error) {
          log.error({ err: error, deviceId }, 'rules.rejudge_failed');
        }
      }
    });
    return running;
  }

  return {
    /** A late reading of a device on a shipment: judge the device again after the current burst. */
    schedule(deviceId: string, ref: ShipmentRef, reading: Reading): void {
      let entry = pending.get(deviceId);
      if (!entry || entry.ref.id !== ref.id) {
        entry = { ref, held: [] };
        pending.set(deviceId, entry);
      }
      if (entry.held.length < MAX_HELD) entry.held.push(reading);
      const now = Date.now();
      if (timer === undefined) firstSeenAt = now;
      else if (now - firstSeenAt >= MAX_WAIT_MS) return;
      clearTimeout(timer);
      timer = setTimeout(() => void runDue(), DEBOUNCE_MS);
    },
    /** Each device with a live shipment, from its last evaluated reading in the store onwards. */
    async catchUp(): Promise<void> {
      let afterId: string | null = null;
      for (;;) {
        const page = await ops.listLiveShipmentsAfter(afterId, 500);
        for (const shipment of page) {
          const record = deps.recordFor(shipment.deviceId);
          const ref: ShipmentRef = { id: shipment.id, profileId: shipment.profileId, startedAt: shipment.startedAt, deliveredAt: shipment.deliveredAt };
          const isSame = record.shipmentId === shipment.id;
          const stateAt = isSame ? Math.max(-Infinity, ...Object.values(record.limits).map((t) => t.state.lastReadingAt ?? -Infinity)) : -Infinity;
          const cursor = isSame ? (record.cursorAt ?? (stateAt > -Infinity ? stateAt : null)) : null;
          const from = cursor === null ? shipment.startedAt : cursor + 1;
          for await (const readings of storedAfter(shipment.deviceId, from, shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER)) {
            for (const r of readings) {
              deps.stats.caughtUp++;
              if (deps.stats.caughtUp % EVALUATIONS_PER_TURN === 0) await nextTurn();
              // Heard when the store received it: a device silent since before the restart is silent.
              record.lastHeardAt = Math.max(record.lastHeardAt, r.receivedAt);
              await deps.evaluate(shipment.deviceId, record, ref, { sampledAt: r.sampledAt, tempC: r.tempC, rhPct: r.rhPct });
            }
          }
        }
        if (page.length < 500) return;
        afterId = page[page.length - 1]!.id;
      }
    },
    /** Runs what is scheduled now, and waits for it (tests, stop). */
    flush: () => runDue(),
    cancel(): void {
      clearTimeout(timer);
      timer = undefined;
      pending = new Map();
    },
  };
}
