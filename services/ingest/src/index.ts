/** @coldchain/ingest: validates telemetry into the time-series store, refusals into dead letters. */
export { buildIngest } from './app.ts';
export type { Ingest, IngestDeps, IngestStats } from './app.ts';
export { createIngestPipeline, IngestStoppingError } from './pipeline.ts';
export type { IngestPipeline, IngestPipelineDeps, PublishFlags, TelemetryOutcome } from './pipeline.ts';
export { recordDeadLetter } from './dead-letter.ts';
export { createIngestMetrics } from './ingest-metrics.ts';
