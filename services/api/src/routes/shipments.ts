import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { generateTraceCode } from '@coldchain/auth';
import { checkHandoffTime, STAGES } from '@coldchain/domain';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { cursorParam, decodeCursor, limitParam, toPage } from '../paging.ts';
import { excursionSpans, loadShipmentContext, loadShipmentView, profileSummary, requireProfile, shipmentVersion } from '../shipment-view.ts';
import { timeField } from '../time-param.ts';

const idText = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/, 'must be 3–64 letters, digits, "_", "." or "-"');
const cents = (what: string) => z.number().int(`${what} must be whole cents (fen)`).nonnegative(`${what} must be at least 0`);

const createShipmentBody = z.object({
  id: idText.optional(),
  profileId: z.string().min(1),
  shipperOrgId: z.string().min(1),
  deviceId: z.string().min(1),
  origin: z.string().min(1).max(200),
  destination: z.string().min(1).max(200),
  boxes: z.number().int().min(1),
  goodsValueCents: cents('goodsValueCents'),
  freightCents: cents('freightCents'),
  startedAt: timeField.optional(),
  station: z.string().max(200).optional(),
});

const SHIPMENTS_MAX = 1000;
/** Where a page of shipments ended: [startedAt, id] of its last one. */
const shipmentPosition = z.tuple([z.number().int(), z.string().min(1)]);

const handoffBody = z.object({
  at: timeField.optional(),
  stage: z.enum(STAGES.filter((s) => s !== 'packhouse') as [string, ...string[]]),
  toOrgId: z.string().min(1).optional(),
  station: z.string().max(200).optional(),
  probeTempC: z.number().min(-60).max(70).optional(),
});

