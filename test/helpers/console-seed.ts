import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { PLATFORM_ORG_ID, routeAlert, SYSTEM_ACTOR, systemResolutionNote } from '@coldchain/domain';
import type { LocalizedText, Stage } from '@coldchain/domain';
import type { Alert, OpsStore } from '@coldchain/storage';
import { SEED_ORGS } from './seed-shipment.ts';
import type { SeededApi } from './seed-shipment.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A password long enough for the API's rule, and free of any login used here. */
export const PASSWORD = 'lychee-cold-chain-2026';

/** An organisation that is nobody's business in the console tests: its alerts must never show. */
export const OTHER_SHIPPER = { id: 'org-other-orchard', name: '琼中山兰果园', nameEn: 'Qiongzhong Orchard', kind: 'shipper' } as const;

/** A station name of the length people type into a scanner app when they give the whole address. */
export const LONG_STATION = '海口市美兰区南港物流园区三号冷库东侧二层月台B区第十七号装卸口（临时周转冷藏区，夜间值班请走北门）';
/** A warning message long enough to have pushed the buttons off the card before. */
export const LONG_MESSAGE: LocalizedText = {
  zh: `冷机启停循环预警：2 小时内温度往复 9 次，幅度 6.8 °C；冷藏车应连续运行。${'请检查冷机电源、门封条、温控器设定和回风口是否被货物堵塞，'.repeat(4)}并在处理说明中记录检查结果。`,
  en: `Reefer start-stop cycling: 9 swings of up to 6.8 °C within 2 h; reefers must run continuously. ${'Check the unit power, door seals, thermostat setting and whether the return air is blocked by the load; '.repeat(4)}record what you found in the note.`,
};

/** Creates a user of an organisation with the admin token, as a platform administrator would. */
export async function createUser(api: SeededApi, orgId: string, user: { login: string; name: string; role: 'admin' | 'operator' | 'viewer' }): Promise<void> {
  const response = await fetch(`${api.baseUrl}/api/v1/organisations/${encodeURIComponent(orgId)}/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...user, password: PASSWORD }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

/**
 * A shipment of the seeded lychee kind, held now by `holderOrgId` at `station` (after the shipper's
 * packhouse, unless the holder is the shipper).
 */
export async function seedHeldShipment(ops: OpsStore, options: { id: string; shipperOrgId: string; holderOrgId: string; stage: Stage; station: string; now: number }): Promise<void> {
  const template = (await ops.getShipment('shp-lychee-0521'))!;
  const deviceId = `logger-${options.id}`;
  await ops.createDevice({ id: deviceId, secretHash: 'scrypt$seed$not-a-real-secret', publicKey: null, createdAt: options.now - 7 * HOUR });
  const startedAt = options.now - 5 * HOUR;
  const shipment = { ...template, id: options.id, traceCode: randomBytes(16).toString('base64url'), shipperOrgId: options.shipperOrgId, deviceId, destination: '深圳 南山区', startedAt, createdAt: startedAt };
  const custody = (atH: number, stage: Stage, toOrgId: string, station: string) => ({ shipmentId: options.id, at: startedAt + atH * HOUR, stage, toOrgId, station, probeTempC: null, recordedAt: startedAt + atH * HOUR });
  expect(await ops.createShipment(shipment, custody(0, 'packhouse', options.shipperOrgId, '琼中预冷站'))).toBe(true);
  if (options.holderOrgId !== options.shipperOrgId) await ops.appendCustodyEvent(custody(2, options.stage, options.holderOrgId, options.station));
}

/**
 * An alert on a shipment, shaped as the rules service raises a warning (or no-data alert): routed to the
 * holder, the shipper and (tier 1) the platform; `resolved` makes it one the system resolved itself.
 */
export async function seedAlert(
  ops: OpsStore,
  options: {
    shipmentId: string;
    holderOrgId: string;
    shipperOrgId: string;
    now: number;
    kind?: 'warning' | 'no_data';
    message?: LocalizedText;
    respondInMs?: number;
    resolvedBy?: 'system' | 'legacy';
  },
): Promise<Alert> {
  const seenAt = options.now - 20 * MIN;
  const isResolved = options.resolvedBy !== undefined;
  const alert: Alert = {
    id: randomUUID(),
    shipmentId: options.shipmentId,
    deviceId: `logger-${options.shipmentId}`,
    ruleId: options.kind === 'no_data' ? 'no_data' : `reefer.cycling.${randomUUID().slice(0, 8)}`,
    kind: options.kind ?? 'warning',
    message: options.message ?? { zh: '冷机启停循环预警：2 小时内温度往复 5 次，幅度 3.1 °C', en: 'Reefer start-stop cycling: 5 swings of up to 3.1 °C within 2 h' },
    tier: 3,
    status: isResolved ? 'resolved' : 'open',
    conditionState: isResolved ? 'cleared' : 'firing',
    thresholdC: 15,
    direction: 'above',
    activeAt: seenAt,
    firedAt: seenAt,
    clearedAt: isResolved ? options.now - 5 * MIN : null,
    peakTempC: 11.2,
    outsideMs: 0,
    degreeMinutes: 0,
    attribution: { status: 'indeterminate', orgId: null, legIndex: 1, reason: { zh: '预警，不涉及责任认定', en: 'a warning: no liability is attributed' } },
    routedTo: routeAlert({ tier: 3, custodianOrgId: options.holderOrgId, shipperOrgId: options.shipperOrgId, platformOrgId: PLATFORM_ORG_ID }),
    respondBy: seenAt + (options.respondInMs ?? 2 * HOUR),
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: isResolved ? options.now - 5 * MIN : null,
    // As the rules service resolves a warning that cleared by itself now, and as earlier versions did.
    resolvedBy: options.resolvedBy === 'system' ? SYSTEM_ACTOR : options.resolvedBy === 'legacy' ? 'system: the logger reports again' : null,
    resolutionNote: options.resolvedBy === 'system' ? systemResolutionNote('trend_gone') : null,
    escalatedAt: null,
    lastNotifiedAt: seenAt,
    reminders: 0,
    createdAt: seenAt,
    updatedAt: isResolved ? options.now - 5 * MIN : seenAt,
  };
  await ops.insertAlert(alert);
  return alert;
}

/** The organisations of the console tests beyond the seeded journey's. */
export async function seedOtherShipper(ops: OpsStore, now: number): Promise<Alert> {
  await ops.upsertOrganisation({ ...OTHER_SHIPPER, createdAt: now - 10 * HOUR });
  await seedHeldShipment(ops, { id: 'shp-other-orchard-01', shipperOrgId: OTHER_SHIPPER.id, holderOrgId: SEED_ORGS.lineHaul.id, stage: 'line_haul', station: '海口新海港', now });
  return seedAlert(ops, {
    shipmentId: 'shp-other-orchard-01',
    holderOrgId: SEED_ORGS.lineHaul.id,
    shipperOrgId: OTHER_SHIPPER.id,
    now,
    message: { zh: '别家的告警：山兰果园的货，不该出现在这里', en: "Someone else's alert: must not show here" },
  });
}
