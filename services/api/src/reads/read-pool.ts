import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { StoredReading, TelemetryStore } from '@coldchain/storage';
import { ApiError } from '../errors.ts';
import { buildCurve } from './curve.ts';
import type { Curve } from './curve.ts';
import { SamplesCache } from './samples-cache.ts';
import { computeSeries } from './series.ts';
import type { Series } from './series.ts';
import type { Reads, ReaderStore, ReadTask } from './read-types.ts';

/** Reads waiting for a reader thread before new ones are refused with 503 (a crowd must not grow memory). */
const MAX_QUEUE = 2_000;

/**
 * Reader threads (piscina) for the reads that scan readings, each with its own store connection, so a
 * slow read delays only other reads, never the broker, ingest or rules on the event loop (decision
 * 0014). `threads` defaults to the cores less one, at least one.
 */
export function createReadPool(options: { store: ReaderStore; threads?: number }): Reads {
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  const pool = new Piscina({
    filename: new URL('./read-worker-entry.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // Remote stores answer over HTTP: a thread can wait on several at once.
    concurrentTasksPerWorker: options.store.kind === 'sqlite' ? 1 : 4,
    maxQueue: MAX_QUEUE,
    idleTimeout: 60_000,
    workerData: { store: options.store },
  });
  const run = async <T>(task: ReadTask): Promise<T> => {
    try {
      return (await pool.run(task)) as T;
    } catch (error) {
      if (error instanceof Error && /queue is at limit/i.test(error.message)) {
        throw new ApiError('reads.busy', '读取繁忙，请稍后重试 / too many reads waiting; try again shortly');
      }
      throw error;
    }
  };
  return {
    curve: (request) => run<Curve>({ kind: 'curve', request }),
    series: (request) => run<Series>({ kind: 'series', request }),
    readings: (request) => run<StoredReading[]>({ kind: 'readings', request }),
    close: () => pool.destroy(),
  };
}

/** The same reads on the calling thread: for tests and tools that build the API on a bare store. */
export function inlineReads(telemetry: Pick<TelemetryStore, 'bucketsBetween' | 'readingsBetween' | 'samplesBetween'>): Reads {
  const samples = new SamplesCache();
  return {
    curve: (request) => buildCurve(telemetry, request),
    series: (request) => computeSeries(telemetry, request, samples),
    readings: ({ deviceId, from, to, limit }) => telemetry.readingsBetween(deviceId, from, to, limit),
    close: async () => {},
  };
}
