import { z } from 'zod';
import { Registry } from 'prom-client';
import { systemClock } from '@coldchain/bus';
import { createIngestPipeline, recordDeadLetter } from '@coldchain/ingest';
import { commonEnvShape, loadOrCreateSecret, openStores, requireTelemetryStoreSettings, runService, StartupError } from '@coldchain/runtime';
import { parseEnv } from '@coldchain/schemas';
import { buildBroker, PortInUseError } from './app.ts';
import { createAuthenticator } from './authenticator.ts';
import { createPrincipalCheck } from './org-access.ts';

/**
 * The embedded broker (aedes) on its own: `npx tsx services/broker/src/main.ts`, listening on
 * HOST:MQTT_PORT. Ingest runs in its publish path, as in the all-in-one: a device's PUBACK follows the
 * commit of its readings (decision 0009), so this process writes the telemetry store (TELEMETRY_STORE)
 * and needs no separate ingest. It checks device credentials against the operational store the API
 * provisions devices into (DATA_DIR, shared), and the services' `_svc_<name>` logins against the
 * service secret, and organisations' subscribers (`org-...`) against their broker credentials in the
 * same store (decision 0022). In production Mosquitto or EMQX takes its place with services/ingest consuming from
 * it (deploy/README.md); MQTT_URL is not read here.
 */
const brokerEnvSchema = z.object(commonEnvShape).superRefine(requireTelemetryStoreSettings);

runService({
  name: 'coldchain-broker',
  loadConfig: () => parseEnv(brokerEnvSchema, process.env),
  async start(config, log) {
    // Started first, the broker generates the service secret the other services then read from DATA_DIR.
    const serviceSecret = loadOrCreateSecret(config.DATA_DIR, 'service-secret', config.MQTT_SERVICE_PASSWORD).value;
    const { telemetry, ops, evidence } = await openStores(config, log, systemClock.now());
    const metrics = new Registry();
    const pipeline = createIngestPipeline({ telemetry, evidence, ops, clock: systemClock, log: log.child({ service: 'ingest' }), metrics, rateLimit: { perSecond: config.DEVICE_RATE_PER_SECOND, burst: config.DEVICE_RATE_BURST } });
    pipeline.start();
    const getOrgCredential = (username: string) => ops.accounts.getMqttCredential(username);
    const broker = buildBroker({
      host: config.HOST,
      port: config.MQTT_PORT,
      log,
      metrics,
      ingest: pipeline,
      maxPacketBytes: config.MQTT_MAX_PACKET_BYTES,
      authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, getOrgCredential, serviceSecret }),
      isPrincipalActive: createPrincipalCheck(getOrgCredential),
      recordRefusal: (refusal) => recordDeadLetter(ops, { ...refusal, receivedAt: systemClock.now() }),
    });
    const closeAll = async () => {
      await pipeline.stop();
      await telemetry.close();
      await evidence.close();
      await ops.close();
    };
    let port: number;
    try {
      ({ port } = await broker.start());
    } catch (error) {
      await broker.stop().catch(() => undefined);
      await closeAll();
      if (error instanceof PortInUseError) throw new StartupError(`MQTT port ${error.port} is already in use. Set MQTT_PORT to another port.`);
      throw error;
    }
    log.info({ host: config.HOST, port, dataDir: config.DATA_DIR }, 'broker.started');
    return {
      stats: () => ({ connectedClients: broker.connectedClients(), ...pipeline.stats() }),
      async stop() {
        await broker.stop();
        await closeAll();
      },
    };
  },
});
