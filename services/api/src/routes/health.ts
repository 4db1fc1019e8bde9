import type { RouteContext } from '../app.ts';

/** `GET /healthz`: the process is up and its stores answer. */
export function registerHealthRoutes({ app, ops }: RouteContext): void {
  app.get('/healthz', { schema: { hide: true } }, async () => {
    await ops.getSetting('schema');
    return { status: 'ok' };
  });
}
