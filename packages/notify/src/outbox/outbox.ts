import type Database from 'better-sqlite3';
import { buildDeliveryRequest } from '../delivery-request.ts';
import { openDatabase } from '@coldchain/storage';
import { validateEntry } from './outbox-entry.ts';
import type { EntryError, OutboxEntry } from './outbox-entry.ts';
import { OUTBOX_MIGRATIONS, toAttempt, toDelivery } from './outbox-schema.ts';
import type { AttemptRow, Delivery, DeliveryAttempt, DeliveryRow, DeliveryStatus } from './outbox-schema.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from './retry-policy.ts';
import { sendRequest } from './send-request.ts';
import type { AttemptOutcome, RetryPolicy } from './retry-policy.ts';

export type OutboxOptions = Partial<RetryPolicy> & {
  /** The outbox's own SQLite file, e.g. `${DATA_DIR}/outbox.db`; `:memory:` for throwaway use. */
  path: string;
  now?: () => number;
  /** Waits `ms` or until `signal` aborts, whichever is first (the worker's timer). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Gives up on one HTTP attempt after this long (real time). */
  requestTimeoutMs?: number;
  /** Destinations delivered to at once; each destination URL is still served one message at a time. */
  concurrency?: number;
  /** The worker looks at the queue at least this often even when nothing is due. */
  idlePollMs?: number;
  /** Delivered rows are kept this long (for idempotency and the API), then pruned by the worker. Dead rows are never pruned. */
  retainDeliveredMs?: number;
  sync?: 'FULL' | 'NORMAL';
  /** Told of each finished attempt, for logs and metrics. */
  onAttempt?: (event: { key: string; channel: string; attempt: number; outcome: AttemptOutcome; nextAttemptAt: number | null }) => void;
  /** Told of errors the worker survived (a broken database file, a bug). */
  onError?: (error: unknown) => void;
};

export type OutboxStats = { pending: number; delivered: number; dead: number };

export type EnqueueResult = { ok: true; isNew: boolean; delivery: Delivery } | EntryError;

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * A durable outbox of notifications (SQLite, WAL). `enqueue` is durable on return and idempotent on the
 * key; a worker delivers with `fetch`, in order per destination URL, retrying with exponential backoff
 * until `maxAgeMs`, then marks the delivery `dead` with its last error (kept, never deleted). An attempt in
 * flight when the process died is retried after restart: delivery is at least once, and receivers
 * deduplicate on `X-Coldchain-Delivery`. One process owns an outbox file at a time.
 */
export class Outbox {
  private readonly db: Database.Database;
  private readonly policy: RetryPolicy;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly options: OutboxOptions;
  /** Aborted by `close`: stops the worker and cuts requests in flight. */
  private readonly stopping = new AbortController();
  private readonly busyUrls = new Set<string>();
  private readonly lanes = new Set<Promise<unknown>>();
  private worker: Promise<void> | null = null;
  private wakeWorker: (() => void) | null = null;
  private lastPrunedAt = -Infinity;

  constructor(options: OutboxOptions) {
    this.options = options;
    this.policy = {
      minBackoffMs: options.minBackoffMs ?? DEFAULT_RETRY_POLICY.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
      maxAgeMs: options.maxAgeMs ?? DEFAULT_RETRY_POLICY.maxAgeMs,
    };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.db = openDatabase(options.path, OUTBOX_MIGRATIONS, options.sync ?? 'FULL', { isPrivate: true });
    // Attempts left open by a process that died mid-request: the receiver may or may not have the
    // message, so the delivery stays pending (its next_attempt_at is already past) and is sent again.
    this.db
      .prepare(`UPDATE delivery_attempts SET finished_at = ?, outcome = 'interrupted', error = 'the process stopped during the attempt' WHERE finished_at IS NULL`)
      .run(this.now());
  }

