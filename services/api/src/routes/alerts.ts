import { z } from 'zod';
import type { AlertEventType } from '@coldchain/bus';
import type { Alert } from '@coldchain/storage';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { cursorParam, decodeCursor, limitParam, toPage } from '../paging.ts';

const ALERTS_MAX = 1000;
/** Where a page of alerts ended: [createdAt, id] of its last one. */
const alertPosition = z.tuple([z.number().int(), z.string().min(1)]);

// The body is optional: fastify passes null when a POST has none.
const actorBody = z.object({ by: z.string().min(1).max(200).optional(), note: z.string().max(2000).optional() }).nullish();

const NOTE_RULE = 'a note is required to resolve an alert: say what was done or found (non-empty text, at most 2,000 characters)';
/**
 * Resolving by hand needs a note (issue 9, item 7): the alert may be an excursion someone pays for, and
 * whoever reads it later must see why it was closed. A missing body is read as `{}`, so the answer still
 * names the field: `body.note: ...`.
 */
const resolveBody = z.preprocess(
  (body) => body ?? {},
  z.object({
    by: z.string().min(1).max(200).optional(),
    note: z.string({ error: NOTE_RULE }).trim().min(1, { error: NOTE_RULE }).max(2000, { error: NOTE_RULE }),
  }),
);

/** Alerts: list, acknowledge, resolve, and the live stream (server-sent events). */
export function registerAlertRoutes({ app, ops, feed, clock, requireAdmin }: RouteContext): void {
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/alerts',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Alerts, newest first, a page at a time (nextCursor); orgId gives those routed to one organisation',
        tags: ['alerts'],
        security,
        querystring: z.object({
          orgId: z.string().optional(),
          status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
          shipmentId: z.string().optional(),
          kind: z.enum(['excursion', 'warning', 'no_data']).optional(),
          limit: limitParam(ALERTS_MAX, 500),
          cursor: cursorParam,
        }),
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const after = decodeCursor(cursor, 'alerts', alertPosition);
      const rows = await ops.listAlerts({ ...filter, limit: limit + 1, ...(after && { after: { createdAt: after[0], id: after[1] } }) });
      const page = toPage(rows, limit, 'alerts', (alert) => [alert.createdAt, alert.id]);
      return { alerts: page.items, nextCursor: page.nextCursor };
    },
  );

  async function transition(id: string, type: AlertEventType, change: (alert: Alert, now: number) => Alert): Promise<Alert> {
    const alert = await ops.getAlert(id);
    if (!alert) throw new ApiError('alert.not_found', `no alert ${id}`);
    if (alert.status === 'resolved') throw new ApiError('alert.resolved', `alert ${id} is already resolved`);
    const now = clock.now();
    const next = { ...change(alert, now), updatedAt: now };
    await ops.updateAlert(next);
    await feed.publishAlert({ type, at: now, alert: next });
    return next;
  }

  app.post(
    '/api/v1/alerts/:id/ack',
    { preHandler: requireAdmin, schema: { summary: 'Acknowledge an alert: someone is acting on it', tags: ['alerts'], security, params: z.object({ id: z.string() }), body: actorBody } },
    async (request) =>
      transition(request.params.id, 'alert.acknowledged', (alert, now) =>
        alert.status === 'acknowledged' ? alert : { ...alert, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: request.body?.by ?? 'admin' },
      ),
  );

  app.post(
    '/api/v1/alerts/:id/resolve',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Resolve an alert by hand, with a note saying what was done (required); it counts as acknowledged too',
        tags: ['alerts'],
        security,
        params: z.object({ id: z.string() }),
        body: resolveBody,
      },
    },
    async (request) =>
      transition(request.params.id, 'alert.resolved', (alert, now) => ({
        ...alert,
        status: 'resolved',
        acknowledgedAt: alert.acknowledgedAt ?? now,
        acknowledgedBy: alert.acknowledgedBy ?? request.body.by ?? 'admin',
        resolvedAt: now,
        resolvedBy: request.body.by ?? 'admin',
        resolutionNote: request.body.note,
      })),
  );

  app.get(
    '/api/v1/alerts/stream',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Live alert and claim events as server-sent events (token may be passed as ?token=)',
        tags: ['alerts'],
        security,
        querystring: z.object({ orgId: z.string().optional(), token: z.string().optional() }),
      },
    },
    (request, reply) => {
      const { orgId } = request.query;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': connected\n\n');
      const unsubscribe = feed.subscribe((event) => {
        const orgs = event.type === 'claim.filed' ? null : event.alert.routedTo;
        if (orgId && orgs && !orgs.includes(orgId)) return;
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      // A comment every 15 s keeps proxies from closing an idle stream.
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
    },
  );
}
