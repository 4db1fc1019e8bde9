import type { TemperatureSample } from '@coldchain/domain';
import type { TelemetryStore } from '@coldchain/storage';

/** Samples held in all, across shipments (about 40 bytes each): the least recently used go first. */
const MAX_SAMPLES = 4_000_000;

type Held = { samples: TemperatureSample[]; lastAt: number };

/**
 * The readings a reader thread last loaded for each shipment, so that a shipment's next computation
 * reads only what was appended since (a live shipment gains a reading a minute and is asked for again
 * at once). Whether the store holds exactly the held readings plus the appended ones is checked against
 * the count the rollups give (`expectedCount`): a late reading in the middle, or anything else, makes
 * the counts differ, and the shipment is read whole again.
 */
export class SamplesCache {
  private readonly held = new Map<string, Held>();
  private total = 0;

  async load(
    telemetry: Pick<TelemetryStore, 'samplesBetween'>,
    request: { deviceId: string; from: number; to: number; limit: number; expectedCount: number },
  ): Promise<TemperatureSample[]> {
    const { deviceId, from, to, limit, expectedCount } = request;
    const key = `${deviceId}\0${from}\0${to}`;
    const held = this.held.get(key);
    let samples: TemperatureSample[] | undefined;
    if (held && held.samples.length < limit) {
      const appended = await telemetry.samplesBetween(deviceId, held.lastAt + 1, to, limit - held.samples.length);
      if (held.samples.length + appended.length === expectedCount) samples = appended.length === 0 ? held.samples : held.samples.concat(appended);
    }
    samples ??= await telemetry.samplesBetween(deviceId, from, to, limit);
    this.keep(key, { samples, lastAt: samples.at(-1)?.sampledAt ?? from - 1 });
    return samples;
  }

  private keep(key: string, entry: Held): void {
    const old = this.held.get(key);
    if (old) {
      this.total -= old.samples.length;
      this.held.delete(key);
    }
    if (entry.samples.length > MAX_SAMPLES) return;
    this.held.set(key, entry);
    this.total += entry.samples.length;
    for (const [oldest, value] of this.held) {
      if (this.total <= MAX_SAMPLES) break;
      this.held.delete(oldest);
      this.total -= value.samples.length;
    }
  }
}
