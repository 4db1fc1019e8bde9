import fastifyStatic from '@fastify/static';
import { publicDir, uplotDistDir } from '@coldchain/dashboards';
import type { RouteContext } from '../app.ts';

/** The dashboards: consumer page `/t/{traceCode}`, station console `/console`, landing page `/`. */
export async function registerDashboardRoutes({ app }: RouteContext): Promise<void> {
  await app.register(fastifyStatic, { root: publicDir, prefix: '/static/', maxAge: '1h' });
  await app.register(fastifyStatic, { root: uplotDistDir, prefix: '/vendor/', decorateReply: false, maxAge: '7d' });
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
  app.get('/console', { schema: { hide: true } }, (_request, reply) => reply.sendFile('console.html'));
  app.get('/t/:traceCode', { schema: { hide: true } }, (_request, reply) => reply.sendFile('consumer.html'));
}
