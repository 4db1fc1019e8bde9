import type { Logger } from 'pino';
import { buildLegs, PLATFORM_ORG_ID, routeOpenAlert } from '@coldchain/domain';
import type { Leg, Tier } from '@coldchain/domain';
import type { AlertEventType, Clock } from '@coldchain/bus';
import type { EventSink } from './event-sink.ts';
import { isSilencing } from '@coldchain/storage';
import type { Alert, OpsStore, ProfileCatalog, Shipment, Silence } from '@coldchain/storage';
import type { WarningRecorder } from './warning-recorder.ts';
import type { AfterSalesTickReport } from '@coldchain/after-sales';
import type { ClaimTickReport, ClaimTimers } from './claim-timers.ts';

const MIN = 60_000;

/**
 * Reminder intervals while nobody acknowledges: tier 1 every 15 min (its deadline is 1 h: three
 * reminders before escalation), tier 2 hourly, tier 3 every 4 h (Alertmanager's default
 * repeat_interval, reference/produce.md).
 */
export const DEFAULT_REMINDER_MS: Readonly<Record<Tier, number>> = { 1: 15 * MIN, 2: 60 * MIN, 3: 240 * MIN };

/**
 * Rows read per page when the timers scan the open alerts and the live shipments: every one of them is
 * visited on each tick, one page in memory at a time (issue 9: a fixed cap of 5,000 left the rest
 * never reminded).
 */
export const DEFAULT_SCAN_PAGE = 500;

/** Reads keyset pages after the last id seen until a short page: every row once, one page at a time. */
async function* pagesOf<T extends { id: string }>(read: (afterId: string | null) => Promise<T[]>, pageSize: number): AsyncGenerator<T[]> {
  let afterId: string | null = null;
  for (;;) {
    const page = await read(afterId);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    afterId = page[page.length - 1]!.id;
  }
}

/** What the timers do on one tick, for logs and tests. */
export type TickReport = { reminded: string[]; escalated: string[]; noData: string[]; dataBack: string[]; claims?: ClaimTickReport; afterSales?: AfterSalesTickReport };

