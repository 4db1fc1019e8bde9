import { collectDefaultMetrics, Registry } from 'prom-client';
import { z } from 'zod';
import { systemClock } from '@coldchain/bus';
import { brokerUrlSchema, commonEnvShape, loadOrCreateSecret, openEmbeddedStores, openEvidenceStore, requireTelemetryStoreSettings, runService, StartupError, urlForLog } from '@coldchain/runtime';
import { parseEnv } from '@coldchain/schemas';
import { InfluxTelemetryStore, VictoriaTelemetryStore } from '@coldchain/storage';
import type { TelemetryStore } from '@coldchain/storage';
import { buildApi } from './app.ts';
import { createScorecardJob } from './scorecards/scorecard-job.ts';
import { scorecardTimezoneSchema } from './scorecards/scorecard-timezone.ts';
import { createReadPool } from './reads/read-pool.ts';
import { readerStoreFor } from './reads/reader-store.ts';

/**
 * The HTTP API and dashboards on their own: `npx tsx services/api/src/main.ts`. The broker (MQTT_URL)
 * carries the live alert stream; DATA_DIR holds the stores ingest and rules write to.
 */
const apiEnvSchema = z
  .object({
    ...commonEnvShape,
    MQTT_URL: brokerUrlSchema('required when the API runs on its own: the broker that carries the live alert stream, e.g. mqtt://127.0.0.1:1883'),
    // Each API instance needs its own id: two clients with one id take each other's session over. [MQTT-3.1.4-2]
    MQTT_CLIENT_ID: z.string().min(1, 'must not be empty').default('coldchain-api'),
    /** The zone of the monthly scorecard run (00:10 on the 1st); months are Beijing months (decision 0025). */
    SCORECARD_TIMEZONE: scorecardTimezoneSchema,
  })
  .superRefine(requireTelemetryStoreSettings);

type ApiConfig = z.infer<typeof apiEnvSchema>;

/**
 * The remote telemetry store, read directly. The API only reads readings; it must not open the spool
 * ingest drains (DATA_DIR/spool.db): each drainer counts the readings pending in memory, and with two of
 * them ingest's count would stop falling until it refused readings as if the spool were full. Readings
 * still in ingest's spool (the store was down) show once they are forwarded.
 */
function openTelemetryReader(config: ApiConfig): TelemetryStore | null {
  if (config.TELEMETRY_STORE === 'victoria') return new VictoriaTelemetryStore({ url: config.VICTORIA_URL! });
  if (config.TELEMETRY_STORE === 'influx') {
    return new InfluxTelemetryStore({ url: config.INFLUX_URL!, token: config.INFLUX_TOKEN!, org: config.INFLUX_ORG, bucket: config.INFLUX_BUCKET });
  }
  return null;
}

runService({
  name: 'coldchain-api',
  loadConfig: () => parseEnv(apiEnvSchema, process.env),
  async start(config, log) {
    const adminToken = loadOrCreateSecret(config.DATA_DIR, 'admin-token', config.COLDCHAIN_ADMIN_TOKEN);
    const serviceSecret = loadOrCreateSecret(config.DATA_DIR, 'service-secret', config.MQTT_SERVICE_PASSWORD).value;
    // The operational store is SQLite under DATA_DIR until the PostgreSQL adapter (a later issue).
    const embedded = await openEmbeddedStores(config.DATA_DIR, config.SQLITE_SYNC, systemClock.now(), log);
    const { ops } = embedded;
    // The chains in evidence.db; the messages with the readings when telemetry is SQLite, else there too.
    await embedded.evidence.close();
    const evidence = openEvidenceStore(config.DATA_DIR, config.SQLITE_SYNC, config.TELEMETRY_STORE);
    const remote = openTelemetryReader(config);
    if (remote) await embedded.telemetry.close();
    const telemetry = remote ?? embedded.telemetry;
    const closeStores = async () => {
      await telemetry.close();
      await evidence.close();
      await ops.close();
    };

    // Served at /metrics. Ingest and rules run without HTTP, so this process's metrics are the API's own.
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    // No outbox here: the rules process owns DATA_DIR/outbox.db (services/rules/src/main.ts), and an
    // outbox file has one owner at a time. So GET /api/v1/notifications is the all-in-one's only.
    const api = buildApi({
      host: config.HOST,
      port: config.PORT,
      ops,
      telemetry,
      evidenceStore: evidence,
      dataDir: config.DATA_DIR,
      reads: createReadPool({ store: readerStoreFor(config), threads: config.READ_THREADS }),
      adminToken: adminToken.value,
      mqtt: { url: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, username: '_svc_api', password: serviceSecret },
      clock: systemClock,
      log,
      metrics,
      trustedProxies: config.TRUSTED_PROXIES,
      publicRateLimitPerMin: config.PUBLIC_RATE_LIMIT_PER_MIN,
    });
    let port: number;
    try {
      ({ port } = await api.start());
    } catch (error) {
      await api.stop().catch(() => undefined);
      await closeStores();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new StartupError(`HTTP port ${config.PORT} is already in use. Set PORT to another port.`);
      throw new StartupError(`cannot start: ${(error as Error).message} (broker ${urlForLog(config.MQTT_URL)}, user _svc_api)`);
    }
    // The monthly scorecards run here, beside the API that serves them (decision 0025): one API instance per
    // ops.db, and a month is kept once whichever process or request keeps it first.
    const scorecards = createScorecardJob({ ops, clock: systemClock, log, timezone: config.SCORECARD_TIMEZONE });
    await scorecards.start();
    log.info(
      {
        host: config.HOST,
        port,
        mqttUrl: urlForLog(config.MQTT_URL),
        telemetryStore: config.TELEMETRY_STORE,
        // Never log the token itself: say where it is (`cat DATA_DIR/admin-token`, an owner-only file).
        adminTokenFrom: adminToken.isGenerated ? 'generated into DATA_DIR/admin-token' : config.COLDCHAIN_ADMIN_TOKEN ? 'from COLDCHAIN_ADMIN_TOKEN' : 'from DATA_DIR/admin-token',
      },
      'api.started',
    );
    return {
      async stop() {
        await scorecards.stop();
        await api.stop();
        await closeStores();
      },
    };
  },
});
