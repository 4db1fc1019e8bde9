// A reader thread of the read pool (read-pool.ts): opens its own connection to the telemetry store and
// answers curve and series tasks, so scans of readings never run on the service's event loop.
import { workerData } from 'node:worker_threads';
import { InfluxTelemetryStore, SqliteTelemetryStore, VictoriaTelemetryStore } from '@coldchain/storage';
import type { TelemetryStore } from '@coldchain/storage';
import { buildCurve } from './curve.ts';
import { SamplesCache } from './samples-cache.ts';
import { computeSeries } from './series.ts';
import type { ReaderStore, ReadTask } from './read-types.ts';

function openReader(store: ReaderStore): TelemetryStore {
  if (store.kind === 'sqlite') return new SqliteTelemetryStore(store.path, store.sync);
  if (store.kind === 'victoria') return new VictoriaTelemetryStore({ url: store.url });
  return new InfluxTelemetryStore({ url: store.url, token: store.token, org: store.org, bucket: store.bucket });
}

const telemetry = openReader((workerData as { store: ReaderStore }).store);
const samples = new SamplesCache();

export default async function read(task: ReadTask): Promise<unknown> {
  if (task.kind === 'curve') return buildCurve(telemetry, task.request);
  if (task.kind === 'readings') return telemetry.readingsBetween(task.request.deviceId, task.request.from, task.request.to, task.request.limit);
  return computeSeries(telemetry, task.request, samples);
}
