// @ts-check
/** The claims filed: against whom, how much, why, and how long the liable party has to answer. */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { showDeadline } from './deadline.js';
import { shipmentLink } from './shipment-link.js';

/** @typedef {import('./admin-api.js').Claim} Claim */
/** @typedef {import('../i18n.js').TextKey} TextKey */

/** @type {TextKey[]} */
const COLUMNS = ['console.claims.filedAt', 'console.col.shipment', 'console.claims.liable', 'console.claims.amount', 'console.claims.reason', 'console.claims.respondBy'];

/**
 * @param {Claim[]} claims
 * @param {{ now: number, orgName: (id: string) => string }} context
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
            const deadline = h('span', { class: 'countdown' });
            showDeadline(deadline, claim.respondBy, context.now);
            return h(
              'tr',
              { 'data-claim-id': claim.id },
              h('td', { class: 'num' }, formatDateTime(claim.filedAt)),
              h('td', { 'data-col': 'shipment' }, shipmentLink(claim.shipmentId)),
              h('td', {}, h('strong', {}, context.orgName(claim.liableOrgId))),
              h('td', { class: 'num' }, formatMoney(claim.amountCents, claim.currency)),
              h('td', { class: 'reason' }, h('span', { class: 'sub' }, pick(claim.reason))),
              h('td', { class: 'num' }, deadline),
            );
          })
        : h('tr', { class: 'empty-row' }, h('td', { colspan: COLUMNS.length }, t('console.claims.empty'))),
    ),
  );
}
