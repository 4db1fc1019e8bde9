import type { FastifyRequest } from 'fastify';
import type { AccountStore, AuditEntry } from '@coldchain/storage';
import { principal } from './authenticate.ts';

/**
 * Writes the audit trail (issue 12, item 3): who did it is the authenticated caller, never a typed name.
 * `orgId` is the organisation whose object it is (null: the platform's own, such as a profile).
 */
export function createAudit(accounts: AccountStore, now: () => number) {
  return async function audit(request: FastifyRequest, action: string, target: string, orgId: string | null, detail?: Record<string, unknown>): Promise<AuditEntry> {
    const actor = principal(request);
    return accounts.appendAudit({
      at: now(),
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      actorOrgId: actor.orgId,
      action,
      target,
      orgId,
      detail: detail === undefined ? null : JSON.stringify(detail),
    });
  };
}

export type Audit = ReturnType<typeof createAudit>;
