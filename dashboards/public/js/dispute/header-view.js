// @ts-check
/**
 * The top of the dispute view: which shipment, its route and status, where the goods are now (the
 * current leg: who holds them, at which station, since when), the verdict, and the downloads.
 */
import { h } from '../dom.js';
import { currentLang, pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { splitVerdict } from '../consumer/summary-view.js';
import { orgDisplayName } from '../console/org-names.js';
import { factList } from './fact-list.js';

/** @typedef {import('./dispute-types.js').ShipmentDetail} ShipmentDetail */
/** @typedef {import('../console/org-names.js').NamedOrg} NamedOrg */

const VERDICT_ICON = { ok: '✓', excursion: '!', unmonitored: '?' };

/**
 * @param {ShipmentDetail} detail
 * @param {NamedOrg | undefined} shipper
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
      'p',
      { class: `goods-now ${isDelivered ? 'is-delivered' : 'is-moving'}`, 'data-role': 'goods-now' },
      h('span', { class: 'goods-now-label' }, t('dispute.facts.now')),
      goodsNow(detail),
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

/**
 * Where the goods are now: the open leg's custodian, station and start; nowhere once delivered.
 * @param {ShipmentDetail} detail
 */
function goodsNow(detail) {
  if (detail.shipment.deliveredAt !== null) return h('span', {}, t('dispute.facts.nowDelivered'));
  const leg = detail.legs.find((l) => l.endedAt === null) ?? detail.legs.at(-1);
  if (!leg) return h('span', {}, '—');
  const custodian = currentLang() === 'zh' ? leg.custodian.name : leg.custodian.nameEn;
  return [
    h('strong', { 'data-role': 'current-custodian' }, t('dispute.facts.nowValue', { stage: pick(leg.stageName), custodian })),
    h('span', { class: 'sub' }, leg.station ? t('dispute.facts.nowStation', { station: leg.station, time: formatDateTime(leg.startedAt) }) : formatDateTime(leg.startedAt)),
  ];
}
