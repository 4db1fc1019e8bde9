// Child process of the read benchmark: `connections` keep-alive HTTP/1.1 connections, each sending its
// next GET as soon as the previous answer has arrived (closed loop, as autocannon does), for `durationMs`,
// over `paths` round-robin. Prints one JSON line: requests, statuses, latency percentiles.
import { httpGet, keepAliveAgent } from './http-get.ts';
import { percentiles } from './stats.ts';

export type LoadPlan = { baseUrl: string; paths: string[]; connections: number; durationMs: number; timeoutMs: number; headers: Record<string, string> };

const plan = JSON.parse(process.argv[2]!) as LoadPlan;
const agent = keepAliveAgent(plan.connections);
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let next = 0;
let bytes = 0;
// CPU from here on: the load itself, not tsx's start.
const cpuAtStart = process.cpuUsage();
const started = performance.now();
const endAt = started + plan.durationMs;
// An answer that lands after the window is not counted; the window is what requests/s divides by.
let lateAnswers = 0;

async function worker(): Promise<void> {
  while (performance.now() < endAt) {
    const path = plan.paths[next++ % plan.paths.length]!;
    const answer = await httpGet(agent, plan.baseUrl + path, plan.headers, Math.max(1, Math.min(plan.timeoutMs, endAt - performance.now() + 1_000)), false);
    if (performance.now() > endAt && answer.status === 0) {
      lateAnswers++;
      break;
    }
    const key = answer.status === 0 ? (answer.error ?? 'error') : String(answer.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    latencies.push(answer.ms);
    bytes += answer.bytes;
  }
}

await Promise.all(Array.from({ length: plan.connections }, () => worker()));
const elapsedMs = performance.now() - started;
agent.destroy();
const requests = latencies.length;
const ok = Object.entries(statuses).filter(([status]) => /^2\d\d$/.test(status) || status === '304').reduce((sum, [, n]) => sum + n, 0);
process.stdout.write(JSON.stringify({ elapsedMs, requests, ok, non2xx: requests - ok, statuses, latency: percentiles(latencies), bytes, unfinishedAtEnd: lateAnswers, cpu: process.cpuUsage(cpuAtStart) }) + '\n');
process.exit(0);
