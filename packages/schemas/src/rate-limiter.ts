/** Per-device message rate limit: a token bucket of `burst` messages refilled at `perSecond`. */
export type RateLimit = { perSecond: number; burst: number };

/**
 * The documented per-device limit: 20 messages/s sustained, bursts of 200. A logger sends one message
 * per sampling interval (minutes) and uploads a backlog in messages of up to 10,000 readings, so only a
 * misbehaving device comes near it.
 */
export const DEVICE_RATE_LIMIT: RateLimit = { perSecond: 20, burst: 200 };

/** Token buckets per device; `now` is passed in, so it is testable and deterministic. */
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limit: RateLimit = DEVICE_RATE_LIMIT) {}

  /** Takes one message's token; false when the device is over its limit. */
  tryTake(deviceId: string, now: number): boolean {
    const bucket = this.buckets.get(deviceId) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    const isAllowed = bucket.tokens >= 1;
    if (isAllowed) bucket.tokens -= 1;
    this.buckets.set(deviceId, bucket);
    return isAllowed;
  }
}
