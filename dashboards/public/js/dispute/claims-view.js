// @ts-check
/**
 * The claims filed for the shipment: against whom, how much, where each stands in its lifecycle (named
 * as the domain names it), the carrier's answer (a countdown only while its clock runs; after that when it
 * answered, or when it went to the platform unanswered), money the platform advanced and recovered, why,
 * and under each its history (claim-history-view.js).
 */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { isAnswerClockRunning } from '../claim-turns.js';
import { claimAnswer, claimStatusBadge } from '../console/claim-answer.js';
import { renderClaimHistory } from './claim-history-view.js';
import { asSentence, factList } from './fact-list.js';

/** @typedef {import('./dispute-types.js').Claim} Claim */
/** @typedef {import('./claim-history-view.js').ClaimHistoryState} ClaimHistoryState */

/** States in which the claim no longer stands against the carrier: drawn quieter. */
const FALLEN = new Set(['withdrawn', 'overturned', 'settled']);

/**
 * @param {Claim} claim
 * @param {(id: string) => string} orgName
 * @param {number} now
 * @param {ClaimHistoryState} history
 */
function renderClaim(claim, orgName, now, history) {
  const isWithdrawn = claim.status === 'withdrawn';
  const advanced = claim.advancedCents ?? 0;
  const recovered = claim.recoveredCents ?? 0;
  return h(
    'article',
    { class: `record claim${FALLEN.has(claim.status) ? ' is-withdrawn' : ''}`, 'data-claim-id': claim.id, 'data-status': claim.status },
    h(
      'header',
      { class: 'record-head' },
      claimStatusBadge(claim),
      h('strong', { class: 'liable' }, orgName(claim.liableOrgId)),
      h('span', { class: 'record-amount', 'data-role': 'amount' }, formatMoney(claim.amountCents, claim.currency)),
    ),
    factList([
      ['amount', t('dispute.claims.amount'), t('dispute.claims.breakdown', { goods: formatMoney(claim.goodsShareCents, claim.currency), freight: formatMoney(claim.freightCents, claim.currency) })],
      ['filed', t('dispute.claims.filed'), formatDateTime(claim.filedAt)],
      ['respond-by', t('dispute.claims.respondBy'), claimAnswerFact(claim, now)],
      advanced ? ['advanced', t('claims.money.advanced'), formatMoney(advanced, claim.currency)] : null,
      recovered ? ['recovered', t('claims.money.recovered'), formatMoney(recovered, claim.currency)] : null,
      ['reason', t('dispute.claims.reason'), asSentence(pick(claim.reason))],
      isWithdrawn && claim.withdrawnReason
        ? ['withdrawn', t('dispute.claims.withdrawn'), t('dispute.claims.withdrawnAt', { time: claim.withdrawnAt ? formatDateTime(claim.withdrawnAt) : '—', reason: pick(claim.withdrawnReason) })]
        : null,
    ]),
    renderClaimHistory(history, claim, orgName),
  );
}

/**
 * The deadline with its countdown while the clock runs; otherwise what became of the answer.
 * @param {Claim} claim
 * @param {number} now
 */
function claimAnswerFact(claim, now) {
  return isAnswerClockRunning(claim.status) ? [formatDateTime(claim.respondBy), h('span', { class: 'sub' }, claimAnswer(claim, now))] : claimAnswer(claim, now);
}

/**
 * @param {Claim[]} claims
 * @param {(id: string) => string} orgName
 * @param {number} now
 * @param {Map<string, ClaimHistoryState>} histories by claim id (loading when missing)
 */
export function renderClaims(claims, orgName, now, histories) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'claims-title', 'data-section': 'claims' },
    h('h2', { id: 'claims-title' }, t('dispute.claims.title')),
    claims.length
      ? h('div', { class: 'records' }, claims.map((claim) => renderClaim(claim, orgName, now, histories.get(claim.id) ?? { kind: 'loading' })))
      : h('p', { class: 'empty' }, t('dispute.claims.none')),
  );
}