/** Shipments, their curves and their handoffs. */
export function registerShipmentRoutes({ app, ops, telemetry, reads, answers, profiles, clock, requireAdmin, evidence, feed }: RouteContext): void {
  const security = [{ bearer: [] }];

  async function requireShipment(id: string) {
    const shipment = await ops.getShipment(id);
    if (!shipment) throw new ApiError('shipment.not_found', `no shipment ${id}`);
    return shipment;
  }

  async function requireOrg(id: string, field: string) {
    const org = await ops.getOrganisation(id);
    if (!org) throw new ApiError('organisation.not_found', `${field}: no organisation ${id}`);
    return org;
  }

  app.post('/api/v1/shipments', { preHandler: requireAdmin, schema: { summary: 'Create a shipment; its first leg is the packhouse, held by the shipper', tags: ['shipments'], security, body: createShipmentBody } }, async (request, reply) => {
    const body = request.body;
    if (!(await profiles.get(body.profileId))) throw new ApiError('profile.not_found', `profileId: no profile ${body.profileId}`);
    await requireOrg(body.shipperOrgId, 'shipperOrgId');
    if (!(await ops.getDevice(body.deviceId))) throw new ApiError('device.not_found', `deviceId: no device ${body.deviceId}`);
    const now = clock.now();
    const startedAt = body.startedAt ?? now;
    // The new shipment is open-ended: any shipment of this device not delivered before it starts overlaps.
    const busy = await ops.findShipmentOverlapping(body.deviceId, startedAt);
    if (busy) throw new ApiError('shipment.device_busy', `deviceId: device ${body.deviceId} is with shipment ${busy.id} from ${new Date(busy.startedAt).toISOString()} ${busy.deliveredAt === null ? 'and not yet delivered' : `to ${new Date(busy.deliveredAt).toISOString()}`}`);
    const shipment = {
      id: body.id ?? randomUUID(),
      traceCode: generateTraceCode(),
      profileId: body.profileId,
      shipperOrgId: body.shipperOrgId,
      deviceId: body.deviceId,
      origin: body.origin,
      destination: body.destination,
      boxes: body.boxes,
      goodsValueCents: body.goodsValueCents,
      freightCents: body.freightCents,
      startedAt,
      deliveredAt: null,
      createdAt: now,
    };
    const firstLeg = { shipmentId: shipment.id, at: startedAt, stage: 'packhouse' as const, toOrgId: body.shipperOrgId, station: body.station ?? null, probeTempC: null, recordedAt: now };
    if (!(await ops.createShipment(shipment, firstLeg))) throw new ApiError('shipment.exists', `shipment ${shipment.id} exists`);
    return reply.status(201).send(shipment);
  });

  app.get(
    '/api/v1/shipments',
    { preHandler: requireAdmin, schema: { summary: 'Shipments, newest first, a page at a time (nextCursor)', tags: ['shipments'], security, querystring: z.object({ limit: limitParam(SHIPMENTS_MAX, 500), cursor: cursorParam }) } },
    async (request) => {
      const { limit, cursor } = request.query;
      const after = decodeCursor(cursor, 'shipments', shipmentPosition);
      const rows = await ops.listShipments(limit + 1, after && { startedAt: after[0], id: after[1] });
      const page = toPage(rows, limit, 'shipments', (s) => [s.startedAt, s.id]);
      return { shipments: page.items, nextCursor: page.nextCursor };
    },
  );

  app.get('/api/v1/shipments/:id', { preHandler: requireAdmin, schema: { summary: 'A shipment with its legs, alerts, claims and verdict', tags: ['shipments'], security, params: z.object({ id: z.string() }) } }, async (request) => {
    const shipment = await requireShipment(request.params.id);
    const context = await loadShipmentContext({ ops, profiles }, shipment);
    const view = await loadShipmentView(reads, context, { points: 0, perLeg: true }, clock.now());
    const { curve: _curve, ...rest } = view;
    return { ...rest, claims: await ops.listClaims({ shipmentId: shipment.id }) };
  });

  app.get(
    '/api/v1/shipments/:id/curve',
    {
      preHandler: requireAdmin,
      // Answers are compressed once, when cached (answer-cache.ts), not per request.
      compress: false,
      schema: {
        summary: "A shipment's temperature curve from the rollups, keeping every bucket's min and max, with its excursions' exact spans. Cached per version: ETag / Last-Modified with 304",
        tags: ['shipments'],
        security,
        params: z.object({ id: z.string() }),
        querystring: z.object({ points: z.coerce.number().int().min(10).max(5000).default(500) }),
      },
    },
    async (request, reply) => {
      const shipment = await requireShipment(request.params.id);
      const now = clock.now();
      const { version, lastModified } = await shipmentVersion({ ops, telemetry }, shipment, await requireProfile(profiles, shipment), now);
      const points = request.query.points;
      return answers.send(request, reply, {
        key: `curve:${shipment.id}:${points}`,
        version,
        lastModified,
        now,
        cacheControl: 'private, no-cache',
        compute: async () => {
          const context = await loadShipmentContext({ ops, profiles }, shipment);
          const curve = await reads.curve({ deviceId: shipment.deviceId, from: shipment.startedAt, to: shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER, points, now });
          return {
            shipmentId: shipment.id,
            points: curve.points,
            readingCount: curve.readingCount,
            limits: profileSummary(context.profile).limits,
            legs: context.legs,
            excursions: excursionSpans(shipment, context.alerts),
          };
        },
      });
    },
  );

  app.post(
    '/api/v1/shipments/:id/handoffs',
    { preHandler: requireAdmin, schema: { summary: 'Record a handoff (a scan at a station): closes the current leg, opens the next', tags: ['shipments'], security, params: z.object({ id: z.string() }), body: handoffBody } },
    async (request, reply) => {
      const shipment = await requireShipment(request.params.id);
      if (shipment.deliveredAt !== null) throw new ApiError('shipment.delivered', `shipment ${shipment.id} was delivered; append a correction instead`);
      const body = request.body;
      const now = clock.now();
      const at = body.at ?? now;
      // A repeated scan at the same time would leave a zero-length leg: refused with the event it repeats
      // (judged against the corrected custody, what the legs are built from).
      const toOrgId = body.stage === 'delivered' ? null : (body.toOrgId ?? null);
      const refusal = checkHandoffTime({ startedAt: shipment.startedAt, events: await ops.listEffectiveCustodyEvents(shipment.id), at, scan: { stage: body.stage as (typeof STAGES)[number], toOrgId } });
      if (refusal) throw new ApiError(refusal.code, refusal.message);
      if (body.stage !== 'delivered') {
        if (!body.toOrgId) throw new ApiError('organisation.not_found', `toOrgId: required for stage ${body.stage}`);
        await requireOrg(body.toOrgId, 'toOrgId');
      }
      const event = await ops.appendCustodyEvent({
        shipmentId: shipment.id,
        at,
        stage: body.stage as (typeof STAGES)[number],
        toOrgId: body.stage === 'delivered' ? null : (body.toOrgId ?? null),
        station: body.station ?? null,
        probeTempC: body.probeTempC ?? null,
        recordedAt: now,
      });
      // The chain's head, with this scan in it, goes to the parties: signed, and recorded as handed out,
      // so the history up to here cannot be rewritten unnoticed (issue 11, item 2).
      const chain = await evidence.witness(shipment.id, body.stage === 'delivered' ? `delivery:${event.id}` : `handoff:${event.id}`);
      // And to the parties' channels, through the rules' outbox (decision 0018). The scan and the head
      // are stored: a bus that is down loses the webhook copy only, never the answer.
      await feed.publishHead({ shipmentId: shipment.id, custodyEventId: event.id, chain }).catch((error: unknown) => request.log.warn({ err: error, shipmentId: shipment.id, custodyEventId: event.id }, 'evidence.head_publish_failed'));
      return reply.status(201).send({ ...event, chain });
    },
  );
}
