import { z } from 'zod';
import type { AlertEventType } from '@coldchain/bus';
import type { FastifyRequest } from 'fastify';
import type { Alert } from '@coldchain/storage';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { refusedActorField } from '../auth/actor-field.ts';
import { isPlatformOrg } from '../auth/principal.ts';
import { cursorParam, decodeCursor, limitParam, toPage } from '../paging.ts';
import type { FeedEvent } from '../live-feed.ts';

const ALERTS_MAX = 1000;
/** Where a page of alerts ended: [createdAt, id] of its last one. */
const alertPosition = z.tuple([z.number().int(), z.string().min(1)]);

const actorField = refusedActorField('by');

// The body is optional: fastify passes null when a POST has none.
const ackBody = z.object({ by: actorField, note: z.string().max(2000).optional() }).strict().nullish();

const NOTE_RULE = 'a note is required to resolve an alert: say what was done or found (non-empty text, at most 2,000 characters)';
/**
 * Resolving by hand needs a note (issue 9, item 7): the alert may be an excursion someone pays for, and
 * whoever reads it later must see why it was closed. A missing body is read as `{}`, so the answer still
 * names the field: `body.note: ...`.
 */
const resolveBody = z.preprocess(
  (body) => body ?? {},
  z.object({
    by: actorField,
    note: z.string({ error: NOTE_RULE }).trim().min(1, { error: NOTE_RULE }).max(2000, { error: NOTE_RULE }),
  }),
);

/** Alerts: list, acknowledge, resolve, and the live stream (server-sent events). */
export function registerAlertRoutes({ app, ops, feed, clock, auth, scope, audit }: RouteContext): void {
  const security = SECURITY;

  app.get(
    '/api/v1/alerts',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "Alerts the caller's organisation may see, newest first, a page at a time (nextCursor); orgId gives those routed to one organisation",
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
      const rows = await scope.listAlerts(principal(request), filter, limit + 1, after && { createdAt: after[0], id: after[1] });
      const page = toPage(rows, limit, 'alerts', (alert) => [alert.createdAt, alert.id]);
      return { alerts: page.items, nextCursor: page.nextCursor };
    },
  );

  async function transition(request: FastifyRequest, id: string, type: AlertEventType, change: (alert: Alert, now: number, actor: string) => Alert): Promise<Alert> {
    const alert = await scope.alert(principal(request), id, { act: true });
    if (alert.status === 'resolved') throw new ApiError('alert.resolved', `alert ${id} is already resolved`);
    const now = clock.now();
    const next = { ...change(alert, now, principal(request).name), updatedAt: now };
    if (next.status === alert.status) return alert;
    await ops.updateAlert(next);
    // The station's alert: filed under the organisation it was raised to first (the custodian then), so
    // that station's administrators find who acted on it; the actor's organisation sees it too.
    await audit(request, type, `alert:${id}`, alert.routedTo[0] ?? null, { shipmentId: alert.shipmentId, ...(next.resolutionNote !== alert.resolutionNote && { note: next.resolutionNote }) });
    await feed.publishAlert({ type, at: now, alert: next });
    return next;
  }

  app.post(
    '/api/v1/alerts/:id/ack',
    {
      preValidation: auth.operator,
      schema: { summary: 'Acknowledge an alert: someone at the station holding the goods is acting on it (recorded as the signed-in caller)', tags: ['alerts'], security, params: z.object({ id: z.string() }), body: ackBody },
    },
    async (request) =>
      transition(request, request.params.id, 'alert.acknowledged', (alert, now, actor) =>
        alert.status === 'acknowledged' ? alert : { ...alert, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor },
      ),
  );

  app.post(
    '/api/v1/alerts/:id/resolve',
    {
      preValidation: auth.operator,
      schema: {
        summary: 'Resolve an alert by hand, with a note saying what was done (required); it counts as acknowledged too (recorded as the signed-in caller)',
        tags: ['alerts'],
        security,
        params: z.object({ id: z.string() }),
        body: resolveBody,
      },
    },
    async (request) =>
      transition(request, request.params.id, 'alert.resolved', (alert, now, actor) => ({
        ...alert,
        status: 'resolved',
        acknowledgedAt: alert.acknowledgedAt ?? now,
        acknowledgedBy: alert.acknowledgedBy ?? actor,
        resolvedAt: now,
        resolvedBy: actor,
        resolutionNote: request.body.note,
      })),
  );

  /**
   * Whether a live event may go to this caller: the same rules as the lists (auth/scope.ts). A shipment's
   * party and legs are read once per shipment and change, not per event.
   */
  function createEventFilter(caller: Principal) {
    async function shipmentRules(shipmentId: string) {
      const shipment = await ops.getShipment(shipmentId);
      const isParty = shipment ? await scope.isParty(caller, shipment) : false;
      const legs = isParty ? await scope.legsOf(shipmentId) : [];
      return { shipment, isParty, legs };
    }
    return async (event: FeedEvent): Promise<boolean> => {
      if (isPlatformOrg(caller)) return true;
      if (!('alert' in event)) return scope.claimVisible(caller, event.claim);
      // Read afresh each time: a handoff since the last event changes who sees what.
      const rules = await shipmentRules(event.alert.shipmentId);
      return rules.isParty && rules.shipment !== undefined && scope.alertVisibleGiven(caller, event.alert, rules.shipment, rules.legs);
    };
  }

  app.get(
    '/api/v1/alerts/stream',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "Live alert and claim events the caller's organisation may see, as server-sent events (signed in: the session cookie; machines: Authorization: Bearer)",
        tags: ['alerts'],
        security,
        querystring: z.object({ orgId: z.string().optional() }),
      },
    },
    (request, reply) => {
      const { orgId } = request.query;
      const visible = createEventFilter(principal(request));
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': connected\n\n');
      // Events are written in the order they came, each once its visibility is known.
      let queue = Promise.resolve();
      const unsubscribe = feed.subscribe((event) => {
        const orgs = 'alert' in event ? event.alert.routedTo : null;
        if (orgId && orgs && !orgs.includes(orgId)) return;
        queue = queue.then(async () => {
          if (!(await isStillSignedIn()) || !(await visible(event).catch(() => false)) || res.destroyed) return;
          res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        });
      });
      /**
       * The credential is checked again before every event and at each heartbeat: a revoked key, an ended
       * session or a disabled user closes the stream at once (with a last `session.ended` event), not at
       * the next reconnect.
       */
      async function isStillSignedIn(): Promise<boolean> {
        const still = await auth.authenticate(request).then((p) => p?.id === principal(request).id, () => false);
        if (!still && !res.destroyed) {
          res.end('event: session.ended\ndata: {"reason":"the credential was revoked or the session ended; sign in again"}\n\n');
        }
        return still;
      }
      // The credential is looked at every 5 s; a comment every 15 s keeps proxies from closing an idle stream.
      let ticks = 0;
      const heartbeat = setInterval(() => {
        queue = queue.then(async () => {
          if ((await isStillSignedIn()) && !res.destroyed && ++ticks % 3 === 0) res.write(': keep-alive\n\n');
        });
      }, 5_000);
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
    },
  );
}
