import { flux, InfluxDB } from '@influxdata/influxdb-client';
import type { QueryApi } from '@influxdata/influxdb-client';
import type { StoredReading, TelemetryStore } from '../../ports.ts';
import { createLineWriter, MEASUREMENT } from '../line-protocol/line-writer.ts';
import type { LineWriter } from '../line-protocol/line-writer.ts';
import { ReadsByScanning } from '../../rollups/reads-by-scanning.ts';

/** An InfluxDB 2.x bucket. */
export type InfluxOptions = { url: string; token: string; org: string; bucket: string; flushIntervalMs?: number; batchSize?: number };

/**
 * TelemetryStore on InfluxDB 2.x: line protocol in, Flux out. A point written again for the same series
 * and time replaces the earlier one, so first-write-wins is the spool's job here too.
 */
export class InfluxTelemetryStore extends ReadsByScanning implements TelemetryStore {
  readonly isFirstWriteWins = false;
  private readonly writer: LineWriter;
  private readonly queryApi: QueryApi;

  constructor(private readonly options: InfluxOptions) {
    super();
    this.writer = createLineWriter({ ...options });
    this.queryApi = new InfluxDB({ url: options.url, token: options.token }).getQueryApi(options.org);
  }

  async insertReadings(readings: readonly StoredReading[]): Promise<{ inserted: number; duplicates: number }> {
    await this.writer.write(readings);
    return { inserted: readings.length, duplicates: 0 };
  }

  async settle(): Promise<void> {}

  async readingsBetween(deviceId: string, from: number, to: number, limit = 100_000): Promise<StoredReading[]> {
    const stop = new Date(Math.min(to, 253_402_300_799_000) + 1);
    const query = flux`from(bucket: ${this.options.bucket})
      |> range(start: ${new Date(from)}, stop: ${stop})
      |> filter(fn: (r) => r._measurement == ${MEASUREMENT} and r.device == ${deviceId})
      |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
      |> sort(columns: ["_time"])
      |> limit(n: ${limit})`;
    const rows = await this.queryApi.collectRows<{ _time: string; temp_c: number; rh_pct?: number | null; received_at: number }>(query);
    return rows.map((row) => ({
      deviceId,
      sampledAt: Date.parse(row._time),
      tempC: row.temp_c,
      rhPct: row.rh_pct ?? null,
      receivedAt: row.received_at,
    }));
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}
