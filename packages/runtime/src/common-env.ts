import { isIP } from 'node:net';
import { z } from 'zod';

const port = (fallback: number) =>
  z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0, 'must be 0–65535').max(65535, 'must be 0–65535').default(fallback);

// proxy-addr's names for whole ranges (fastify's trustProxy takes them as they are).
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Whether `entry` is an IP address, a CIDR range (`10.0.0.0/8`, `2001:db8::/32`) or a proxy-addr range name. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * A comma-separated list of proxy addresses and ranges, parsed to an array (empty: trust nobody). Every
 * entry is checked here, so a typo stops the start naming it instead of trusting the wrong peers.
 */
const trustedProxiesSchema = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .superRefine((entries, context) => {
    const bad = entries.filter((entry) => !isProxyEntry(entry));
    if (bad.length > 0) {
      context.addIssue({ code: 'custom', message: `${bad.map((entry) => JSON.stringify(entry)).join(', ')} is not an IP address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32, loopback)` });
    }
  });

/** Environment variables every service reads (zod shape; each service's schema extends it). */
export const commonEnvShape = {
  DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** An external broker, e.g. mqtt://mosquitto:1883; unset means the embedded one. */
  MQTT_URL: z.string().url('must be a URL such as mqtt://127.0.0.1:1883').optional(),
  MQTT_PORT: port(1883),
  /** MQTT version the services speak: 4 (3.1.1) by default on the embedded broker, 5 on an external one. */
  MQTT_PROTOCOL_VERSION: z.enum(['4', '5'], { error: 'must be 4 (MQTT 3.1.1) or 5' }).optional(),
  /** Shared-subscription group for ingest instances on an external broker (`$share/<group>/...`); unset: no sharing. */
  MQTT_SHARED_GROUP: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "_" or "-"').optional(),
  /** Ingest's MQTT connections on the shared subscription; more than 1 needs MQTT_SHARED_GROUP. One is enough on one core. */
  INGEST_CONNECTIONS: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(32, 'must be at most 32').default(1),
  /** Messages each ingest connection holds unacknowledged while they are stored (they share commits); 1 = one at a time. */
  INGEST_MAX_UNACKED: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(65_535, 'must be at most 65535 (MQTT Receive Maximum)').default(1000),
  /** Largest MQTT packet the embedded broker reads (bytes): 1 MiB of payload plus topic and header by default. */
  MQTT_MAX_PACKET_BYTES: z.coerce.number().int('must be a whole number').min(1024, 'must be at least 1024').max(268_435_455, 'must be at most 268435455 (MQTT limit)').default(1024 * 1024 + 1024),
  /** Messages per second one device may send before its PUBACKs are delayed (never dropped). */
  DEVICE_RATE_PER_SECOND: z.coerce.number({ error: 'must be a number' }).positive('must be more than 0').default(20),
  /** Messages one device may send at once above DEVICE_RATE_PER_SECOND before it is slowed. */
  DEVICE_RATE_BURST: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').default(200),
  /** The address users reach the service at; notifications link to its console. Default: http://HOST:PORT. */
  PUBLIC_URL: z.string().url('must be a URL such as https://coldchain.example.cn').optional(),
  /** Client id suffix, so several instances of one service can run side by side. */
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be letters, digits, "_" or "-"').default(''),
  PORT: port(8080),
  /** Password of the internal services on the broker; generated once into DATA_DIR when unset. */
  MQTT_SERVICE_PASSWORD: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The admin API token; generated once into DATA_DIR when unset. */
  COLDCHAIN_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** SQLite commit durability: FULL survives power loss, NORMAL only a process crash. */
  SQLITE_SYNC: z.enum(['FULL', 'NORMAL']).default('FULL'),
  /** Where readings go: embedded SQLite, or a remote store behind a durable local spool. */
  TELEMETRY_STORE: z.enum(['sqlite', 'victoria', 'influx'], { error: 'must be sqlite, victoria or influx' }).default('sqlite'),
  VICTORIA_URL: z.string().url('must be a URL such as http://127.0.0.1:8428').optional(),
  INFLUX_URL: z.string().url('must be a URL such as http://127.0.0.1:8086').optional(),
  INFLUX_TOKEN: z.string().optional(),
  INFLUX_ORG: z.string().default('coldchain'),
  INFLUX_BUCKET: z.string().default('coldchain'),
  /** Reader threads for the reads that scan readings (curves, measures), off the event loop; default: cores − 1, at least 1. */
  READ_THREADS: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(64, 'must be at most 64').optional(),
  /** Most readings the spool holds for a remote store that is down; beyond it ingest stops acknowledging. */
  SPOOL_MAX_READINGS: z.coerce.number().int().min(1000).default(5_000_000),
  /**
   * Proxies (IPs or CIDR ranges, comma-separated) whose X-Forwarded-For the API believes; empty: nobody's,
   * the client is the socket's peer. Set it to the CDN's or load balancer's ranges, never to everyone.
   */
  TRUSTED_PROXIES: trustedProxiesSchema,
  /** Requests one client address may make to the public routes (pages, assets, trace API) per minute; 0 turns the limit off. */
  PUBLIC_RATE_LIMIT_PER_MIN: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(600),
};

export { port as portSchema };
