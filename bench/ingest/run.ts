// Ingest benchmark, from the device's side: readings stored per second with zero loss, timed from the
// first publish to the last PUBACK (which now means durable), through the embedded broker (aedes, ingest
// in its publish path) and through Mosquitto (ingest consuming over MQTT 5, pipelined), against the
// broker's raw QoS 1 pass-through measured in the same run. QoS 1 messages of 10 readings.
// Usage: npx tsx bench/ingest/run.ts [messages=20000] [runs=5] [publisher connections=4] [embedded|mosquitto|both] [all|product]
// (`product`: only the baseline and the product's settings, not the comparison rows.)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import type { TelemetrySink } from '@coldchain/broker';
import { systemClock } from '@coldchain/bus';
import { buildIngest, createIngestPipeline } from '@coldchain/ingest';
import { TELEMETRY_FILTER } from '@coldchain/schemas';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { SqliteSync } from '@coldchain/storage';

const MESSAGES = Number(process.argv[2] ?? 20_000);
const RUNS = Number(process.argv[3] ?? 5);
const PUBLISHER_CONNECTIONS = Number(process.argv[4] ?? 4);
const ONLY = process.argv[5] ?? 'both';
const ALL_ROWS = (process.argv[6] ?? 'all') !== 'product';
const READINGS_PER_MESSAGE = 10;
const TOTAL_READINGS = MESSAGES * READINGS_PER_MESSAGE;
const SECRET = 'bench-service-secret-0123456789';
const NO_RATE_LIMIT = { perSecond: 1e9, burst: 1e9 };
const log = pino({ level: 'error' });
const here = new URL('.', import.meta.url).pathname;
const now = () => performance.timeOrigin + performance.now();

type Published = { firstPublishAt: number; lastAckAt: number; acked: number };
type Result = { readingsPerSecond: number; cpuUsPerMessage: number; peakRssMb: number };
/** A broker under test: its URL and credentials, and how to put ingest behind it for one run. */
type BrokerUnderTest = {
  name: string;
  url: string;
  username: string;
  password: string;
  /** Starts ingest on `dir` for one run; returns how many readings it has stored, and a stop. */
  startIngest(dir: string, store: StoreSettings, offset: number): Promise<{ stored(): number; stop(): Promise<void> }>;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * How a run's stores are opened: the commit durability, whether the readings' rollups are kept, and
 * whether each message's bytes are kept as evidence (issue 11); the product keeps both.
 */
type StoreSettings = { sync: SqliteSync; rollups: boolean; evidence: boolean };

function openStores(dir: string, { sync, rollups, evidence }: StoreSettings) {
  // SQLite telemetry keeps the messages in the readings' transaction; the pipeline is told not to.
  return { telemetry: new SqliteTelemetryStore(join(dir, 'telemetry.db'), sync, { rollups }), ops: new SqliteOpsStore(join(dir, 'ops.db'), sync), keepEvidence: evidence };
}

/**
 * The embedded broker as the all-in-one runs it. The sink is swapped per run: none for the raw
 * pass-through (aedes acknowledges on receipt), ingest's pipeline for an ingest run.
 */
async function startEmbedded(): Promise<BrokerUnderTest> {
  let sink: TelemetrySink | undefined;
  const ingest: TelemetrySink = {
    acceptTelemetry: (...args) => (sink ? sink.acceptTelemetry(...args) : Promise.resolve('stored')),
    acceptStatus: async () => undefined,
  };
  const broker = buildBroker({ host: '127.0.0.1', port: 0, log, ingest, authenticate: createAuthenticator({ getDeviceSecretHash: async () => undefined, serviceSecret: SECRET }) });
  const { port } = await broker.start();
  return {
    name: 'aedes (embedded), ingest in the publish path',
    url: `mqtt://127.0.0.1:${port}`,
    username: '_svc_bench',
    password: SECRET,
    async startIngest(dir, store) {
      const stores = openStores(dir, store);
      const pipeline = createIngestPipeline({ ...stores, clock: systemClock, log, rateLimit: NO_RATE_LIMIT });
      pipeline.start();
      sink = pipeline;
      return {
        stored: () => pipeline.stats().accepted,
        async stop() {
          sink = undefined;
          await pipeline.stop();
          await stores.telemetry.close();
          await stores.ops.close();
        },
      };
    },
    stop: () => broker.stop(),
  };
}

/** Debian's Mosquitto with the shipped queue settings; ingest consumes over MQTT 5 as in production. */
async function startMosquitto(): Promise<BrokerUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosquitto-'));
  const port = await freePort();
  const shipped = readFileSync(new URL('../../deploy/mosquitto/mosquitto.conf', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => /^(max_queued_messages|max_queued_bytes|max_inflight_messages|queue_qos0_messages|max_packet_size)\b/.test(l.trim()));
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
  const url = `mqtt://127.0.0.1:${port}`;
  return {
    name: 'Mosquitto 2 (shipped settings), ingest over MQTT 5',
    url,
    username: '',
    password: '',
    async startIngest(runDir, store, offset) {
      const stores = openStores(runDir, store);
      const ingest = buildIngest({ mqtt: { url, clientId: `coldchain-bench-ingest-${offset}`, isPersistent: false, protocolVersion: 5 }, ...stores, clock: systemClock, log, rateLimit: NO_RATE_LIMIT });
      await ingest.start();
      return {
        stored: () => ingest.stats().accepted,
        async stop() {
          await ingest.stop();
          await stores.telemetry.close();
          await stores.ops.close();
        },
      };
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the publisher in its own process, so it has its own core as a real fleet would. */
function publish(broker: BrokerUnderTest, offset: number): Promise<Published> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'publisher.ts'), broker.url, String(MESSAGES), broker.username, broker.password, String(offset), String(PUBLISHER_CONNECTIONS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Published) : reject(new Error(`publisher exited ${code}`))));
  });
}

