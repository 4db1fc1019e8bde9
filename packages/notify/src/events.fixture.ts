import type { Alert, Claim } from '@coldchain/storage';
import type { NotifyAlertEvent, NotifyClaimEvent, NotifyHandoffEvent } from './events.ts';

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

/** The hub takes the lychee over from the first-mile carrier at 4.8 °C; entry 12 of the chain covers the scan. */
export function sampleHandoffEvent(stage: NotifyHandoffEvent['stage'] = 'handoff'): NotifyHandoffEvent {
  const isDelivery = stage === 'delivery';
  const at = T0 + 2 * 60 * 60_000;
  const hash = '3f2a'.padEnd(64, '0b');
  const headJson = JSON.stringify({ v: 1, shipmentId: 'sh-1', seq: 12, hash, signedAt: at + 1_000, keyId: '9c1e5b7a0d3f4e21' });
  return {
    type: 'custody.handoff',
    at,
    stage,
    shipment: { id: 'sh-1', traceCode: 'LYCHEE-0001-ABC' },
    custody: {
      id: isDelivery ? 'ce-9' : 'ce-3',
      stage: isDelivery ? 'delivered' : 'hub',
      at,
      station: isDelivery ? null : '广州白云站',
      probeTempC: 4.8,
      from: isDelivery ? { id: 'org-courier', name: '京东冷链', nameEn: 'JD Cold Chain' } : { id: 'org-van', name: '海南果运', nameEn: 'Hainan Fruit Transport' },
      to: isDelivery ? null : { id: 'org-hub', name: '广州白云冷链枢纽仓', nameEn: 'Guangzhou Baiyun Cold Hub' },
    },
    chain: { seq: 12, hash, keyId: '9c1e5b7a0d3f4e21', signedAt: at + 1_000, headJson, signature: 'c2lnbmF0dXJl' },
    links: { keys: 'https://cc.example.cn/api/v1/keys', consumerPage: 'https://cc.example.cn/t/LYCHEE-0001-ABC' },
  };
}
