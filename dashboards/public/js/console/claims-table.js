// @ts-check
/**
 * The claims the signed-in organisation is party to: against it (a carrier, warehouse or courier) or
 * filed for it (a shipper): against whom, how much, why, and how long the liable party has to answer.
 */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { showDeadline } from './deadline.js';
import { shipmentLink } from './shipment-link.js';

/** @typedef {import('./api-client.js').Claim} Claim */
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
            /** @type {[TextKey, string, import('../dom.js').Child, string][]} */
            const cells = [
              ['console.claims.filedAt', 'filed-at', formatDateTime(claim.filedAt), 'num'],
              ['console.col.shipment', 'shipment', shipmentLink(claim.shipmentId), ''],
              ['console.claims.liable', 'liable', h('strong', {}, context.orgName(claim.liableOrgId)), ''],
              ['console.claims.amount', 'amount', formatMoney(claim.amountCents, claim.currency), 'num'],
              ['console.claims.reason', 'reason', h('span', { class: 'sub' }, pick(claim.reason)), 'reason'],
              ['console.claims.respondBy', 'respond-by', deadline, 'num'],
            ];
            return h('tr', { 'data-claim-id': claim.id }, cells.map(([key, col, content, cls]) => h('td', { 'data-col': col, 'data-label': t(key), class: cls || null }, content)));
          })
        : h('tr', { class: 'empty-row' }, h('td', { colspan: COLUMNS.length }, t('console.claims.empty'))),
    ),
  );
}
