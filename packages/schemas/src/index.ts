/**
 * @coldchain/schemas: the device contract (topics and telemetry payloads) and the shared validation
 * helpers. Everything here is pure and safe to use from any service.
 */
export * from './topics.ts';
export * from './telemetry.ts';
export { formatZodError } from './zod-error.ts';
export { ConfigError, parseEnv } from './env.ts';
