import type { FastifyRequest } from 'fastify';
import type { MetricsSource } from '../api-deps.ts';
import type { RouteContext } from '../app.ts';
import { principal } from '../auth/authenticate.ts';
import { ApiError } from '../errors.ts';

/**
 * `GET /healthz`: the process is up and its stores answer (open: load balancers probe it).
 * `GET /metrics`: Prometheus metrics, behind a credential of the platform (issue 12, item 7; decision
 * 0020): they show every organisation's volumes, and the process's. Prometheus scrapes with a platform API
 * key of role viewer (deploy/README.md); the admin token works too.
 */
export function registerHealthRoutes({ app, ops, auth }: RouteContext, metrics?: MetricsSource): void {
  app.get('/healthz', { schema: { hide: true } }, async () => {
    await ops.getSetting('schema');
    return { status: 'ok' };
  });
  if (metrics) {
    const platformOnly = async (request: FastifyRequest) => {
      await auth.viewer(request);
      if (principal(request).orgKind !== 'platform') throw new ApiError('auth.forbidden', "/metrics is the platform's: scrape it with an API key of the platform organisation (role viewer is enough)");
    };
    app.get('/metrics', { preHandler: platformOnly, schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', metrics.contentType);
      return metrics.metrics();
    });
  }
}
