import type { Alert, Claim } from '@coldchain/storage';
import type { NotifyAlertEvent, NotifyClaimEvent } from './events.ts';

/** 2024-06-01 06:00 UTC = 14:00 Beijing time. */
export const T0 = Date.UTC(2024, 5, 1, 6, 0);

/** A lychee shipment's tier-1 high alert, attributed to the line-haul carrier. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'al-1',
    shipmentId: 'sh-1',
    deviceId: 'dev-1',
    ruleId: 'high',
    kind: 'excursion',
    message: null,
    tier: 1,
    status: 'open',
    conditionState: 'firing',
    thresholdC: 15,
    direction: 'above',
    activeAt: T0,
    firedAt: T0 + 10 * 60_000,
    clearedAt: null,
    peakTempC: 18.44,
    outsideMs: 42 * 60_000,
    degreeMinutes: 96.5,
    attribution: {
      status: 'attributed',
      orgId: 'org-reefer',
      legIndex: 3,
      reason: { zh: '超标开始于干线冷运段，货物由顺丰冷运持有', en: 'the excursion began in the line-haul leg, held by SF Cold Chain' },
    },
    routedTo: ['org-reefer', 'org-farm', 'platform'],
    respondBy: T0 + 70 * 60_000,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolutionNote: null,
    escalatedAt: null,
    lastNotifiedAt: null,
    reminders: 0,
    createdAt: T0 + 10 * 60_000,
    updatedAt: T0 + 10 * 60_000,
    ...overrides,
  };
}

export function sampleAlertEvent(type: NotifyAlertEvent['type'] = 'alert.opened', overrides: Partial<Alert> = {}): NotifyAlertEvent {
  return { type, at: T0 + 10 * 60_000, alert: sampleAlert(overrides) };
}

export function sampleClaimEvent(): NotifyClaimEvent {
  const claim: Claim = {
    id: 'cl-1',
    shipmentId: 'sh-1',
    alertId: 'al-1',
    liableOrgId: 'org-reefer',
    amountCents: 1_234_567,
    goodsShareCents: 1_200_000,
    freightCents: 34_567,
    currency: 'CNY',
    status: 'filed',
    reason: { zh: '超标开始于干线冷运段', en: 'the excursion began in the line-haul leg' },
    filedAt: T0 + 60 * 60_000,
    respondBy: T0 + 3 * 60 * 60_000,
    withdrawnAt: null,
    withdrawnReason: null,
  };
  return { type: 'claim.filed', at: claim.filedAt, claim };
}

export const NAMES = {
  holder: { zh: '顺丰冷运', en: 'SF Cold Chain' },
  orgNames: { 'org-reefer': { zh: '顺丰冷运', en: 'SF Cold Chain' } },
  shipmentLabel: 'LZ-8842 海口 → 上海',
  productName: { zh: '荔枝', en: 'Lychee' },
};
