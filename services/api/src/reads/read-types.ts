import type { SqliteSync, StoredReading } from '@coldchain/storage';
import type { Curve, CurveRequest } from './curve.ts';
import type { Series, SeriesRequest } from './series.ts';

/** How a reader thread opens the telemetry store: its own connection, read only in practice. */
export type ReaderStore =
  | { kind: 'sqlite'; path: string; sync: SqliteSync }
  | { kind: 'victoria'; url: string }
  | { kind: 'influx'; url: string; token: string; org: string; bucket: string };

/** A task for a reader thread. */
export type ReadTask =
  | { kind: 'curve'; request: CurveRequest }
  | { kind: 'series'; request: SeriesRequest }
  | { kind: 'readings'; request: ReadingsRequest };

/** A page of a device's readings: `from <= sampledAt <= to`, in time order, at most `limit`. */
export type ReadingsRequest = { deviceId: string; from: number; to: number; limit: number };

/** The reads that scan readings: on reader threads (createReadPool) or, for tests and tools, inline. */
export type Reads = {
  curve(request: CurveRequest): Promise<Curve>;
  series(request: SeriesRequest): Promise<Series>;
  readings(request: ReadingsRequest): Promise<StoredReading[]>;
  close(): Promise<void>;
};
