import { z } from 'zod';
import { CLAIM_REMIND_BEFORE_MS, CLAIM_RESPONSE_MAX_MS, CLAIM_RESPONSE_MIN_MS, CLAIM_RESPONSE_MS, claimReminderLeadMs, claimResponseMsFor } from '@coldchain/domain';
import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { isPlatformOrg } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';

const MIN = 60_000;
const MIN_MINUTES = CLAIM_RESPONSE_MIN_MS / MIN;
const MAX_MINUTES = CLAIM_RESPONSE_MAX_MS / MIN;
/** The rule, Chinese first, as every refusal of the field says it. */
const RULE = `须为 ${MIN_MINUTES} 至 ${MAX_MINUTES} 之间的整数分钟，或 null（默认 2 小时）; must be a whole number of minutes from ${MIN_MINUTES} to ${MAX_MINUTES} (a week), or null for the default (2 h)`;

const body = z.object({
  responseMinutes: z.number({ error: RULE }).int(RULE).min(MIN_MINUTES, RULE).max(MAX_MINUTES, RULE).nullable(),
});

/**
 * An organisation's claim answer time (issue 13, item 1: "deadlines per organisation, 2 h default for the
 * carrier's answer"): claims filed against it from then on are due within it; claims already filed keep
 * their `respondBy`. Set by the platform only (a carrier must not lengthen its own deadline); read by the
 * organisation itself and the platform. Decision 0023.
 */
export function registerClaimAnswerTimeRoutes({ app, ops, auth, audit, deadlineSpeed }: RouteContext): void {
  const params = z.object({ id: z.string() });

  /** What the organisation's claims get: its setting, the default, the answer time in force and the reminder lead. */
  async function view(orgId: string) {
    const settingMs = await ops.getOrgClaimResponseMs(orgId);
    const responseMs = claimResponseMsFor(settingMs, deadlineSpeed);
    return {
      orgId,
      responseMinutes: settingMs === null ? null : settingMs / MIN,
      defaultMinutes: CLAIM_RESPONSE_MS / MIN,
      // What a claim filed now gets (divided by DEMO_SPEED in the demo), and how long before it the reminder goes.
      responseMs,
      remindBeforeMs: claimReminderLeadMs(responseMs, CLAIM_REMIND_BEFORE_MS / deadlineSpeed),
    };
  }

  async function requireOrg(id: string): Promise<void> {
    if (!(await ops.getOrganisation(id))) throw new ApiError('organisation.unknown', `没有组织 ${id}; no organisation ${id}`);
  }

  function requireReader(request: FastifyRequest, id: string): void {
    const caller = principal(request);
    if (!isPlatformOrg(caller) && caller.orgId !== id) {
      throw new ApiError('organisation.unknown', `组织 ${id} 不是您的组织; organisation ${id} is not yours: you read your own claim answer time (${caller.orgId}), the platform reads any`);
    }
  }

  app.get(
    '/api/v1/organisations/:id/claim-response',
    {
      preValidation: auth.viewer,
      schema: { summary: "An organisation's claim answer time (minutes; null: the 2 h default): the organisation itself and the platform", tags: ['organisations'], security: SECURITY, params },
    },
    async (request) => {
      requireReader(request, request.params.id);
      await requireOrg(request.params.id);
      return view(request.params.id);
    },
  );

  app.put(
    '/api/v1/organisations/:id/claim-response',
    {
      preValidation: auth.platform,
      schema: {
        summary: `Set an organisation's claim answer time, ${MIN_MINUTES}–${MAX_MINUTES} minutes, or null for the 2 h default: the platform only; claims filed from then on`,
        tags: ['organisations'],
        security: SECURITY,
        params,
        body,
      },
    },
    async (request) => {
      const { id } = request.params;
      await requireOrg(id);
      const before = await ops.getOrgClaimResponseMs(id);
      const { responseMinutes } = request.body;
      await ops.setOrgClaimResponseMs(id, responseMinutes === null ? null : responseMinutes * MIN);
      await audit(request, 'organisation.claim_response_changed', `organisation:${id}`, id, { before: before === null ? null : before / MIN, after: responseMinutes });
      return view(id);
    },
  );
}
