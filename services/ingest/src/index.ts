/** @coldchain/ingest: validates telemetry from MQTT into the time-series store, refusals into dead letters. */
export { buildIngest } from './app.ts';
export type { Ingest, IngestDeps, IngestStats } from './app.ts';
export { recordDeadLetter } from './dead-letter.ts';
export { createIngestMetrics } from './ingest-metrics.ts';
