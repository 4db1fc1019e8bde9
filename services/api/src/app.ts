import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Clock, MqttConnectionOptions } from '@coldchain/bus';
import { createProfileCatalog, SqliteEvidenceStore } from '@coldchain/storage';
import type { EvidenceStore, OpsStore, ProfileCatalog, TelemetryStore } from '@coldchain/storage';
import type { MetricsSource, OutboxView } from './api-deps.ts';
import { ApiError } from './errors.ts';
import { AnswerCache } from './reads/answer-cache.ts';
import { inlineReads } from './reads/read-pool.ts';
import type { Reads } from './reads/read-types.ts';
import { createLiveFeed } from './live-feed.ts';
import type { LiveFeed } from './live-feed.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerDashboardRoutes } from './routes/dashboards.ts';
import { registerDeviceRoutes } from './routes/devices.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerRecordRoutes } from './routes/records.ts';
import { registerShipmentRoutes } from './routes/shipments.ts';
import { registerTraceRoutes } from './routes/trace.ts';
import { registerPublicViewRoutes } from './routes/public-view.ts';
import { registerNotificationRoutes } from './routes/notifications.ts';
import { registerProfileRoutes } from './routes/profiles.ts';
import { registerReviewRoutes } from './routes/reviews.ts';
import { registerCorrectionRoutes } from './routes/corrections.ts';
import { registerEpcisRoutes } from './routes/epcis.ts';
import { registerEvidenceRoutes } from './routes/evidence.ts';
import { registerReportRoutes } from './routes/report.ts';
import type { EvidenceService } from './evidence/evidence-types.ts';
import { createEvidenceService } from './evidence/evidence-service.ts';
import type { Evidence } from './evidence/evidence-service.ts';
import { ServiceKeys } from './evidence/service-keys.ts';
import { publicRateLimit } from './public-rate-limit.ts';
import { createAuthenticator } from './auth/authenticate.ts';
import type { Authenticator } from './auth/authenticate.ts';
import { createScope } from './auth/scope.ts';
import type { Scope } from './auth/scope.ts';
import { createAudit } from './auth/audit.ts';
import type { Audit } from './auth/audit.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import type { LoginThrottle, LoginThrottleOptions } from './auth/login-throttle.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import { registerClaimRoutes } from './routes/claims.ts';
import { registerClaimAnswerTimeRoutes } from './routes/claim-answer-times.ts';
import { registerAfterSalesRoutes } from './routes/after-sales.ts';
import { createAfterSalesWorkflow, RecordingPayouts } from '@coldchain/after-sales';
import { PLATFORM_ORG_ID } from '@coldchain/domain';
import type { AfterSalesWorkflow, PayoutPort } from '@coldchain/after-sales';
import { registerScorecardRoutes } from './routes/scorecards.ts';
import { registerMqttCredentialRoutes } from './routes/mqtt-credentials.ts';

/** What the API needs. */
export type ApiDeps = {
  host: string;
  port: number;
  ops: OpsStore;
  telemetry: TelemetryStore;
  /**
   * The reads that scan readings (curves, measures): reader threads (createReadPool) in the services;
   * without it they run on this thread (tests and tools). Closed with the API.
   */
  reads?: Reads;
  adminToken: string;
  /** The bus, for the live alert stream; without it the stream carries only this API's own events. */
  mqtt?: MqttConnectionOptions;
  clock: Clock;
  log: Logger;
  /** Served at /metrics in Prometheus text format. */
  metrics?: MetricsSource;
  /** The notification outbox, listed at /api/v1/notifications when this process holds it. */
  outbox?: OutboxView;
  /** Proxies (IPs, CIDR ranges) whose X-Forwarded-For names the client; default none: the socket's peer is the client. */
  trustedProxies?: string[];
  /** Requests per minute one client address may make to the public routes; 0: no limit. Default 600. */
  publicRateLimitPerMin?: number;
  /**
   * Where the evidence chains are kept (DATA_DIR/evidence.db, which ingest writes the messages to);
   * without it, in memory (tests and tools). Not closed with the API.
   */
  evidenceStore?: EvidenceStore;
  /** The data folder: the service's signing keys are kept under DATA_DIR/keys; without it, in memory. */
  dataDir?: string;
  /** Replaces the evidence chains (tests of routes that only show a head). */
  evidence?: EvidenceService;
  /**
   * How often every live shipment's chain is brought up to date (ms; default 60 s, 0: only when asked),
   * so the chain's order follows arrival closely even when nobody asks for a head.
   */
  evidenceSyncMs?: number;
  /** scrypt cost of new passwords (default @coldchain/auth PASSWORD_KDF; tests lower it to save time). */
  passwordKdf?: { N: number; r: number; p: number };
  /** Sign-in throttling (auth/login-throttle.ts). */
  loginThrottle?: LoginThrottleOptions;
  /** Demo only (DEMO_SPEED): claim answer times are divided by this, as in the rules; 1 (the default) otherwise. */
  deadlineSpeed?: number;
  /** Where approved after-sales money goes (@coldchain/after-sales); default: recorded, not paid (no provider is reachable). */
  payouts?: PayoutPort;
};

