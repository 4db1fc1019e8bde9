import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { createApiClient } from '@coldchain/firmware-sim';
import { adminTokenOf, crashSeed, defaultFleet, expectAcknowledgedStored, expectGracefulExit, runCrash } from './helpers/crash-fleet.ts';
import { freePort, requireServer, startMosquitto } from './helpers/servers.ts';
import type { ServerProcess } from './helpers/servers.ts';
import { killAllServices, startIngestProcess, startNpmService, stopGroup } from './helpers/service-process.ts';

// Issue 8, "Acknowledged means stored", through Debian's Mosquitto: the broker acknowledges the
// loggers and keeps ingest's persistent session (MQTT 5, 7-day expiry) while ingest is down, so
// killing the service must lose nothing, in the all-in-one (`npm start` with MQTT_URL) and with
// ingest running alone (deploy/README.md).

const hasMosquitto = requireServer('mosquitto', '/usr/sbin/mosquitto', 'apt-get install mosquitto');

/** The queueing settings of the shipped deploy/mosquitto/mosquitto.conf (the default 1000 queued would drop). */
function shippedQueueSettings(): string[] {
  const conf = readFileSync(new URL('../deploy/mosquitto/mosquitto.conf', import.meta.url), 'utf8');
  return conf.split('\n').map((l) => l.trim()).filter((l) => /^(max_queued_messages|max_queued_bytes|max_inflight_messages|queue_qos0_messages|persistent_client_expiration)\b/.test(l));
}

describe.skipIf(!hasMosquitto)('acknowledged means stored: through Mosquitto, the service interrupted under load', () => {
  const dirs: string[] = [];
  let broker: ServerProcess | undefined;

  afterEach(async () => {
    await killAllServices();
    await broker?.stop();
    broker = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function allInOneRun(signal: NodeJS.Signals) {
    broker = await startMosquitto(shippedQueueSettings());
    const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-crash-mq-'));
    dirs.push(dataDir);
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const start = () => startNpmService({ dataDir, httpPort, mqttPort, env: { MQTT_URL: broker!.url } });
    const service = await start();
    const spec = defaultFleet('crash');
    // Provisioned as on the embedded broker; this Mosquitto lets anyone in (allow_anonymous).
    const api = createApiClient(`http://127.0.0.1:${httpPort}`, adminTokenOf(dataDir));
    const passwords = new Map<string, string>();
    for (const id of spec.deviceIds) passwords.set(id, await api.provisionDevice(id));
    return runCrash({ name: `mosquitto all-in-one ${signal}`, seed: crashSeed(), dataDir, mqttUrl: broker.url, spec, passwords, service, signal, restart: start, stop: (s) => stopGroup(s, 'SIGINT') });
  }

  it('all-in-one SIGKILLed at a random point: every acknowledged reading is stored once after the restart', async () => {
    expectAcknowledgedStored(await allInOneRun('SIGKILL'));
  }, 180_000);

  it('all-in-one, SIGTERM to npm at a random point: it stops by itself within 15 s with exit 0, and nothing acknowledged is lost', async () => {
    const report = await allInOneRun('SIGTERM');
    expectGracefulExit(report);
    expectAcknowledgedStored(report);
  }, 180_000);

  it('ingest alone (separate services) SIGKILLed at a random point and restarted: every acknowledged reading is stored once', async () => {
    broker = await startMosquitto(shippedQueueSettings());
    const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-crash-ingest-'));
    dirs.push(dataDir);
    const start = () => startIngestProcess({ dataDir, mqttUrl: broker!.url });
    const service = await start();
    const report = await runCrash({ name: 'mosquitto ingest alone SIGKILL', seed: crashSeed(), dataDir, mqttUrl: broker.url, spec: defaultFleet('crash'), service, signal: 'SIGKILL', restart: start, stop: (s) => stopGroup(s, 'SIGINT') });
    expectAcknowledgedStored(report);
  }, 180_000);
});
