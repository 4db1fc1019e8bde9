// @ts-check
/** The claims filed for the shipment: against whom, how much, where they stand, and why. */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { showDeadline } from '../console/deadline.js';
import { asSentence, factList } from './fact-list.js';

/** @typedef {import('./dispute-types.js').Claim} Claim */

/**
 * @param {Claim} claim
 * @param {(id: string) => string} orgName
 * @param {number} now
 */
function renderClaim(claim, orgName, now) {
  const isWithdrawn = claim.status === 'withdrawn';
  const deadline = h('span', { class: 'countdown' });
  if (!isWithdrawn) showDeadline(deadline, claim.respondBy, now);
  return h(
    'article',
    { class: `record claim${isWithdrawn ? ' is-withdrawn' : ''}`, 'data-claim-id': claim.id },
    h(
      'header',
      { class: 'record-head' },
      h('span', { class: `badge ${isWithdrawn ? 'badge-muted' : 'badge-warn'}`, 'data-role': 'claim-status' }, t(`dispute.claims.status.${claim.status}`)),
      h('strong', { class: 'liable' }, orgName(claim.liableOrgId)),
      h('span', { class: 'record-amount', 'data-role': 'amount' }, formatMoney(claim.amountCents, claim.currency)),
    ),
    factList([
      ['amount', t('dispute.claims.amount'), t('dispute.claims.breakdown', { goods: formatMoney(claim.goodsShareCents, claim.currency), freight: formatMoney(claim.freightCents, claim.currency) })],
      ['filed', t('dispute.claims.filed'), formatDateTime(claim.filedAt)],
      ['respond-by', t('dispute.claims.respondBy'), isWithdrawn ? formatDateTime(claim.respondBy) : [formatDateTime(claim.respondBy), h('span', { class: 'sub' }, deadline)]],
      ['reason', t('dispute.claims.reason'), asSentence(pick(claim.reason))],
      isWithdrawn && claim.withdrawnReason
        ? ['withdrawn', t('dispute.claims.withdrawn'), t('dispute.claims.withdrawnAt', { time: claim.withdrawnAt === null ? '—' : formatDateTime(claim.withdrawnAt), reason: pick(claim.withdrawnReason) })]
        : null,
    ]),
  );
}

/**
 * @param {Claim[]} claims
 * @param {(id: string) => string} orgName
 * @param {number} now
 */
export function renderClaims(claims, orgName, now) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'claims-title', 'data-section': 'claims' },
    h('h2', { id: 'claims-title' }, t('dispute.claims.title')),
    claims.length ? h('div', { class: 'records' }, claims.map((claim) => renderClaim(claim, orgName, now))) : h('p', { class: 'empty' }, t('dispute.claims.none')),
  );
}
