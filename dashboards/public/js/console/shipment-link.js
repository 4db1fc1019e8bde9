// @ts-check
/** A shipment id in the console's tables, linked to its dispute view (`/console/shipments/{id}`). */
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** @param {string} shipmentId */
export function disputeViewPath(shipmentId) {
  return `/console/shipments/${encodeURIComponent(shipmentId)}`;
}

/** @param {string} shipmentId */
export function shipmentLink(shipmentId) {
  return h('a', { class: 'mono shipment-link', href: disputeViewPath(shipmentId), title: t('dispute.title'), 'data-role': 'dispute-link' }, shipmentId);
}