/** The fastify instance with zod schemas for types. */
export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** What every route module receives. */
export type RouteContext = {
  app: ZodApp;
  ops: OpsStore;
  telemetry: TelemetryStore;
  /** Reads that scan readings, off the event loop (reads/read-pool.ts). */
  reads: Reads;
  /** Per-shipment answers, ready to send, by version (reads/answer-cache.ts). */
  answers: AnswerCache;
  feed: LiveFeed;
  /** The product profiles in force (built-in, with the platform's edits). */
  profiles: ProfileCatalog;
  clock: Clock;
  /** preHandlers by role (viewer, operator, admin, platform), and who is calling (auth/authenticate.ts). */
  auth: Authenticator;
  /** What the caller's organisation may see and act on (auth/scope.ts). */
  scope: Scope;
  /** Writes the audit trail with the authenticated actor (auth/audit.ts). */
  audit: Audit;
  /** Sign-in throttling. */
  loginThrottle: LoginThrottle;
  /** scrypt cost of new passwords, when not the default. */
  passwordKdf?: { N: number; r: number; p: number };
  /** The shipments' evidence chains: signed heads and their witnesses (evidence/). */
  evidence: EvidenceService;
  /** The same, with what the evidence routes need beyond heads (syncing and signing at a position). */
  chains: Evidence;
  evidenceStore: EvidenceStore;
  /** The service's signing keys. */
  keys: ServiceKeys;
  /** Consumers' after-sales requests from report to payout (@coldchain/after-sales). */
  afterSales: AfterSalesWorkflow;
  /** Demo only: claim answer times are divided by this (ApiDeps.deadlineSpeed); 1 otherwise. */
  deadlineSpeed: number;
};

/** Query parameters that would carry a credential, compared without case, "_" or "-": refused on every route. */
const CREDENTIAL_PARAMS = new Set(['token', 'accesstoken', 'apikey', 'key', 'password', 'passwd', 'pwd', 'session', 'ccsession', 'secret', 'auth', 'authorization', 'bearer', 'csrftoken', 'xcsrftoken', 'sessionid']);

