// @ts-check
/**
 * The claim lifecycle's calls, as the signed-in user (services/api/src/routes/claims.ts): a claim with its
 * history, and one step on it. The session cookie goes by itself; a step carries the session's CSRF token
 * (as api-client.js sends every change). Kept apart from api-client.js, which other pages extend; refusals
 * are the same ApiFailure, with the API's code (claim.not_your_turn, claim.invalid_transition, ...).
 */
import { createSessionCall } from './session-call.js';

/**
 * @typedef {import('../claim-turns.js').ClaimActionKind} ClaimActionKind
 * @typedef {import('../claim-turns.js').ClaimParty} ClaimParty
 * @typedef {{ zh: string, en: string }} LocalizedText
 * @typedef {import('./api-client.js').Claim & {
 *   answeredAt?: number | null, remindedAt?: number | null, escalatedAt?: number | null, closedAt?: number | null,
 *   advancedCents?: number, recoveredCents?: number, withdrawnAt?: number | null, withdrawnReason?: LocalizedText | null,
 * }} LifecycleClaim a claim with where it stands in its lifecycle (the list and the detail carry these)
 * @typedef {{ kind: string, reason?: string, evidence?: string[], outcome?: 'upheld' | 'overturned', note?: string, amountCents?: number }} ClaimStepAction
 * @typedef {{
 *   seq: number, at: number, actor: { name: string, orgId: string | null }, party: ClaimParty | 'system',
 *   action: ClaimStepAction, from: string, to: string,
 * }} ClaimStep one line of a claim's history
 * @typedef {{
 *   claim: LifecycleClaim & { statusName: LocalizedText }, yourParty: ClaimParty | null, history: ClaimStep[],
 *   evidence: { bundle: string, report: string, chain: string, epcis: string },
 * }} ClaimDetail
 * @typedef {{ reason: string, evidence?: string[] } | { outcome: 'upheld' | 'overturned', reason: string } | { amountCents: number, note?: string } | { note?: string } | { reason: string } | Record<string, never>} ClaimStepBody
 */

/**
 * @param {{ csrfToken: () => string, onUnauthorized?: () => void }} options the token of the session in use
 */
export function createClaimCalls(options) {
  const call = createSessionCall(options);

  return {
    /**
     * The claim, the caller's party to it and its history in order.
     * @param {string} id
     * @returns {Promise<ClaimDetail>}
     */
    get(id) {
      return call('GET', `/api/v1/claims/${encodeURIComponent(id)}`);
    },
    /**
     * One step on the claim, as the signed-in user (the API names the actor from the session).
     * @param {string} id
     * @param {ClaimActionKind} kind
     * @param {ClaimStepBody} body
     * @returns {Promise<{ claim: LifecycleClaim & { statusName: LocalizedText }, event: ClaimStep }>}
     */
    act(id, kind, body) {
      return call('POST', `/api/v1/claims/${encodeURIComponent(id)}/${kind}`, body);
    },
  };
}

/** @typedef {ReturnType<typeof createClaimCalls>} ClaimCalls */
