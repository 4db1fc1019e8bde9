import { z } from 'zod';
import { systemClock } from '@coldchain/bus';
import { brokerUrlSchema, commonEnvShape, loadOrCreateSecret, openStores, requireTelemetryStoreSettings, runService, StartupError, urlForLog } from '@coldchain/runtime';
import { parseEnv, TELEMETRY_FILTER } from '@coldchain/schemas';
import { buildIngest } from './app.ts';

/**
 * Ingest on its own: `npx tsx services/ingest/src/main.ts`. It needs a running broker (MQTT_URL) and
 * shares DATA_DIR with the API and rules (operational store, and the telemetry store when it is SQLite).
 */
const ingestEnvSchema = z
  .object({
    ...commonEnvShape,
    MQTT_URL: brokerUrlSchema('required when ingest runs on its own: the broker to consume from, e.g. mqtt://127.0.0.1:1883'),
    // The persistent session (and the QoS 1 backlog the broker queues for it) belongs to this id: each
    // replica needs its own, stable across restarts; two clients with one id take each other's session
    // over. [MQTT-3.1.4-2]
    MQTT_CLIENT_ID: z.string().min(1, 'must not be empty').default('coldchain-ingest'),
    // MQTT_SHARED_GROUP (common): replicas with the same group share the telemetry stream
    // ($share/<group>/...) instead of each receiving all of it. Mosquitto 2.0 also hands a share to a
    // member that is down but keeps a persistent session: that share waits for it (deploy/README.md).
  })
  .superRefine(requireTelemetryStoreSettings);

runService({
  name: 'coldchain-ingest',
  loadConfig: () => parseEnv(ingestEnvSchema, process.env),
  async start(config, log) {
    const serviceSecret = loadOrCreateSecret(config.DATA_DIR, 'service-secret', config.MQTT_SERVICE_PASSWORD).value;
    // Telemetry as TELEMETRY_STORE says: SQLite under DATA_DIR, or VictoriaMetrics / InfluxDB behind the
    // durable spool DATA_DIR/spool.db, which only this process may drain (one ingest per DATA_DIR). The
    // operational store is SQLite under DATA_DIR until the PostgreSQL adapter (a later issue).
    const { telemetry, ops, evidence } = await openStores(config, log, systemClock.now());
    const closeStores = async () => {
      await telemetry.close();
      await evidence.close();
      await ops.close();
    };

    const filter = config.MQTT_SHARED_GROUP ? `$share/${config.MQTT_SHARED_GROUP}/${TELEMETRY_FILTER}` : TELEMETRY_FILTER;
    const protocolVersion = Number(config.MQTT_PROTOCOL_VERSION ?? '5') as 4 | 5;
    const ingest = buildIngest({
      mqtt: { url: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, username: '_svc_ingest', password: serviceSecret, protocolVersion },
      filter,
      connections: config.INGEST_CONNECTIONS,
      maxUnacked: config.INGEST_MAX_UNACKED,
      telemetry,
      evidence,
      ops,
      clock: systemClock,
      log,
      rateLimit: { perSecond: config.DEVICE_RATE_PER_SECOND, burst: config.DEVICE_RATE_BURST },
    });
    try {
      await ingest.start();
    } catch (error) {
      await ingest.stop();
      await closeStores();
      throw new StartupError(`cannot consume from the MQTT broker at ${urlForLog(config.MQTT_URL)} as _svc_ingest: ${(error as Error).message}`);
    }
    log.info({ mqttUrl: urlForLog(config.MQTT_URL), clientId: config.MQTT_CLIENT_ID, filter, telemetryStore: config.TELEMETRY_STORE, dataDir: config.DATA_DIR }, 'ingest.started');
    return {
      stats: () => ingest.stats(),
      async stop() {
        await ingest.stop();
        await closeStores();
      },
    };
  },
});
