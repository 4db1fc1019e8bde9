import { join } from 'node:path';
import { PLATFORM_ORG_ID } from '@coldchain/domain';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { OpsStore, SqliteSync, TelemetryStore } from '@coldchain/storage';

/** The embedded stores under DATA_DIR: telemetry.db and ops.db, SQLite in WAL mode. */
export async function openEmbeddedStores(dataDir: string, sync: SqliteSync, now: number): Promise<{ telemetry: TelemetryStore; ops: OpsStore }> {
  const telemetry = new SqliteTelemetryStore(join(dataDir, 'telemetry.db'), sync);
  const ops = new SqliteOpsStore(join(dataDir, 'ops.db'), sync);
  // The platform operator receives tier-1 alerts; it exists from the first start.
  if (!(await ops.getOrganisation(PLATFORM_ORG_ID))) {
    await ops.upsertOrganisation({ id: PLATFORM_ORG_ID, name: '平台运营', nameEn: 'Platform operations', kind: 'platform', createdAt: now });
  }
  return { telemetry, ops };
}
