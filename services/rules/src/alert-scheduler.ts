import type { Logger } from 'pino';
import { PLATFORM_ORG_ID } from '@coldchain/domain';
import type { Tier } from '@coldchain/domain';
import type { AlertEventType, Clock } from '@coldchain/bus';
import type { EventSink } from './event-sink.ts';
import { isSilencing } from '@coldchain/storage';
import type { Alert, OpsStore, ProfileCatalog, Silence } from '@coldchain/storage';
import type { WarningRecorder } from './warning-recorder.ts';

const MIN = 60_000;

/**
 * Reminder intervals while nobody acknowledges: tier 1 every 15 min (its deadline is 1 h: three
 * reminders before escalation), tier 2 hourly, tier 3 every 4 h (Alertmanager's default
 * repeat_interval, reference/produce.md).
 */
export const DEFAULT_REMINDER_MS: Readonly<Record<Tier, number>> = { 1: 15 * MIN, 2: 60 * MIN, 3: 240 * MIN };

/** What the timers do on one tick, for logs and tests. */
export type TickReport = { reminded: string[]; escalated: string[]; noData: string[]; dataBack: string[] };

/**
 * Timers that fire without new data: reminders until an alert is acknowledged, escalation to the
 * platform when its response deadline passes, and no-data alerts for shipments whose logger fell
 * silent. Every decision is taken from the stored alerts and the injected clock on each tick, so the
 * timers survive a restart; silences mute reminders and escalation, and a device's no-data alert mutes
 * its temperature alerts' reminders.
 */
export function createAlertScheduler(deps: {
  ops: OpsStore;
  profiles: ProfileCatalog;
  events: EventSink;
  clock: Clock;
  log: Logger;
  warnings: WarningRecorder;
  /** Server time a device was last heard from, as the rules service saw it. */
  lastHeardAt: (deviceId: string) => number | undefined;
  reminderMs?: Readonly<Record<Tier, number>>;
}) {
  const { ops, clock, log } = deps;
  const reminderMs = deps.reminderMs ?? DEFAULT_REMINDER_MS;
  // Devices not heard from since this process started are given one gap's grace from the start.
  const startedAt = clock.now();

  async function publish(type: AlertEventType, alert: Alert) {
    await deps.events.alert({ type, at: clock.now(), alert });
  }

  async function checkNoData(now: number, report: TickReport): Promise<void> {
    for (const shipment of await ops.listShipments(5000)) {
      if (shipment.deliveredAt !== null) continue;
      const profile = await deps.profiles.get(shipment.profileId);
      if (!profile) continue;
      const heard = deps.lastHeardAt(shipment.deviceId) ?? startedAt;
      const silentMs = now - heard;
      if (silentMs > profile.maxReadingGapMs) {
        const minutes = Math.round(silentMs / MIN);
        await deps.warnings.raise({
          shipment,
          deviceId: shipment.deviceId,
          ruleId: 'no_data',
          kind: 'no_data',
          tier: 2,
          message: { zh: `记录仪 ${shipment.deviceId} 已 ${minutes} 分钟没有上报数据，这段时间的温度无法监控`, en: `Logger ${shipment.deviceId} has sent nothing for ${minutes} min: this time is unmonitored` },
          at: now,
          thresholdC: 0,
          direction: 'above',
          valueC: 0,
        });
        report.noData.push(shipment.id);
      } else if (deps.lastHeardAt(shipment.deviceId) !== undefined && (await ops.findUnresolvedAlert(shipment.id, 'no_data'))) {
        await deps.warnings.clear(shipment.id, 'no_data', now, 'the logger reports again');
        report.dataBack.push(shipment.id);
      }
    }
  }

  async function tick(): Promise<TickReport> {
    const now = clock.now();
    const report: TickReport = { reminded: [], escalated: [], noData: [], dataBack: [] };
    await checkNoData(now, report);
    const [open, silences] = await Promise.all([ops.listAlerts({ status: 'open', limit: 5000 }), ops.listSilences(now)]);
    const silentDevices = new Set(open.filter((a) => a.kind === 'no_data' && a.conditionState === 'firing').map((a) => a.deviceId));
    for (const alert of open) {
      if (silences.some((s: Silence) => isSilencing(s, alert, now))) continue;
      // A logger gone silent: its temperature alerts wait for it instead of nagging about stale data.
      if (alert.kind !== 'no_data' && silentDevices.has(alert.deviceId)) continue;
      if (alert.escalatedAt === null && now >= alert.respondBy) {
        const escalated: Alert = { ...alert, escalatedAt: now, routedTo: [...new Set([...alert.routedTo, PLATFORM_ORG_ID])], lastNotifiedAt: now, updatedAt: now };
        await ops.updateAlert(escalated);
        log.warn({ alertId: alert.id, shipmentId: alert.shipmentId, ruleId: alert.ruleId, tier: alert.tier }, 'alert.escalated');
        await publish('alert.escalated', escalated);
        report.escalated.push(alert.id);
        continue;
      }
      if (now - (alert.lastNotifiedAt ?? alert.createdAt) >= reminderMs[alert.tier]) {
        const reminded: Alert = { ...alert, reminders: alert.reminders + 1, lastNotifiedAt: now, updatedAt: now };
        await ops.updateAlert(reminded);
        await publish('alert.reminder', reminded);
        report.reminded.push(alert.id);
      }
    }
    return report;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    tick,
    /** Ticks every `everyMs` (default 10 s) until stopped; a tick never overlaps the previous one. */
    start(everyMs = 10_000): void {
      timer = setInterval(() => {
        running = running.then(tick).catch((error: unknown) => log.error({ err: error }, 'scheduler.tick_failed'));
      }, everyMs);
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}

export type AlertScheduler = ReturnType<typeof createAlertScheduler>;
