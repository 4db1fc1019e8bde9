import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { generateTraceCode } from '@coldchain/auth';
import { checkHandoffTime, currentLeg, STAGES } from '@coldchain/domain';
import type { Alert, Shipment } from '@coldchain/storage';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { isPlatformOrg } from '../auth/principal.ts';
import { cursorParam, decodeCursor, limitParam, toPage } from '../paging.ts';
import { excursionSpans, loadShipmentContext, loadShipmentView, profileSummary, requireProfile, shipmentVersion } from '../shipment-view.ts';
import { timeField } from '../time-param.ts';
import { assertPublicText } from './public-view.ts';

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
export function registerShipmentRoutes({ app, ops, telemetry, reads, answers, profiles, clock, auth, scope, audit, evidence, feed }: RouteContext): void {
  const security = SECURITY;

  /** Whether the caller sees every alert of the shipment (the platform, the shipper), not only those of its legs. */
  const seesAll = (caller: Principal, shipment: Shipment) => isPlatformOrg(caller) || shipment.shipperOrgId === caller.orgId;

  /**
   * Until when the caller sees the shipment's record: a custodian that handed the goods over sees it up to
   * its handover (or the end of the last excursion put on it, if later), so its figures and its verdict
   * agree with the alerts it sees; undefined: all of it (the platform, the shipper, the holder now).
   */
  function visibleUntil(caller: Principal, shipment: Shipment, alerts: Alert[], legs: Parameters<typeof scope.alertVisibleGiven>[3]): number | undefined {
    if (seesAll(caller, shipment)) return undefined;
    const own = legs.filter((leg) => leg.custodianOrgId === caller.orgId);
    if (own.some((leg) => leg.endedAt === null)) return undefined;
    const ends = own.map((leg) => leg.endedAt!);
    for (const alert of alerts) if (alert.attribution.orgId === caller.orgId) ends.push(alert.clearedAt ?? alert.firedAt);
    return ends.length ? Math.max(...ends) : shipment.startedAt;
  }

  /** The alerts of the shipment the caller may see (auth/scope.ts). */
  function visibleAlerts(caller: Principal, shipment: Shipment, alerts: Alert[], legs: Parameters<typeof scope.alertVisibleGiven>[3]): Alert[] {
    return seesAll(caller, shipment) ? alerts : alerts.filter((alert) => scope.alertVisibleGiven(caller, alert, shipment, legs));
  }

  async function requireOrg(id: string, field: string) {
    const org = await ops.getOrganisation(id);
    if (!org) throw new ApiError('organisation.not_found', `${field}: no organisation ${id}`);
    return org;
  }

  app.post('/api/v1/shipments', { preValidation: auth.operator, schema: { summary: "Create a shipment of the caller's organisation (a shipper; the platform: of any); its first leg is the packhouse, held by the shipper", tags: ['shipments'], security, body: createShipmentBody } }, async (request, reply) => {
    const body = request.body;
    const caller = principal(request);
    if (!caller.isPlatform && body.shipperOrgId !== caller.orgId) {
      throw new ApiError('auth.forbidden', `shipperOrgId: an organisation creates its own shipments (yours is ${caller.orgId})`);
    }
    // Origin and destination are shown on the public page: no phone number, ID number or street address.
    assertPublicText({ origin: body.origin, destination: body.destination });
    if (!(await profiles.get(body.profileId))) throw new ApiError('profile.not_found', `profileId: no profile ${body.profileId}`);
    await requireOrg(body.shipperOrgId, 'shipperOrgId');
    const device = await ops.getDevice(body.deviceId);
    // A device is the shipper's own or the platform's pool (no owner); another organisation's is not there.
    if (!device || (!caller.isPlatform && device.ownerOrgId && device.ownerOrgId !== caller.orgId)) throw new ApiError('device.not_found', `deviceId: no device ${body.deviceId}`);
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
      publicView: null,
    };
    const firstLeg = { shipmentId: shipment.id, at: startedAt, stage: 'packhouse' as const, toOrgId: body.shipperOrgId, station: body.station ?? null, probeTempC: null, recordedAt: now };
    if (!(await ops.createShipment(shipment, firstLeg))) throw new ApiError('shipment.exists', `shipment ${shipment.id} exists`);
    await audit(request, 'shipment.created', `shipment:${shipment.id}`, shipment.shipperOrgId, { deviceId: shipment.deviceId, profileId: shipment.profileId });
    return reply.status(201).send(shipment);
  });

  app.get(
    '/api/v1/shipments',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "Shipments the caller's organisation ships, holds or held (the platform: all), newest first, a page at a time (nextCursor); held=now: those it holds now",
        tags: ['shipments'],
        security,
        querystring: z.object({ limit: limitParam(SHIPMENTS_MAX, 500), cursor: cursorParam, held: z.enum(['now']).optional() }),
      },
    },
    async (request) => {
      const { limit, cursor, held } = request.query;
      const caller = principal(request);
      const party = isPlatformOrg(caller) ? {} : { partyOrgId: caller.orgId };
      if (held === 'now') return { shipments: await heldNow(caller, party, limit), nextCursor: null };
      const after = decodeCursor(cursor, 'shipments', shipmentPosition);
      const rows = await ops.listShipments(limit + 1, after && { startedAt: after[0], id: after[1] }, party);
      const page = toPage(rows, limit, 'shipments', (s) => [s.startedAt, s.id]);
      return { shipments: page.items, nextCursor: page.nextCursor };
    },
  );

  /** The live shipments whose current leg the caller's organisation holds, newest first, at most `limit`. */
  async function heldNow(caller: Principal, party: { partyOrgId?: string }, limit: number): Promise<Shipment[]> {
    const held: Shipment[] = [];
    let after: { startedAt: number; id: string } | undefined;
    for (;;) {
      const page = await ops.listShipments(500, after, { ...party, live: true });
      for (const shipment of page) {
        if (currentLeg(await scope.legsOf(shipment.id))?.custodianOrgId === caller.orgId) held.push(shipment);
        if (held.length >= limit) return held;
      }
      if (page.length < 500) return held;
      after = { startedAt: page.at(-1)!.startedAt, id: page.at(-1)!.id };
    }
  }

  app.get('/api/v1/shipments/:id', { preValidation: auth.viewer, schema: { summary: 'A shipment with its legs, alerts, claims and verdict (the alerts and claims the caller may see)', tags: ['shipments'], security, params: z.object({ id: z.string() }) } }, async (request) => {
    const caller = principal(request);
    const shipment = await scope.shipment(caller, request.params.id);
    const full = await loadShipmentContext({ ops, profiles }, shipment);
    const context = { ...full, alerts: visibleAlerts(caller, shipment, full.alerts, full.legs) };
    const until = visibleUntil(caller, shipment, context.alerts, full.legs);
    const view = await loadShipmentView(reads, { ...context, legs: until === undefined ? full.legs : full.legs.filter((leg) => leg.startedAt < until) }, { points: 0, perLeg: true, until }, clock.now());
    const { curve: _curve, ...rest } = view;
    const claims = await ops.listClaims({ shipmentId: shipment.id });
    const visibleClaims = seesAll(caller, shipment) ? claims : claims.filter((claim) => claim.liableOrgId === caller.orgId);
    return { ...rest, claims: visibleClaims, visibleUntil: until ?? null };
  });

  app.get(
    '/api/v1/shipments/:id/curve',
    {
      preValidation: auth.viewer,
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
      const caller = principal(request);
      const shipment = await scope.shipment(caller, request.params.id);
      const now = clock.now();
      // A custodian sees the excursions of its own legs only: its answers are cached apart.
      const audience = seesAll(caller, shipment) ? 'all' : `org:${caller.orgId}`;
      const { version, lastModified } = await shipmentVersion({ ops, telemetry }, shipment, await requireProfile(profiles, shipment), now);
      const points = request.query.points;
      return answers.send(request, reply, {
        key: `curve:${shipment.id}:${points}:${audience}`,
        version,
        lastModified,
        now,
        cacheControl: 'private, no-cache',
        compute: async () => {
          const context = await loadShipmentContext({ ops, profiles }, shipment);
          const alerts = visibleAlerts(caller, shipment, context.alerts, context.legs);
          const until = visibleUntil(caller, shipment, alerts, context.legs);
          const curve = await reads.curve({ deviceId: shipment.deviceId, from: shipment.startedAt, to: until ?? shipment.deliveredAt ?? Number.MAX_SAFE_INTEGER, points, now });
          return {
            shipmentId: shipment.id,
            points: curve.points,
            readingCount: curve.readingCount,
            limits: profileSummary(context.profile).limits,
            legs: until === undefined ? context.legs : context.legs.filter((leg) => leg.startedAt < until),
            excursions: excursionSpans(shipment, alerts),
            visibleUntil: until ?? null,
          };
        },
      });
    },
  );

  app.post(
    '/api/v1/shipments/:id/handoffs',
    {
      preValidation: auth.operator,
      schema: { summary: 'Record a handoff (a scan at a station) by the party holding the goods: closes the current leg, opens the next', tags: ['shipments'], security, params: z.object({ id: z.string() }), body: handoffBody },
    },
    async (request, reply) => {
      const caller = principal(request);
      const shipment = await scope.shipment(caller, request.params.id);
      if (!caller.isPlatform) {
        // The party holding the goods scans the handoff: a party taking itself into someone's shipment could
        // put any excursion on the record of a leg it invented.
        const holder = currentLeg(await scope.legsOf(shipment.id))?.custodianOrgId;
        if (holder !== caller.orgId) {
          throw new ApiError('auth.forbidden', `a handoff is scanned by the party holding the goods (${holder ?? 'nobody'}); your organisation is ${caller.orgId}`);
        }
      }
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
      await audit(request, body.stage === 'delivered' ? 'custody.delivered' : 'custody.handoff', `shipment:${shipment.id}`, shipment.shipperOrgId, { eventId: event.id, stage: body.stage, toOrgId: event.toOrgId });
      const chain = await evidence.witness(shipment.id, body.stage === 'delivered' ? `delivery:${event.id}` : `handoff:${event.id}`);
      // And to the parties' channels, through the rules' outbox (decision 0018). The scan and the head
      // are stored: a bus that is down loses the webhook copy only, never the answer.
      await feed.publishHead({ shipmentId: shipment.id, custodyEventId: event.id, chain }).catch((error: unknown) => request.log.warn({ err: error, shipmentId: shipment.id, custodyEventId: event.id }, 'evidence.head_publish_failed'));
      return reply.status(201).send({ ...event, chain });
    },
  );
}
