import type { StoredReading, TelemetryStore } from '../../ports.ts';
import { createLineWriter, MEASUREMENT } from '../line-protocol/line-writer.ts';
import type { LineWriter } from '../line-protocol/line-writer.ts';
import { ReadsByScanning } from '../../rollups/reads-by-scanning.ts';

/** A VictoriaMetrics server: writes through its InfluxDB line-protocol endpoint, reads through /api/v1/export. */
export type VictoriaOptions = { url: string; flushIntervalMs?: number; batchSize?: number };

type ExportLine = { metric: Record<string, string>; values: number[]; timestamps: number[] };

/**
 * TelemetryStore on VictoriaMetrics. Run the server with `-dedup.minScrapeInterval=1ms` so a reading
 * written twice is kept once; first-write-wins for differing values of one (device, ts) is the spool's
 * job (VictoriaMetrics' dedup keeps the larger value). `-retentionPeriod` must cover the backlog devices
 * upload.
 */
export class VictoriaTelemetryStore extends ReadsByScanning implements TelemetryStore {
  readonly isFirstWriteWins = false;
  private readonly writer: LineWriter;

  constructor(private readonly options: VictoriaOptions) {
    super();
    this.writer = createLineWriter({ url: options.url, org: 'coldchain', bucket: 'coldchain', flushIntervalMs: options.flushIntervalMs, batchSize: options.batchSize });
  }

  async insertReadings(readings: readonly StoredReading[]): Promise<{ inserted: number; duplicates: number }> {
    await this.writer.write(readings);
    // VictoriaMetrics does not say which samples it already had; dedup happens in its storage.
    return { inserted: readings.length, duplicates: 0 };
  }

  /** Makes recent writes visible to queries at once (VictoriaMetrics otherwise takes about a second). */
  async settle(): Promise<void> {
    await fetch(new URL('/internal/force_flush', this.options.url));
  }

  async readingsBetween(deviceId: string, from: number, to: number, limit = 100_000): Promise<StoredReading[]> {
    const device = deviceId.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
    const url = new URL('/api/v1/export', this.options.url);
    url.searchParams.set('match[]', `{__name__=~"${MEASUREMENT}_(temp_c|rh_pct|received_at)",device="${device}"}`);
    url.searchParams.set('start', (from / 1000).toFixed(3));
    url.searchParams.set('end', (Math.min(to, 253_402_300_799_000) / 1000).toFixed(3));
    const response = await fetch(url);
    if (!response.ok) throw new Error(`VictoriaMetrics export failed: ${response.status} ${await response.text()}`);
    const byTime = new Map<number, StoredReading>();
    for (const line of (await response.text()).split('\n')) {
      if (!line.trim()) continue;
      const series = JSON.parse(line) as ExportLine;
      const field = series.metric.__name__?.slice(MEASUREMENT.length + 1);
      series.timestamps.forEach((t, i) => {
        if (t < from || t > to) return;
        const reading = byTime.get(t) ?? { deviceId, sampledAt: t, tempC: Number.NaN, rhPct: null, receivedAt: 0 };
        const value = series.values[i]!;
        if (field === 'temp_c') reading.tempC = value;
        else if (field === 'rh_pct') reading.rhPct = value;
        else if (field === 'received_at') reading.receivedAt = value;
        byTime.set(t, reading);
      });
    }
    return [...byTime.values()]
      .filter((r) => !Number.isNaN(r.tempC))
      .sort((a, b) => a.sampledAt - b.sampledAt)
      .slice(0, limit);
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}