  /** Accepts a notification; durable on return. The same key again is the same delivery (`isNew: false`). */
  async enqueue(entry: OutboxEntry): Promise<EnqueueResult> {
    const checked = validateEntry(entry);
    if (!checked.ok) return checked;
    const now = this.now();
    const { changes } = this.db
      .prepare(
        `INSERT INTO deliveries (key, channel, url, secret, body, status, created_at, window_started_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      )
      .run(entry.key, entry.channel, entry.url, checked.secret, checked.body, now, now, now);
    if (changes > 0) this.wakeWorker?.();
    return { ok: true, isNew: changes > 0, delivery: toDelivery(this.row(entry.key)!) };
  }

  async stats(): Promise<OutboxStats> {
    const rows = this.db.prepare(`SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status`).all() as Array<{ status: DeliveryStatus; n: number }>;
    const stats: OutboxStats = { pending: 0, delivered: 0, dead: 0 };
    for (const row of rows) stats[row.status] = row.n;
    return stats;
  }

  /** Deliveries, oldest first, optionally of one status. */
  async list(filter: { status?: DeliveryStatus; limit?: number } = {}): Promise<Delivery[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const rows = filter.status
      ? this.db.prepare(`SELECT * FROM deliveries WHERE status = ? ORDER BY seq LIMIT ?`).all(filter.status, limit)
      : this.db.prepare(`SELECT * FROM deliveries ORDER BY seq LIMIT ?`).all(limit);
    return (rows as DeliveryRow[]).map(toDelivery);
  }

  async get(key: string): Promise<Delivery | undefined> {
    const row = this.row(key);
    return row && toDelivery(row);
  }

  /** A delivery's attempts, first first. */
  async attempts(key: string): Promise<DeliveryAttempt[]> {
    const rows = this.db
      .prepare(`SELECT a.* FROM delivery_attempts a JOIN deliveries d ON d.seq = a.delivery_seq WHERE d.key = ? ORDER BY a.attempt`)
      .all(key) as AttemptRow[];
    return rows.map(toAttempt);
  }

  /** Puts a dead delivery back in the queue (after fixing its destination), with a fresh max-age window. */
  async requeue(key: string): Promise<boolean> {
    const now = this.now();
    const { changes } = this.db
      .prepare(`UPDATE deliveries SET status = 'pending', dead_at = NULL, window_started_at = ?, next_attempt_at = ? WHERE key = ? AND status = 'dead'`)
      .run(now, now, key);
    if (changes > 0) this.wakeWorker?.();
    return changes > 0;
  }

  /**
   * One pass: for each destination whose oldest pending delivery is due, delivers it and then the next
   * ones of that destination while they succeed or die; stops a destination at its first retry, so
   * order per URL holds. Returns the number of attempts made.
   */
  async deliverDue(): Promise<number> {
    if (this.stopping.signal.aborted) return 0;
    const urls = (this.db.prepare(`SELECT url, MIN(seq) AS seq FROM deliveries WHERE status = 'pending' GROUP BY url`).all() as Array<{ url: string; seq: number }>)
      .filter((head) => !this.busyUrls.has(head.url))
      .map((head) => head.url);
    let attempts = 0;
    const queue = [...urls];
    const runLane = async () => {
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) attempts += await this.drainUrl(url);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 4, queue.length) }, runLane));
    return attempts;
  }

  /** Starts the background worker (idempotent). */
  start(): void {
    if (this.worker || this.stopping.signal.aborted) return;
    this.worker = this.runWorker();
  }

  /** Stops the worker, cuts requests in flight (they are retried on the next start), closes the file. */
  async close(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    await this.worker;
    await Promise.allSettled([...this.lanes]);
    this.db.close();
  }

  private row(key: string): DeliveryRow | undefined {
    return this.db.prepare(`SELECT * FROM deliveries WHERE key = ?`).get(key) as DeliveryRow | undefined;
  }

  private head(url: string): DeliveryRow | undefined {
    return this.db.prepare(`SELECT * FROM deliveries WHERE url = ? AND status = 'pending' ORDER BY seq LIMIT 1`).get(url) as DeliveryRow | undefined;
  }

  private async drainUrl(url: string): Promise<number> {
    if (this.busyUrls.has(url)) return 0;
    this.busyUrls.add(url);
    const lane = (async () => {
      let attempts = 0;
      // Bounded: every turn either finishes a delivery (delivered or dead) or leaves the loop.
      for (;;) {
        const head = this.head(url);
        if (!head || head.next_attempt_at > this.now() || this.stopping.signal.aborted) return attempts;
        const outcome = await this.attempt(head);
        attempts++;
        if (outcome !== 'finished') return attempts;
      }
    })();
    this.lanes.add(lane);
    try {
      return await lane;
    } finally {
      this.lanes.delete(lane);
      this.busyUrls.delete(url);
      // A retry scheduled here may be due before the worker's current nap ends.
      this.wakeWorker?.();
    }
  }

  private async attempt(row: DeliveryRow): Promise<'finished' | 'retry' | 'interrupted'> {
    const startedAt = this.now();
    const attempt = row.attempts + 1;
    const attemptId = this.db.transaction(() => {
      this.db.prepare(`UPDATE deliveries SET attempts = ? WHERE seq = ?`).run(attempt, row.seq);
      return this.db.prepare(`INSERT INTO delivery_attempts (delivery_seq, attempt, started_at) VALUES (?, ?, ?)`).run(row.seq, attempt, startedAt).lastInsertRowid;
    })();

    let outcome: AttemptOutcome;
    try {
      const request = buildDeliveryRequest({ channel: row.channel, url: row.url, secret: row.secret, body: row.body, key: row.key }, startedAt);
      outcome = await sendRequest(row.channel, request, { cancel: this.stopping.signal, timeoutMs: this.options.requestTimeoutMs ?? 10_000, now: this.now });
    } catch (error) {
      if (!this.stopping.signal.aborted) throw error;
      this.db
        .prepare(`UPDATE delivery_attempts SET finished_at = ?, outcome = 'interrupted', error = 'the outbox closed during the attempt' WHERE id = ?`)
        .run(this.now(), attemptId);
      return 'interrupted';
    }

    const finishedAt = this.now();
    if (outcome.kind === 'retry' && finishedAt - row.window_started_at >= this.policy.maxAgeMs) {
      outcome = { kind: 'dead', httpStatus: outcome.httpStatus, error: `gave up after ${attempt} attempts: ${outcome.error}` };
    }
    let nextAttemptAt: number | null = null;
    if (outcome.kind === 'retry') {
      const backoff = retryDelayMs(attempt, this.policy, this.random());
      // Honour a receiver's Retry-After, within the backoff ceiling.
      nextAttemptAt = finishedAt + Math.max(backoff, Math.min(outcome.retryAfterMs ?? 0, this.policy.maxBackoffMs));
    }
    const error = outcome.kind === 'delivered' ? null : outcome.error;
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE delivery_attempts SET finished_at = ?, outcome = ?, http_status = ?, error = ? WHERE id = ?`)
        .run(finishedAt, outcome.kind, outcome.httpStatus, error, attemptId);
      this.db
        .prepare(
          `UPDATE deliveries SET status = ?, next_attempt_at = COALESCE(?, next_attempt_at), delivered_at = ?, dead_at = ?,
             last_http_status = ?, last_error = COALESCE(?, last_error) WHERE seq = ?`,
        )
        .run(
          outcome.kind === 'retry' ? 'pending' : outcome.kind,
          nextAttemptAt,
          outcome.kind === 'delivered' ? finishedAt : null,
          outcome.kind === 'dead' ? finishedAt : null,
          outcome.httpStatus,
          error,
          row.seq,
        );
    })();
    this.options.onAttempt?.({ key: row.key, channel: row.channel, attempt, outcome, nextAttemptAt });
    return outcome.kind === 'retry' ? 'retry' : 'finished';
  }

  /** How long the worker may sleep: until the earliest due head of a destination not being served. */
  private msUntilNextDue(): number {
    const idlePollMs = this.options.idlePollMs ?? 60_000;
    const heads = this.db
      .prepare(`SELECT url, next_attempt_at FROM deliveries d WHERE status = 'pending' AND seq = (SELECT MIN(seq) FROM deliveries WHERE url = d.url AND status = 'pending')`)
      .all() as Array<{ url: string; next_attempt_at: number }>;
    let earliest = Infinity;
    for (const head of heads) if (!this.busyUrls.has(head.url)) earliest = Math.min(earliest, head.next_attempt_at);
    return Math.max(0, Math.min(idlePollMs, earliest - this.now()));
  }

  private pruneDelivered(): void {
    const now = this.now();
    if (now - this.lastPrunedAt < 3_600_000) return;
    this.lastPrunedAt = now;
    const retainMs = this.options.retainDeliveredMs ?? 30 * 24 * 3_600_000;
    this.db.prepare(`DELETE FROM deliveries WHERE status = 'delivered' AND delivered_at < ?`).run(now - retainMs);
  }

  private async runWorker(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let napMs: number;
      try {
        await this.deliverDue();
        this.pruneDelivered();
        napMs = this.msUntilNextDue();
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        this.options.onError?.(error);
        napMs = this.options.idlePollMs ?? 60_000;
      }
      if (this.stopping.signal.aborted) return;
      const nap = new AbortController();
      const wake = () => nap.abort();
      this.wakeWorker = wake;
      this.stopping.signal.addEventListener('abort', wake, { once: true });
      try {
        await this.sleep(napMs, nap.signal);
      } finally {
        this.stopping.signal.removeEventListener('abort', wake);
        this.wakeWorker = null;
      }
    }
  }
}

