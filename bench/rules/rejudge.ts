// Time to re-judge a late backlog (issue 9): a logger's live readings arrive first, then its 10,000-reading
// buffer from before them, in which the fruit warmed above 15 °C. Ingest stores the backlog in the embedded
// broker's publish path; the rules service, seeing readings older than its state, re-judges the device
// from the store. Timed from the first backlog publish to the re-judged alert (onset inside the backlog),
// against the time the backlog takes to be stored (its last PUBACK) in the same run.
// Usage: npx tsx bench/rules/rejudge.ts [backlog readings=10000] [readings per message=100] [runs=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { systemClock } from '@coldchain/bus';
import { createIngestPipeline } from '@coldchain/ingest';
import { buildRules } from '../../services/rules/src/index.ts';
import { telemetryTopic } from '@coldchain/schemas';
import { SqliteTelemetryStore } from '@coldchain/storage';
import { openFleetStore } from './fleet.ts';
import { deviceId } from './load.ts';

const BACKLOG = Number(process.argv[2] ?? 10_000);
const PER_MESSAGE = Number(process.argv[3] ?? 100);
const RUNS = Number(process.argv[4] ?? 3);
const SECRET = 'bench-rejudge-service-secret-0123456789';
const INTERVAL_MS = 60_000;
const log = pino({ level: 'error' });

type Run = { storedMs: number; rejudgedMs: number; rejudgements: number; onsetInBacklog: boolean };

async function once(run: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rejudge-'));
  // The backlog's span ends where the live readings begin; the shipment starts before it.
  const backlogStart = Math.floor((Date.now() - 20 * 86_400_000) / 60_000) * 60_000;
  const liveStart = backlogStart + BACKLOG * INTERVAL_MS;
  const { ops } = await openFleetStore(dir, [{ prefix: `rj${run}`, devices: 1, startedAt: backlogStart - 3_600_000 }], Date.now());
  const telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'));
  const pipeline = createIngestPipeline({ telemetry, ops, clock: systemClock, log, rateLimit: { perSecond: 1e9, burst: 1e9 } });
  pipeline.start();
  const broker = buildBroker({ host: '127.0.0.1', port: 0, log, ingest: pipeline, authenticate: createAuthenticator({ getDeviceSecretHash: async () => undefined, serviceSecret: SECRET }) });
  const { port } = await broker.start();
  const url = `mqtt://127.0.0.1:${port}`;
  const rules = buildRules({ mqtt: { url, clientId: `coldchain-bench-rejudge-${run}`, username: '_svc_rules', password: SECRET, isPersistent: false }, ops, telemetry, clock: systemClock, log, timerTickMs: 0 });
  await rules.start();
  const device = deviceId(`rj${run}`, 0);
  const publisher = await mqtt.connectAsync(url, { clientId: `coldchain-bench-rejudge-pub-${run}`, username: '_svc_bench', password: SECRET, reconnectPeriod: 0 });
  const send = (readings: { ts: number; tempC: number }[]) => publisher.publishAsync(telemetryTopic(device), JSON.stringify({ readings }), { qos: 1 });

  // Five minutes of live readings at 4 °C: the rules' state moves past the whole backlog.
  for (let i = 0; i < 5; i++) await send([{ ts: liveStart + i * INTERVAL_MS, tempC: 4 }]);
  while (rules.stats().evaluated < 5) await new Promise((r) => setTimeout(r, 5));
  // The buffer: 4 °C, then from its middle the hub's air-conditioning fails and the fruit warms to 18 °C.
  const tempAt = (k: number) => (k < BACKLOG / 2 ? 4 : Math.min(18, 4 + (k - BACKLOG / 2) / 20));
  const before = rules.stats().rejudged;
  const started = performance.now();
  const sending: Promise<unknown>[] = [];
  for (let k = 0; k < BACKLOG; k += PER_MESSAGE) {
    sending.push(send(Array.from({ length: Math.min(PER_MESSAGE, BACKLOG - k) }, (_, j) => ({ ts: backlogStart + (k + j) * INTERVAL_MS, tempC: tempAt(k + j) }))));
  }
  await Promise.all(sending);
  const storedMs = performance.now() - started;
  const deadline = Date.now() + 120_000;
  let onsetInBacklog = false;
  let rejudgedMs = Number.NaN;
  while (Date.now() < deadline) {
    const alerts = await ops.listAlerts({ shipmentId: `LZ-${device}`, kind: 'excursion' });
    const alert = alerts.find((a) => a.activeAt >= backlogStart && a.activeAt < liveStart);
    if (alert && rules.stats().rejudged > before) {
      onsetInBacklog = true;
      rejudgedMs = performance.now() - started;
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  // Let any further re-judgement of the same burst show in the count.
  await new Promise((r) => setTimeout(r, 2_500));
  const rejudgements = rules.stats().rejudged - before;
  await publisher.endAsync();
  await rules.stop();
  await broker.stop();
  await pipeline.stop();
  await telemetry.close();
  await ops.close();
  rmSync(dir, { recursive: true, force: true });
  return { storedMs, rejudgedMs, rejudgements, onsetInBacklog };
}

const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await once(i));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
process.stdout.write(
  [
    `npx tsx bench/rules/rejudge.ts ${BACKLOG} ${PER_MESSAGE} ${RUNS}`,
    `${BACKLOG.toLocaleString('en')} late readings, one a minute, in messages of ${PER_MESSAGE}, after 5 live readings; embedded broker with ingest in its publish path, rules with the telemetry store, SQLite FULL; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`,
    '',
    '| run | backlog stored (first publish → last PUBACK) | alert re-judged (first publish → alert with its onset in the backlog) | re-judgements of the device | onset inside the backlog |',
    '| ---: | ---: | ---: | ---: | --- |',
    ...runs.map((r, i) => `| ${i + 1} | ${r.storedMs.toFixed(0)} ms | ${r.rejudgedMs.toFixed(0)} ms | ${r.rejudgements} | ${r.onsetInBacklog ? 'yes' : 'no'} |`),
    `| median | ${median(runs.map((r) => r.storedMs)).toFixed(0)} ms | ${median(runs.map((r) => r.rejudgedMs)).toFixed(0)} ms | ${median(runs.map((r) => r.rejudgements))} | |`,
    '',
  ].join('\n'),
);
