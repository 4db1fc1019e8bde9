// Sequential read latencies of one endpoint: warm (the same request again and again), cold (after each
// change of the shipment's data: one reading published by its device and committed, PUBACK received),
// and, for the curve, a new `points` value each time with no data change. Each series stops at its count
// or its time budget, whichever comes first.
import type { Agent } from 'node:http';
import type { Device } from './device.ts';
import { httpGet } from './http-get.ts';
import { percentiles } from './stats.ts';
import type { Percentiles } from './stats.ts';

const REQUEST_TIMEOUT_MS = 30_000;

export type Series = { latency: Percentiles; statuses: Record<string, number>; stoppedByBudget: boolean };

export type EndpointResult = {
  warm: Series;
  cold: Series;
  /** Cold for the cache only: a `points` value not asked before, the data unchanged (curve only). */
  newPoints?: Series;
  /** A warm request sent with `If-None-Match: <ETag of the previous answer>`. */
  conditional: { etag: string | null; lastModified: string | null; cacheControl: string | null; status: number | null; ms: number | null };
  /** Publish → PUBACK of the readings that made the cold requests cold. */
  coldPuback: Percentiles;
};

export type SequentialOptions = { warm: number; cold: number; budgetMs: number };

async function runSeries(count: number, budgetMs: number, before: (i: number) => Promise<void>, url: (i: number) => string, agent: Agent, headers: Record<string, string>): Promise<Series> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const deadline = performance.now() + budgetMs;
  let stoppedByBudget = false;
  for (let i = 0; i < count; i++) {
    if (performance.now() > deadline) {
      stoppedByBudget = true;
      break;
    }
    await before(i);
    const answer = await httpGet(agent, url(i), headers, REQUEST_TIMEOUT_MS, false);
    const key = answer.status === 0 ? (answer.error ?? 'error') : String(answer.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    latencies.push(answer.ms);
  }
  return { latency: percentiles(latencies), statuses, stoppedByBudget };
}

/** Measures one endpoint (`url` with or without `points`) of one shipment, whose logger is `device`. */
export async function measureEndpoint(options: SequentialOptions & { agent: Agent; url: string; headers: Record<string, string>; device: Device; withNewPoints: boolean }): Promise<EndpointResult> {
  const { agent, url, headers, device } = options;
  const first = await httpGet(agent, url, headers, REQUEST_TIMEOUT_MS);
  if (first.status !== 200) throw new Error(`GET ${url}: ${first.status} ${first.error ?? first.body.toString('utf8').slice(0, 300)}`);
  const noop = async () => undefined;
  const warm = await runSeries(options.warm, options.budgetMs, noop, () => url, agent, headers);

  const header = (answer: { headers: Record<string, string | string[] | undefined> }, name: string) => {
    const value = answer.headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? null;
  };
  const previous = await httpGet(agent, url, headers, REQUEST_TIMEOUT_MS, false);
  const etag = header(previous, 'etag');
  const conditional: EndpointResult['conditional'] = { etag, lastModified: header(previous, 'last-modified'), cacheControl: header(previous, 'cache-control'), status: null, ms: null };
  if (etag !== null) {
    const answer = await httpGet(agent, url, { ...headers, 'if-none-match': etag }, REQUEST_TIMEOUT_MS, false);
    conditional.status = answer.status;
    conditional.ms = answer.ms;
  }

  const pubacks: number[] = [];
  const cold = await runSeries(
    options.cold,
    options.budgetMs,
    async (i) => {
      pubacks.push(await device.publishNow(5 + (i % 10) / 10));
    },
    () => url,
    agent,
    headers,
  );
  const result: EndpointResult = { warm, cold, conditional, coldPuback: percentiles(pubacks) };
  if (options.withNewPoints) {
    const withPoints = (i: number) => url.replace(/points=\d+/, `points=${501 + i}`);
    result.newPoints = await runSeries(options.cold, options.budgetMs, async () => undefined, withPoints, agent, headers);
  }
  return result;
}
