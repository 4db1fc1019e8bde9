import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/servers.ts';
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

  it('writes no log line per HTTP request at the default level, and none with a query string', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const service = spawnService('all-in-one', ['npx', 'tsx', 'services/all-in-one/src/main.ts'], { DATA_DIR: join(dataDir, 'quiet'), HOST: '127.0.0.1', PORT: String(httpPort), MQTT_PORT: String(mqttPort), DEMO: '0', LOG_LEVEL: 'info' });
    const base = `http://127.0.0.1:${httpPort}`;
    for (let i = 0; i < 200 && !(await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)); i++) await new Promise((resolve) => setTimeout(resolve, 250));
    for (let i = 0; i < 5; i++) await fetch(`${base}/api/v1/profiles?token=not-a-real-token-${i}`);
    await fetch(`${base}/api/v1/trace/nonexistent-trace-code`);
    service.signal('SIGINT');
    await Promise.race([service.exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    const output = service.output();
    expect(output).toContain('coldchain is running');
    expect(output).not.toMatch(/incoming request|request completed|http\.request/);
    expect(output).not.toContain('not-a-real-token');
  }, 90_000);
});
