import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { createApiClient } from '@coldchain/firmware-sim';
import { adminTokenOf, crashSeed, defaultFleet, expectAcknowledgedStored, expectGracefulExit, runCrash } from './helpers/crash-fleet.ts';
import { freePort } from './helpers/servers.ts';
import { killAllServices, startNpmService, stopGroup } from './helpers/service-process.ts';

// Issue 8, "Acknowledged means stored", on embedded defaults: `npm start` as the README runs it (the
// embedded aedes broker in the service process), 20 provisioned loggers with persistent sessions
// publishing under load, the service interrupted at a random point and started again on the same
// DATA_DIR and ports. A PUBACK the loggers got must mean the readings are in telemetry.db.

describe('acknowledged means stored: npm start on the embedded broker, interrupted under load', () => {
  const dirs: string[] = [];

  afterEach(async () => {
    await killAllServices();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function crashRun(signal: NodeJS.Signals) {
    const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-crash-'));
    dirs.push(dataDir);
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const start = () => startNpmService({ dataDir, httpPort, mqttPort });
    const service = await start();
    const spec = defaultFleet('crash');
    const api = createApiClient(`http://127.0.0.1:${httpPort}`, adminTokenOf(dataDir));
    const passwords = new Map<string, string>();
    for (const id of spec.deviceIds) passwords.set(id, await api.provisionDevice(id));
    return runCrash({ name: `embedded ${signal}`, seed: crashSeed(), dataDir, mqttUrl: `mqtt://127.0.0.1:${mqttPort}`, spec, passwords, service, signal, restart: start, stop: (s) => stopGroup(s, 'SIGINT') });
  }

  it('SIGKILL of the whole process group at a random point: every acknowledged reading is stored once after the restart', async () => {
    expectAcknowledgedStored(await crashRun('SIGKILL'));
  }, 180_000);

  it('SIGTERM to npm at a random point: the service stops by itself within 15 s with exit 0, and nothing acknowledged is lost', async () => {
    const report = await crashRun('SIGTERM');
    expectGracefulExit(report);
    expectAcknowledgedStored(report);
  }, 180_000);

  it('SIGINT to npm at a random point: the service stops by itself within 15 s with exit 0, and nothing acknowledged is lost', async () => {
    const report = await crashRun('SIGINT');
    expectGracefulExit(report);
    expectAcknowledgedStored(report);
  }, 180_000);
});
