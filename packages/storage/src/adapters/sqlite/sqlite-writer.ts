import { Worker } from 'node:worker_threads';
import { transferOf } from './evidence-messages.ts';
import type { PackedMessages } from './evidence-messages.ts';

/** Asks a worker of these SQLite threads to close its connection and end; resolves once it has exited. */
export async function endWorker(worker: Worker): Promise<void> {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.ref();
  worker.postMessage({ close: true });
  await exited;
}

type Pending = { resolve: (changes: number) => void; reject: (error: Error) => void };

/**
 * Rows for the statement, by column: row i binds `text[i]`, then its `width` numbers
 * `numbers[i * width …]` (width = numbers.length / text.length; NaN binds NULL). Numbers travel to the
 * worker as one transferred buffer, not copied object by object.
 */
export type SqliteRows = { text: string[]; numbers: Float64Array };

/**
 * A worker thread that writes to one SQLite file, one transaction per request, in the order given: the
 * commit (an fsync with `synchronous=FULL`) no longer stops the event loop. The worker has its own
 * connection (WAL: readers on other connections are not blocked); it keeps the process alive only while
 * a request is in flight. If it dies, the requests in flight fail (their messages are not acknowledged)
 * and the next request starts a new one. The worker answers `{ id, changes }` or `{ id, error }`.
 */
export class SqliteWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private isClosed = false;

  constructor(private readonly options: { path: string; url: URL; workerData: Record<string, unknown> }) {}

  /** Sends `body` (with `id` added) to the worker; resolves with the rows it changed. */
  request(body: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<number> {
    if (this.isClosed) return Promise.reject(new Error(`SQLite writer for ${this.options.path} is closed`));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    if (this.pending.size === 0) worker.ref();
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id }, transfer);
    });
  }

  async close(): Promise<void> {
    this.isClosed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await endWorker(worker);
  }

  private start(): Worker {
    const worker = new Worker(this.options.url, { workerData: this.options.workerData });
    worker.unref();
    worker.on('message', (message: { id: number; changes?: number; error?: string }) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.error !== undefined) waiter.reject(new Error(`SQLite write to ${this.options.path} failed: ${message.error}`));
      else waiter.resolve(message.changes ?? 0);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => fail(new Error(`SQLite writer for ${this.options.path} stopped: ${error.message}`)));
    worker.on('exit', (code) => {
      if (this.pending.size > 0) fail(new Error(`SQLite writer for ${this.options.path} exited (code ${code}) with writes in flight`));
      else if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }
}

/**
 * Runs one SQLite write statement in a worker thread (SqliteWorker), one transaction per `run`, so the
 * broker, ingest's parsing and the API go on while readings are written, on the other core.
 */
export class SqliteWriter {
  private readonly worker: SqliteWorker;

  /**
   * `rollupsMs`: the statement inserts readings (device_id, sampled_at, temp_c, …) and the writer keeps
   * their rollups at these resolutions, and the devices' change marks, in the same transactions.
   */
  constructor(options: { path: string; pragmas: readonly string[]; sql: string; rollupsMs?: readonly number[]; keepsMessages?: boolean }) {
    this.worker = new SqliteWorker({
      path: options.path,
      url: new URL('./sqlite-writer-worker.mjs', import.meta.url),
      workerData: { path: options.path, pragmas: [...options.pragmas], sql: options.sql, rollupsMs: options.rollupsMs ? [...options.rollupsMs] : undefined, keepsMessages: options.keepsMessages === true },
    });
  }

  /**
   * Runs the statement once per row, all in one transaction; resolves with the rows changed. With
   * `messages` (a writer that `keepsMessages`), they are stored in the same transaction.
   */
  run(rows: SqliteRows, messages?: PackedMessages): Promise<number> {
    const transfer = [rows.numbers.buffer as ArrayBuffer, ...(messages ? transferOf(messages) : [])];
    return this.worker.request(messages ? { rows, messages } : { rows }, transfer);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
