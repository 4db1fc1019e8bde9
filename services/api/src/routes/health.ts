import type { MetricsSource } from '../api-deps.ts';
import type { RouteContext } from '../app.ts';

/** `GET /healthz`: the process is up and its stores answer; `GET /metrics`: Prometheus metrics. */
export function registerHealthRoutes({ app, ops }: RouteContext, metrics?: MetricsSource): void {
  app.get('/healthz', { schema: { hide: true } }, async () => {
    await ops.getSetting('schema');
    return { status: 'ok' };
  });
  if (metrics) {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', metrics.contentType);
      return metrics.metrics();
    });
  }
}
