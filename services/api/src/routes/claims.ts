import { z } from 'zod';
import { claimPartyOf, CLAIM_STATUS_NAMES, EVIDENCE_MAX_ITEMS, PLATFORM_ORG_ID, REASON_MAX_CHARS } from '@coldchain/domain';
import type { ClaimAction, ClaimParty } from '@coldchain/domain';
import type { Claim } from '@coldchain/storage';
import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { isPlatformOrg } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';

const reason = z.string().trim().min(1, 'required: say why').max(REASON_MAX_CHARS);
const note = z.string().trim().max(REASON_MAX_CHARS).optional();
const cents = z.number().int('must be whole cents (fen)').positive('must be more than 0');

/** Each action's body, as the API takes it; the domain judges it again (claim-lifecycle.ts). */
const BODIES = {
  acknowledge: z.object({}).strict().nullish(),
  accept: z.object({}).strict().nullish(),
  dispute: z.object({ reason, evidence: z.array(z.string().min(1)).max(EVIDENCE_MAX_ITEMS).optional() }).strict(),
  decide: z.object({ outcome: z.enum(['upheld', 'overturned']), reason }).strict(),
  settle: z.object({ note }).strict().nullish(),
  advance: z.object({ amountCents: cents, note }).strict(),
  recover: z.object({ amountCents: cents, note }).strict(),
  withdraw: z.object({ reason }).strict(),
} as const;

const SUMMARIES: Record<keyof typeof BODIES, string> = {
  acknowledge: 'The carrier acknowledges the claim (its answer is still due by respondBy)',
  accept: 'The carrier accepts the claim: it pays goods share and freight',
  dispute: 'The carrier disputes the claim, with a reason and evidence links; the platform then decides',
  decide: 'The platform decides a disputed claim: upheld (it stands, the carrier pays) or overturned (it falls)',
  settle: 'The platform or the shipper closes the claim as settled',
  advance: 'The platform advances money to the shipper (capped by the claim), to recover from the carrier',
  recover: 'The platform records money recovered from the carrier (capped by what it advanced)',
  withdraw: 'The platform or the shipper withdraws the claim; it keeps its history',
};

const REFUSAL_STATUS: Record<string, ErrorCode> = {
  'claim.not_your_turn': 'claim.not_your_turn',
  'claim.invalid_transition': 'claim.invalid_transition',
  'claim.not_due': 'claim.not_due',
  'claim.amount_over_cap': 'claim.amount_over_cap',
  'request.invalid': 'request.invalid',
};

/**
 * The claim lifecycle over HTTP (issue 13, item 1): `GET /api/v1/claims/{id}` with its history, and one
 * route per action, taken by the organisation whose turn it is (the carrier answers, the platform decides,
 * advances and recovers, the platform or the shipper settles or withdraws). Judged and stored in one
 * transaction by the store, with the domain's state machine.
 */
export function registerClaimRoutes({ app, ops, clock, auth, scope, audit, feed }: RouteContext): void {
  const params = z.object({ id: z.string() });

  /** The claim if the caller may see it, and the caller's party to it; 404 as for one that does not exist. */
  async function visibleClaim(request: FastifyRequest, id: string): Promise<{ claim: Claim; party: Exclude<ClaimParty, 'system'> | null; shipperOrgId: string }> {
    const caller = principal(request);
    const claim = await ops.getClaim(id);
    if (!claim || !(await scope.claimVisible(caller, claim))) throw new ApiError('claim.not_found', `no claim ${id}`);
    const shipperOrgId = (await ops.getShipment(claim.shipmentId))!.shipperOrgId;
    const party = isPlatformOrg(caller) ? 'platform' : claimPartyOf({ liableOrgId: claim.liableOrgId, shipperOrgId }, caller.orgId);
    return { claim, party, shipperOrgId };
  }

  const view = (claim: Claim) => ({ ...claim, statusName: CLAIM_STATUS_NAMES[claim.status] });

  app.get(
    '/api/v1/claims/:id',
    { preValidation: auth.viewer, schema: { summary: 'A claim, its state and its history (who did what, when, why), with the evidence links', tags: ['claims'], security: SECURITY, params } },
    async (request) => {
      const { claim, party } = await visibleClaim(request, request.params.id);
      const base = `/api/v1/shipments/${encodeURIComponent(claim.shipmentId)}`;
      return {
        claim: view(claim),
        yourParty: party,
        history: await ops.listClaimEvents(claim.id),
        evidence: { bundle: `${base}/evidence`, report: `${base}/report.pdf`, chain: `${base}/chain`, epcis: `${base}/epcis` },
      };
    },
  );

  for (const kind of Object.keys(BODIES) as (keyof typeof BODIES)[]) {
    app.post(
      `/api/v1/claims/:id/${kind}`,
      { preValidation: auth.operator, schema: { summary: SUMMARIES[kind], tags: ['claims'], security: SECURITY, params, body: BODIES[kind] } },
      async (request) => {
        const { claim, party, shipperOrgId } = await visibleClaim(request, request.params.id);
        if (!party) throw new ApiError('claim.not_found', `no claim ${claim.id}`);
        const caller = principal(request);
        const action = { kind, ...((request.body as object | null | undefined) ?? {}) } as ClaimAction;
        const outcome = await ops.applyClaimAction(claim.id, action, { actor: { name: caller.name, orgId: caller.orgId }, party, now: clock.now() });
        if (outcome.status === 'not_found') throw new ApiError('claim.not_found', `no claim ${claim.id}`);
        if (outcome.status === 'refused') {
          const { refusal } = outcome;
          throw new ApiError(REFUSAL_STATUS[refusal.code] ?? 'request.invalid', refusal.field ? `body.${refusal.field}: ${refusal.message}` : refusal.message);
        }
        await audit(request, `claim.${kind}`, `claim:${claim.id}`, claim.liableOrgId, { from: outcome.event.from, to: outcome.event.to, ...((request.body as object | null) ?? {}) });
        // The other parties hear of the step through the rules' outbox (they read it back from the store);
        // the step is stored whatever happens to this message.
        await feed
          .publishClaim({ type: 'claim.updated', at: outcome.event.at, claim: outcome.claim, step: outcome.event }, [claim.liableOrgId, shipperOrgId, PLATFORM_ORG_ID])
          .catch((error: unknown) => request.log.warn({ err: error, claimId: claim.id }, 'claim.update_publish_failed'));
        return { claim: view(outcome.claim), event: outcome.event };
      },
    );
  }
}
