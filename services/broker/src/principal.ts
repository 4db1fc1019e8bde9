import { ORG_MQTT_USER_PREFIX } from '@coldchain/schemas';
/**
 * Who is on the other end of an MQTT connection: a device, an internal service, or an organisation's
 * subscriber (its broker credentials: it may only subscribe to its own alert and claim topics).
 */
export type Principal = { kind: 'device'; deviceId: string } | { kind: 'service'; name: string } | { kind: 'organisation'; orgId: string; username: string };

/** MQTT usernames of internal services start with this; device ids cannot contain `:`. */
export const SERVICE_USER_PREFIX = '_svc_';

/**
 * MQTT usernames of organisations' credentials start with this (`org-<orgId>-<random>`, decision 0022).
 * The broker never checks such a username as a device: a device whose id starts with it cannot connect.
 */
export const ORG_USER_PREFIX = ORG_MQTT_USER_PREFIX;

/** What the broker knows of a CONNECT when it asks who this is. */
export type ConnectRequest = { username: string; password: string; clientId: string; remoteAddress: string };

/** Why a CONNECT was refused: a stable code, a reason for the log, and the CONNACK return code. */
export type ConnectRefusal = {
  ok: false;
  code: 'credentials.bad' | 'credentials.revoked' | 'client_id.mismatch' | 'client_id.reserved' | 'connect.throttled' | 'auth.unavailable';
  reason: string;
  /** [MQTT-3.2.2.3] 4 = bad user name or password, 5 = not authorised. */
  returnCode: 4 | 5;
};

/** The answer to a CONNECT: who it is, or why not. */
export type AuthResult = { ok: true; principal: Principal } | ConnectRefusal;
