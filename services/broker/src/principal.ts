/** Who is on the other end of an MQTT connection. */
export type Principal = { kind: 'device'; deviceId: string } | { kind: 'service'; name: string };

/** MQTT usernames of internal services start with this; device ids cannot contain `:`. */
export const SERVICE_USER_PREFIX = '_svc_';

/** What the broker knows of a CONNECT when it asks who this is. */
export type ConnectRequest = { username: string; password: string; clientId: string; remoteAddress: string };

/** Why a CONNECT was refused: a stable code, a reason for the log, and the CONNACK return code. */
export type ConnectRefusal = {
  ok: false;
  code: 'credentials.bad' | 'client_id.mismatch' | 'client_id.reserved' | 'connect.throttled' | 'auth.unavailable';
  reason: string;
  /** [MQTT-3.2.2.3] 4 = bad user name or password, 5 = not authorised. */
  returnCode: 4 | 5;
};

/** The answer to a CONNECT: who it is, or why not. */
export type AuthResult = { ok: true; principal: Principal } | ConnectRefusal;
