import type { Logger } from 'pino';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { buildApi, createReadPool, createScorecardJob, readerStoreFor, startApiThread } from '@coldchain/api';
import { buildBroker, createAuthenticator, createPrincipalCheck } from '@coldchain/broker';
import type { Clock, MqttConnectionOptions } from '@coldchain/bus';
import { startDemoFleet } from '@coldchain/firmware-sim';
import { buildIngest, createIngestPipeline, recordDeadLetter } from '@coldchain/ingest';
import type { IngestStats } from '@coldchain/ingest';
import { Outbox } from '@coldchain/notify';
import { buildRules } from '@coldchain/rules';
import { join } from 'node:path';
import { loadOrCreateSecret, openStores } from '@coldchain/runtime';
import { TELEMETRY_FILTER } from '@coldchain/schemas';
import type { AllInOneConfig } from './config.ts';

/** How often the rules' timers tick in the demo (10 s otherwise): its claim reminders come seconds apart. */
const DEMO_TIMER_TICK_MS = 1_000;

/** What the all-in-one reports once started. */
export type AllInOneInfo = {
  apiUrl: string;
  mqttUrl: string;
  mqttPort: number | null;
  httpPort: number;
  adminToken: string;
  isAdminTokenGenerated: boolean;
  /** Demo shipments of the latest wave, when the demo runs. */
  demoShipments: { id: string; traceCode: string; hasAcFailure: boolean }[];
};

/**
 * The whole service in one process on embedded defaults: broker (unless MQTT_URL names one), ingest,
 * rules, API with dashboards, and the demo fleet. The same services run on their own from their main.ts.
 */
