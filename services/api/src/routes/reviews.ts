import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { attributeByReview, buildLegs, claimResponseMsFor, decideClaim, filedClaimFields, PLATFORM_ORG_ID } from '@coldchain/domain';
import type { Alert, Claim, Review, Shipment } from '@coldchain/storage';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { refusedActorField } from '../auth/actor-field.ts';
import { ApiError } from '../errors.ts';

/** Plan document: the carrier must answer a claim within 2 hours (as for the claims filed automatically). */

/** A review as listed: with its shipment and the alert of the excursion. */
type ReviewView = Review & { shipment: Pick<Shipment, 'id' | 'origin' | 'destination' | 'shipperOrgId' | 'profileId'> | null; alert: Alert | null };

const decisionBody = z.object({
  liableOrgId: z.string({ error: 'must be the id of an organisation that held the shipment, or null: nobody is liable' }).min(1).nullable(),
  reason: z
    .string({ error: 'the reason for the decision is required (non-empty text, at most 2,000 characters)' })
    .trim()
    .min(1, { error: 'the reason for the decision is required (non-empty text, at most 2,000 characters)' })
    .max(2000),
  by: refusedActorField('by'),
});

/**
 * The review queue (issue 9, item 4): excursions whose attribution is indeterminate (a gap in the data
 * over a handoff or the onset) file no claim on their own; the platform decides who is liable, if
 * anyone, and why. The decision files the claim if one is due, computed as the automatic filing does
 * (`decideClaim`), once per shipment and liable party.
 */
export function registerReviewRoutes({ app, ops, profiles, feed, clock, auth, audit, deadlineSpeed }: RouteContext): void {
  const security = SECURITY;

  async function view(review: Review): Promise<ReviewView> {
    const [shipment, alert] = await Promise.all([ops.getShipment(review.shipmentId), ops.getAlert(review.alertId)]);
    return {
      ...review,
      shipment: shipment ? { id: shipment.id, origin: shipment.origin, destination: shipment.destination, shipperOrgId: shipment.shipperOrgId, profileId: shipment.profileId } : null,
      alert: alert ?? null,
    };
  }

  app.get(
    '/api/v1/reviews',
    {
      preValidation: auth.platform,
      schema: {
        summary: 'Excursions whose liability the data could not decide, newest first, with their shipment, alert, reason and decision',
        tags: ['reviews'],
        security,
        querystring: z.object({
          state: z.enum(['open', 'decided']).optional(),
          shipmentId: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(500),
        }),
      },
    },
    async (request) => ({ reviews: await Promise.all((await ops.listReviews(request.query)).map(view)) }),
  );

  app.post(
    '/api/v1/reviews/:id/decision',
    {
      preValidation: auth.platform,
      schema: {
        summary: 'Decide a review: who is liable (an organisation that held the shipment, or null for nobody) and why; files the claim if one is due',
        tags: ['reviews'],
        security,
        params: z.object({ id: z.string() }),
        body: decisionBody,
      },
    },
    async (request) => {
      const { liableOrgId, reason } = request.body;
      const review = await ops.getReview(request.params.id);
      if (!review) throw new ApiError('review.not_found', `no review ${request.params.id}`);
      if (review.state === 'decided') throw new ApiError('review.decided', `review ${review.id} was decided already, by ${review.decision?.decidedBy ?? '?'}`);
      const [shipment, alert] = await Promise.all([ops.getShipment(review.shipmentId), ops.getAlert(review.alertId)]);
      if (!shipment || !alert) throw new Error(`review ${review.id} refers to a missing shipment or alert`);
      const now = clock.now();
      const claim = liableOrgId === null ? null : await claimFor(review, shipment, alert, liableOrgId, reason, now);
      const outcome = await ops.decideReview(review.id, { liableOrgId, reason, decidedBy: principal(request).name, decidedAt: now }, claim);
      if (outcome.status === 'not_found') throw new ApiError('review.not_found', `no review ${review.id}`);
      if (outcome.status === 'already_decided') throw new ApiError('review.decided', `review ${review.id} was decided already, by ${outcome.review.decision?.decidedBy ?? '?'}`);
      request.log.info({ reviewId: review.id, shipmentId: review.shipmentId, liableOrgId, claimId: outcome.claim?.claim.id ?? null }, 'review.decided');
      await audit(request, 'review.decided', `review:${review.id}`, shipment.shipperOrgId, { liableOrgId, reason, claimId: outcome.claim?.claim.id ?? null });
      if (outcome.claim?.isNew) {
        await feed.publishClaim({ type: 'claim.filed', at: now, claim: outcome.claim.claim }, [outcome.claim.claim.liableOrgId, shipment.shipperOrgId, PLATFORM_ORG_ID]);
      }
      return { review: await view(outcome.review), claim: outcome.claim?.claim ?? null };
    },
  );

  /**
   * The claim the decision files, or null when none is due (the limit is not claimable, the excursion is
   * still below the claim threshold, or the liable party is not a logistics provider). The liable party
   * must have held the goods: else the request is refused naming the field.
   */
  async function claimFor(review: Review, shipment: Shipment, alert: Alert, liableOrgId: string, reason: string, now: number): Promise<Claim | null> {
    const [org, events] = await Promise.all([ops.getOrganisation(liableOrgId), ops.listEffectiveCustodyEvents(shipment.id)]);
    const legs = buildLegs(events);
    const attribution = org ? attributeByReview({ legs, liableOrgId, reason, orgName: { zh: org.name, en: org.nameEn } }) : undefined;
    if (!org || !attribution) {
      const custodians = [...new Set(legs.map((l) => l.custodianOrgId))].join(', ');
      throw new ApiError('request.invalid', `body.liableOrgId: must be an organisation that held shipment ${shipment.id} (a custodian of one of its legs: ${custodians}), or null; ${liableOrgId} is not`);
    }
    const profile = await profiles.get(shipment.profileId);
    const limit = profile?.limits.find((l) => l.id === alert.ruleId);
    if (!profile || !limit) return null;
    const decision = decideClaim({ profile, limit, outsideMs: alert.outsideMs, attribution, liableOrgKind: org.kind, value: shipment });
    if (!decision.shouldFile) return null;
    // The liable organisation's answer time (set by the platform), else the plan's 2 h.
    const responseMs = claimResponseMsFor(await ops.getOrgClaimResponseMs(decision.liableOrgId), deadlineSpeed);
    return { id: randomUUID(), shipmentId: shipment.id, alertId: review.alertId, reason: attribution.reason, ...filedClaimFields(decision, now, responseMs) };
  }
}
