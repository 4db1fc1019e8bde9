// Read benchmark (issue 10, item 6): curve and trace latencies of a 43,200-reading and a 200,000-reading
// shipment, warm and cold; 100 concurrent readers on one shipment's trace and spread over 1,000
// shipments; and, inside the loaded all-in-one service meanwhile, a logger's PUBACK (commit) latency and
// excursion probes timed to the signed webhook. Public interfaces only: HTTP API and MQTT as a device.
// Usage: npx tsx bench/reads/run.ts [--duration 60] [--quick] [--out results.json] [--connections 100]
//        [--c-shipments 1000] [--probes 24] [--keep-data] [--http-on-main-loop]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectDevice } from './device.ts';
import type { Device } from './device.ts';
import { keepAliveAgent } from './http-get.ts';
import { runPhase } from './phase.ts';
import type { PhaseResult } from './phase.ts';
import { startProbeBoard } from './probes.ts';
import { endpointRows, formatTable, machineLine, phaseRows } from './report.ts';
import type { Row } from './report.ts';
import { seedStores } from './seed.ts';
import { measureEndpoint } from './sequential.ts';
import type { EndpointResult } from './sequential.ts';
import { startService } from './service.ts';
import type { Service } from './service.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    connections: { type: 'string', default: '100' },
    'c-shipments': { type: 'string', default: '1000' },
    probes: { type: 'string', default: '24' },
    'keep-data': { type: 'boolean', default: false },
    // The API on the main event loop (API_THREAD=0), for comparison with its own thread (the default).
    'http-on-main-loop': { type: 'boolean', default: false },
  },
});
const durationMs = Number(args.duration) * 1000;
const connections = Number(args.connections);
const cShipments = Number(args['c-shipments']);
const probesPerPhase = Number(args.probes);
const sequential = args.quick ? { warm: 20, cold: 10, budgetMs: 8_000 } : { warm: 50, cold: 20, budgetMs: 15_000 };
if (!(durationMs > 0 && connections > 0 && cShipments > 0 && probesPerPhase > 0)) throw new Error('--duration, --connections, --c-shipments and --probes must be positive numbers');

