import { InfluxDB, Point } from '@influxdata/influxdb-client';
import type { WriteApi } from '@influxdata/influxdb-client';
import type { StoredReading } from '../../ports.ts';

/** Where and how readings are written as line protocol (InfluxDB 2.x or VictoriaMetrics). */
export type LineWriterOptions = {
  url: string;
  token?: string;
  org: string;
  bucket: string;
  /** Lines per request; writes are cut below it so the client never flushes a batch on its own. */
  batchSize?: number;
  /** The client's own flush timer, in ms: seconds, not its 60 s default. */
  flushIntervalMs?: number;
  /** Bodies above this many bytes are gzipped. */
  gzipThreshold?: number;
  timeoutMs?: number;
};

/** Measurement of readings: tag `device`; fields `temp_c`, `rh_pct`, `received_at` (VictoriaMetrics: `reading_temp_c`, ...). */
export const MEASUREMENT = 'reading';

function toPoint(r: StoredReading): Point {
  const point = new Point(MEASUREMENT).tag('device', r.deviceId).floatField('temp_c', r.tempC).floatField('received_at', r.receivedAt).timestamp(r.sampledAt);
  if (r.rhPct !== null) point.floatField('rh_pct', r.rhPct);
  return point;
}

/**
 * Writes readings with @influxdata/influxdb-client and resolves only once the server took them. The
 * client's own retry buffer is switched off (it drops the oldest lines past 32,000 when a server stays
 * down): a failed write rejects, and the caller's durable spool retries it.
 */
export function createLineWriter(options: LineWriterOptions) {
  const batchSize = options.batchSize ?? 5000;
  const writeApi: WriteApi = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs ?? 10_000 }).getWriteApi(options.org, options.bucket, 'ms', {
    batchSize: batchSize + 1,
    flushInterval: options.flushIntervalMs ?? 1000,
    gzipThreshold: options.gzipThreshold ?? 1000,
    maxRetries: 0,
    maxBufferLines: batchSize * 4,
    // A promise returned here becomes the flush's result: the lines are not put in the retry buffer.
    writeFailed: (error) => Promise.reject(error),
  });
  return {
    async write(readings: readonly StoredReading[]): Promise<void> {
      for (let i = 0; i < readings.length; i += batchSize) {
        writeApi.writePoints(readings.slice(i, i + batchSize).map(toPoint));
        await writeApi.flush();
      }
    },
    async close(): Promise<void> {
      await writeApi.close().catch(() => undefined);
    },
  };
}

export type LineWriter = ReturnType<typeof createLineWriter>;
