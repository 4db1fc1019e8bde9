/** Who is on the other end of an MQTT connection. */
export type Principal = { kind: 'device'; deviceId: string } | { kind: 'service'; name: string };

/** MQTT usernames of internal services start with this; device ids cannot contain `:`. */
export const SERVICE_USER_PREFIX = '_svc_';
