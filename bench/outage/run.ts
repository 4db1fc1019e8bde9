// Outage benchmark: readings offered at a steady rate to the spool in front of a real VictoriaMetrics,
// which is stopped for an outage and started again; then counts what VictoriaMetrics holds.
// Usage: npx tsx bench/outage/run.ts [outageSeconds=600] [readingsPerSecond=5000]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpooledTelemetryStore, VictoriaTelemetryStore } from '@coldchain/storage';
import type { StoredReading } from '@coldchain/storage';

const OUTAGE_S = Number(process.argv[2] ?? 600);
const RATE = Number(process.argv[3] ?? 5000);
const BEFORE_S = 30;
const AFTER_S = 30;
const DEVICES = 200;
const TICK_MS = 100;
const T0 = Math.floor((Date.now() - 10 * 86_400_000) / 1000) * 1000;

const port = await new Promise<number>((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'bench-outage-vm-'));
const spoolDir = mkdtempSync(join(tmpdir(), 'bench-outage-spool-'));
const url = `http://127.0.0.1:${port}`;
let vm: ReturnType<typeof spawn> | undefined;

async function startVm() {
  vm = spawn('/usr/bin/victoria-metrics', [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, '-retentionPeriod=100y', '-dedup.minScrapeInterval=1ms', '-loggerLevel=ERROR'], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('victoria-metrics did not start');
}
async function stopVm() {
  const exited = new Promise((r) => vm!.once('exit', r));
  vm!.kill('SIGTERM');
  await exited;
}

const reading = (i: number): StoredReading => ({ deviceId: `o-${i % DEVICES}`, sampledAt: T0 + Math.floor(i / DEVICES) * 1000, tempC: (400 + (i % 97)) / 100, rhPct: 90, receivedAt: T0 + i });

await startVm();
const remote = new VictoriaTelemetryStore({ url });
let drainErrors = 0;
const spool = new SpooledTelemetryStore({ path: join(spoolDir, 'spool.db'), remote, onDrainError: () => drainErrors++ });
let written = 0;
let peakDepth = 0;
let maxTickMs = 0;
async function offer(seconds: number) {
  const perTick = (RATE * TICK_MS) / 1000;
  for (let tick = 0; tick < (seconds * 1000) / TICK_MS; tick++) {
    const started = performance.now();
    const batch = Array.from({ length: perTick }, (_, k) => reading(written + k));
    const { inserted } = await spool.insertReadings(batch);
    if (inserted !== perTick) throw new Error(`spool took ${inserted} of ${perTick}`);
    written += perTick;
    peakDepth = Math.max(peakDepth, spool.depth);
    const took = performance.now() - started;
    maxTickMs = Math.max(maxTickMs, took);
    await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - took)));
  }
}

await offer(BEFORE_S);
await stopVm();
const outageStarted = Date.now();
await offer(OUTAGE_S);
const depthAtRecovery = spool.depth;
await startVm();
const recovered = Date.now();
await offer(AFTER_S);
await spool.drained(3_600_000);
const drainedAfterS = (Date.now() - recovered) / 1000;

// Count what VictoriaMetrics holds, device by device; every value checked.
let stored = 0;
let wrong = 0;
const perDevice = written / DEVICES;
for (let d = 0; d < DEVICES; d++) {
  const back = await remote.readingsBetween(`o-${d}`, T0, T0 + perDevice * 1000, 10_000_000);
  stored += back.length;
  for (const r of back) {
    const i = ((r.sampledAt - T0) / 1000) * DEVICES + d;
    const expected = reading(i);
    if (r.tempC !== expected.tempC || r.receivedAt !== expected.receivedAt) wrong++;
  }
}
await spool.close();
await stopVm();
rmSync(dataDir, { recursive: true, force: true });
rmSync(spoolDir, { recursive: true, force: true });

process.stdout.write(
  [
    `| outage | offered | readings written | spool depth when the store came back | peak depth | drained in | in VictoriaMetrics | lost | duplicated or changed | failed drain attempts | slowest 100 ms tick |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${OUTAGE_S} s (${Math.round((recovered - outageStarted) / 1000)} s measured) | ${RATE.toLocaleString('en')}/s | ${written.toLocaleString('en')} | ${depthAtRecovery.toLocaleString('en')} | ${peakDepth.toLocaleString('en')} | ${drainedAfterS.toFixed(0)} s | ${stored.toLocaleString('en')} | ${(written - stored).toLocaleString('en')} | ${wrong} | ${drainErrors} | ${maxTickMs.toFixed(0)} ms |`,
    '',
  ].join('\n'),
);