/**
 * Timers that fire without new data: reminders until an alert is acknowledged, escalation to the
 * platform when its response deadline passes, and no-data alerts for shipments whose logger fell
 * silent. Every decision is taken from the stored alerts and the injected clock on each tick, so the
 * timers survive a restart; silences mute reminders and escalation, and a device's no-data alert mutes
 * its temperature alerts' reminders. Each tick visits every open alert and live shipment in keyset
 * pages, and a reminder or escalation goes to whoever holds the goods at that moment.
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
  /**
   * Whether silences can be judged now: not while the store is being caught up (a device's last-heard
   * time is still moving through its backlog, from a day ago to a minute ago). Default: always.
   */
  canJudgeSilence?: () => boolean;
  reminderMs?: Readonly<Record<Tier, number>>;
  /** Rows per page of the scans (default `DEFAULT_SCAN_PAGE`): what a tick holds in memory at once. */
  scanPageSize?: number;
  /** The claims' answer deadlines (claim-timers.ts), run on the same tick after the alerts' timers. */
  claims?: ClaimTimers;
  /**
   * The after-sales requests' timers (the streamer's reminder, escalation at 48 h, catching up what a crash
   * left half done; `createAfterSalesWorkflow().tick`), run on the same tick after the claims'.
   */
  afterSales?: { tick(): Promise<AfterSalesTickReport> };
}) {
  const { ops, clock, log } = deps;
  const reminderMs = deps.reminderMs ?? DEFAULT_REMINDER_MS;
  const pageSize = deps.scanPageSize ?? DEFAULT_SCAN_PAGE;
  // Devices not heard from since this process started are given one gap's grace from the start.
  const startedAt = clock.now();

  async function publish(type: AlertEventType, alert: Alert) {
    await deps.events.alert({ type, at: clock.now(), alert });
  }

  async function checkNoData(now: number, report: TickReport): Promise<void> {
    for await (const page of pagesOf((afterId) => ops.listLiveShipmentsAfter(afterId, pageSize), pageSize)) {
      for (const shipment of page) await checkShipment(shipment, now, report);
    }
  }

  async function checkShipment(shipment: Shipment, now: number, report: TickReport): Promise<void> {
    const profile = await deps.profiles.get(shipment.profileId);
    if (!profile) return;
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
      await deps.warnings.clear(shipment.id, 'no_data', now, 'logger_back');
      report.dataBack.push(shipment.id);
    }
  }

  /**
   * Where a reminder or escalation goes now: the goods may have changed hands since the alert opened,
   * so the routing is recomputed from the shipment's custody (`routeOpenAlert`) and stored as the
   * alert's `routedTo`, which is what the notifier, the bus and the consoles read. The alert's routing
   * thus always names the current holder; the custodian where the excursion began and the liable party
   * stay on it. Custody is read once per shipment per page.
   */
  async function routeNow(alert: Alert, isEscalated: boolean, custody: Map<string, { legs: Leg[]; shipperOrgId: string } | null>): Promise<string[]> {
    let known = custody.get(alert.shipmentId);
    if (known === undefined) {
      const [shipment, events] = await Promise.all([ops.getShipment(alert.shipmentId), ops.listEffectiveCustodyEvents(alert.shipmentId)]);
      known = shipment ? { legs: buildLegs(events), shipperOrgId: shipment.shipperOrgId } : null;
      custody.set(alert.shipmentId, known);
    }
    // A shipment that is gone: keep whom the alert was routed to, plus the platform once escalated.
    if (!known) return isEscalated ? [...new Set([...alert.routedTo, PLATFORM_ORG_ID])] : alert.routedTo;
    const routedTo = routeOpenAlert({
      tier: alert.tier,
      legs: known.legs,
      activeAt: alert.activeAt,
      liableOrgId: alert.attribution.orgId,
      shipperOrgId: known.shipperOrgId,
      platformOrgId: PLATFORM_ORG_ID,
      isEscalated,
    });
    if (routedTo.join() !== alert.routedTo.join()) log.info({ alertId: alert.id, shipmentId: alert.shipmentId, previous: alert.routedTo, routedTo }, 'alert.rerouted');
    return routedTo;
  }

  async function remindOrEscalate(alert: Alert, now: number, report: TickReport, custody: Map<string, { legs: Leg[]; shipperOrgId: string } | null>): Promise<void> {
    if (alert.escalatedAt === null && now >= alert.respondBy) {
      const escalated: Alert = { ...alert, escalatedAt: now, routedTo: await routeNow(alert, true, custody), lastNotifiedAt: now, updatedAt: now };
      await ops.updateAlert(escalated);
      log.warn({ alertId: alert.id, shipmentId: alert.shipmentId, ruleId: alert.ruleId, tier: alert.tier, routedTo: escalated.routedTo }, 'alert.escalated');
      await publish('alert.escalated', escalated);
      report.escalated.push(alert.id);
      return;
    }
    if (now - (alert.lastNotifiedAt ?? alert.createdAt) >= reminderMs[alert.tier]) {
      const routedTo = await routeNow(alert, alert.escalatedAt !== null, custody);
      const reminded: Alert = { ...alert, routedTo, reminders: alert.reminders + 1, lastNotifiedAt: now, updatedAt: now };
      await ops.updateAlert(reminded);
      await publish('alert.reminder', reminded);
      report.reminded.push(alert.id);
    }
  }

  async function tick(): Promise<TickReport> {
    const now = clock.now();
    const report: TickReport = { reminded: [], escalated: [], noData: [], dataBack: [] };
    if (deps.canJudgeSilence?.() ?? true) await checkNoData(now, report);
    const silences = await ops.listSilences(now);
    // Every open alert, a page at a time: first the loggers gone silent, then each alert's timers.
    const silentDevices = new Set<string>();
    for await (const page of pagesOf((afterId) => ops.listAlertsAfter(afterId, { status: 'open', kind: 'no_data', limit: pageSize }), pageSize)) {
      for (const alert of page) if (alert.conditionState === 'firing') silentDevices.add(alert.deviceId);
    }
    for await (const page of pagesOf((afterId) => ops.listAlertsAfter(afterId, { status: 'open', limit: pageSize }), pageSize)) {
      const custody = new Map<string, { legs: Leg[]; shipperOrgId: string } | null>();
      for (const alert of page) {
        if (silences.some((s: Silence) => isSilencing(s, alert, now))) continue;
        // A logger gone silent: its temperature alerts wait for it instead of nagging about stale data.
        if (alert.kind !== 'no_data' && silentDevices.has(alert.deviceId)) continue;
        await remindOrEscalate(alert, now, report, custody);
      }
    }
    if (deps.claims) report.claims = await deps.claims.tick();
    if (deps.afterSales) report.afterSales = await deps.afterSales.tick();
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
