// @ts-check
/**
 * The claims the signed-in organisation is party to: against it (a carrier, warehouse or courier) or
 * filed for it (a shipper), or all of them (the platform): against whom, how much, why, where each stands
 * in its lifecycle, how long the liable party has to answer (only while its clock runs), and the steps
 * of the caller's turn (claim-action-cell.js).
 */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { claimActionCell } from './claim-action-cell.js';
import { claimAnswer, claimStatusBadge } from './claim-answer.js';
import { shipmentLink } from './shipment-link.js';

/** @typedef {import('./claim-calls.js').LifecycleClaim} LifecycleClaim */
/** @typedef {import('./claim-actions.js').ClaimActions} ClaimActions */
/** @typedef {import('../i18n.js').TextKey} TextKey */

/** @type {TextKey[]} */
const COLUMNS = ['console.claims.filedAt', 'console.col.shipment', 'console.claims.liable', 'console.claims.amount', 'claims.col.status', 'console.claims.reason', 'console.claims.respondBy', 'claims.col.actions'];

/**
 * The amount, and under it what the platform advanced and recovered, when it did.
 * @param {LifecycleClaim} claim
 */
function amountCell(claim) {
  const advanced = claim.advancedCents ?? 0;
  const recovered = claim.recoveredCents ?? 0;
  return [
    formatMoney(claim.amountCents, claim.currency),
    advanced ? h('span', { class: 'sub', 'data-role': 'advanced' }, `${t('claims.money.advanced')} ${formatMoney(advanced, claim.currency)}`) : null,
    recovered ? h('span', { class: 'sub', 'data-role': 'recovered' }, `${t('claims.money.recovered')} ${formatMoney(recovered, claim.currency)}`) : null,
  ];
}

/**
 * @param {LifecycleClaim[]} claims
 * @param {{ now: number, orgName: (id: string) => string, actions: ClaimActions }} context
 */
export function renderClaimsTable(claims, context) {
  return h(
    'table',
    { class: 'data-table claims-table' },
    h('thead', {}, h('tr', {}, COLUMNS.map((key) => h('th', { scope: 'col' }, t(key))))),
    h(
      'tbody',
      {},
      claims.length
        ? claims.map((claim) => {
            /** @type {[TextKey, string, import('../dom.js').Child | import('../dom.js').Child[], string][]} */
            const cells = [
              ['console.claims.filedAt', 'filed-at', formatDateTime(claim.filedAt), 'num'],
              ['console.col.shipment', 'shipment', shipmentLink(claim.shipmentId), ''],
              ['console.claims.liable', 'liable', h('strong', {}, context.orgName(claim.liableOrgId)), ''],
              ['console.claims.amount', 'amount', amountCell(claim), 'num'],
              ['claims.col.status', 'status', claimStatusBadge(claim), ''],
              ['console.claims.reason', 'reason', h('span', { class: 'sub' }, pick(claim.reason)), 'reason'],
              ['console.claims.respondBy', 'respond-by', claimAnswer(claim, context.now), 'num'],
              ['claims.col.actions', 'actions', claimActionCell(claim, context), 'actions'],
            ];
            return h(
              'tr',
              { 'data-claim-id': claim.id, 'data-status': claim.status, class: `claim-status-${claim.status}` },
              cells.map(([key, col, content, cls]) => h('td', { 'data-col': col, 'data-label': t(key), class: cls || null }, content)),
            );
          })
        : h('tr', { class: 'empty-row' }, h('td', { colspan: COLUMNS.length }, t('console.claims.empty'))),
    ),
  );
}
