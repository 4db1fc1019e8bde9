import { z } from 'zod';
import { systemClock } from '@coldchain/bus';
import { brokerUrlSchema, commonEnvShape, loadOrCreateSecret, openEmbeddedStores, runService, StartupError } from '@coldchain/runtime';
import { parseEnv } from '@coldchain/schemas';
import { buildRules } from './app.ts';

/**
 * Rules on their own: `npx tsx services/rules/src/main.ts`. They need a running broker (MQTT_URL) and
 * the operational store the API writes shipments and devices to (DATA_DIR, shared).
 */
const rulesEnvSchema = z.object({
  ...commonEnvShape,
  MQTT_URL: brokerUrlSchema('required when rules run on their own: the broker to consume from, e.g. mqtt://127.0.0.1:1883'),
  // The persistent session (and the QoS 1 backlog queued for it while rules are down) belongs to this
  // id; alerts go out on a second connection, `<id>-pub`. Rules keep each device's streaming state in
  // memory, so run one instance per id until telemetry is sharded by device (EMQX hash_clientid).
  MQTT_CLIENT_ID: z.string().min(1, 'must not be empty').default('coldchain-rules'),
});

runService({
  name: 'coldchain-rules',
  loadConfig: () => parseEnv(rulesEnvSchema, process.env),
  async start(config, log) {
    const serviceSecret = loadOrCreateSecret(config.DATA_DIR, 'service-secret', config.MQTT_SERVICE_PASSWORD).value;
    // Embedded SQLite under DATA_DIR for now; the PostgreSQL operational adapter arrives in a later issue
    // and will be chosen here. Rules read no telemetry store: readings reach them on the bus.
    const { telemetry, ops } = await openEmbeddedStores(config.DATA_DIR, config.SQLITE_SYNC, systemClock.now());
    await telemetry.close();

    const rules = buildRules({
      mqtt: { url: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, username: '_svc_rules', password: serviceSecret },
      ops,
      clock: systemClock,
      log,
    });
    try {
      await rules.start();
    } catch (error) {
      await rules.stop();
      await ops.close();
      throw new StartupError(`cannot consume from the MQTT broker at ${config.MQTT_URL} as _svc_rules: ${(error as Error).message}`);
    }
    log.info({ mqttUrl: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, dataDir: config.DATA_DIR }, 'rules.started');
    return {
      stats: () => rules.stats(),
      async stop() {
        await rules.stop();
        await ops.close();
      },
    };
  },
});
