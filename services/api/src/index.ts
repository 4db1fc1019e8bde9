/** @coldchain/api: the HTTP API (fastify, zod, OpenAPI at /docs), the live stream and the dashboards. */
export { buildApi } from './app.ts';
export type { Api, ApiDeps } from './app.ts';
export { ERROR_STATUS } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export { createReadPool, inlineReads } from './reads/read-pool.ts';
export { readerStoreFor } from './reads/reader-store.ts';
export type { Reads, ReaderStore } from './reads/read-types.ts';
export { startApiThread } from './api-thread.ts';
export type { ApiThread } from './api-thread.ts';
export { createScorecardJob, SCORECARD_SCHEDULE } from './scorecards/scorecard-job.ts';
export type { ScorecardJob, ScorecardRun } from './scorecards/scorecard-job.ts';
export { DEFAULT_SCORECARD_TIMEZONE, scorecardTimezoneSchema } from './scorecards/scorecard-timezone.ts';
