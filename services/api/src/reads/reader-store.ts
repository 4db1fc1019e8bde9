import { join } from 'node:path';
import type { TelemetryStoreConfig } from '@coldchain/runtime';
import type { ReaderStore } from './read-types.ts';

/**
 * How reader threads open the telemetry store the configuration names: telemetry.db under DATA_DIR, or
 * the remote store directly (readings still in ingest's spool show once forwarded, as in the API alone).
 */
export function readerStoreFor(config: TelemetryStoreConfig): ReaderStore {
  if (config.TELEMETRY_STORE === 'victoria') return { kind: 'victoria', url: config.VICTORIA_URL! };
  if (config.TELEMETRY_STORE === 'influx') {
    return { kind: 'influx', url: config.INFLUX_URL!, token: config.INFLUX_TOKEN!, org: config.INFLUX_ORG, bucket: config.INFLUX_BUCKET };
  }
  return { kind: 'sqlite', path: join(config.DATA_DIR, 'telemetry.db'), sync: config.SQLITE_SYNC };
}
