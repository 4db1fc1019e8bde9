import { readRobotReply } from '../delivery-request.ts';
import type { Channel } from '../delivery-request.ts';

/** When to try again and when to give up. */
export type RetryPolicy = {
  /** Delay after the first failure; it doubles after each further one... */
  minBackoffMs: number;
  /** ...up to this. */
  maxBackoffMs: number;
  /** A delivery still failing this long after it was enqueued (or requeued) is marked dead. */
  maxAgeMs: number;
};

/** 1 s doubling to 5 min; dead after a day, long past any tier's or claim's response deadline. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { minBackoffMs: 1_000, maxBackoffMs: 300_000, maxAgeMs: 24 * 3_600_000 };

/**
 * The wait after `failedAttempts` failures: min · 2^(n-1), capped, with "equal jitter" (a uniform draw in
 * [d/2, d]) so that destinations that failed together do not retry in lockstep. `random` is in [0, 1).
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random: number): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxBackoffMs, policy.minBackoffMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** The result of one attempt, as stored. */
export type AttemptOutcome =
  | { kind: 'delivered'; httpStatus: number }
  | { kind: 'retry'; httpStatus: number | null; error: string; retryAfterMs?: number }
  | { kind: 'dead'; httpStatus: number | null; error: string };

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110, section 10.2.3). */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * 2xx is delivered, unless a robot's JSON reply carries a nonzero code. 4xx is permanent (the request
 * itself is wrong: retrying repeats the refusal) except 408 Request Timeout and 429 Too Many Requests;
 * everything else (5xx, 3xx: redirects are not followed with a signed body) is retried.
 */
export function classifyResponse(channel: Channel, httpStatus: number, bodyText: string, retryAfterMs?: number): AttemptOutcome {
  const excerpt = bodyText.slice(0, 300);
  if (httpStatus >= 200 && httpStatus < 300) {
    const reply = readRobotReply(channel, bodyText);
    if (reply.ok) return { kind: 'delivered', httpStatus };
    const error = `${channel} code ${reply.code}: ${reply.message}`.slice(0, 500);
    return reply.isPermanent ? { kind: 'dead', httpStatus, error } : { kind: 'retry', httpStatus, error };
  }
  const error = `HTTP ${httpStatus}${excerpt ? `: ${excerpt}` : ''}`;
  if (httpStatus >= 400 && httpStatus < 500 && httpStatus !== 408 && httpStatus !== 429) return { kind: 'dead', httpStatus, error };
  return retryAfterMs === undefined ? { kind: 'retry', httpStatus, error } : { kind: 'retry', httpStatus, error, retryAfterMs };
}
