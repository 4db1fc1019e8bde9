// Waiting for, and timing, counters that the benchmark's consumers advance.

/** Polls `progress()` every 5 ms until it reaches `total`, or throws after `timeoutMs` naming `what`. */
export async function waitFor(what: string, progress: () => number, total: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (progress() < total) {
    if (performance.now() > deadline) throw new Error(`${what}: ${progress()} of ${total} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Events per second from the first event counted by `progress()` (beyond `from`) to the `total`-th,
 * polled every 5 ms (as bench/ingest), with the CPU time this process used meanwhile.
 */
export async function measureRate(progress: () => number, from: number, total: number, timeoutMs: number): Promise<{ perSecond: number; cpuUsPerEvent: number }> {
  const deadline = performance.now() + timeoutMs;
  let first = 0;
  let cpuAtFirst = process.cpuUsage();
  for (;;) {
    const done = progress() - from;
    const now = performance.now();
    if (done > 0 && first === 0) {
      first = now;
      cpuAtFirst = process.cpuUsage();
    }
    if (done >= total) {
      const cpu = process.cpuUsage(cpuAtFirst);
      return { perSecond: ((total - 1) / (now - first)) * 1000, cpuUsPerEvent: (cpu.user + cpu.system) / total };
    }
    if (now > deadline) throw new Error(`${done} of ${total} events after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
