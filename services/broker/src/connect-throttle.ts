import { isIPv6 } from 'node:net';

/** How failed CONNECTs are throttled and how many password checks may run at once. */
export type ThrottleSettings = {
  /** false stops counting failures: every attempt gets a password check (benchmarks compare against it). */
  isEnabled: boolean;
  /** Failures an address may make in a burst before its attempts are refused unchecked. */
  addressBurst: number;
  /** One more failure is allowed per address every this many ms. */
  addressRefillMs: number;
  /** Failures one username (device id or `_svc_<name>`) may collect, from any addresses, in a burst. */
  usernameBurst: number;
  /** One more failure is allowed per username every this many ms. */
  usernameRefillMs: number;
  /** An address is in good standing when it has had no failure for this long (or never had one). */
  goodStandingMs: number;
  /** Addresses and usernames each tracked at most; past it the least recently failed is forgotten. */
  maxTrackedKeys: number;
  /** scrypt checks running at once; `Infinity` removes the bound. */
  maxConcurrentChecks: number;
  /** Checks waiting for a slot; past it attempts are refused. `Infinity` removes the bound. */
  maxQueuedChecks: number;
};

/**
 * Defaults, and why:
 * - addressBurst 10, addressRefillMs 10 s: a logger with a stale secret retries every few seconds; ten
 *   tries let a fitter correct it on the spot, then it costs one scrypt per 10 s instead of one per try.
 *   A flood of 200/s from one address costs 10 checks, then 0.1 per second.
 * - usernameBurst 10, usernameRefillMs 30 s: a device id guessed from many addresses (a botnet, each
 *   under its own budget) stops being checked for addresses with failures; the real device, which never
 *   fails, keeps being checked, so the attacker cannot lock it out.
 * - goodStandingMs 60 s: longer than addressRefillMs, so an address that keeps failing, however slowly,
 *   never counts as in good standing.
 * - maxTrackedKeys 10,000 per map: about 1 MB each at most; a flood from more addresses forgets the
 *   oldest, which bounds memory at the price of letting a very wide flood start afresh.
 * - maxConcurrentChecks 2: one scrypt takes ~70 ms of CPU and 16 MiB; libuv's pool has 4 threads that
 *   fs (and the SQLite files) share, and the machine has 2 cores, so 2 leave room for the rest.
 * - maxQueuedChecks 32: about 1 s of waiting at ~30 checks/s, well inside a client's connect timeout.
 */
export const DEFAULT_THROTTLE_SETTINGS: ThrottleSettings = {
  isEnabled: true,
  addressBurst: 10,
  addressRefillMs: 10_000,
  usernameBurst: 10,
  usernameRefillMs: 30_000,
  goodStandingMs: 60_000,
  maxTrackedKeys: 10_000,
  maxConcurrentChecks: 2,
  maxQueuedChecks: 32,
};

/** Whether an attempt gets a password check. `isTrusted`: its address is in good standing. */
export type Admission = { kind: 'check'; isTrusted: boolean } | { kind: 'refuse'; reason: string };

type Bucket = { tokens: number; updatedAt: number; lastFailureAt: number };

/**
 * The key an address is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64, since one
 * host usually holds a whole /64 and could otherwise rotate through 2^64 fresh addresses.
 */
