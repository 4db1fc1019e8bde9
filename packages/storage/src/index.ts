/**
 * @coldchain/storage: the storage ports (TelemetryStore, OpsStore) and their adapters. The embedded
 * SQLite adapters are the single-node default.
 */
export type {
  Alert,
  AlertFilter,
  AlertStatus,
  Claim,
  DeadLetter,
  Device,
  NewCustodyEvent,
  OpsStore,
  Organisation,
  Shipment,
  StoredReading,
  TelemetryStore,
} from './ports.ts';
export { SqliteTelemetryStore } from './adapters/sqlite/sqlite-telemetry-store.ts';
export { SqliteOpsStore } from './adapters/sqlite/sqlite-ops-store.ts';
export type { SqliteSync } from './adapters/sqlite/open-database.ts';
