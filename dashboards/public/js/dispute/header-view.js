// @ts-check
/** The top of the dispute view: which shipment, its route and status, the verdict, and the downloads. */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { splitVerdict } from '../consumer/summary-view.js';
import { orgDisplayName } from '../console/org-picker.js';
import { factList } from './fact-list.js';

/** @typedef {import('./dispute-types.js').ShipmentDetail} ShipmentDetail */
/** @typedef {import('../console/admin-api.js').Organisation} Organisation */

const VERDICT_ICON = { ok: '✓', excursion: '!', unmonitored: '?' };

/**
 * @param {ShipmentDetail} detail
 * @param {Organisation | undefined} shipper
 * @param {HTMLElement | null} downloads the download buttons (downloads.js), which keep their state across re-renders
 */
export function renderHeader(detail, shipper, downloads) {
  const { shipment } = detail;
  const verdict = splitVerdict(pick(detail.verdict.text));
  const isDelivered = shipment.deliveredAt !== null;
  const shipperName = shipper ? orgDisplayName(shipper) : shipment.shipperOrgId;
  return h(
    'section',
    { class: 'card dispute-head', 'aria-labelledby': 'shipment-title' },
    h(
      'div',
      { class: 'head-top' },
      h(
        'div',
        { class: 'head-identity' },
        h('p', { class: 'kicker' }, t('dispute.kicker'), ' ', h('span', { class: 'mono', 'data-role': 'shipment-id' }, shipment.id)),
        h('h1', { id: 'shipment-title', class: 'product-name' }, pick(detail.profile.name)),
        h('p', { class: 'route' }, h('span', {}, shipment.origin), h('span', { class: 'route-arrow', 'aria-hidden': 'true' }, '→'), h('span', {}, shipment.destination)),
        h(
          'p',
          { class: `journey-status ${isDelivered ? 'is-delivered' : 'is-moving'}`, 'data-role': 'status' },
          isDelivered ? t('dispute.status.delivered', { time: formatDateTime(/** @type {number} */ (shipment.deliveredAt)) }) : t('dispute.status.inTransit'),
        ),
      ),
      downloads,
    ),
    h(
      'div',
      { class: `verdict verdict-${detail.verdict.status}`, role: 'status', 'data-status': detail.verdict.status },
      h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, VERDICT_ICON[detail.verdict.status]),
      h('div', {}, h('p', { class: 'verdict-headline' }, verdict.headline), verdict.detail ? h('p', { class: 'verdict-text' }, verdict.detail) : null),
    ),
    factList(
      [
        ['shipper', t('dispute.facts.shipper'), shipperName],
        ['started', t('dispute.facts.started'), formatDateTime(shipment.startedAt)],
        ['boxes', t('dispute.facts.boxes'), t('dispute.facts.boxesValue', { n: shipment.boxes })],
        ['goods-value', t('dispute.facts.goodsValue'), formatMoney(shipment.goodsValueCents, 'CNY')],
        ['freight', t('dispute.facts.freight'), formatMoney(shipment.freightCents, 'CNY')],
        ['logger', t('dispute.facts.logger'), h('span', { class: 'mono' }, shipment.deviceId)],
        ['readings', t('dispute.facts.readings'), t('dispute.facts.readingsValue', { n: detail.readingCount })],
      ],
      'head-facts',
    ),
  );
}
