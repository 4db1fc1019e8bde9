/** Per-device message rate limit: a token bucket of `burst` messages refilled at `perSecond`. */
export type RateLimit = { perSecond: number; burst: number };

/**
 * The documented per-device limit: 20 messages/s sustained, bursts of 200. A logger sends one message
 * per sampling interval (minutes) and uploads a backlog in messages of up to 10,000 readings, so only a
 * misbehaving device comes near it. Over the limit a message is held, never dropped: its PUBACK waits.
 */
export const DEVICE_RATE_LIMIT: RateLimit = { perSecond: 20, burst: 200 };

/** Token buckets per device; `now` is passed in, so it is testable and deterministic. */
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limit: RateLimit = DEVICE_RATE_LIMIT) {}

  /**
   * Takes one message's token and says how long the message must wait for it: 0 within the limit,
   * else the time until the bucket refills that far. The bucket goes into debt, so a device's later
   * messages wait longer, in the order they came: over the limit a device is slowed, never refused.
   */
  reserve(deviceId: string, now: number): number {
    const bucket = this.buckets.get(deviceId) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    bucket.tokens -= 1;
    this.buckets.set(deviceId, bucket);
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens / this.limit.perSecond) * 1000);
  }

  /** Forgets devices whose bucket is full again (they are within the limit), bounding memory. */
  prune(now: number): void {
    for (const [deviceId, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(deviceId);
    }
  }
}
