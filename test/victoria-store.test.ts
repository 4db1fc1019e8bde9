import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VictoriaTelemetryStore } from '@coldchain/storage';
import { requireServer, startVictoriaMetrics } from './helpers/servers.ts';
import type { ServerProcess } from './helpers/servers.ts';

const hasVictoria = requireServer('victoria-metrics', '/usr/bin/victoria-metrics', 'apt-get install victoria-metrics');
const T0 = Date.UTC(2026, 6, 1);

describe.skipIf(!hasVictoria)('VictoriaMetrics adapter against a real victoria-metrics server', () => {
  let vm: ServerProcess;
  let store: VictoriaTelemetryStore;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    store = new VictoriaTelemetryStore({ url: vm.url });
  });
  afterAll(async () => {
    await store?.close();
    await vm?.stop();
  });

  it('writes line protocol and reads the readings back through the export API, exact to the millisecond', async () => {
    const readings = Array.from({ length: 500 }, (_, i) => ({ deviceId: 'vm-a', sampledAt: T0 + i * 60_000 + 7, tempC: 4 + (i % 13) / 10, rhPct: i % 2 ? 90.5 : null, receivedAt: T0 + i * 60_000 + 20_123 }));
    await store.insertReadings(readings);
    await store.settle();
    const back = await store.readingsBetween('vm-a', T0, T0 + 500 * 60_000);
    expect(back).toEqual(readings);
  });

  it('keeps a reading written twice once (server-side dedup)', async () => {
    const reading = { deviceId: 'vm-b', sampledAt: T0, tempC: 5.5, rhPct: 91, receivedAt: T0 + 1000 };
    await store.insertReadings([reading]);
    await store.insertReadings([reading]);
    await store.settle();
    expect(await store.readingsBetween('vm-b', T0 - 1, T0 + 1)).toEqual([reading]);
  });

  it('rejects a write when the server is down, so the caller keeps the readings', async () => {
    const down = new VictoriaTelemetryStore({ url: 'http://127.0.0.1:9' });
    await expect(down.insertReadings([{ deviceId: 'vm-c', sampledAt: T0, tempC: 4, rhPct: null, receivedAt: T0 }])).rejects.toThrow();
    await down.close();
  });
});