export function addressKey(remoteAddress: string): string {
  if (!remoteAddress) return 'unknown';
  if (remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.')) return remoteAddress.slice(7);
  const bare = remoteAddress.split('%')[0] ?? '';
  if (!isIPv6(bare)) return bare.slice(0, 64);
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * Failure budgets per address and per username: token buckets that only failures drain. Pure: every
 * decision takes `now`. Attempts it refuses are not counted, so a refused flood cannot starve anyone
 * else's budget, and it earns one check per refill interval.
 */
export function createConnectThrottle(settings: ThrottleSettings) {
  const addresses = new Map<string, Bucket>();
  const usernames = new Map<string, Bucket>();

  const tokensAt = (bucket: Bucket | undefined, burst: number, refillMs: number, now: number) =>
    bucket ? Math.min(burst, bucket.tokens + Math.max(0, now - bucket.updatedAt) / refillMs) : burst;

  const drain = (map: Map<string, Bucket>, key: string, burst: number, refillMs: number, now: number) => {
    const bucket = map.get(key);
    const tokens = Math.max(0, tokensAt(bucket, burst, refillMs, now) - 1);
    // Re-inserted so the map's order is least recently failed first, which is the one to forget.
    map.delete(key);
    map.set(key, { tokens, updatedAt: now, lastFailureAt: now });
    if (map.size > settings.maxTrackedKeys) map.delete(map.keys().next().value!);
  };

  return {
    /** Decides whether an attempt from `remoteAddress` as `username` (undefined: not a real name) gets a check. */
    admit(remoteAddress: string, username: string | undefined, now: number): Admission {
      if (!settings.isEnabled) return { kind: 'check', isTrusted: true };
      const key = addressKey(remoteAddress);
      const address = addresses.get(key);
      const isTrusted = !address || now - address.lastFailureAt >= settings.goodStandingMs;
      if (tokensAt(address, settings.addressBurst, settings.addressRefillMs, now) < 1) {
        return { kind: 'refuse', reason: `address ${key} is over its failure budget (${settings.addressBurst}, one more per ${settings.addressRefillMs / 1000} s)` };
      }
      if (username !== undefined && !isTrusted && tokensAt(usernames.get(username), settings.usernameBurst, settings.usernameRefillMs, now) < 1) {
        return { kind: 'refuse', reason: `${username} is over its failure budget; only addresses without failures in the last ${settings.goodStandingMs / 1000} s are checked` };
      }
      return { kind: 'check', isTrusted };
    },

    recordFailure(remoteAddress: string, username: string | undefined, now: number): void {
      if (!settings.isEnabled) return;
      drain(addresses, addressKey(remoteAddress), settings.addressBurst, settings.addressRefillMs, now);
      if (username !== undefined) drain(usernames, username, settings.usernameBurst, settings.usernameRefillMs, now);
    },

    /**
     * A login succeeded: the address's failure budget is full again, so a logger whose secret was
     * corrected is not left throttled. Its last failure stays on record, so logging in with one valid
     * credential cannot put an address that keeps guessing back into good standing.
     */
    recordSuccess(remoteAddress: string, now: number): void {
      if (!settings.isEnabled) return;
      const key = addressKey(remoteAddress);
      const address = addresses.get(key);
      if (address) addresses.set(key, { ...address, tokens: settings.addressBurst, updatedAt: now });
    },

    /** How many addresses and usernames are tracked, for tests and metrics. */
    trackedKeys(): { addresses: number; usernames: number } {
      return { addresses: addresses.size, usernames: usernames.size };
    },
  };
}

export type ConnectThrottle = ReturnType<typeof createConnectThrottle>;

/** Outcome of waiting for a password-check slot. */
export type SlotGrant = 'granted' | 'queue_full' | 'displaced';

/**
 * Bounds the scrypt checks running at once, so password checks never fill libuv's thread pool. Waiting
 * attempts from addresses in good standing go first; when the queue is full, a trusted newcomer
 * displaces the newest suspect waiter, and a suspect newcomer is refused.
 */
export function createCheckQueue(settings: Pick<ThrottleSettings, 'maxConcurrentChecks' | 'maxQueuedChecks'>) {
  type Waiter = (grant: SlotGrant) => void;
  const trusted: Waiter[] = [];
  const suspect: Waiter[] = [];
  let running = 0;

  return {
    /** Resolves 'granted' when a slot is held (the caller must `release()` it), otherwise why not. */
    acquire(isTrusted: boolean): Promise<SlotGrant> {
      if (running < settings.maxConcurrentChecks && trusted.length + suspect.length === 0) {
        running++;
        return Promise.resolve('granted');
      }
      return new Promise<SlotGrant>((resolve) => {
        if (trusted.length + suspect.length >= settings.maxQueuedChecks) {
          if (!isTrusted || suspect.length === 0) return resolve('queue_full');
          suspect.pop()!('displaced');
        }
        (isTrusted ? trusted : suspect).push(resolve);
      });
    },

    release(): void {
      running--;
      const next = trusted.shift() ?? suspect.shift();
      if (next) {
        running++;
        next('granted');
      }
    },

    /** Checks running and waiting, for tests and metrics. */
    load(): { running: number; queued: number } {
      return { running, queued: trusted.length + suspect.length };
    },
  };
}

export type CheckQueue = ReturnType<typeof createCheckQueue>;
