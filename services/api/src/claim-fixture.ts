import { randomUUID } from 'node:crypto';
import type { Alert, Claim, OpsStore } from '@coldchain/storage';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Tests' excursion on shp-1 (logger-1) attributed to the reefer carrier in its first-mile leg (2 h after
 * `t0`, 3 h outside), and the claim filed against it for `money`, stored directly as the rules would.
 */
export async function seedReeferClaim(ops: OpsStore, t0: number, money: Pick<Claim, 'amountCents' | 'goodsShareCents' | 'freightCents'>): Promise<{ alert: Alert; claim: Claim }> {
  const alert: Alert = {
    id: randomUUID(), shipmentId: 'shp-1', deviceId: 'logger-1', ruleId: 'high', kind: 'excursion', message: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, tier: 1,
    status: 'open', conditionState: 'cleared', thresholdC: 15, direction: 'above', activeAt: t0 + 2 * HOUR, firedAt: t0 + 2 * HOUR + 10 * MIN, clearedAt: t0 + 5 * HOUR, peakTempC: 24, outsideMs: 3 * HOUR, degreeMinutes: 900,
    attribution: { status: 'attributed', orgId: 'reefer', legIndex: 1, reason: { zh: '原因', en: 'reason' } }, routedTo: ['reefer', 'coop', 'platform'], respondBy: t0 + 3 * HOUR,
    acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolutionNote: null, createdAt: t0 + 2 * HOUR, updatedAt: t0 + 2 * HOUR,
  };
  await ops.insertAlert(alert);
  const claim: Claim = {
    id: randomUUID(), shipmentId: 'shp-1', alertId: alert.id, liableOrgId: 'reefer', ...money, currency: 'CNY',
    status: 'filed', reason: { zh: '原因', en: 'reason' }, filedAt: Date.now(), respondBy: Date.now() + 2 * HOUR, withdrawnAt: null, withdrawnReason: null,
  };
  await ops.fileClaimOnce(claim);
  return { alert, claim };
}
