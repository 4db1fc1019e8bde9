// Ingest benchmark: sustained readings/s from publish to durable storage, QoS 1, messages of 10 readings,
// through the embedded broker (aedes) and through Mosquitto, against the broker's raw QoS 1 pass-through
// measured in the same run. Usage: npx tsx bench/ingest/run.ts [messages=20000] [runs=3] [connections=4]
// Ingest runs as in production: pipelined acknowledgement (INGEST_MAX_UNACKED=1000), MQTT 3.1.1 on the
// embedded broker and MQTT 5 on Mosquitto; one row per broker repeats the one-at-a-time consumer.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { systemClock } from '@coldchain/bus';
import { buildIngest } from '@coldchain/ingest';
import { TELEMETRY_FILTER } from '@coldchain/schemas';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { SqliteSync } from '@coldchain/storage';

const MESSAGES = Number(process.argv[2] ?? 20_000);
const RUNS = Number(process.argv[3] ?? 3);
// Connections on the shared subscription for the several-connections row (Mosquitto).
const CONNECTIONS = Number(process.argv[4] ?? 4);
const READINGS_PER_MESSAGE = 10;
const SECRET = 'bench-service-secret-0123456789';
const log = pino({ level: 'error' });
const here = new URL('.', import.meta.url).pathname;

type Broker = { hasSharedSubscriptions: boolean; protocolVersion: 4 | 5; name: string; url: string; username: string; password: string; rssKb(): number; stop(): Promise<void> };
type Result = { readingsPerSecond: number; peakRssMb: number; brokerPeakRssMb: number; cpuUsPerMessage: number };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function startAedes(): Promise<Broker> {
  const broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async () => undefined, serviceSecret: SECRET }) });
  const { port } = await broker.start();
  // In-process: its memory is the benchmark process's own.
  return { hasSharedSubscriptions: false, protocolVersion: 4, name: 'aedes (embedded)', url: `mqtt://127.0.0.1:${port}`, username: '_svc_bench', password: SECRET, rssKb: () => 0, stop: () => broker.stop() };
}

async function startMosquitto(): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosquitto-'));
  const port = await freePort();
  const shipped = readFileSync(new URL('../../deploy/mosquitto/mosquitto.conf', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => /^(max_queued_messages|max_queued_bytes|max_inflight_messages|queue_qos0_messages)\b/.test(l.trim()));
  writeFileSync(join(dir, 'm.conf'), [`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...shipped, ''].join('\n'));
  const child = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'm.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const rssKb = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  };
  return {
    hasSharedSubscriptions: true,
    protocolVersion: 5,
    name: 'Mosquitto 2 (shipped settings)',
    url: `mqtt://127.0.0.1:${port}`,
    username: '',
    password: '',
    rssKb,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the publisher in its own process, so it has its own core as a real fleet would. */
function publish(broker: Broker, count: number, offset: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'publisher.ts'), broker.url, String(count), broker.username, broker.password, String(offset)], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`publisher exited ${code}`))));
  });
}

/** CPU time of this process (all its threads: broker when embedded, consumer, SQLite writer) per message since `since`. */
const cpuPerMessage = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / MESSAGES;
};

/** Samples this process's RSS until stopped; returns the peak in MB. */
function sampleRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.round(peak / 1024 / 1024);
  };
}

