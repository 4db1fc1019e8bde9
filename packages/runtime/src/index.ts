/** @coldchain/runtime: what every service's main.ts shares: environment, secrets, stores, logger. */
export { commonEnvShape, portSchema } from './common-env.ts';
export { loadOrCreateSecret } from './secrets-file.ts';
export { openEmbeddedStores, openStores, openTelemetryStore } from './stores.ts';
export type { TelemetryStoreConfig } from './stores.ts';
export { createLogger } from './logger.ts';
