import type { Channel } from '../delivery-request.ts';
import { redactUrl } from './redact-url.ts';

export const OUTBOX_MIGRATIONS = [
  // seq orders deliveries per destination URL; key is the idempotency key sent as X-Coldchain-Delivery.
  // window_started_at starts the max-age clock: enqueue, or a requeue of a dead delivery.
  `CREATE TABLE deliveries (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     key TEXT NOT NULL UNIQUE,
     channel TEXT NOT NULL CHECK (channel IN ('webhook', 'dingtalk', 'wecom', 'feishu')),
     url TEXT NOT NULL,
     secret TEXT,
     body TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     window_started_at INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     delivered_at INTEGER,
     dead_at INTEGER,
     last_http_status INTEGER,
     last_error TEXT
   );
   CREATE INDEX deliveries_pending_by_url ON deliveries (url, seq) WHERE status = 'pending';
   CREATE INDEX deliveries_by_status ON deliveries (status, seq);
   CREATE TABLE delivery_attempts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     delivery_seq INTEGER NOT NULL REFERENCES deliveries (seq) ON DELETE CASCADE,
     attempt INTEGER NOT NULL,
     started_at INTEGER NOT NULL,
     finished_at INTEGER,
     outcome TEXT CHECK (outcome IN ('delivered', 'retry', 'dead', 'interrupted')),
     http_status INTEGER,
     error TEXT
   );
   CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_seq, attempt);`,
];

/** Where a delivery is in its life: waiting (or being retried), done, or given up on and kept. */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** A delivery as the API shows it: no secret, and the URL's credentials masked. */
export type Delivery = {
  key: string;
  channel: Channel;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  /** When the next attempt is due; null once delivered or dead. */
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  deadAt: number | null;
  lastHttpStatus: number | null;
  lastError: string | null;
};

/** One attempt: `interrupted` when the process stopped while it was in flight. */
export type DeliveryAttempt = {
  attempt: number;
  startedAt: number;
  finishedAt: number | null;
  outcome: 'delivered' | 'retry' | 'dead' | 'interrupted' | null;
  httpStatus: number | null;
  error: string | null;
};

export type DeliveryRow = {
  seq: number;
  key: string;
  channel: Channel;
  url: string;
  secret: string | null;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: number;
  window_started_at: number;
  next_attempt_at: number;
  delivered_at: number | null;
  dead_at: number | null;
  last_http_status: number | null;
  last_error: string | null;
};

export type AttemptRow = {
  attempt: number;
  started_at: number;
  finished_at: number | null;
  outcome: DeliveryAttempt['outcome'];
  http_status: number | null;
  error: string | null;
};

export const toDelivery = (row: DeliveryRow): Delivery => ({
  key: row.key,
  channel: row.channel,
  url: redactUrl(row.url),
  status: row.status,
  attempts: row.attempts,
  createdAt: row.created_at,
  nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
  deliveredAt: row.delivered_at,
  deadAt: row.dead_at,
  lastHttpStatus: row.last_http_status,
  lastError: row.last_error,
});

export const toAttempt = (row: AttemptRow): DeliveryAttempt => ({
  attempt: row.attempt,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  outcome: row.outcome,
  httpStatus: row.http_status,
  error: row.error,
});
