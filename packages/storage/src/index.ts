/**
 * @coldchain/storage: the storage ports (TelemetryStore, OpsStore) and their adapters. The embedded
 * SQLite adapters are the single-node default.
 */
export type {
  Alert,
  AlertKind,
  AlertFilter,
  AlertStatus,
  ChangeMark,
  Claim,
  ClaimEvent,
  ClaimTransitionOutcome,
  DeadLetter,
  Device,
  DeviceEvent,
  NewCustodyEvent,
  NotificationChannel,
  ProfileChange,
  OpsStore,
  ReadingBucket,
  Organisation,
  Review,
  ReviewDecision,
  ReviewOutcome,
  RuleStateRow,
  Shipment,
  ShipmentFilter,
  Silence,
  StoredReading,
  TelemetryStore,
} from './ports.ts';
export { isSilencing, ROLLUP_RESOLUTIONS_MS } from './ports.ts';
export type { AccountStore, ActorKind, ApiKey, AuditEntry, OrgMqttCredential, Role, Session, User } from './account-ports.ts';
export { ROLES } from './account-ports.ts';
export type {
  AfterSalesEvent,
  AfterSalesEvidenceRef,
  AfterSalesPhoto,
  AfterSalesRequest,
  AfterSalesState,
  AfterSalesStepType,
  AfterSalesStore,
  AfterSalesTransition,
  AfterSalesTransitionOutcome,
  NewAfterSalesEvent,
  Payout,
} from './after-sales-ports.ts';
export { AFTER_SALES_STATES } from './after-sales-ports.ts';
export type { ScorecardMonth, ScorecardStore, ScorecardTrigger } from './scorecard-ports.ts';
export { bucketsFromReadings } from './rollups/buckets-from-readings.ts';
export { SqliteTelemetryStore } from './adapters/sqlite/sqlite-telemetry-store.ts';
export { SqliteOpsStore } from './adapters/sqlite/sqlite-ops-store.ts';
export { SqliteEvidenceStore } from './adapters/sqlite/sqlite-evidence-store.ts';
export type { ChainAppend, ChainProgress, ChainRow, ChainTransaction, EvidenceMessage, EvidenceStore, MessageMeta, ServiceKey, Witness as EvidenceWitness } from './evidence-ports.ts';
export type { SqliteSync } from './adapters/sqlite/open-database.ts';
export { openDatabase } from './adapters/sqlite/open-database.ts';
export { VictoriaTelemetryStore } from './adapters/victoria/victoria-telemetry-store.ts';
export type { VictoriaOptions } from './adapters/victoria/victoria-telemetry-store.ts';
export { InfluxTelemetryStore } from './adapters/influx/influx-telemetry-store.ts';
export type { InfluxOptions } from './adapters/influx/influx-telemetry-store.ts';
export { SpooledTelemetryStore, SpoolFullError } from './spool/spooled-telemetry-store.ts';
export type { RemoteTelemetryStore, SpoolOptions } from './spool/spooled-telemetry-store.ts';
export { createProfileCatalog } from './profile-catalog.ts';
export type { ProfileCatalog } from './profile-catalog.ts';
