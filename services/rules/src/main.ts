import { z } from 'zod';
import { systemClock } from '@coldchain/bus';
import { commonEnvShape, createLogger, loadOrCreateSecret, openEmbeddedStores } from '@coldchain/runtime';
import { ConfigError, parseEnv } from '@coldchain/schemas';
import { buildRules } from './app.ts';

/**
 * Rules on their own: `npx tsx services/rules/src/main.ts`. They need a running broker (MQTT_URL) and
 * the operational store the API writes shipments and devices to (DATA_DIR, shared).
 */
const rulesEnvSchema = z.object({
  ...commonEnvShape,
  // A scheme mqtt.js cannot speak (`localhost:1883` parses as a URL) would fail later with a
  // protocol error instead of naming the variable.
  MQTT_URL: z.url({
    protocol: /^(mqtts?|wss?)$/,
    error: (issue) => (issue.input === undefined ? 'required when rules run on their own: the broker to consume from, e.g. mqtt://127.0.0.1:1883' : 'must be a broker URL: mqtt://, mqtts://, ws:// or wss://, e.g. mqtt://127.0.0.1:1883'),
  }),
  // The persistent session (and the QoS 1 backlog queued for it while rules are down) belongs to this
  // id; alerts go out on a second connection, `<id>-pub`. Rules keep each device's streaming state in
  // memory, so run one instance per id until telemetry is sharded by device (EMQX hash_clientid).
  MQTT_CLIENT_ID: z.string().min(1, 'must not be empty').default('coldchain-rules'),
});

function fail(message: string): never {
  process.stderr.write(`coldchain-rules: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseEnv(rulesEnvSchema, process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL, 'coldchain-rules');
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
    fail(`cannot consume from the MQTT broker at ${config.MQTT_URL} as _svc_rules: ${(error as Error).message}`);
  }
  log.info({ mqttUrl: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, dataDir: config.DATA_DIR }, 'rules.started');

  // Signals can arrive twice (from the terminal or the service manager and again relayed by tsx):
  // the first one stops the service, later ones must not cut that short.
  let isStopping = false;
  const shutdown = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info({ signal, ...rules.stats() }, 'shutdown');
    rules
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
  process.stderr.write(`coldchain-rules: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
