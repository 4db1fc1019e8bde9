/**
 * @coldchain/schemas: the device contract (topics and telemetry payloads) and the shared validation
 * helpers. Everything here is pure and safe to use from any service.
 */
export * from './topics.ts';
export * from './telemetry.ts';
export { formatZodError } from './zod-error.ts';
export type { DuplicateKey } from './duplicate-keys.ts';
export { describeDuplicateKey, findDuplicateKey } from './duplicate-keys.ts';
export { ConfigError, parseEnv } from './env.ts';
export type { ReadingRejectCode, RejectedReading } from './screening.ts';
export { MAX_AGE_MS, MAX_FUTURE_MS, screenReadings, SENSOR_RANGE_C } from './screening.ts';
export type { RateLimit } from './rate-limiter.ts';
export { DEVICE_RATE_LIMIT, DeviceRateLimiter } from './rate-limiter.ts';
export type { SignedEnvelope } from './signature.ts';
export { isSignedEnvelope, parseEd25519PublicKey, signTelemetry, verifyEnvelope } from './signature.ts';