const ADMIN_TOKEN = 'bench-reads-admin-token-01234567';
const WEBHOOK_SECRET = 'bench-reads-hub-webhook-secret-01';
const SERVICE_ENV = { PUBLIC_RATE_LIMIT_PER_MIN: '0', API_THREAD: args['http-on-main-loop'] ? '0' : '1' };
// The whole run is bounded: a stuck service or client cannot hold the machine.
const WATCHDOG_MS = 2 * durationMs + 15 * 60_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)} s`;

say(`bench/reads: ${machineLine()}`);
say(`Load generator: a child process of this benchmark on the same machine (same cores) as the service; PUBLIC_RATE_LIMIT_PER_MIN=0 (the per-address rate limit is turned off for the benchmark); HTTP ${args['http-on-main-loop'] ? 'on the main event loop (API_THREAD=0)' : 'in its own thread (API_THREAD=1, the default)'}.`);

const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-bench-reads-'));
let service: Service | undefined;
const devices: Device[] = [];
const watchdog = setTimeout(() => {
  process.stderr.write(`bench/reads: watchdog: still running after ${WATCHDOG_MS / 1000} s; stopping\n`);
  if (service) process.kill(service.pid, 'SIGKILL');
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

const board = await startProbeBoard(WEBHOOK_SECRET, Date.now());
try {
  say(`[${elapsed()}] seeding ${dataDir}: A 43,200 readings, B 200,000, C ${cShipments.toLocaleString('en-US')} × 1,440, ${2 * probesPerPhase + 1} probe shipments, a canary`);
  const seeded = await seedStores({ dataDir, now: Date.now(), cShipments, probesPerPhase, phases: 2, webhook: { url: board.receiver.url, secret: WEBHOOK_SECRET } });
  say(`[${elapsed()}] seeded ${seeded.readings.toLocaleString('en-US')} readings in ${(seeded.ms / 1000).toFixed(1)} s`);

  const serviceStarted = performance.now();
  service = await startService({ dataDir, adminToken: ADMIN_TOKEN, env: SERVICE_ENV, readyTimeoutMs: 180_000 });
  const healthzMs = performance.now() - serviceStarted;
  say(`[${elapsed()}] all-in-one (pid ${service.pid}) answers /healthz after ${(healthzMs / 1000).toFixed(1)} s: ${service.baseUrl}, ${service.mqttUrl}`);

  const connect = async (d: Parameters<typeof connectDevice>[1]) => {
    const device = await connectDevice(service!.mqttUrl, d);
    devices.push(device);
    return device;
  };
  const a = await connect(seeded.a);
  const b = await connect(seeded.b);
  const canary = await connect(seeded.canary);
  const probes = await Promise.all(seeded.probes.map((list) => Promise.all(list.map(connect))));
  const readyProbe = await connect(seeded.readyProbe);
  for (const probe of [...probes.flat(), readyProbe]) await board.arm(probe);
  // The rules catch up with the store on start before they handle new messages (decision 0013): the
  // ready probe's webhook says they have, and everything armed before it is pending.
  const readyFiredAt = performance.now();
  await board.fire(readyProbe);
  await board.waitFor([readyProbe.id], 300_000);
  const readyMs = board.latencyOf(readyProbe.id);
  const caughtUpMs = readyMs === undefined ? null : readyFiredAt + readyMs - serviceStarted;
  say(
    `[${elapsed()}] ${caughtUpMs === null ? `rules NOT caught up: no webhook for the ready probe after ${((performance.now() - readyFiredAt) / 1000).toFixed(0)} s (probe figures will be missing)` : `rules caught up with the store: the ready probe's webhook came ${(caughtUpMs / 1000).toFixed(1)} s after the service was started (${Math.round(readyMs!)} ms after its publish)`}`,
  );

  const agent = keepAliveAgent(1);
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const results: Record<string, EndpointResult> = {};
  const rows: Row[] = [];
  const targets = [
    { label: 'A (43,200 readings) curve', key: 'aCurve', path: `/api/v1/shipments/${seeded.a.shipmentId}/curve?points=500`, headers: admin, device: a, withNewPoints: true },
    { label: 'A (43,200 readings) trace', key: 'aTrace', path: `/api/v1/trace/${seeded.a.traceCode}`, headers: {}, device: a, withNewPoints: false },
    { label: 'B (200,000 readings) curve', key: 'bCurve', path: `/api/v1/shipments/${seeded.b.shipmentId}/curve?points=500`, headers: admin, device: b, withNewPoints: true },
    { label: 'B (200,000 readings) trace', key: 'bTrace', path: `/api/v1/trace/${seeded.b.traceCode}`, headers: {}, device: b, withNewPoints: false },
  ];
  for (const t of targets) {
    const result = await measureEndpoint({ ...sequential, agent, url: service.baseUrl + t.path, headers: t.headers, device: t.device, withNewPoints: t.withNewPoints });
    results[t.key] = result;
    const own = endpointRows(t.label, result);
    rows.push(...own);
    say(`[${elapsed()}] ${t.label}: warm ${own[0]!.value}; cold ${own[1]!.value}`);
  }
  agent.destroy();

  const phases: PhaseResult[] = [];
  const common = { baseUrl: service.baseUrl, headers: {}, connections, durationMs, canary, board };
  say(`[${elapsed()}] load (a): ${connections} connections for ${durationMs / 1000} s on A's trace`);
  phases.push(await runPhase({ ...common, name: `load (a) ${connections} conns, A's trace`, paths: [`/api/v1/trace/${seeded.a.traceCode}`], probes: probes[0]! }));
  rows.push(...phaseRows(phases[0]!, 2_000));
  say(`[${elapsed()}] load (a): ${Math.round(phases[0]!.requestsPerSecond)} requests/s; drained in ${(phases[0]!.drainMs / 1000).toFixed(1)} s`);
  // Random order, then round-robin: each connection walks the 1,000 trace codes in a different place.
  const cPaths = seeded.c.map((s) => `/api/v1/trace/${s.traceCode}`);
  for (let i = cPaths.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [cPaths[i], cPaths[j]] = [cPaths[j]!, cPaths[i]!];
  }
  say(`[${elapsed()}] load (b): ${connections} connections for ${durationMs / 1000} s over ${cPaths.length} shipments' traces`);
  phases.push(await runPhase({ ...common, name: `load (b) ${connections} conns, ${cPaths.length} shipments' traces`, paths: cPaths, probes: probes[1]! }));
  rows.push(...phaseRows(phases[1]!, null));
  say(`[${elapsed()}] load (b): ${Math.round(phases[1]!.requestsPerSecond)} requests/s; drained in ${(phases[1]!.drainMs / 1000).toFixed(1)} s`);

  for (const device of devices.splice(0)) await device.close();
  const stopped = await service.stop(20_000);
  service = undefined;

  say('');
  say(`bench/reads, ${new Date().toISOString()}: ${machineLine()}`);
  say(`The all-in-one service (broker, ingest, rules, API in one process; HTTP ${args['http-on-main-loop'] ? 'on the main event loop' : 'in its own thread'}), HTTP load from a child process on the same cores, PUBLIC_RATE_LIMIT_PER_MIN=0 (per-address limit off), ${connections} keep-alive connections, ${durationMs / 1000} s per load.`);
  say('');
  say(formatTable(rows));
  say('');
  say(`Webhook signatures refused: ${board.receiver.refused()} (must be 0); other verified webhook events (alerts of the seeded data, warnings): ${JSON.stringify(board.otherEvents())}. Service stop: ${stopped.isClean ? 'clean' : 'SIGKILL after 20 s'} (${stopped.code ?? stopped.signal}). Run took ${elapsed()}.`);

  if (args.out) {
    const json = {
      at: new Date().toISOString(),
      machine: machineLine(),
      config: { durationMs, connections, cShipments, probesPerPhase, sequential, publicRateLimitPerMin: 0, loadGenerator: 'child process, same machine and cores as the service' },
      seed: { readings: seeded.readings, ms: seeded.ms, a: seeded.a.readings, b: seeded.b.readings, cShipments: seeded.c.length },
      startup: { healthzMs, rulesCaughtUpAfterStartMs: caughtUpMs, readyProbeWebhookMs: readyMs ?? null },
      sequential: results,
      load: phases,
      webhook: { refused: board.receiver.refused(), otherEvents: board.otherEvents() },
      serviceStop: stopped,
      table: rows,
    };
    writeFileSync(args.out, JSON.stringify(json, null, 2) + '\n');
    say(`JSON results: ${args.out}`);
  }
} catch (error) {
  process.stderr.write(`bench/reads failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  if (service) process.stderr.write(`service output (tail):\n${service.output().slice(-3000)}\n`);
  process.exitCode = 1;
} finally {
  for (const device of devices) await device.close();
  if (service) await service.stop(20_000);
  await board.receiver.close();
  if (!args['keep-data']) rmSync(dataDir, { recursive: true, force: true });
  else say(`data kept in ${dataDir}`);
  clearTimeout(watchdog);
}
