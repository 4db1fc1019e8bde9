/**
 * Throttles sign-in attempts against guessing (issue 12, item 1; decision 0019): failures are counted
 * per login and per client address in a sliding window. Past the limit, attempts are refused before the
 * password is checked (no KDF work for a flood), until the window has room again. In memory: a restart
 * forgets the counts, which a guesser cannot cause.
 */
export type LoginThrottleOptions = {
  /** Failures of one login allowed per window (default 5). */
  perLogin?: number;
  /** Failures from one address allowed per window (default 20). */
  perAddress?: number;
  /** The window (ms, default 15 min). */
  windowMs?: number;
  /** Entries kept at most, oldest dropped first (default 10,000). */
  maxEntries?: number;
};

export function createLoginThrottle(now: () => number, options: LoginThrottleOptions = {}) {
  const perLogin = options.perLogin ?? 5;
  const perAddress = options.perAddress ?? 20;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const failures = new Map<string, number[]>();

  function recent(key: string): number[] {
    const since = now() - windowMs;
    const times = (failures.get(key) ?? []).filter((t) => t > since);
    if (times.length) failures.set(key, times);
    else failures.delete(key);
    return times;
  }

  /** Seconds until another attempt is allowed, or 0 when one is allowed now. */
  function waitSeconds(key: string, limit: number): number {
    const times = recent(key);
    if (times.length < limit) return 0;
    return Math.max(1, Math.ceil((times[times.length - limit]! + windowMs - now()) / 1000));
  }

  return {
    /** 0 when an attempt may be checked now; otherwise the seconds to wait (Retry-After). */
    check(login: string, address: string): number {
      return Math.max(waitSeconds(`l:${login.toLowerCase()}`, perLogin), waitSeconds(`a:${address}`, perAddress));
    },
    fail(login: string, address: string): void {
      for (const key of [`l:${login.toLowerCase()}`, `a:${address}`]) {
        const times = [...recent(key), now()];
        // Re-inserted: the map's order is the order of last failure, oldest dropped first.
        failures.delete(key);
        failures.set(key, times);
      }
      while (failures.size > maxEntries) failures.delete(failures.keys().next().value!);
    },
    /** A success clears the login's failures (not the address's). */
    succeed(login: string): void {
      failures.delete(`l:${login.toLowerCase()}`);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