/** Samples this process's RSS until stopped; returns the peak in MB. */
function sampleRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.round(peak / 1024 / 1024);
  };
}

/** Polls `progress` every 2 ms until it reaches `total` (bounded by `timeoutMs`); when it did, epoch ms. */
async function reached(progress: () => number, total: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (progress() < total) {
    if (Date.now() > deadline) throw new Error(`only ${progress()} of ${total} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return now();
}

/** Readings per second from the first publish to the later of the last PUBACK and `doneAt`. */
const rateOf = (published: Published, doneAt: number) => ((TOTAL_READINGS - READINGS_PER_MESSAGE) / (Math.max(published.lastAckAt, doneAt) - published.firstPublishAt)) * 1000;

/** The raw QoS 1 pass-through: publish → broker → a counting subscriber, timed to the last PUBACK and the last delivery. */
async function baseline(broker: BrokerUnderTest, offset: number): Promise<Result> {
  const peak = sampleRss();
  const cpu = process.cpuUsage();
  let received = 0;
  const subscriber = await mqtt.connectAsync(broker.url, { clientId: `coldchain-bench-count-${offset}`, username: broker.username || undefined, password: broker.password || undefined, clean: true, reconnectPeriod: 0 });
  subscriber.on('message', () => received++);
  await subscriber.subscribeAsync(TELEMETRY_FILTER, { qos: 1 });
  const publishing = publish(broker, offset);
  const deliveredAt = await reached(() => received, MESSAGES);
  const published = await publishing;
  await subscriber.endAsync();
  return { readingsPerSecond: rateOf(published, deliveredAt), cpuUsPerMessage: cpuPerMessage(cpu), peakRssMb: peak() };
}

/** Ingest behind the broker: timed to the last PUBACK, and (external broker) to the last reading stored. */
async function ingestRun(broker: BrokerUnderTest, offset: number, store: StoreSettings): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const ingest = await broker.startIngest(dir, store, offset);
  const peak = sampleRss();
  const cpu = process.cpuUsage();
  const publishing = publish(broker, offset);
  const storedAt = await reached(() => ingest.stored(), TOTAL_READINGS);
  const published = await publishing;
  const result = { readingsPerSecond: rateOf(published, storedAt), cpuUsPerMessage: cpuPerMessage(cpu), peakRssMb: peak() };
  await ingest.stop();
  // Zero loss, checked in the file: every acknowledged reading is there.
  const check = new SqliteTelemetryStore(join(dir, 'telemetry.db'), store.sync);
  let rows = 0;
  for (let d = 0; d < 100; d++) rows += (await check.readingsBetween(`bench-${d}`, 0, Number.MAX_SAFE_INTEGER, 10_000_000)).length;
  await check.close();
  rmSync(dir, { recursive: true, force: true });
  if (published.acked !== MESSAGES || rows !== TOTAL_READINGS) throw new Error(`lost readings: ${published.acked} of ${MESSAGES} acknowledged, ${rows} of ${TOTAL_READINGS} stored`);
  return result;
}

/** CPU time of this process (all its threads: broker, ingest, SQLite writer) per message since `since`. */
const cpuPerMessage = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / MESSAGES;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: string[] = [];
const evidenceCosts: string[] = [];
const medians: Record<string, number> = {};
let offset = 0;
for (const start of [...(ONLY === 'mosquitto' ? [] : [startEmbedded]), ...(ONLY === 'embedded' ? [] : [startMosquitto])]) {
  const broker = await start();
  const runs: Record<'baseline' | 'full' | 'normal' | 'noRollups' | 'noEvidence', Result[]> = { baseline: [], full: [], normal: [], noRollups: [], noEvidence: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.baseline.push(await baseline(broker, (offset += MESSAGES)));
    runs.full.push(await ingestRun(broker, (offset += MESSAGES), { sync: 'FULL', rollups: true, evidence: true }));
    // Each round as it ends (stderr): how much the machine itself moves from round to round.
    console.error(`round ${i + 1}: baseline ${Math.round(runs.baseline.at(-1)!.readingsPerSecond)} full ${Math.round(runs.full.at(-1)!.readingsPerSecond)}`);
    if (!ALL_ROWS) continue;
    runs.normal.push(await ingestRun(broker, (offset += MESSAGES), { sync: 'NORMAL', rollups: true, evidence: true }));
    runs.noRollups.push(await ingestRun(broker, (offset += MESSAGES), { sync: 'FULL', rollups: false, evidence: true }));
    runs.noEvidence.push(await ingestRun(broker, (offset += MESSAGES), { sync: 'FULL', rollups: true, evidence: false }));
  }
  await broker.stop();
  const base = median(runs.baseline.map((r) => r.readingsPerSecond));
  const line = (label: string, results: Result[]) => {
    const rps = median(results.map((r) => r.readingsPerSecond));
    medians[`${broker.name} ${label}`] = rps;
    // Each run against the baseline measured just before it: how far the ratio moves from run to run.
    const ratios = results.map((r, i) => (r.readingsPerSecond / runs.baseline[i]!.readingsPerSecond) * 100);
    rows.push(`| ${broker.name} | ${label} | ${Math.round(rps).toLocaleString('en')} | ${((rps / base) * 100).toFixed(0)} % | ${ratios.map((r) => r.toFixed(0)).join(', ')} % | ${median(results.map((r) => r.cpuUsPerMessage)).toFixed(0)} µs | ${Math.max(...results.map((r) => r.peakRssMb))} MB |`);
  };
  line('baseline: raw QoS 1 pass-through to a counting subscriber', runs.baseline);
  line('ingest → SQLite, synchronous=FULL (default)', runs.full);
  if (!ALL_ROWS) continue;
  line('ingest → SQLite, synchronous=NORMAL', runs.normal);
  line('for comparison: ingest → SQLite, FULL, without the rollups (issue 10)', runs.noRollups);
  line('for comparison: ingest → SQLite, FULL, without keeping the messages as evidence (issue 11)', runs.noEvidence);
  // The evidence's cost on ingest, run by run against the run without it measured in the same round.
  const costs = runs.full.map((r, i) => (1 - r.readingsPerSecond / runs.noEvidence[i]!.readingsPerSecond) * 100);
  evidenceCosts.push(`${broker.name}: throughput with evidence vs without, median ${(100 - median(runs.full.map((r) => r.readingsPerSecond)) / median(runs.noEvidence.map((r) => r.readingsPerSecond)) * 100).toFixed(1)} % lower; run by run ${costs.map((c) => c.toFixed(1)).join(', ')} %`);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  [
    `npx tsx bench/ingest/run.ts ${MESSAGES} ${RUNS} ${PUBLISHER_CONNECTIONS} ${ONLY}${ALL_ROWS ? '' : ' product'}`,
    `${MESSAGES.toLocaleString('en')} messages × ${READINGS_PER_MESSAGE} readings per run from 100 devices over ${PUBLISHER_CONNECTIONS} publisher connections (child process), median of ${RUNS} runs, every run checked for zero loss; ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; mosquitto ${(spawnSync('/usr/sbin/mosquitto', ['-h']).stdout?.toString() ?? 'not installed').split('\n')[0]?.replace('mosquitto version ', '') ?? ''}`,
    '',
    '| broker | path | readings/s, first publish → last PUBACK (and last stored) | of baseline (medians) | of baseline, run by run | CPU per message (benchmark process) | peak RSS (benchmark process) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...evidenceCosts,
    '',
  ].join('\n'),
);
