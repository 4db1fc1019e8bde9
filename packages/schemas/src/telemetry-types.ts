/** Largest accepted telemetry message, in bytes. Larger messages are dead-lettered unread. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Most readings in one message; a logger uploading a longer backlog splits it. */
export const MAX_READINGS_PER_MESSAGE = 10_000;

/** A reading after validation: device time in epoch ms. */
export type Reading = { sampledAt: number; tempC: number; rhPct: number | null };

/** A telemetry message after validation. */
export type TelemetryMessage = { seq: number | null; readings: Reading[] };
