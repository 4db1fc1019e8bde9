// @ts-check
/** The shipments the signed-in organisation holds now (`GET /api/v1/shipments?held=now`), each opening its record. */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatDateTime } from '../time-format.js';
import { shipmentLink } from './shipment-link.js';

/** @typedef {import('./api-client.js').Shipment} Shipment */

/**
 * @param {Shipment[]} shipments
 */
export function renderHeldShipments(shipments) {
  if (!shipments.length) return h('p', { class: 'empty-note' }, t('console.held.empty'));
  return h(
    'ul',
    { class: 'held-list' },
    shipments.map((shipment) =>
      h(
        'li',
        { 'data-shipment-id': shipment.id },
        shipmentLink(shipment.id),
        h('span', { class: 'held-route' }, t('console.held.route', { origin: shipment.origin, destination: shipment.destination })),
        typeof shipment.startedAt === 'number' ? h('span', { class: 'sub' }, t('console.held.since', { time: formatDateTime(shipment.startedAt) })) : null,
      ),
    ),
  );
}
