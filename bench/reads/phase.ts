// One load phase: the HTTP load (child process) on the service, and meanwhile, inside the loaded
// service, the canary logger publishing one reading a second (publish → PUBACK, which is after commit)
// and excursion probes fired evenly over the window (publish → signed webhook).
import { startLoad } from './load.ts';
import type { LoadResult } from './load.ts';
import type { Device } from './device.ts';
import type { ProbeBoard } from './probes.ts';
import { percentiles } from './stats.ts';
import type { Percentiles } from './stats.ts';

export type PhaseResult = {
  name: string;
  load: LoadResult;
  requestsPerSecond: number;
  canary: { puback: Percentiles; sent: number; missing: number };
  probes: { webhook: Percentiles; puback: Percentiles; fired: number; missing: number };
  /** Verified webhook events other than the probes' that arrived during the window (background work). */
  otherWebhookEvents: number;
  /** After the load: how long until /healthz answered within 100 ms again (the service had drained). */
  drainMs: number;
};

export type PhaseOptions = {
  name: string;
  baseUrl: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  durationMs: number;
  canary: Device;
  probes: Device[];
  board: ProbeBoard;
};

/** Waits until GET /healthz answers 200 within 100 ms twice in a row, at most `timeoutMs`. */
async function waitDrained(baseUrl: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  let fast = 0;
  while (performance.now() - started < timeoutMs && fast < 2) {
    const t = performance.now();
    const ok = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
    fast = ok && performance.now() - t < 100 ? fast + 1 : 0;
    if (fast < 2) await new Promise((r) => setTimeout(r, 100));
  }
  return performance.now() - started;
}

export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const { board, canary, probes, durationMs } = options;
  const load = startLoad({ baseUrl: options.baseUrl, paths: options.paths, connections: options.connections, durationMs, timeoutMs: 30_000, headers: options.headers });
  const phaseStart = performance.now();
  const othersNow = () => Object.values(board.otherEvents()).reduce((sum, n) => sum + n, 0);
  const othersBefore = othersNow();

  // The canary: one reading a second for the whole window.
  const canaryAcks: Array<Promise<number | undefined>> = [];
  const canaryTimer = setInterval(() => {
    canaryAcks.push(canary.publishNow(4.5 + Math.random() / 5).catch(() => undefined));
  }, 1_000);

  // Probes spread evenly over the window, the first after one spacing (the load is up by then).
  const spacingMs = durationMs / (probes.length + 1);
  const probeAcks: Array<Promise<number>> = [];
  for (let i = 0; i < probes.length; i++) {
    const due = phaseStart + (i + 1) * spacingMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    probeAcks.push(board.fire(probes[i]!));
  }
  const result = await load.done;
  clearInterval(canaryTimer);
  const otherWebhookEvents = othersNow() - othersBefore;
  await board.waitFor(probes.map((p) => p.id), 30_000);
  const canaryMs = (await Promise.all(canaryAcks)).filter((ms): ms is number => ms !== undefined);
  const probeAckMs = (await Promise.all(probeAcks)).filter((ms) => Number.isFinite(ms));
  const webhookMs = probes.map((p) => board.latencyOf(p.id)).filter((ms): ms is number => ms !== undefined);
  const drainMs = await waitDrained(options.baseUrl, 120_000);
  return {
    name: options.name,
    load: result,
    requestsPerSecond: (result.requests / result.elapsedMs) * 1000,
    canary: { puback: percentiles(canaryMs), sent: canaryAcks.length, missing: canaryAcks.length - canaryMs.length },
    probes: { webhook: percentiles(webhookMs), puback: percentiles(probeAckMs), fired: probes.length, missing: probes.length - webhookMs.length },
    otherWebhookEvents,
    drainMs,
  };
}
