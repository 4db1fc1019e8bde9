import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllServices, spawnService } from './helpers/service-process.ts';

/**
 * The all-in-one with its HTTP API in a thread of its own (API_THREAD=1, the default; decision 0014),
 * started as the README says: what the API thread cannot do is said as plainly as before.
 */
describe('the API thread of the all-in-one', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-api-thread-'));
  afterAll(async () => {
    await killAllServices();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops the start with one line naming PORT when the HTTP port is taken, and leaves no process behind', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const service = spawnService('all-in-one', ['npx', 'tsx', 'services/all-in-one/src/main.ts'], { DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), MQTT_PORT: '0', DEMO: '0', LOG_LEVEL: 'info' });
      const exit = await Promise.race([service.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 60_000))]);
      expect(exit, service.output()).not.toBeNull();
      expect(exit!.code).not.toBe(0);
      expect(service.output()).toContain(`HTTP port ${port} is already in use. Set PORT to another port.`);
      expect(service.output()).not.toMatch(/\n\s+at /);
      expect(await service.waitGone(10_000)).toBe(true);
    } finally {
      taken.close();
    }
  }, 90_000);
});
