import { alertsTopic, claimsTopic } from '@coldchain/schemas';
import type { Principal } from './principal.ts';

/** What the broker needs of an organisation's broker credential (ops.accounts' OrgMqttCredential has it). */
export type OrgCredentialRecord = { orgId: string; secretHash: string; revokedAt: number | null };

/** Looks an organisation's credential up by its username; undefined when there is none. */
export type GetOrgCredential = (username: string) => Promise<OrgCredentialRecord | undefined>;

/** The only topics an organisation's credential may subscribe to: its own alert and claim streams. */
export function orgTopics(orgId: string): [string, string] {
  return [alertsTopic(orgId), claimsTopic(orgId)];
}

/**
 * Whether an organisation may subscribe to `filter`: exactly one of its two topics, compared as strings.
 * A wildcard (`coldchain/v1/alerts/#`, `coldchain/v1/+/x`), a `$share/` group or another organisation's
 * topic is not one of them, so it is refused without parsing the filter.
 */
export function isOrgSubscriptionAllowed(orgId: string, filter: string): boolean {
  return orgTopics(orgId).includes(filter);
}

/**
 * Whether a connected principal's credential still holds: an organisation's credential may be revoked
 * while its subscriber is connected (DELETE /api/v1/mqtt-credentials/{username}), and the broker
 * disconnects it when this answers false. Devices and services are not re-checked here.
 */
export function createPrincipalCheck(getOrgCredential: GetOrgCredential): (principal: Principal) => Promise<boolean> {
  return async (principal) => {
    if (principal.kind !== 'organisation') return true;
    const credential = await getOrgCredential(principal.username);
    return credential !== undefined && credential.revokedAt === null && credential.orgId === principal.orgId;
  };
}

/**
 * Asks `isActive` about each connected organisation's subscriber in turn and hands those whose
 * credential no longer holds to `onRevoked` (which disconnects them); answers how many. A failed check
 * keeps the client (the store is unavailable: asked again next time).
 */
export async function closeRevoked<T extends { principal: Principal }>(
  connected: readonly T[],
  isActive: (principal: Principal) => Promise<boolean>,
  handlers: { onRevoked: (entry: T) => void; onError: (entry: T, error: unknown) => void },
): Promise<number> {
  let closed = 0;
  for (const entry of connected) {
    let active: boolean;
    try {
      active = await isActive(entry.principal);
    } catch (error) {
      handlers.onError(entry, error);
      continue;
    }
    if (active) continue;
    handlers.onRevoked(entry);
    closed++;
  }
  return closed;
}
