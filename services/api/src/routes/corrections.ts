import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CorrectionChanges } from '@coldchain/domain';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { refusedActorField } from '../auth/actor-field.ts';
import { ApiError } from '../errors.ts';
import { loadShipmentContext } from '../shipment-view.ts';
import { timeField } from '../time-param.ts';

const required = (what: string) => z.string().trim().min(1, `required: ${what}`);

/**
 * A correction of one custody event: the fields it changes (a field left out is unchanged; `station` and
 * `probeTempC` null clear them), why and who. Unknown fields (e.g. `stage`) are refused: a correction
 * cannot change what kind of handoff an event was.
 */
const correctionBody = z.strictObject({
  eventId: z.string().min(1),
  at: timeField.optional(),
  toOrgId: z.string().min(1).optional(),
  station: z.string().max(200).nullable().optional(),
  probeTempC: z.number().min(-60).max(70).nullable().optional(),
  reason: required('why the custody record is corrected').pipe(z.string().max(1000)),
  // Who corrects is the authenticated caller (issue 12, item 3).
  correctedBy: refusedActorField('correctedBy'),
});

/** Custody corrections: POST and GET /api/v1/shipments/{id}/corrections (issue 11, item 6; docs/decisions/0016). */
export function registerCorrectionRoutes({ app, ops, profiles, feed, clock, auth, scope, audit, evidence }: RouteContext): void {
  const security = SECURITY;
  const params = z.object({ id: z.string() });

  app.post(
    '/api/v1/shipments/:id/corrections',
    {
      preValidation: auth.operator,
      schema: {
        summary: 'Correct a recorded handoff (the shipper, or a party to that handoff) (time, party, station, probe) with who and why; the original stays on record, attribution and claims are re-judged',
        tags: ['shipments'],
        security,
        params,
        body: correctionBody,
      },
    },
    async (request, reply) => {
      const caller = principal(request);
      const shipment = await scope.shipment(caller, request.params.id);
      const { eventId, reason, correctedBy: _typed, ...fields } = request.body;
      const correctedBy = caller.name;
      if (!caller.isPlatform && shipment.shipperOrgId !== caller.orgId) {
        // A handoff's parties: the one it handed to, and the one holding the goods before it.
        const effective = await ops.listEffectiveCustodyEvents(shipment.id);
        const at = effective.findIndex((e) => e.id === eventId);
        // An unknown event is left to the store, which names it (correction.event_not_found).
        if (at >= 0 && ![effective[at]!.toOrgId, effective[at - 1]?.toOrgId].includes(caller.orgId)) {
          throw new ApiError('auth.forbidden', `a handoff is corrected by the shipper or a party to it; your organisation (${caller.orgId}) is neither for event ${eventId}`);
        }
      }
      if (fields.toOrgId !== undefined && !(await ops.getOrganisation(fields.toOrgId))) {
        throw new ApiError('organisation.not_found', `toOrgId: no organisation ${fields.toOrgId}`);
      }
      const changes: CorrectionChanges = {};
      if (fields.at !== undefined) changes.at = fields.at;
      if (fields.toOrgId !== undefined) changes.toOrgId = fields.toOrgId;
      if (fields.station !== undefined) changes.station = fields.station;
      if (fields.probeTempC !== undefined) changes.probeTempC = fields.probeTempC;
      const now = clock.now();
      // Judged against the corrected custody and stored in one transaction (the store calls the domain).
      const outcome = await ops.appendCorrection({ shipmentId: shipment.id, eventId, changes, reason, correctedBy, recordedAt: now });
      if (outcome.status === 'shipment_not_found') throw new ApiError('shipment.not_found', `no shipment ${shipment.id}`);
      if (outcome.status === 'refused') throw new ApiError(outcome.refusal.code, outcome.refusal.message);
      const { correction } = outcome;
      request.log.info({ shipmentId: shipment.id, correctionId: correction.id, eventId, fields: Object.keys(changes), correctedBy }, 'custody.corrected');
      await audit(request, 'custody.corrected', `shipment:${shipment.id}`, shipment.shipperOrgId, { correctionId: correction.id, eventId, changes, reason });
      // The rules re-judge attribution and claims; the store stays the source of truth if this is lost.
      await feed.publishCorrection({ shipmentId: shipment.id, correctionId: correction.id, seq: correction.seq }).catch((error: unknown) => request.log.warn({ err: error, correctionId: correction.id }, 'custody.correction_notice_failed'));
      const context = await loadShipmentContext({ ops, profiles }, (await ops.getShipment(shipment.id)) ?? shipment);
      // The chain's head with the correction in it goes back signed, recorded as handed out: what
      // happens after the delivery scan is witnessed too (docs/decisions/0016).
      const chain = await evidence.witness(shipment.id, `correction:${correction.id}`);
      return reply.status(201).send({ correction, legs: context.legs, chain });
    },
  );

  app.get(
    '/api/v1/shipments/:id/corrections',
    { preValidation: auth.viewer, schema: { summary: "A shipment's custody as recorded, its corrections in recording order, and the custody in effect", tags: ['shipments'], security, params } },
    async (request) => {
      const shipment = await scope.shipment(principal(request), request.params.id);
      const [events, corrections, effective] = await Promise.all([ops.listCustodyEvents(shipment.id), ops.listCorrections(shipment.id), ops.listEffectiveCustodyEvents(shipment.id)]);
      return { shipmentId: shipment.id, events, corrections, effective };
    },
  );
}
