import { z } from 'zod';
import { systemClock } from '@coldchain/bus';
import { recordDeadLetter } from '@coldchain/ingest';
import { commonEnvShape, createLogger, loadOrCreateSecret, openEmbeddedStores } from '@coldchain/runtime';
import { ConfigError, parseEnv } from '@coldchain/schemas';
import { buildBroker, PortInUseError } from './app.ts';
import { createAuthenticator } from './authenticator.ts';

/**
 * The embedded broker (aedes) on its own: `npx tsx services/broker/src/main.ts`, listening on
 * HOST:MQTT_PORT. It checks device credentials against the operational store the API provisions
 * devices into (DATA_DIR, shared), and the services' `_svc_<name>` logins against the service secret.
 * In production Mosquitto or EMQX takes its place (deploy/README.md); MQTT_URL is not read here.
 */
const brokerEnvSchema = z.object(commonEnvShape);

function fail(message: string): never {
  process.stderr.write(`coldchain-broker: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseEnv(brokerEnvSchema, process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL, 'coldchain-broker');
  // Started first, the broker generates the service secret the other services then read from DATA_DIR.
  const serviceSecret = loadOrCreateSecret(config.DATA_DIR, 'service-secret', config.MQTT_SERVICE_PASSWORD).value;
  // Embedded SQLite under DATA_DIR for now; the PostgreSQL operational adapter arrives in a later issue.
  const { telemetry, ops } = await openEmbeddedStores(config.DATA_DIR, config.SQLITE_SYNC, systemClock.now());
  await telemetry.close();

  const broker = buildBroker({
    host: config.HOST,
    port: config.MQTT_PORT,
    log,
    authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret }),
    onRefusedPublish: (deviceId, topic, payload) => {
      recordDeadLetter(ops, {
        deviceId,
        topic,
        code: 'topic.foreign_device',
        reason: `device ${deviceId} may only publish under coldchain/v1/devices/${deviceId}/; the broker closed its connection`,
        payload,
        receivedAt: systemClock.now(),
      }).catch((error: unknown) => log.error({ err: error, deviceId, topic }, 'broker.dead_letter_failed'));
    },
  });
  let port: number;
  try {
    ({ port } = await broker.start());
  } catch (error) {
    await broker.stop().catch(() => undefined);
    await ops.close();
    if (error instanceof PortInUseError) fail(`MQTT port ${error.port} is already in use. Set MQTT_PORT to another port.`);
    throw error;
  }
  log.info({ host: config.HOST, port, dataDir: config.DATA_DIR }, 'broker.started');

  // Signals can arrive twice (from the terminal or the service manager and again relayed by tsx):
  // the first one stops the service, later ones must not cut that short.
  let isStopping = false;
  const shutdown = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info({ signal, connectedClients: broker.connectedClients() }, 'shutdown');
    broker
      .stop()
      .then(() => ops.close())
      .then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'shutdown.failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`coldchain-broker: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
