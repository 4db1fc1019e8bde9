import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTelemetryStore } from '@coldchain/storage';
import type { StoredReading, TelemetryStore } from '@coldchain/storage';
import { buildCurve } from './curve.ts';
import { SamplesCache } from './samples-cache.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 4, 20);
const reading = (i: number, tempC = 4 + (i % 7) / 10): StoredReading => ({ deviceId: 'dev', sampledAt: T0 + i * MIN, tempC, rhPct: 90, receivedAt: T0 });

describe('the readings a reader thread keeps per shipment', () => {
  let dir: string;
  let store: SqliteTelemetryStore;
  let reads: number[];
  let telemetry: Pick<TelemetryStore, 'samplesBetween'>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-samples-'));
    store = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
    reads = [];
    telemetry = { samplesBetween: (deviceId, from, to, limit) => (reads.push(from), store.samplesBetween(deviceId, from, to, limit)) };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the cache gives for the shipment from T0, checked against the store read whole. */
  async function loadChecked(cache: SamplesCache) {
    const { readingCount } = await buildCurve(store, { deviceId: 'dev', from: T0, to: Number.MAX_SAFE_INTEGER, points: 100, now: T0 + 1000 * MIN });
    const samples = await cache.load(telemetry, { deviceId: 'dev', from: T0, to: Number.MAX_SAFE_INTEGER, limit: 200_000, expectedCount: readingCount });
    expect(samples).toEqual(await store.samplesBetween('dev', T0, Number.MAX_SAFE_INTEGER, 200_000));
    return samples;
  }

  it('reads only the appended readings when nothing else changed', async () => {
    const cache = new SamplesCache();
    await store.insertReadings(Array.from({ length: 500 }, (_, i) => reading(i)));
    expect(await loadChecked(cache)).toHaveLength(500);
    await store.insertReadings([reading(500), reading(501)]);
    expect(await loadChecked(cache)).toHaveLength(502);
    expect(reads).toEqual([T0, T0 + 499 * MIN + 1]);
  });

  it('reads the shipment whole again when a late reading landed in the middle', async () => {
    const cache = new SamplesCache();
    await store.insertReadings(Array.from({ length: 500 }, (_, i) => (i === 250 ? null : reading(i))).filter((r) => r !== null));
    expect(await loadChecked(cache)).toHaveLength(499);
    // The late one, and a new one at the end.
    await store.insertReadings([reading(250, -9), reading(500)]);
    const samples = await loadChecked(cache);
    expect(samples).toHaveLength(501);
    expect(samples[250]).toEqual({ sampledAt: T0 + 250 * MIN, tempC: -9 });
    expect(reads).toEqual([T0, T0 + 499 * MIN + 1, T0]);
  });
});
