import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpooledTelemetryStore, SpoolFullError, VictoriaTelemetryStore } from '@coldchain/storage';
import type { StoredReading } from '@coldchain/storage';
import { requireServer, startVictoriaMetrics } from './helpers/servers.ts';
import type { ServerProcess } from './helpers/servers.ts';

const hasVictoria = requireServer('victoria-metrics', '/usr/bin/victoria-metrics', 'apt-get install victoria-metrics');
const T0 = Date.UTC(2026, 6, 1);
const DEVICES = 50;

/** 100 readings per device-message tick: `count` readings spread over DEVICES devices from `offset`. */
function readingsFrom(offset: number, count: number): StoredReading[] {
  return Array.from({ length: count }, (_, k) => {
    const i = offset + k;
    return { deviceId: `out-${i % DEVICES}`, sampledAt: T0 + Math.floor(i / DEVICES) * 1000, tempC: (400 + (i % 97)) / 100, rhPct: 90, receivedAt: T0 + i };
  });
}

describe.skipIf(!hasVictoria)('no loss when the store is down (spool in front of a real VictoriaMetrics)', () => {
  let vm: ServerProcess;
  let dir: string;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    dir = mkdtempSync(join(tmpdir(), 'coldchain-spool-'));
  });
  afterAll(async () => {
    await vm?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps writing at 5,000 readings/s through an outage, then drains in order: every reading once', async () => {
    const remote = new VictoriaTelemetryStore({ url: vm.url });
    const errors: unknown[] = [];
    const spool = new SpooledTelemetryStore({ path: join(dir, 'spool.db'), remote, minBackoffMs: 100, maxBackoffMs: 500, sync: 'NORMAL', onDrainError: (e) => errors.push(e) });
    let written = 0;
    // 5,000 readings/s in 100 ms ticks of 500; the store is down for the middle 6 seconds of 10.
    const writeFor = async (seconds: number) => {
      for (let tick = 0; tick < seconds * 10; tick++) {
        const started = Date.now();
        expect(await spool.insertReadings(readingsFrom(written, 500))).toEqual({ inserted: 500, duplicates: 0 });
        written += 500;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - started))));
      }
    };
    await writeFor(2);
    await vm.pause();
    await writeFor(6);
    expect(spool.depth).toBeGreaterThan(25_000);
    await vm.resume();
    await writeFor(2);
    // A retried upload of the first second changes nothing.
    expect(await spool.insertReadings(readingsFrom(0, 5000))).toEqual({ inserted: 0, duplicates: 5000 });
    await spool.drained();
    expect(errors.length).toBeGreaterThan(0);

    const perDevice = written / DEVICES;
    for (const device of [0, 17, DEVICES - 1]) {
      const back = await remote.readingsBetween(`out-${device}`, T0, T0 + perDevice * 1000);
      expect(back).toHaveLength(perDevice);
      expect(new Set(back.map((r) => r.sampledAt)).size).toBe(perDevice);
      const expected = readingsFrom(0, written).filter((r) => r.deviceId === `out-${device}`);
      expect(back).toEqual(expected);
    }
    await spool.close();
  });

  it('refuses readings beyond its bound instead of dropping any, and reports the pressure', async () => {
    await vm.pause();
    const pressure: boolean[] = [];
    const spool = new SpooledTelemetryStore({
      path: join(dir, 'bounded.db'),
      remote: new VictoriaTelemetryStore({ url: vm.url }),
      maxPending: 1000,
      minBackoffMs: 100,
      maxBackoffMs: 200,
      onPressure: (event) => pressure.push(event.isNearBound),
    });
    await spool.insertReadings(readingsFrom(1_000_000, 900));
    expect(pressure).toEqual([true]);
    await expect(spool.insertReadings(readingsFrom(1_000_900, 200))).rejects.toBeInstanceOf(SpoolFullError);
    expect(spool.depth).toBe(900);
    await vm.resume();
    await spool.drained();
    expect(pressure).toEqual([true, false]);
    await spool.close();
  });
});
