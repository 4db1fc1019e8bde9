import type { TemperatureSample } from '@coldchain/domain';
import type { ChangeMark, ReadingBucket, StoredReading } from '../ports.ts';
import { bucketsByScanning } from './buckets-from-readings.ts';

/**
 * The reads of a telemetry store that keeps no rollups and cannot tell its changes (VictoriaMetrics,
 * InfluxDB, the spool in front of them), made from its readings: samples and buckets are computed on
 * the reader thread that asks, and caches of its answers expire by time (decision 0014).
 */
export abstract class ReadsByScanning {
  abstract readingsBetween(deviceId: string, from: number, to: number, limit?: number): Promise<StoredReading[]>;

  async samplesBetween(deviceId: string, from: number, to: number, limit?: number): Promise<TemperatureSample[]> {
    return (await this.readingsBetween(deviceId, from, to, limit)).map(({ sampledAt, tempC }) => ({ sampledAt, tempC }));
  }

  async bucketsBetween(deviceId: string, from: number, to: number, resolutionMs: number): Promise<ReadingBucket[]> {
    return bucketsByScanning(this, deviceId, from, to, resolutionMs);
  }

  async changeMark(_deviceId: string): Promise<ChangeMark | null> {
    return null;
  }
}
