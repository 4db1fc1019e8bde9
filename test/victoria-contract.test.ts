import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { SpooledTelemetryStore, VictoriaTelemetryStore } from '@coldchain/storage';
import type { TelemetryStore } from '@coldchain/storage';
import { describeTelemetryStoreContract } from '../packages/storage/src/contract/telemetry-store.contract.ts';
import { requireServer, startVictoriaMetrics } from './helpers/servers.ts';

const hasVictoria = requireServer('victoria-metrics', '/usr/bin/victoria-metrics', 'apt-get install victoria-metrics');

/**
 * The production shape of a remote store: the durable spool in front of a real VictoriaMetrics. Each
 * insert waits until the spool has drained into VictoriaMetrics and VictoriaMetrics has made it
 * searchable, so every read in the contract goes through the export API as well as the spool.
 */
function drainingOnInsert(spool: SpooledTelemetryStore): TelemetryStore {
  return {
    async insertReadings(readings) {
      const result = await spool.insertReadings(readings);
      await spool.drained();
      return result;
    },
    readingsBetween: (...args) => spool.readingsBetween(...args),
    samplesBetween: (...args) => spool.samplesBetween(...args),
    bucketsBetween: (...args) => spool.bucketsBetween(...args),
    changeMark: (...args) => spool.changeMark(...args),
    close: () => spool.close(),
  };
}

describe.skipIf(!hasVictoria)('contract on VictoriaMetrics', () => {
  describeTelemetryStoreContract('VictoriaMetrics behind the spool (real victoria-metrics)', async () => {
    const vm = await startVictoriaMetrics();
    const dir = mkdtempSync(join(tmpdir(), 'coldchain-vm-contract-'));
    const open = () => drainingOnInsert(new SpooledTelemetryStore({ path: join(dir, 'spool.db'), remote: new VictoriaTelemetryStore({ url: vm.url }), minBackoffMs: 50, maxBackoffMs: 200 }));
    const opened: TelemetryStore[] = [open()];
    return {
      store: opened[0]!,
      reopen: async () => {
        const store = open();
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        for (const store of opened) await store.close().catch(() => undefined);
        await vm.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