/** Times from the first to the last of `total` events reported by `progress()`; polled every 5 ms. */
async function rate(progress: () => number, total: number, work: Promise<void>): Promise<number> {
  let first = 0;
  let last = 0;
  while (true) {
    const done = progress();
    const now = performance.now();
    if (done > 0 && first === 0) first = now;
    if (done >= total) {
      last = now;
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await work;
  return ((total - 1) / (last - first)) * 1000;
}

async function baseline(broker: Broker, offset: number): Promise<Result> {
  const peak = sampleRss();
  const cpu = process.cpuUsage();
  let received = 0;
  const subscriber = await mqtt.connectAsync(broker.url, { clientId: `coldchain-bench-count-${offset}`, username: broker.username || undefined, password: broker.password || undefined, clean: true, reconnectPeriod: 0 });
  subscriber.on('message', () => received++);
  await subscriber.subscribeAsync(TELEMETRY_FILTER, { qos: 1 });
  const messagesPerSecond = await rate(() => received, MESSAGES, publish(broker, MESSAGES, offset));
  await subscriber.endAsync();
  return { readingsPerSecond: messagesPerSecond * READINGS_PER_MESSAGE, peakRssMb: peak(), brokerPeakRssMb: Math.round(broker.rssKb() / 1024), cpuUsPerMessage: cpuPerMessage(cpu) };
}

async function ingestRun(broker: Broker, offset: number, sync: SqliteSync, options: { connections?: number; maxUnacked?: number } = {}): Promise<Result> {
  const connections = options.connections ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), sync);
  const ops = new SqliteOpsStore(join(dir, 'ops.db'), sync);
  const peak = sampleRss();
  const cpu = process.cpuUsage();
  const ingest = buildIngest({
    mqtt: { url: broker.url, clientId: `coldchain-bench-ingest-${offset}`, username: broker.username || undefined, password: broker.password || undefined, isPersistent: false, protocolVersion: broker.protocolVersion },
    ...(options.maxUnacked ? { maxUnacked: options.maxUnacked } : {}),
    ...(connections > 1 ? { connections, filter: `$share/bench/${TELEMETRY_FILTER}` } : {}),
    telemetry,
    ops,
    clock: systemClock,
    log,
    rateLimit: { perSecond: 1e9, burst: 1e9 },
  });
  await ingest.start();
  const readingsPerSecond = await rate(() => ingest.stats().accepted, MESSAGES * READINGS_PER_MESSAGE, publish(broker, MESSAGES, offset));
  const stats = ingest.stats();
  const cpuUsPerMessage = cpuPerMessage(cpu);
  await ingest.stop();
  await telemetry.close();
  await ops.close();
  rmSync(dir, { recursive: true, force: true });
  if (stats.accepted !== MESSAGES * READINGS_PER_MESSAGE || stats.rejected !== 0) throw new Error(`lost or refused readings: ${JSON.stringify(stats)}`);
  return { readingsPerSecond, peakRssMb: peak(), brokerPeakRssMb: Math.round(broker.rssKb() / 1024), cpuUsPerMessage };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const rows: string[] = [];
let offset = 0;
for (const start of [startAedes, startMosquitto]) {
  const broker = await start();
  const runs: Record<string, Result[]> = { baseline: [], full: [], normal: [], oneAtATime: [], shared: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.baseline!.push(await baseline(broker, (offset += MESSAGES)));
    runs.full!.push(await ingestRun(broker, (offset += MESSAGES), 'FULL'));
    runs.normal!.push(await ingestRun(broker, (offset += MESSAGES), 'NORMAL'));
    runs.oneAtATime!.push(await ingestRun(broker, (offset += MESSAGES), 'FULL', { maxUnacked: 1 }));
    if (broker.hasSharedSubscriptions) runs.shared!.push(await ingestRun(broker, (offset += MESSAGES), 'FULL', { connections: CONNECTIONS }));
  }
  await broker.stop();
  const base = median(runs.baseline!.map((r) => r.readingsPerSecond));
  const line = (label: string, results: Result[]) => {
    const rps = median(results.map((r) => r.readingsPerSecond));
    const peakRss = Math.max(...results.map((r) => r.peakRssMb));
    const brokerRss = Math.max(...results.map((r) => r.brokerPeakRssMb));
    const cpuUs = median(results.map((r) => r.cpuUsPerMessage));
    // Each run against the baseline measured just before it: how far the ratio moves from run to run.
    const ratios = results.map((r, i) => (r.readingsPerSecond / runs.baseline![i]!.readingsPerSecond) * 100);
    const spread = `${Math.min(...ratios).toFixed(0)}–${Math.max(...ratios).toFixed(0)} %`;
    rows.push(`| ${broker.name} | ${label} | ${Math.round(rps).toLocaleString('en')} | ${Math.round(rps / READINGS_PER_MESSAGE).toLocaleString('en')} | ${((rps / base) * 100).toFixed(0)} % | ${spread} | ${cpuUs.toFixed(0)} µs | ${peakRss} MB${brokerRss ? ` (+ broker ${brokerRss} MB)` : ''} |`);
  };
  line('baseline: raw QoS 1 pass-through to a counting subscriber', runs.baseline!);
  line('ingest → SQLite, synchronous=FULL (default)', runs.full!);
  line('ingest → SQLite, synchronous=NORMAL', runs.normal!);
  line('ingest → SQLite FULL, one message at a time (INGEST_MAX_UNACKED=1)', runs.oneAtATime!);
  if (broker.hasSharedSubscriptions) line(`ingest, ${CONNECTIONS} connections on a shared subscription → SQLite FULL`, runs.shared!);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  [
    `${MESSAGES.toLocaleString('en')} messages × ${READINGS_PER_MESSAGE} readings per run, median of ${RUNS} runs; ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; mosquitto ${spawnSync('/usr/sbin/mosquitto', ['-h']).stdout.toString().split('\n')[0]?.replace('mosquitto version ', '') ?? ''}`,
    '',
    '| broker | path | readings/s | messages/s | of baseline (medians) | of baseline, run by run | CPU per message (benchmark process) | peak RSS (benchmark process) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
  ].join('\n'),
);