export function buildAllInOne(config: AllInOneConfig, deps: { clock: Clock; log: Logger }) {
  const { clock, log } = deps;
  const stopped: (() => Promise<void>)[] = [];
  let ingestStats: () => IngestStats | undefined = () => undefined;
  const info: AllInOneInfo = { apiUrl: '', mqttUrl: '', mqttPort: null, httpPort: 0, adminToken: '', isAdminTokenGenerated: false, demoShipments: [] };

  return {
    info,
    /** Ingest's counters, for the shutdown log line and tests. */
    stats: () => ({ ingest: ingestStats() }),
    async start(onDemoWave?: (info: AllInOneInfo) => void): Promise<AllInOneInfo> {
      const adminToken = loadOrCreateSecret(config.DATA_DIR, 'admin-token', config.COLDCHAIN_ADMIN_TOKEN);
      const serviceSecret = loadOrCreateSecret(config.DATA_DIR, 'service-secret', config.MQTT_SERVICE_PASSWORD).value;
      const { telemetry, ops, evidence } = await openStores(config, log, clock.now());
      const metrics = new Registry();
      collectDefaultMetrics({ register: metrics });
      stopped.push(() => telemetry.close(), () => ops.close(), () => evidence.close());
      info.adminToken = adminToken.value;
      info.isAdminTokenGenerated = adminToken.isGenerated;

      try {
        info.mqttUrl = config.MQTT_URL ?? '';
        const rateLimit = { perSecond: config.DEVICE_RATE_PER_SECOND, burst: config.DEVICE_RATE_BURST };
        const protocolVersion = config.MQTT_PROTOCOL_VERSION ? (Number(config.MQTT_PROTOCOL_VERSION) as 4 | 5) : config.MQTT_URL ? 5 : 4;
        const suffix = config.INSTANCE_ID ? `-${config.INSTANCE_ID}` : '';
        const mqtt = (name: string): MqttConnectionOptions => ({ url: info.mqttUrl, clientId: `coldchain-${name}${suffix}`, username: `_svc_${name}`, password: serviceSecret, protocolVersion });
        if (!config.MQTT_URL) {
          // Ingest in the embedded broker's publish path: a device's PUBACK follows the commit of its
          // readings (decision 0009). The broker opens only once ingest can store, and on stop it drains
          // what it is storing before it closes (see stop() below).
          const pipeline = createIngestPipeline({ telemetry, evidence, ops, clock, log: log.child({ service: 'ingest' }), metrics, rateLimit });
          pipeline.start();
          stopped.unshift(() => pipeline.stop());
          const getOrgCredential = (username: string) => ops.accounts.getMqttCredential(username);
          const broker = buildBroker({
            host: config.HOST,
            port: config.MQTT_PORT,
            log: log.child({ service: 'broker' }),
            metrics,
            ingest: pipeline,
            maxPacketBytes: config.MQTT_MAX_PACKET_BYTES,
            // Organisations' subscriber credentials (decision 0022): checked at connect, and revocations disconnect.
            authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, getOrgCredential, serviceSecret }),
            isPrincipalActive: createPrincipalCheck(getOrgCredential),
            recordRefusal: (refusal) => recordDeadLetter(ops, { ...refusal, receivedAt: clock.now() }),
          });
          const { port } = await broker.start();
          new Gauge({ name: 'coldchain_broker_connections', help: 'MQTT clients connected to the embedded broker', registers: [metrics], collect() { this.set(broker.connectedClients()); } });
          stopped.unshift(() => broker.stop());
          ingestStats = () => pipeline.stats();
          info.mqttPort = port;
          info.mqttUrl = `mqtt://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
        } else {
          const filter = config.MQTT_SHARED_GROUP ? `$share/${config.MQTT_SHARED_GROUP}/${TELEMETRY_FILTER}` : TELEMETRY_FILTER;
          const ingest = buildIngest({ mqtt: mqtt('ingest'), filter, connections: config.INGEST_CONNECTIONS, maxUnacked: config.INGEST_MAX_UNACKED, telemetry, evidence, ops, clock, log: log.child({ service: 'ingest' }), metrics, rateLimit });
          await ingest.start();
          stopped.unshift(() => ingest.stop());
          ingestStats = () => ingest.stats();
        }
        // Notifications leave through a durable outbox: retried with backoff, never lost on restart.
        const outbox = new Outbox({ path: join(config.DATA_DIR, 'outbox.db'), sync: config.SQLITE_SYNC, onError: (error) => log.warn({ err: error }, 'outbox.error') });
        outbox.start();
        stopped.unshift(async () => outbox.close());
        const publicUrl = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
        // The demo's device time runs DEMO_SPEED times faster: claims' answer times and their reminder
        // lead are divided by it (2 h → 10 s at 720×), and the timers tick every second to keep up.
        // Alert deadlines are not divided. Outside the demo, real time.
        const isDemo = config.DEMO === '1';
        const deadlineSpeed = isDemo ? config.DEMO_SPEED : 1;
        const rules = buildRules({ mqtt: mqtt('rules'), ops, telemetry, clock, log: log.child({ service: 'rules' }), outbox, publicUrl, evidence, deadlineSpeed, ...(isDemo ? { timerTickMs: DEMO_TIMER_TICK_MS } : {}) });
        await rules.start();
        stopped.unshift(() => rules.stop());

        const apiLog = log.child({ service: 'api' });
        let httpPort: number;
        if (config.API_THREAD === '1') {
          // The API in its own thread (decision 0014), with its own store connections and reader threads.
          const api = await startApiThread(
            {
              host: config.HOST,
              port: config.PORT,
              dataDir: config.DATA_DIR,
              sync: config.SQLITE_SYNC,
              readerStore: readerStoreFor(config),
              readThreads: config.READ_THREADS,
              adminToken: adminToken.value,
              mqtt: mqtt('api'),
              trustedProxies: config.TRUSTED_PROXIES,
              publicRateLimitPerMin: config.PUBLIC_RATE_LIMIT_PER_MIN,
              deadlineSpeed,
              logLevel: log.level,
            },
            { log: apiLog, metrics, outbox },
          );
          stopped.unshift(() => api.stop());
          httpPort = api.port;
        } else {
          const reads = createReadPool({ store: readerStoreFor(config), threads: config.READ_THREADS });
          // The evidence store and the signing keys under DATA_DIR, as the API thread opens them: the chains
          // hold what ingest stored, and the rules check witnessed heads against them (decision 0018).
          const api = buildApi({ host: config.HOST, port: config.PORT, ops, telemetry, reads, adminToken: adminToken.value, mqtt: mqtt('api'), clock, log: apiLog, metrics, outbox, trustedProxies: config.TRUSTED_PROXIES, publicRateLimitPerMin: config.PUBLIC_RATE_LIMIT_PER_MIN, evidenceStore: evidence, dataDir: config.DATA_DIR, deadlineSpeed });
          ({ port: httpPort } = await api.start());
          stopped.unshift(() => api.stop());
        }
        // The monthly scorecards on the main thread, whichever thread serves HTTP (decision 0025): the API
        // thread only keeps a month someone asks for before the run; the store keeps each month once.
        const scorecards = createScorecardJob({ ops, clock, log: log.child({ service: 'scorecards' }), timezone: config.SCORECARD_TIMEZONE });
        await scorecards.start();
        stopped.unshift(() => scorecards.stop());
        info.httpPort = httpPort;
        info.apiUrl = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${httpPort}`;

        if (config.DEMO === '1') {
          const fleet = startDemoFleet({
            apiUrl: info.apiUrl,
            mqttUrl: info.mqttUrl,
            adminToken: adminToken.value,
            speed: config.DEMO_SPEED,
            shipmentCount: config.DEMO_SHIPMENTS,
            log: log.child({ service: 'demo' }),
            onWave: (wave) => {
              info.demoShipments = wave.shipments;
              onDemoWave?.(info);
            },
          });
          stopped.unshift(() => fleet.stop());
        }
      } catch (error) {
        await this.stop();
        throw error;
      }
      return info;
    },

    async stop(): Promise<void> {
      while (stopped.length > 0) {
        const stop = stopped.shift()!;
        try {
          await stop();
        } catch (error) {
          log.warn({ err: error }, 'stop.failed');
        }
      }
    },
  };
}

export type AllInOne = ReturnType<typeof buildAllInOne>;
