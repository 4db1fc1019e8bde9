import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTelemetryStoreContract } from '../../contract/telemetry-store.contract.ts';
import type { TelemetryStore } from '../../ports.ts';
import { SqliteTelemetryStore } from './sqlite-telemetry-store.ts';

describeTelemetryStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-telemetry-'));
  const path = join(dir, 'telemetry.db');
  const opened: TelemetryStore[] = [new SqliteTelemetryStore(path)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = new SqliteTelemetryStore(path);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
