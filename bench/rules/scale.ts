// Evaluation throughput and memory per tracked device at one fleet size: the broker's raw QoS 1
// pass-through to a counting subscriber (baseline), then the rules service fed as fast as the publisher
// can, first one message per device (its state is created), then `messages` more (the state exists).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '@coldchain/bus';
import { TELEMETRY_FILTER } from '@coldchain/schemas';
import { buildRules } from '../../services/rules/src/index.ts';
import type { EmbeddedBroker } from './embedded-broker.ts';
import { openFleetStore } from './fleet.ts';
import { startPublisher } from './load.ts';
import type { PublishPlan } from './load.ts';
import { measureRate } from './progress.ts';

export type Rate = { readingsPerSecond: number; cpuUsPerReading: number; /** Slowest and fastest run, when there were several. */ range?: [number, number] };

export type ScaleResult = {
  devices: number;
  shipments: number;
  setupMs: number;
  /** Median of `runs`. */
  baseline: Rate;
  /** One message per device, each device's first: its rule, warning and rate-limit state is created. */
  firstContact: Rate;
  /** `messages` more per run, spread over every device in turn: each device's state exists (median run). */
  steady: Rate;
  /** V8 heap used after a full GC, per device, with `readingsEach` readings evaluated per device (mean). */
  memory: Array<{ readingsEach: number; heapBytesPerDevice: number; rssBytesPerDevice: number }>;
};

export type ScaleOptions = { devices: number; messages: number; runs: number; readingsPerMessage: number; intervalMs: number; baseMs: number; timeoutMs: number };

/** The run with the median rate. */
const median = (rates: Rate[]): Rate => {
  const sorted = [...rates].sort((a, b) => a.readingsPerSecond - b.readingsPerSecond);
  return { ...sorted[Math.floor(sorted.length / 2)]!, range: [sorted[0]!.readingsPerSecond, sorted[sorted.length - 1]!.readingsPerSecond] };
};

function heapAfterGc(): { heap: number; rss: number } {
  // Twice: the first pass can leave garbage reachable only from finalisers.
  global.gc?.();
  global.gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

export async function measureScale(broker: EmbeddedBroker, options: ScaleOptions): Promise<ScaleResult> {
  const { devices, messages, readingsPerMessage: perMessage } = options;
  const lastReadingAt = options.baseMs + Math.ceil((devices + options.runs * messages) / devices) * perMessage * options.intervalMs;
  // Screening refuses readings more than 5 min ahead of the server clock: they would never be evaluated.
  if (lastReadingAt > Date.now()) throw new Error(`${options.runs} × ${messages} messages over ${devices} devices run past the present on device time: use fewer messages or runs, or more devices`);
  const dir = mkdtempSync(join(tmpdir(), `bench-rules-${devices}-`));
  const prefix = `d${devices}-`;
  const { ops, setupMs, shipments } = await openFleetStore(dir, [{ prefix, devices, startedAt: options.baseMs - 3_600_000 }], Date.now());
  const plan = (count: number, offset: number): PublishPlan => ({
    url: broker.url, username: broker.username, password: broker.password,
    count, offset, devices, prefix, readingsPerMessage: perMessage, intervalMs: options.intervalMs, baseMs: options.baseMs, perSecond: 0, window: 500,
  });
  const rate = (r: { perSecond: number; cpuUsPerEvent: number }): Rate => ({ readingsPerSecond: r.perSecond, cpuUsPerReading: r.cpuUsPerEvent });

  // Baseline: the same messages through the same broker to a subscriber that only counts.
  let received = 0;
  const counter = await broker.connect('count');
  counter.on('message', () => received++);
  await counter.subscribeAsync(TELEMETRY_FILTER, { qos: 1 });
  const baselines: Rate[] = [];
  for (let run = 0; run < options.runs; run++) {
    const counting = startPublisher(plan(messages, run * messages));
    const r = await measureRate(() => received, run * messages, messages, options.timeoutMs);
    await counting.done;
    baselines.push({ readingsPerSecond: r.perSecond * perMessage, cpuUsPerReading: r.cpuUsPerEvent / perMessage });
  }
  await counter.endAsync();

  const log = pino({ level: 'error' });
  const rules = buildRules({ mqtt: { url: broker.url, clientId: `coldchain-bench-rules-${devices}`, username: broker.username, password: broker.password, isPersistent: false }, ops, clock: systemClock, log });
  await rules.start();
  const evaluated = () => rules.stats().evaluated;
  const before = heapAfterGc();
  const memory: ScaleResult['memory'] = [];
  // After a state flush (every second), so the dirty set is empty as it is between flushes at rest.
  const measureMemory = async (readingsEach: number) => {
    await new Promise((r) => setTimeout(r, 1500));
    const after = heapAfterGc();
    memory.push({ readingsEach, heapBytesPerDevice: (after.heap - before.heap) / devices, rssBytesPerDevice: (after.rss - before.rss) / devices });
  };

  const warmUp = startPublisher(plan(devices, 0));
  const firstContact = rate(await measureRate(evaluated, 0, devices * perMessage, options.timeoutMs));
  await warmUp.done;
  await measureMemory(perMessage);

  // Each run continues every device's device time where the previous one stopped.
  const steadyRuns: Rate[] = [];
  for (let run = 0; run < options.runs; run++) {
    const from = (devices + run * messages) * perMessage;
    const steadyRun = startPublisher(plan(messages, devices + run * messages));
    steadyRuns.push(rate(await measureRate(evaluated, from, messages * perMessage, options.timeoutMs)));
    await steadyRun.done;
  }
  await measureMemory(((devices + options.runs * messages) * perMessage) / devices);

  const stats = rules.stats();
  const expected = (devices + options.runs * messages) * perMessage;
  await rules.stop();
  await ops.close();
  rmSync(dir, { recursive: true, force: true });
  // Every reading must have taken the full path: assigned to its shipment, evaluated, nothing fired.
  if (stats.readings !== expected || stats.evaluated !== expected || stats.unassigned !== 0 || stats.late !== 0 || stats.transitions !== 0) {
    throw new Error(`unexpected rules stats at ${devices} devices (expected ${expected} evaluated): ${JSON.stringify(stats)}`);
  }
  return { devices, shipments, setupMs, baseline: median(baselines), firstContact, steady: median(steadyRuns), memory };
}
