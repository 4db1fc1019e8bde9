import type { Logger } from 'pino';
import { correctionWithdrawalReason } from '@coldchain/domain';
import type { CustodyCorrection } from '@coldchain/domain';
import type { OpsStore, ProfileCatalog, TelemetryStore } from '@coldchain/storage';
import type { ExcursionRecorder } from './excursion-recorder.ts';

/** The setting holding the recording order (`seq`) of the last correction the rules have judged. */
export const CORRECTIONS_CURSOR_KEY = 'rules.corrections.cursor';
/** Corrections read from the store per query. */
const PAGE = 200;

/**
 * Custody corrections judged from the store (issue 11, item 6; docs/decisions/0016). The API's notice on
 * the bus only wakes this up: each run reads every correction recorded after the cursor (a setting in
 * the operational store), judges again the excursion alerts of each shipment they touch on the corrected
 * custody (attribution, claims, reviews: recorder.reattribute), then moves the cursor. Run on start,
 * after each reconnect, and on each notice, so a notice lost while the rules were away changes nothing.
 * Re-judging is idempotent: a crash between the judging and the cursor's write judges again, to the
 * same result.
 */
export function createCorrectionRejudge(deps: {
  ops: OpsStore;
  telemetry: Pick<TelemetryStore, 'readingsBetween'>;
  profiles: ProfileCatalog;
  recorder: ExcursionRecorder;
  log: Logger;
  now: () => number;
}) {
  const { ops, telemetry, log } = deps;

  /** The device time of the shipment's last reading before `at`, or null when there is none. */
  async function readingBefore(deviceId: string, from: number, at: number, maxGapMs: number): Promise<number | null> {
    // Most onsets follow a reading within the profile's gap; only a gap needs the longer look back.
    const near = await telemetry.readingsBetween(deviceId, Math.max(from, at - maxGapMs - 1), at - 1);
    if (near.length > 0) return near.at(-1)!.sampledAt;
    let last: number | null = null;
    for (let start = from; ; ) {
      const page = await telemetry.readingsBetween(deviceId, start, at - 1, 50_000);
      if (page.length > 0) last = page.at(-1)!.sampledAt;
      if (page.length < 50_000) return last;
      start = last! + 1;
    }
  }

  /** Judges the shipment's excursion alerts again on its corrected custody; `correction` is the newest. */
  async function rejudgeShipment(shipmentId: string, correction: CustodyCorrection): Promise<void> {
    const shipment = await ops.getShipment(shipmentId);
    const profile = shipment && (await deps.profiles.get(shipment.profileId));
    if (!shipment || !profile) return;
    const end = shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER;
    const all = await ops.listAlerts({ shipmentId, kind: 'excursion', limit: 1000 });
    const isWithin = (alert: (typeof all)[number]) => alert.activeAt >= shipment.startedAt && alert.activeAt <= end;
    // An excursion that began outside the journey (a delivery corrected to before its onset) is not the
    // shipment's (shipment-view.ts): its claims no longer hold and are withdrawn, with why (found in review).
    const outside = new Set(all.filter((alert) => !isWithin(alert)).map((alert) => alert.id));
    if (outside.size > 0) {
      for (const claim of await ops.listClaims({ shipmentId })) {
        if (claim.status !== 'filed' || !outside.has(claim.alertId)) continue;
        const withdrawn = await ops.withdrawClaim(claim.id, deps.now(), correctionWithdrawalReason(correction, 'outside_journey'));
        if (withdrawn) log.info({ shipmentId, claimId: claim.id, alertId: claim.alertId }, 'rules.claim_withdrawn_outside_journey');
      }
    }
    const alerts = all.filter(isWithin);
    let changed = 0;
    for (const alert of alerts) {
      const limit = profile.limits.find((l) => l.id === alert.ruleId);
      if (!limit) continue;
      const previousReadingAt = await readingBefore(shipment.deviceId, shipment.startedAt, alert.activeAt, profile.maxReadingGapMs);
      if (await deps.recorder.reattribute(alert, { shipment, profile, limit, previousReadingAt, correction })) changed++;
    }
    log.info({ shipmentId, correctionId: correction.id, alerts: alerts.length, reattributed: changed }, 'rules.custody_rejudged');
  }

  return {
    /** Judges every correction recorded after the cursor, a shipment at a time, and moves the cursor. */
    async catchUp(): Promise<number> {
      let cursor = Number((await ops.getSetting(CORRECTIONS_CURSOR_KEY)) ?? 0);
      let judged = 0;
      for (;;) {
        const page = await ops.listCorrectionsAfter(cursor, PAGE);
        if (page.length === 0) return judged;
        // One re-judgement per shipment per page, on all of its corrections; the newest one is named.
        const newest = new Map<string, CustodyCorrection>();
        for (const correction of page) newest.set(correction.shipmentId, correction);
        for (const [shipmentId, correction] of newest) {
          try {
            await rejudgeShipment(shipmentId, correction);
          } catch (error) {
            // The cursor stops here: the next run judges this page again.
            log.error({ err: error, shipmentId, correctionId: correction.id }, 'rules.custody_rejudge_failed');
            return judged;
          }
        }
        judged += page.length;
        cursor = page.at(-1)!.seq;
        await ops.setSetting(CORRECTIONS_CURSOR_KEY, String(cursor));
      }
    },
  };
}

export type CorrectionRejudge = ReturnType<typeof createCorrectionRejudge>;