/** Builds the HTTP API and dashboards (fastify); `start` listens, `stop` closes. */
export function buildApi(deps: ApiDeps) {
  // X-Forwarded-For only from the configured proxies: from anyone else it is a client's own claim.
  // One log line per request only at debug (a person watching the terminal at info sees what matters),
  // with the path and never the query (it may hold a token).
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 1024 * 1024, trustProxy: deps.trustedProxies?.length ? deps.trustedProxies : false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const feed = createLiveFeed({ mqtt: deps.mqtt, log: deps.log });
  const reads = deps.reads ?? inlineReads(deps.telemetry);
  const answers = new AnswerCache();
  const profiles = createProfileCatalog(deps.ops, () => deps.clock.now());
  const evidenceStore = deps.evidenceStore ?? new SqliteEvidenceStore(':memory:');
  const keys = new ServiceKeys(evidenceStore, deps.dataDir, () => deps.clock.now());
  const evidence = createEvidenceService({ store: evidenceStore, ops: deps.ops, profiles, keys, now: () => deps.clock.now() });

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) return reply.status(error.status).headers(error.headers ?? {}).send({ error: { code: error.code, message: error.message } });
    if (hasZodFastifySchemaValidationErrors(error)) {
      const message = error.validation
        .map((issue) => `${error.validationContext}${issue.instancePath.replaceAll('/', '.')}: ${issue.message}`)
        .join('; ');
      return reply.status(400).send({ error: { code: 'request.invalid', message } });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'request.invalid', message: (error as Error).message } });
    }
    request.log.error({ err: error, method: request.method, path: request.url.split('?')[0] }, 'api.error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error; see the server log' } });
  });
  app.addHook('onResponse', async (request, reply) => {
    if (deps.log.isLevelEnabled('debug')) {
      request.log.debug({ method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'http.request');
    }
  });
  // No credential in a URL (issue 12, item 4): URLs end up in logs, histories and Referer headers.
  app.addHook('onRequest', async (request) => {
    const query = request.url.indexOf('?');
    if (query < 0) return;
    for (const name of new URLSearchParams(request.url.slice(query + 1)).keys()) {
      if (CREDENTIAL_PARAMS.has(name.toLowerCase().replace(/[-_]/g, ''))) {
        throw new ApiError('auth.token_in_url', `${name}: credentials are refused in URLs; send Authorization: Bearer <API key>, or sign in and use the session cookie`);
      }
    }
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );

  const auth = createAuthenticator({ ops: deps.ops, adminToken: deps.adminToken, now: () => deps.clock.now() });
  const scope = createScope(deps.ops);
  const audit = createAudit(deps.ops.accounts, () => deps.clock.now());
  const loginThrottle = createLoginThrottle(() => deps.clock.now(), deps.loginThrottle);

  // Registered without awaiting, so fastify's own ready() (and listen, and inject) covers all of it.
  // Compression first: the consumer page is read on phones in weak networks.
  void app.register(compress, { global: true, threshold: 1024 });
  void app.register(cookie);
  // Before any route: it picks the public ones as they are declared.
  void app.register(publicRateLimit, { perMinute: deps.publicRateLimitPerMin ?? 600, authHooks: [auth.viewer, auth.operator, auth.admin, auth.platform] });
  void app.register(swagger, {
    openapi: {
      info: { title: 'coldchain API', version: '1.0.0', description: 'Cold-chain telemetry, alerts, custody and claims.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key (cck_…) or the bootstrap admin token' },
          session: { type: 'apiKey', in: 'cookie', name: 'cc_session', description: 'A signed-in user; requests that change something also send X-CSRF-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  void app.register(async (scoped) => {
    const context: RouteContext = {
      app: scoped.withTypeProvider<ZodTypeProvider>(),
      ops: deps.ops,
      telemetry: deps.telemetry,
      reads,
      answers,
      feed,
      profiles,
      clock: deps.clock,
      auth,
      scope,
      audit,
      loginThrottle,
      passwordKdf: deps.passwordKdf,
      evidence: deps.evidence ?? evidence,
      chains: evidence,
      evidenceStore,
      keys,
      deadlineSpeed: deps.deadlineSpeed ?? 1,
      afterSales: createAfterSalesWorkflow({
        ops: deps.ops,
        profiles,
        payouts: deps.payouts ?? new RecordingPayouts(),
        clock: deps.clock,
        log: deps.log,
        speed: deps.deadlineSpeed,
        // Each step reaches the shipper (and the platform) through the rules' outbox, by the bus.
        notify: (notice) => feed.publishAfterSales(notice),
        onClaimFiled: (claim, shipment) => feed.publishClaim({ type: 'claim.filed', at: claim.filedAt, claim }, [claim.liableOrgId, shipment.shipperOrgId, PLATFORM_ORG_ID]),
      }),
    };
    registerHealthRoutes(context, deps.metrics);
    registerSessionRoutes(context);
    registerAccountRoutes(context);
    registerMqttCredentialRoutes(context);
    registerDeviceRoutes(context);
    registerShipmentRoutes(context);
    registerAlertRoutes(context);
    registerRecordRoutes(context);
    registerClaimRoutes(context);
    registerClaimAnswerTimeRoutes(context);
    registerScorecardRoutes(context);
    registerAfterSalesRoutes(context);
    registerTraceRoutes(context);
    registerPublicViewRoutes(context);
    registerNotificationRoutes(context, deps.outbox);
    registerProfileRoutes(context);
    registerReviewRoutes(context);
    registerEvidenceRoutes(context);
    registerCorrectionRoutes(context);
    registerReportRoutes(context);
    registerEpcisRoutes(context);
    await registerDashboardRoutes(context);
  });

  // Brings every live shipment's chain up to date, one page of shipments at a time; one pass at a time.
  // A shipment whose stores have not changed since its last pass (the same change marks) is skipped.
  let chainTimer: NodeJS.Timeout | undefined;
  let chainPass: Promise<void> | undefined;
  let syncedMarks = new Map<string, string>();
  async function syncLiveChains(): Promise<void> {
    const marks = new Map<string, string>();
    let afterId: string | null = null;
    for (;;) {
      const page = await deps.ops.listLiveShipmentsAfter(afterId, 200);
      for (const shipment of page) {
        const [ops, telemetry] = await Promise.all([deps.ops.shipmentChangeMark(shipment.id), deps.telemetry.changeMark(shipment.deviceId)]);
        // A store that cannot tell its changes (remote telemetry): synced every pass.
        const mark = telemetry ? `${ops.mark}/${telemetry.mark}` : undefined;
        if (mark !== undefined && syncedMarks.get(shipment.id) === mark) {
          marks.set(shipment.id, mark);
          continue;
        }
        const synced = await evidence.sync(shipment.id).then(
          () => true,
          (error: unknown) => (deps.log.warn({ err: error, shipmentId: shipment.id }, 'evidence.sync_failed'), false),
        );
        if (synced && mark !== undefined) marks.set(shipment.id, mark);
      }
      if (page.length < 200) break;
      afterId = page.at(-1)!.id;
    }
    syncedMarks = marks;
  }

  return {
    app,
    async start(): Promise<{ port: number }> {
      await feed.start();
      const syncMs = deps.evidenceSyncMs ?? 60_000;
      if (syncMs > 0) {
        chainTimer = setInterval(() => {
          chainPass ??= syncLiveChains().finally(() => (chainPass = undefined));
        }, syncMs);
        chainTimer.unref();
      }
      await app.listen({ host: deps.host, port: deps.port });
      const address = app.server.address();
      return { port: typeof address === 'object' && address ? address.port : deps.port };
    },
    async stop(): Promise<void> {
      clearInterval(chainTimer);
      await chainPass;
      await app.close();
      await reads.close();
      if (!deps.evidenceStore) await evidenceStore.close();
      await feed.stop();
    },
  };
}

export type Api = ReturnType<typeof buildApi>;
