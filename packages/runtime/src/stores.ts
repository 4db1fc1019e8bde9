import { join } from 'node:path';
import { PLATFORM_ORG_ID } from '@coldchain/domain';
import { InfluxTelemetryStore, SpooledTelemetryStore, SqliteEvidenceStore, SqliteOpsStore, SqliteTelemetryStore, VictoriaTelemetryStore } from '@coldchain/storage';
import type { EvidenceStore, OpsStore, SqliteSync, TelemetryStore } from '@coldchain/storage';
import type { Logger } from 'pino';

/** The settings that choose the telemetry store (see commonEnvShape). */
export type TelemetryStoreConfig = {
  DATA_DIR: string;
  SQLITE_SYNC: SqliteSync;
  TELEMETRY_STORE: 'sqlite' | 'victoria' | 'influx';
  VICTORIA_URL?: string;
  INFLUX_URL?: string;
  INFLUX_TOKEN?: string;
  INFLUX_ORG: string;
  INFLUX_BUCKET: string;
  SPOOL_MAX_READINGS: number;
};

/**
 * Opens the telemetry store the configuration names: SQLite under DATA_DIR, or VictoriaMetrics / InfluxDB
 * 2.x behind a durable spool (DATA_DIR/spool.db) that keeps readings through an outage of the store.
 * Throws an Error naming the missing variable.
 */
export function openTelemetryStore(config: TelemetryStoreConfig, log: Logger): TelemetryStore {
  if (config.TELEMETRY_STORE === 'sqlite') return new SqliteTelemetryStore(join(config.DATA_DIR, 'telemetry.db'), config.SQLITE_SYNC);
  let remote;
  if (config.TELEMETRY_STORE === 'victoria') {
    if (!config.VICTORIA_URL) throw new Error('TELEMETRY_STORE=victoria needs VICTORIA_URL');
    remote = new VictoriaTelemetryStore({ url: config.VICTORIA_URL });
  } else {
    if (!config.INFLUX_URL || !config.INFLUX_TOKEN) throw new Error('TELEMETRY_STORE=influx needs INFLUX_URL and INFLUX_TOKEN');
    remote = new InfluxTelemetryStore({ url: config.INFLUX_URL, token: config.INFLUX_TOKEN, org: config.INFLUX_ORG, bucket: config.INFLUX_BUCKET });
  }
  return new SpooledTelemetryStore({
    path: join(config.DATA_DIR, 'spool.db'),
    remote,
    maxPending: config.SPOOL_MAX_READINGS,
    sync: config.SQLITE_SYNC,
    onPressure: (event) =>
      event.isNearBound ? log.error(event, 'spool.near_bound: the telemetry store is not taking readings') : log.info(event, 'spool.recovered'),
    onDrainError: (error, pending) => log.warn({ err: error, pending }, 'spool.drain_failed'),
  });
}

/**
 * The evidence store (issue 11): DATA_DIR/evidence.db holds the chains; the accepted messages are in
 * telemetry.db with their readings when the telemetry store is SQLite, else in evidence.db too.
 */
export function openEvidenceStore(dataDir: string, sync: SqliteSync, telemetryStore: TelemetryStoreConfig['TELEMETRY_STORE']): EvidenceStore {
  return new SqliteEvidenceStore(join(dataDir, 'evidence.db'), sync, telemetryStore === 'sqlite' ? { messagesIn: join(dataDir, 'telemetry.db') } : {});
}

/**
 * The stores a service runs on: the telemetry store the configuration names, the operational store
 * (SQLite ops.db under DATA_DIR, WAL mode; PostgreSQL comes with a later issue), and the evidence store.
 */
export async function openStores(config: TelemetryStoreConfig, log: Logger, now: number): Promise<{ telemetry: TelemetryStore; ops: OpsStore; evidence: EvidenceStore }> {
  const telemetry = openTelemetryStore(config, log);
  const ops = new SqliteOpsStore(join(config.DATA_DIR, 'ops.db'), config.SQLITE_SYNC);
  const evidence = openEvidenceStore(config.DATA_DIR, config.SQLITE_SYNC, config.TELEMETRY_STORE);
  // The platform operator receives tier-1 alerts; it exists from the first start.
  if (!(await ops.getOrganisation(PLATFORM_ORG_ID))) {
    await ops.upsertOrganisation({ id: PLATFORM_ORG_ID, name: '平台运营', nameEn: 'Platform operations', kind: 'platform', createdAt: now });
  }
  return { telemetry, ops, evidence };
}

/** The embedded stores under DATA_DIR (SQLite only), for services that do not take the telemetry settings. */
export async function openEmbeddedStores(dataDir: string, sync: SqliteSync, now: number, log?: Logger): Promise<{ telemetry: TelemetryStore; ops: OpsStore; evidence: EvidenceStore }> {
  const config = { DATA_DIR: dataDir, SQLITE_SYNC: sync, TELEMETRY_STORE: 'sqlite' as const, INFLUX_ORG: '', INFLUX_BUCKET: '', SPOOL_MAX_READINGS: 0 };
  return openStores(config, log ?? (console as unknown as Logger), now);
}
