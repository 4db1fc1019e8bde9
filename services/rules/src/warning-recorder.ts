import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { buildLegs, currentLeg, legAt, responseMsFor, routeAlert, PLATFORM_ORG_ID, SYSTEM_ACTOR, SYSTEM_RESOLUTIONS, systemResolutionNote } from '@coldchain/domain';
import type { LocalizedText, SystemResolution, Tier } from '@coldchain/domain';
import type { Clock } from '@coldchain/bus';
import type { EventSink } from './event-sink.ts';
import type { Alert, AlertKind, OpsStore, Shipment } from '@coldchain/storage';

/** A warning (or no-data alert) to raise: what, for which shipment, and when on device time. */
export type WarningUpdate = {
  shipment: Shipment;
  deviceId: string;
  ruleId: string;
  kind: Exclude<AlertKind, 'excursion'>;
  tier: Tier;
  message: LocalizedText;
  /** Device time the condition was seen. */
  at: number;
  thresholdC: number;
  direction: 'above' | 'below';
  valueC: number;
};

const NO_LIABILITY: LocalizedText = { zh: '预警，不涉及责任认定', en: 'a warning: no liability is attributed' };

/**
 * Raises and clears alerts that are not excursions: early warnings (trend, reefer cycling, low humidity)
 * and devices gone silent. One alert per (shipment, rule), updated as it evolves; routed to whoever
 * holds the goods and the shipper, never claimed.
 */
export function createWarningRecorder(deps: { ops: OpsStore; events: EventSink; clock: Clock; log: Logger }) {
  const { ops, clock, log } = deps;

  async function publish(type: 'alert.opened' | 'alert.cleared', alert: Alert) {
    await deps.events.alert({ type, at: clock.now(), alert });
  }

  return {
    /** Raises the warning, or updates the open one for the same (shipment, rule). Returns its id. */
    async raise(update: WarningUpdate): Promise<string> {
      const now = clock.now();
      const existing = await ops.findUnresolvedAlert(update.shipment.id, update.ruleId);
      if (existing) {
        const peak = update.direction === 'above' ? Math.max(existing.peakTempC, update.valueC) : Math.min(existing.peakTempC, update.valueC);
        await ops.updateAlert({ ...existing, message: update.message, peakTempC: peak, conditionState: 'firing', updatedAt: now });
        return existing.id;
      }
      const legs = buildLegs(await ops.listEffectiveCustodyEvents(update.shipment.id));
      const holder = legAt(legs, update.at) ?? currentLeg(legs);
      const alert: Alert = {
        id: randomUUID(),
        shipmentId: update.shipment.id,
        deviceId: update.deviceId,
        ruleId: update.ruleId,
        kind: update.kind,
        message: update.message,
        tier: update.tier,
        status: 'open',
        conditionState: 'firing',
        thresholdC: update.thresholdC,
        direction: update.direction,
        activeAt: update.at,
        firedAt: update.at,
        clearedAt: null,
        peakTempC: update.valueC,
        outsideMs: 0,
        degreeMinutes: 0,
        attribution: { status: 'indeterminate', orgId: null, legIndex: holder?.index ?? null, reason: NO_LIABILITY },
        routedTo: routeAlert({ tier: update.tier, custodianOrgId: holder?.custodianOrgId ?? null, shipperOrgId: update.shipment.shipperOrgId, platformOrgId: PLATFORM_ORG_ID }),
        respondBy: now + responseMsFor(update.tier, undefined, holder ? await ops.getOrgResponseTimes(holder.custodianOrgId) : undefined),
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolvedBy: null,
        resolutionNote: null,
        escalatedAt: null,
        lastNotifiedAt: now,
        reminders: 0,
        createdAt: now,
        updatedAt: now,
      };
      await ops.insertAlert(alert);
      log.info({ alertId: alert.id, shipmentId: alert.shipmentId, ruleId: alert.ruleId, kind: alert.kind, message: alert.message?.en }, 'alert.opened');
      await publish('alert.opened', alert);
      return alert.id;
    },

    /**
     * The condition is gone: the open alert for (shipment, rule) is cleared and resolved by the system.
     * Unlike an excursion (excursion-recorder.ts), a warning is a forecast and a no-data alert a
     * logger's silence: neither is a loss anyone pays for, the excursion that may follow raises its own
     * alert, and the hours without readings stay on record as unmonitored time. Keeping them open after
     * they cleared would bury the excursions under stale forecasts
     * (docs/decisions/0011-alerts-stay-until-seen.md). The reason is kept as a stable code
     * (`system.<code>`), which every reader words in its own language.
     */
    async clear(shipmentId: string, ruleId: string, at: number, resolution: SystemResolution): Promise<void> {
      const alert = await ops.findUnresolvedAlert(shipmentId, ruleId);
      if (!alert) return;
      const now = clock.now();
      const cleared: Alert = {
        ...alert,
        conditionState: 'cleared',
        clearedAt: at,
        status: 'resolved',
        resolvedAt: now,
        resolvedBy: SYSTEM_ACTOR,
        resolutionNote: systemResolutionNote(resolution),
        updatedAt: now,
      };
      await ops.updateAlert(cleared);
      log.info({ alertId: alert.id, shipmentId, ruleId, reason: SYSTEM_RESOLUTIONS[resolution].en }, 'alert.cleared');
      await publish('alert.cleared', cleared);
    },
  };
}

export type WarningRecorder = ReturnType<typeof createWarningRecorder>;
