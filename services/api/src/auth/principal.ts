import type { OrgKind } from '@coldchain/domain';
import type { ActorKind, Role } from '@coldchain/storage';

/**
 * Who is calling (issue 12): the bootstrap admin token (the platform), a user signed in with a session
 * cookie, or an API key. Every route's preHandler sets it on the request; the scope and the audit trail
 * are read from it, never from what the caller typed.
 */
export type Principal = {
  kind: ActorKind;
  /** The user's or key's id; `admin-token` for the bootstrap token. */
  id: string;
  /** What the audit trail writes: the user's name and login, the key's label. */
  name: string;
  orgId: string;
  orgKind: OrgKind;
  role: Role;
  /** An administrator of the platform's organisation (or the bootstrap token): sees and acts on everything. */
  isPlatform: boolean;
};

/** How much a role may do, lowest first. */
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether the principal's role is at least `role` (the platform's viewers are viewers, too). */
export function hasRole(principal: Principal, role: Role): boolean {
  return RANK[principal.role] >= RANK[role];
}

/** Whether the principal is of the platform's organisation (any role): reads everything. */
export function isPlatformOrg(principal: Principal): boolean {
  return principal.orgKind === 'platform';
}
