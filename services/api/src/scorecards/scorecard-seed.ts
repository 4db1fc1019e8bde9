import { randomBytes, randomUUID } from 'node:crypto';
import { monthRange } from '@coldchain/domain';
import type { Month } from '@coldchain/domain';
import type { Alert, OpsStore } from '@coldchain/storage';

/**
 * Test support (scorecard job, API and page tests): organisations, and a month of simulated shipments
 * written straight to the operational store, as the API and the rules would have stored them.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;

/** The shipper and the three kinds of logistics provider the scorecards rank. */
export const SCORECARD_ORGS = {
  coop: { id: 'coop', name: '永兴荔枝合作社', nameEn: 'Yongxing Lychee Co-op', kind: 'shipper' },
  reefer: { id: 'reefer', name: '南北冷运', nameEn: 'Nanbei Reefer', kind: 'carrier' },
  hub: { id: 'hub', name: '白云冷库', nameEn: 'Baiyun Cold Store', kind: 'warehouse' },
  courier: { id: 'courier', name: '城市鲜达', nameEn: 'City Fresh Courier', kind: 'courier' },
} as const;

export async function seedScorecardOrgs(ops: OpsStore, createdAt: number): Promise<void> {
  for (const org of Object.values(SCORECARD_ORGS)) await ops.upsertOrganisation({ ...org, createdAt });
  await ops.createDevice({ id: 'logger-scorecard', secretHash: 'scrypt$seed$not-a-real-secret', publicKey: null, createdAt });
}

/**
 * For each provider, `shipments` delivered shipments in `month` (packhouse, then the provider's leg of
 * 10 h from day 2 on, one a day), the first `excursions` of them with an excursion attributed to it,
 * its alert acknowledged within 10 min (1 h deadline). Score: 100 − min(40, 2 × excursions per 100).
 */
export async function seedMonth(ops: OpsStore, month: Month, plan: Partial<Record<'reefer' | 'hub' | 'courier', { shipments: number; excursions: number }>>): Promise<void> {
  const { startMs } = monthRange(month);
  for (const [orgId, { shipments, excursions }] of Object.entries(plan)) {
    for (let k = 0; k < shipments; k++) {
      const id = `${month}-${orgId}-${k}`;
      const startedAt = startMs + (k + 1) * 24 * HOUR;
      await ops.createShipment(
        { id, traceCode: randomBytes(12).toString('base64url'), profileId: 'lychee', shipperOrgId: SCORECARD_ORGS.coop.id, deviceId: 'logger-scorecard', origin: '海口', destination: '上海', boxes: 10, goodsValueCents: 300_000, freightCents: 40_000, startedAt, deliveredAt: null, createdAt: startedAt },
        { shipmentId: id, at: startedAt, stage: 'packhouse', toOrgId: SCORECARD_ORGS.coop.id, station: null, probeTempC: null, recordedAt: startedAt },
      );
      await ops.appendCustodyEvent({ shipmentId: id, at: startedAt + HOUR, stage: orgId === 'hub' ? 'hub' : orgId === 'courier' ? 'last_mile' : 'line_haul', toOrgId: orgId, station: null, probeTempC: 4.5, recordedAt: startedAt + HOUR });
      await ops.appendCustodyEvent({ shipmentId: id, at: startedAt + 11 * HOUR, stage: 'delivered', toOrgId: null, station: null, probeTempC: null, recordedAt: startedAt + 11 * HOUR });
      if (k < excursions) await ops.insertAlert(excursionAlert(id, orgId, startedAt + 3 * HOUR));
    }
  }
}

/** An excursion in the provider's leg, attributed to it, acknowledged 10 min after it was raised. */
export function excursionAlert(shipmentId: string, orgId: string, activeAt: number): Alert {
  const firedAt = activeAt + 10 * MIN;
  return {
    id: randomUUID(), shipmentId, deviceId: 'logger-scorecard', ruleId: `high-${activeAt}`, kind: 'excursion', message: null, escalatedAt: null, lastNotifiedAt: null, reminders: 0, tier: 1,
    status: 'acknowledged', conditionState: 'cleared', thresholdC: 15, direction: 'above', activeAt, firedAt, clearedAt: activeAt + HOUR, peakTempC: 19, outsideMs: HOUR, degreeMinutes: 120,
    attribution: { status: 'attributed', orgId, legIndex: 1, reason: { zh: '超标开始于该段', en: 'began in this leg' } }, routedTo: [orgId, SCORECARD_ORGS.coop.id], respondBy: firedAt + HOUR,
    acknowledgedAt: firedAt + 10 * MIN, acknowledgedBy: 'duty', resolvedAt: null, resolvedBy: null, resolutionNote: null, createdAt: firedAt, updatedAt: firedAt + 10 * MIN,
  };
}
