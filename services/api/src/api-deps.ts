import type { Registry } from 'prom-client';
import type { Outbox } from '@coldchain/notify';

/** Where /metrics comes from: a prom-client Registry, or one in another thread (api-thread.ts). */
export type MetricsSource = Pick<Registry, 'contentType' | 'metrics'>;

/** What the API reads of the notification outbox, here or in another thread (api-thread.ts). */
export type OutboxView = Pick<Outbox, 'stats' | 'list'>;
