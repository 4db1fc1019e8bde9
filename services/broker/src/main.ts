import { z } from 'zod';
import { systemClock } from '@coldchain/bus';
import { recordDeadLetter } from '@coldchain/ingest';
import { commonEnvShape, loadOrCreateSecret, openEmbeddedStores, runService, StartupError } from '@coldchain/runtime';
import { parseEnv } from '@coldchain/schemas';
import { buildBroker, PortInUseError } from './app.ts';
import { createAuthenticator } from './authenticator.ts';

/**
 * The embedded broker (aedes) on its own: `npx tsx services/broker/src/main.ts`, listening on
 * HOST:MQTT_PORT. It checks device credentials against the operational store the API provisions
 * devices into (DATA_DIR, shared), and the services' `_svc_<name>` logins against the service secret.
 * In production Mosquitto or EMQX takes its place (deploy/README.md); MQTT_URL is not read here.
 */
const brokerEnvSchema = z.object(commonEnvShape);

runService({
  name: 'coldchain-broker',
  loadConfig: () => parseEnv(brokerEnvSchema, process.env),
  async start(config, log) {
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
      if (error instanceof PortInUseError) throw new StartupError(`MQTT port ${error.port} is already in use. Set MQTT_PORT to another port.`);
      throw error;
    }
    log.info({ host: config.HOST, port, dataDir: config.DATA_DIR }, 'broker.started');
    return {
      stats: () => ({ connectedClients: broker.connectedClients() }),
      async stop() {
        await broker.stop();
        await ops.close();
      },
    };
  },
});
