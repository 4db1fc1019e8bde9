/**
 * MQTT topics of the device contract. Versioned in the topic (`v1`) so that a later payload format
 * can live beside this one; changes to v1 must stay backward compatible.
 */
export const TOPIC_PREFIX = 'coldchain/v1';

/** Subscription filter for every device's telemetry. */
export const TELEMETRY_FILTER = `${TOPIC_PREFIX}/devices/+/telemetry`;

/** Subscription filter for every device's retained online/offline status. */
export const STATUS_FILTER = `${TOPIC_PREFIX}/devices/+/status`;

/** Subscription filter for every organisation's alert stream. */
export const ALERTS_FILTER = `${TOPIC_PREFIX}/alerts/+`;

/** Subscription filter for every organisation's claim stream. */
export const CLAIMS_FILTER = `${TOPIC_PREFIX}/claims/+`;

/**
 * Where the API tells the rules a custody correction was stored (docs/decisions/0016): a nudge only, the
 * rules read the corrections from the store after their cursor.
 */
export const CORRECTIONS_TOPIC = `${TOPIC_PREFIX}/custody/corrections`;

/**
 * Where the API tells the rules which signed chain head it handed out at a handoff or delivery, so that
 * the rules send it to the parties' channels (docs/decisions/0018). The rules verify the head's
 * signature and that it was recorded as witnessed; the scan itself they read from the store.
 */
export const HEADS_TOPIC = `${TOPIC_PREFIX}/custody/heads`;

/**
 * Where the API tells the rules of a step of an after-sales request it took (report, judgement, decision,
 * payout; issue 13, item 7), so that the rules notify the parties through their outbox. A nudge naming the
 * request and the step: the rules read both back from the store, and decide who is told themselves.
 */
export const AFTER_SALES_TOPIC = `${TOPIC_PREFIX}/after-sales/steps`;

/**
 * Device ids appear in topics and as MQTT usernames, so they may not hold MQTT wildcards or level
 * separators.
 */
/**
 * MQTT usernames of organisations' subscriber credentials start with this (`org-<orgId>-<random>`,
 * decision 0022): the broker never checks such a username as a device, and no device id may start with it.
 */
export const ORG_MQTT_USER_PREFIX = 'org-';

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/;

/** Whether a string is acceptable as a device id (3 to 64 of letters, digits, `_`, `.`, `-`). */
export function isValidDeviceId(id: string): boolean {
  return DEVICE_ID_PATTERN.test(id);
}

/** The telemetry topic a device publishes readings to. */
export function telemetryTopic(deviceId: string): string {
  return `${TOPIC_PREFIX}/devices/${deviceId}/telemetry`;
}

/** The status topic a device's retained online/offline state lives on. */
export function statusTopic(deviceId: string): string {
  return `${TOPIC_PREFIX}/devices/${deviceId}/status`;
}

/** The topic an organisation's alert events are published to. */
export function alertsTopic(orgId: string): string {
  return `${TOPIC_PREFIX}/alerts/${orgId}`;
}

/** The topic an organisation's claim events are published to. */
export function claimsTopic(orgId: string): string {
  return `${TOPIC_PREFIX}/claims/${orgId}`;
}

/** The device topics a device may publish to, with the device id they name. */
export type DeviceTopic = { deviceId: string; kind: 'telemetry' | 'status' };

/** Parses a device topic, or returns null when the topic is not one. */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_PREFIX || parts[2] !== 'devices') return null;
  const deviceId = parts[3] ?? '';
  const kind = parts[4];
  if (!isValidDeviceId(deviceId) || (kind !== 'telemetry' && kind !== 'status')) return null;
  return { deviceId, kind };
}
