// Runs the HTTP load in a child process (load-client.ts), so the benchmark's own event loop (webhook
// receiver, canary, probes) is not slowed by it. It still shares the machine's cores with the service.
import { spawn } from 'node:child_process';
import type { LoadPlan } from './load-client.ts';
import type { Percentiles } from './stats.ts';

const here = new URL('.', import.meta.url).pathname;

export type LoadResult = {
  elapsedMs: number;
  requests: number;
  ok: number;
  non2xx: number;
  statuses: Record<string, number>;
  latency: Percentiles;
  bytes: number;
  /** Requests cut off when the window closed (not counted). */
  unfinishedAtEnd: number;
  cpu: { user: number; system: number };
};

export function startLoad(plan: LoadPlan): { done: Promise<LoadResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}load-client.ts`, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // Bounded: the child ends itself after the window; killed if it has not a minute later.
  const killer = setTimeout(() => child.kill('SIGKILL'), plan.durationMs + plan.timeoutMs + 60_000);
  const done = new Promise<LoadResult>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      if (code === 0) resolve(JSON.parse(output) as LoadResult);
      else reject(new Error(`load client exited ${code ?? signal}: ${output.slice(-2000)}`));
    });
  });
  return { done };
}
