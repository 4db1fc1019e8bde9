import type { MqttConnectionOptions } from '@coldchain/bus';
import type { SqliteSync } from '@coldchain/storage';
import type { ReaderStore } from './reads/read-types.ts';

/** What the API thread is started with (structured-cloned into it). */
export type ApiThreadData = {
  host: string;
  port: number;
  /** ops.db lives here; the thread opens its own connection to it. */
  dataDir: string;
  sync: SqliteSync;
  /** How the thread, and its reader threads, open the telemetry store. */
  readerStore: ReaderStore;
  readThreads?: number;
  adminToken: string;
  mqtt?: MqttConnectionOptions;
  trustedProxies: string[];
  publicRateLimitPerMin: number;
  /** Demo only: claim answer times divided by this (DEMO_SPEED). */
  deadlineSpeed?: number;
  logLevel: string;
  /** Whether the process has /metrics and an outbox to list (asked of the main thread). */
  hasMetrics: boolean;
  hasOutbox: boolean;
};

/** Messages from the API thread. */
export type FromApiThread =
  | { type: 'started'; port: number }
  | { type: 'failed'; message: string; code?: string }
  | { type: 'stopped' }
  | { type: 'log'; line: string }
  | { type: 'ask'; id: number; what: 'metrics' | 'outbox.stats' | 'outbox.list'; filter?: unknown };

/** Messages to the API thread. */
export type ToApiThread = { type: 'stop' } | { type: 'answer'; id: number; value?: unknown; error?: string };
