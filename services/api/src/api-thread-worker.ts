// The API in its own thread (api-thread.ts): HTTP, its stores' connections and its reader threads, so a
// crowd of readers never queues in front of the broker, ingest and rules on the main event loop.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { systemClock } from '@coldchain/bus';
import { InfluxTelemetryStore, SqliteEvidenceStore, SqliteOpsStore, SqliteTelemetryStore, VictoriaTelemetryStore } from '@coldchain/storage';
import type { TelemetryStore } from '@coldchain/storage';
import type { MetricsSource, OutboxView } from './api-deps.ts';
import type { ApiThreadData, FromApiThread, ToApiThread } from './api-thread-types.ts';
import { buildApi } from './app.ts';
import { createReadPool } from './reads/read-pool.ts';
import type { ReaderStore } from './reads/read-types.ts';

const port = parentPort!;
const data = workerData as ApiThreadData;
const send = (message: FromApiThread) => port.postMessage(message);

// Log lines go to the main thread, which writes them with its own logger (format, level, destination).
const log = pino({ level: data.logLevel }, { write: (line: string) => send({ type: 'log', line }) });

/** Questions for the main thread (its metrics registry, its outbox), answered by id. */
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextId = 0;
function ask(what: 'metrics' | 'outbox.stats' | 'outbox.list', filter?: unknown): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send({ type: 'ask', id, what, filter });
  });
}

function openTelemetry(store: ReaderStore): TelemetryStore {
  if (store.kind === 'sqlite') return new SqliteTelemetryStore(store.path, store.sync);
  if (store.kind === 'victoria') return new VictoriaTelemetryStore({ url: store.url });
  return new InfluxTelemetryStore({ url: store.url, token: store.token, org: store.org, bucket: store.bucket });
}

const metrics: MetricsSource | undefined = data.hasMetrics
  ? { contentType: 'text/plain; version=0.0.4; charset=utf-8', metrics: async () => (await ask('metrics')) as string }
  : undefined;
const outbox: OutboxView | undefined = data.hasOutbox
  ? {
      stats: async () => (await ask('outbox.stats')) as Awaited<ReturnType<OutboxView['stats']>>,
      list: async (filter) => (await ask('outbox.list', filter)) as Awaited<ReturnType<OutboxView['list']>>,
    }
  : undefined;

const ops = new SqliteOpsStore(join(data.dataDir, 'ops.db'), data.sync);
const telemetry = openTelemetry(data.readerStore);
// The chains; the messages are in telemetry.db with their readings when telemetry is SQLite.
const evidence = new SqliteEvidenceStore(join(data.dataDir, 'evidence.db'), data.sync, data.readerStore.kind === 'sqlite' ? { messagesIn: data.readerStore.path } : {});
const api = buildApi({
  host: data.host,
  port: data.port,
  ops,
  telemetry,
  evidenceStore: evidence,
  dataDir: data.dataDir,
  reads: createReadPool({ store: data.readerStore, threads: data.readThreads }),
  adminToken: data.adminToken,
  mqtt: data.mqtt,
  clock: systemClock,
  log,
  metrics,
  outbox,
  trustedProxies: data.trustedProxies,
  publicRateLimitPerMin: data.publicRateLimitPerMin,
  deadlineSpeed: data.deadlineSpeed,
});

async function closeAll(): Promise<void> {
  await api.stop().catch((error: unknown) => log.warn({ err: error }, 'api.stop_failed'));
  await telemetry.close();
  await evidence.close();
  await ops.close();
}

port.on('message', (message: ToApiThread) => {
  if (message.type === 'answer') {
    const waiter = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.value);
    return;
  }
  void closeAll().then(() => {
    send({ type: 'stopped' });
    port.close();
  });
});

try {
  const started = await api.start();
  send({ type: 'started', port: started.port });
} catch (error) {
  await closeAll();
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error), code: (error as NodeJS.ErrnoException).code });
  port.close();
}
