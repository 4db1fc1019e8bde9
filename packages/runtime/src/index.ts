/** @coldchain/runtime: what every service's main.ts shares: environment, secrets, stores, logger, start and stop. */
export { commonEnvShape, portSchema } from './common-env.ts';
export { brokerUrlSchema, requireTelemetryStoreSettings } from './service-env.ts';
export { loadOrCreateSecret } from './secrets-file.ts';
export { restrictUmask, secureDataDir } from './data-dir.ts';
export type { DataDirCheck } from './data-dir.ts';
export { openEmbeddedStores, openEvidenceStore, openStores, openTelemetryStore } from './stores.ts';
export type { TelemetryStoreConfig } from './stores.ts';
export { createLogger, LOG_REDACT, LOG_REDACT_PATHS, urlForLog } from './logger.ts';
export { runService, StartupError } from './run-service.ts';
export type { ServiceOptions, StartedService } from './run-service.ts';
