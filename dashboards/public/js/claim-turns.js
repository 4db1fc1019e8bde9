// @ts-check
/**
 * Whose turn it is on a claim, in the browser: the part of the domain's table (packages/domain/src/
 * claim-lifecycle.ts CLAIM_TRANSITIONS) that people act on, mirrored so the console offers only the
 * steps the API would take. The API judges every step again; where this is wrong its refusal is shown.
 */

/**
 * @typedef {'filed' | 'acknowledged' | 'accepted' | 'disputed' | 'upheld' | 'overturned' | 'escalated' | 'advanced' | 'recovered' | 'settled' | 'withdrawn'} ClaimStatus
 * @typedef {'acknowledge' | 'accept' | 'dispute' | 'decide' | 'advance' | 'recover' | 'settle' | 'withdraw'} ClaimActionKind an action a person takes (`POST /api/v1/claims/{id}/<kind>`)
 * @typedef {'carrier' | 'shipper' | 'platform'} ClaimParty who acts, relative to the claim
 * @typedef {{
 *   status: string, amountCents: number, advancedCents?: number, recoveredCents?: number,
 * }} ClaimMoney the fields the turns depend on
 */

/** @type {ClaimStatus[]} */
export const CLAIM_STATUSES = ['filed', 'acknowledged', 'accepted', 'disputed', 'upheld', 'overturned', 'escalated', 'advanced', 'recovered', 'settled', 'withdrawn'];

const OPEN = CLAIM_STATUSES.filter((s) => s !== 'settled' && s !== 'withdrawn');

/**
 * From which states each party may take each action (CLAIM_TRANSITIONS, without the timer's steps), in
 * the order the buttons show.
 * @type {{ kind: ClaimActionKind, from: readonly ClaimStatus[], by: readonly ClaimParty[] }[]}
 */
const STEPS = [
  { kind: 'acknowledge', from: ['filed'], by: ['carrier'] },
  // escalated: a late answer, still taken, with its time
  { kind: 'accept', from: ['filed', 'acknowledged', 'escalated'], by: ['carrier'] },
  { kind: 'dispute', from: ['filed', 'acknowledged', 'escalated'], by: ['carrier'] },
  { kind: 'decide', from: ['disputed'], by: ['platform'] },
  // While the answer or the dispute is pending an advance leaves the state as it is.
  { kind: 'advance', from: ['filed', 'acknowledged', 'disputed', 'escalated', 'accepted', 'upheld', 'advanced', 'recovered'], by: ['platform'] },
  { kind: 'recover', from: ['accepted', 'upheld', 'advanced', 'recovered'], by: ['platform'] },
  { kind: 'settle', from: ['accepted', 'overturned', 'upheld', 'advanced', 'recovered'], by: ['platform', 'shipper'] },
  { kind: 'withdraw', from: OPEN, by: ['platform', 'shipper'] },
];

/** Money the platform may still advance on a claim: the claim's amount less what it advanced (cents). */
export function advanceLeftCents(/** @type {ClaimMoney} */ claim) {
  return Math.max(0, claim.amountCents - (claim.advancedCents ?? 0));
}

/** Money advanced and not yet recovered from the carrier (cents). */
export function outstandingCents(/** @type {ClaimMoney} */ claim) {
  return Math.max(0, (claim.advancedCents ?? 0) - (claim.recoveredCents ?? 0));
}

/**
 * The actions a party may take on a claim now. Money steps with nothing left to move are left out, and
 * the shipper may not withdraw while advanced money is unrecovered (the domain refuses it).
 * @param {ClaimParty | null} party
 * @param {ClaimMoney} claim
 * @returns {ClaimActionKind[]}
 */
export function claimActionsFor(party, claim) {
  if (!party) return [];
  const status = /** @type {ClaimStatus} */ (claim.status);
  return STEPS.filter((step) => step.by.includes(party) && step.from.includes(status))
    .filter((step) => {
      if (step.kind === 'advance') return advanceLeftCents(claim) > 0;
      if (step.kind === 'recover') return outstandingCents(claim) > 0;
      if (step.kind === 'withdraw' && party === 'shipper') return outstandingCents(claim) === 0;
      return true;
    })
    .map((step) => step.kind);
}

/**
 * Who is expected to act next, for "waiting for ...": the carrier while its answer is due, the platform on
 * a dispute or an escalation, the claimants (the platform or the shipper) once the money question is
 * answered; null when closed.
 * @param {string} status
 * @returns {'carrier' | 'platform' | 'claimants' | null}
 */
export function nextParty(status) {
  if (status === 'filed' || status === 'acknowledged') return 'carrier';
  if (status === 'disputed' || status === 'escalated') return 'platform';
  if (status === 'settled' || status === 'withdrawn') return null;
  return 'claimants';
}

/**
 * Whether the carrier's answer clock runs: filed or acknowledged (acknowledging does not stop it; an
 * answer or the escalation does). The domain's isResponseClockRunning.
 * @param {string} status
 */
export function isAnswerClockRunning(status) {
  return status === 'filed' || status === 'acknowledged';
}

/**
 * The party an organisation is to a claim, as the API decides it (claimPartyOf, the platform always the
 * platform): a claim it can see and is not liable for was filed for it, as the shipper.
 * @param {{ orgId: string, orgKind: string }} session
 * @param {{ liableOrgId: string }} claim
 * @returns {ClaimParty}
 */
export function partyOf(session, claim) {
  if (session.orgKind === 'platform') return 'platform';
  return claim.liableOrgId === session.orgId ? 'carrier' : 'shipper';
}
