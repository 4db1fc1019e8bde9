import { join } from 'node:path';
import { z } from 'zod';
import { systemClock } from '@coldchain/bus';
import { Outbox } from '@coldchain/notify';
import { brokerUrlSchema, commonEnvShape, loadOrCreateSecret, openEmbeddedStores, runService, StartupError, urlForLog } from '@coldchain/runtime';
import { parseEnv } from '@coldchain/schemas';
import { buildRules } from './app.ts';

/**
 * Rules on their own: `npx tsx services/rules/src/main.ts`. They need a running broker (MQTT_URL) and
 * the operational store the API writes shipments and devices to (DATA_DIR, shared). They send every
 * notification (alerts to the organisations' webhook, DingTalk, WeCom and Feishu channels; claims to
 * the liable carrier) through the durable outbox DATA_DIR/outbox.db, as the all-in-one does.
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
    // and will be chosen here. Rules only read the telemetry store (ingest writes it): readings reach
    // them on the bus, and late data is re-judged and a start catches up from the store (issue 9).
    const { telemetry, ops, evidence } = await openEmbeddedStores(config.DATA_DIR, config.SQLITE_SYNC, systemClock.now());
    // Rules do not write evidence (the API chains what rules record in the operational store); they read
    // the service's public keys and the witnessed heads, to check a head before it goes to the parties.

    // The notification outbox belongs to this process: rules are the only ones that enqueue (alerts and
    // claims). The file has one owner at a time (the Outbox marks attempts left unfinished as interrupted
    // when it opens and runs the delivery worker), so the API, which shares DATA_DIR, does not open it:
    // in this topology GET /api/v1/notifications is not served. One rules process per DATA_DIR, as
    // for the streaming state.
    const outbox = new Outbox({ path: join(config.DATA_DIR, 'outbox.db'), sync: config.SQLITE_SYNC, onError: (error) => log.warn({ err: error }, 'outbox.error') });
    outbox.start();
    // Where messages link to: the console the API serves. Set PUBLIC_URL when rules run apart from the
    // API (as in docker-compose.yml); the default is the all-in-one's, HOST and PORT of this environment.
    const publicUrl = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;

    const rules = buildRules({
      mqtt: { url: config.MQTT_URL, clientId: config.MQTT_CLIENT_ID, username: '_svc_rules', password: serviceSecret },
      ops,
      telemetry,
      clock: systemClock,
      log,
      outbox,
      publicUrl,
      evidence,
    });
    try {
      await rules.start();
    } catch (error) {
      await rules.stop();
      await outbox.close();
      await ops.close();
      await telemetry.close();
      await evidence.close();
      throw new StartupError(`cannot consume from the MQTT broker at ${urlForLog(config.MQTT_URL)} as _svc_rules: ${(error as Error).message}`);
    }
    log.info({ mqttUrl: urlForLog(config.MQTT_URL), clientId: config.MQTT_CLIENT_ID, dataDir: config.DATA_DIR }, 'rules.started');
    return {
      stats: () => rules.stats(),
      async stop() {
        // Rules first: their stop sends what waits in notification groups into the outbox.
        await rules.stop();
        await outbox.close();
        await ops.close();
        await telemetry.close();
        await evidence.close();
      },
    };
  },
});
