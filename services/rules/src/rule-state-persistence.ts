import type { Logger } from 'pino';
import type { RuleState } from '@coldchain/domain';
import type { OpsStore } from '@coldchain/storage';

/**
 * The pseudo-rule under which a device's last evaluated reading (device time) is kept, whatever its
 * rules' states: where a restart catches up from the store (issue 9, item 2).
 */
export const CURSOR_RULE_ID = '@cursor';

/** A rule's streaming state for one device on one shipment, and the alert it has open. */
export type Tracked = { state: RuleState; alertId: string | null };

/**
 * Keeps the rules' streaming states in the operational store, so a restart resumes pending hold-for
 * timers and firing excursions where they were. Changes are written in one transaction every
 * `flushMs`; an inactive rule with no alert is deleted rather than kept.
 */
export function createRuleStatePersistence(ops: Pick<OpsStore, 'saveRuleStates' | 'loadRuleStates'>, now: () => number, log: Logger) {
  const dirty = new Map<string, { deviceId: string; shipmentId: string; ruleId: string; tracked: Tracked }>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function flush(): Promise<void> {
    if (dirty.size === 0) return;
    const rows = [...dirty].map(([key, d]) => ({
      key,
      deviceId: d.deviceId,
      shipmentId: d.shipmentId,
      ruleId: d.ruleId,
      state: d.ruleId !== CURSOR_RULE_ID && d.tracked.state.state === 'inactive' && d.tracked.alertId === null ? null : JSON.stringify(d.tracked),
      updatedAt: now(),
    }));
    dirty.clear();
    await ops.saveRuleStates(rows);
  }

  return {
    markDirty(key: string, deviceId: string, shipmentId: string, ruleId: string, tracked: Tracked): void {
      dirty.set(key, { deviceId, shipmentId, ruleId, tracked });
    },
    async load(): Promise<Map<string, Tracked>> {
      const rows = await ops.loadRuleStates();
      return new Map(rows.filter((r) => r.state !== null).map((r) => [r.key, JSON.parse(r.state!) as Tracked]));
    },
    start(flushMs: number): void {
      timer = setInterval(() => {
        flushing = flushing.then(flush).catch((error: unknown) => log.error({ err: error }, 'rules.state_flush_failed'));
      }, flushMs);
    },
    /** Stops the timer; with `isClean`, writes what is pending (a crash writes nothing more). */
    async stop(isClean: boolean): Promise<void> {
      clearInterval(timer);
      await flushing;
      if (isClean) await flush();
      else dirty.clear();
    },
    flush: () => (flushing = flushing.then(flush)),
  };
}

export type RuleStatePersistence = ReturnType<typeof createRuleStatePersistence>;
