import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler, preValidationHookHandler, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

/** How the public routes are limited. */
export type PublicRateLimitOptions = {
  /** Requests one client address may make per minute across all public routes; 0: no limit. */
  perMinute: number;
  /** The hooks that demand a credential: a route carrying one of them is not public and not limited. */
  authHooks: ReadonlyArray<(request: FastifyRequest) => Promise<void>>;
};

const WINDOW_MS = 60_000;

// Probes and scrapes come from the operator's own monitoring at a steady rate; a 429 there would read as
// an outage. They answer from memory and are meant to be firewalled from the public, not limited.
const UNLIMITED_PREFIXES = ['/healthz', '/metrics'];

// Distinct client addresses held at once (about 100 bytes each). Past it the least recently seen address
// is forgotten and starts a fresh window: a generous miss, never a wrong 429.
const TRACKED_ADDRESSES = 50_000;

type RouteHook = onRequestHookHandler | preValidationHookHandler | preHandlerHookHandler;

/** Whether a route's own hooks demand a credential (the admin token). */
function isAuthenticated(route: RouteOptions, authHooks: PublicRateLimitOptions['authHooks']): boolean {
  const hooks = [route.onRequest, route.preValidation, route.preHandler].flat().filter((hook): hook is RouteHook => typeof hook === 'function');
  return hooks.some((hook) => authHooks.includes(hook as unknown as PublicRateLimitOptions['authHooks'][number]));
}

/** Whether `url` is a public route to limit: no credential needed, and not a probe. */
function isLimited(route: RouteOptions, authHooks: PublicRateLimitOptions['authHooks']): boolean {
  if (UNLIMITED_PREFIXES.some((prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`))) return false;
  return !isAuthenticated(route, authHooks);
}

function tooManyRequestsMessage(retryAfterS: number): string {
  return `请求过于频繁，请 ${retryAfterS} 秒后再试。Too many requests from this address; try again in ${retryAfterS} s.`;
}

/**
 * Limits the public routes per client address (`request.ip`, which follows X-Forwarded-For only from
 * TRUSTED_PROXIES): one counter per address shared by every public route, in memory, with
 * @fastify/rate-limit's store. Routes are picked when they are declared (onRoute), so a public route added
 * later is limited without asking. Answers `429 {error: {code: 'rate_limited'}}` with Retry-After.
 * Register it before the routes.
 */
export const publicRateLimit = fp(
  async (app: FastifyInstance, options: PublicRateLimitOptions) => {
    if (options.perMinute === 0) return;
    // global: false: the plugin decorates and stores, and our hook decides which routes it guards. One
    // limiter for all routes, so a page and its assets and the trace API draw on one budget per address.
    await app.register(rateLimit, { global: false, cache: TRACKED_ADDRESSES });
    const check = app.createRateLimit({ max: options.perMinute, timeWindow: WINDOW_MS, cache: TRACKED_ADDRESSES } as Parameters<FastifyInstance['createRateLimit']>[0]);

    const loggedUntil = new Map<string, number>();

    // The 429 is sent here, not thrown: the API's error handler would file it under request.invalid.
    // No X-RateLimit-* headers on answers that pass: they differ per client, and a CDN caching a trace
    // answer would hand one client's counter to everyone.
    const limitPublicRoute: onRequestHookHandler = async (request: FastifyRequest, reply: FastifyReply) => {
      const result = await check(request);
      if (result.isAllowed || !result.isExceeded) return;
      const retryAfterS = Math.max(1, result.ttlInSeconds);
      // Logged once per address and window: under a flood a line per refused request would cost more
      // than the refusal.
      const now = Date.now();
      if ((loggedUntil.get(result.key) ?? 0) <= now) {
        if (loggedUntil.size >= TRACKED_ADDRESSES) loggedUntil.clear();
        loggedUntil.set(result.key, now + result.ttl);
        request.log.warn({ clientIp: request.ip, url: request.url, limitPerMin: options.perMinute, retryAfterS }, 'api.rate_limited');
      }
      return reply
        .code(429)
        .header('retry-after', String(retryAfterS))
        .header('cache-control', 'no-store')
        .send({ error: { code: 'rate_limited', message: tooManyRequestsMessage(retryAfterS) } });
    };

    app.addHook('onRoute', (route) => {
      if (!isLimited(route, options.authHooks)) return;
      // First, so a crowd's excess costs one map lookup and nothing of the route's own work.
      const existing = [route.onRequest].flat().filter((hook): hook is onRequestHookHandler => typeof hook === 'function');
      route.onRequest = [limitPublicRoute, ...existing];
    });
  },
  { name: 'coldchain-public-rate-limit' },
);
