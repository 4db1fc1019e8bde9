import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { MetricsSource, OutboxView } from './api-deps.ts';
import type { ApiThreadData, FromApiThread, ToApiThread } from './api-thread-types.ts';

/** How long a stop waits for the thread to close its server and stores before it is terminated. */
const STOP_TIMEOUT_MS = 10_000;

/** The API running in its own thread; `stop` closes it (the server first, then its stores). */
export type ApiThread = { port: number; stop(): Promise<void> };

/**
 * Starts the HTTP API in a worker thread of this process (decision 0014): its own event loop, its own
 * connections to ops.db and the telemetry store, its own reader threads. The main thread keeps the
 * broker, ingest and rules, so a crowd of readers costs them CPU on a shared core at most, never a
 * place in the queue. Log lines come back to `log`; /metrics and /api/v1/notifications are answered
 * from this thread's registry and outbox. The thread uses the system clock. Resolves once it listens;
 * rejects with the thread's error (with its `code`, e.g. EADDRINUSE) when it cannot.
 */
export function startApiThread(data: Omit<ApiThreadData, 'hasMetrics' | 'hasOutbox'>, main: { log: Logger; metrics?: MetricsSource; outbox?: OutboxView }): Promise<ApiThread> {
  const worker = new Worker(new URL('./api-thread-entry.mjs', import.meta.url), {
    workerData: { ...data, hasMetrics: main.metrics !== undefined, hasOutbox: main.outbox !== undefined } satisfies ApiThreadData,
  });
  const post = (message: ToApiThread) => worker.postMessage(message);
  let isStopping = false;
  let onStopped: (() => void) | undefined;

  const answer = async (id: number, what: string, filter: unknown) => {
    try {
      let value: unknown;
      if (what === 'metrics') value = await main.metrics?.metrics();
      else if (what === 'outbox.stats') value = await main.outbox?.stats();
      else value = await main.outbox?.list(filter as Parameters<OutboxView['list']>[0]);
      post({ type: 'answer', id, value });
    } catch (error) {
      post({ type: 'answer', id, error: error instanceof Error ? error.message : String(error) });
    }
  };

  return new Promise<ApiThread>((resolve, reject) => {
    let isStarted = false;
    worker.on('message', (message: FromApiThread) => {
      if (message.type === 'log') relayLog(main.log, message.line);
      else if (message.type === 'ask') void answer(message.id, message.what, message.filter);
      else if (message.type === 'stopped') onStopped?.();
      else if (message.type === 'failed') reject(Object.assign(new Error(message.message), { code: message.code }));
      else if (message.type === 'started') {
        isStarted = true;
        resolve({
          port: message.port,
          stop: async () => {
            isStopping = true;
            const exited = new Promise<void>((done) => worker.once('exit', () => done()));
            const stopped = new Promise<void>((done) => (onStopped = done));
            post({ type: 'stop' });
            const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
            await Promise.race([stopped.then(() => exited), exited]);
            clearTimeout(timer);
          },
        });
      }
    });
    worker.on('error', (error) => {
      if (!isStarted) reject(error);
      else main.log.error({ err: error }, 'api.thread_failed: the HTTP API stopped; restart the service');
    });
    worker.on('exit', (code) => {
      if (!isStarted) reject(new Error(`the API thread exited (code ${code}) before it listened`));
      else if (!isStopping) main.log.error({ code }, 'api.thread_exited: the HTTP API stopped; restart the service');
    });
  });
}

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Writes one of the thread's JSON log lines with the main logger (its format and destination). */
function relayLog(log: Logger, line: string): void {
  try {
    const { level, time: _time, pid: _pid, hostname: _host, msg, ...fields } = JSON.parse(line) as { level: number; time?: number; pid?: number; hostname?: string; msg?: string };
    log[LEVELS[level] ?? 'info'](fields, msg);
  } catch {
    log.info(line.trim());
  }
}
