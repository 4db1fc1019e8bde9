// @ts-check
/**
 * The excursions, each with its figures and the attribution: who is liable (the custodian of the leg in
 * which it began) or that a person must decide, and the reason in words, as the rules gave it.
 */
import { h } from '../dom.js';
import { currentLang, pick, t } from '../i18n.js';
import { formatDateTime, formatDuration } from '../time-format.js';
import { asSentence, factList, formatTempC } from './fact-list.js';

/** @typedef {import('./dispute-types.js').ShipmentDetail} ShipmentDetail */
/** @typedef {import('./dispute-types.js').Alert} Alert */

/**
 * The shipment's excursion alerts that began while it travelled, oldest first: the same rule as the
 * API's verdict and curve (an alert raised after the delivery time is not the shipment's).
 * @param {ShipmentDetail} detail
 */
export function shipmentExcursions(detail) {
  const { startedAt, deliveredAt } = detail.shipment;
  const end = deliveredAt ?? Number.MAX_SAFE_INTEGER;
  return detail.alerts.filter((a) => a.kind === 'excursion' && a.activeAt >= startedAt && a.activeAt <= end).sort((a, b) => a.activeAt - b.activeAt);
}

/**
 * @param {Alert} alert
 * @param {ShipmentDetail} detail
 * @param {(id: string) => string} orgName
 */
function renderExcursion(alert, detail, orgName) {
  const { attribution } = alert;
  const leg = attribution.legIndex === null ? undefined : detail.legs.find((l) => l.index === attribution.legIndex);
  const isIndeterminate = attribution.status === 'indeterminate';
  return h(
    'article',
    { class: `record excursion${isIndeterminate ? ' is-indeterminate' : ''}`, 'data-alert-id': alert.id },
    h(
      'header',
      { class: 'record-head' },
      h('span', { class: 'badge badge-danger' }, t(`console.tier.${alert.tier}`)),
      h('strong', {}, t(`console.direction.${alert.direction}`, { t: alert.thresholdC })),
      h('span', { class: 'record-peak' }, formatTempC(alert.peakTempC)),
    ),
    factList([
      ['onset', t('dispute.excursion.onset'), formatDateTime(alert.activeAt)],
      ['end', t('dispute.excursion.end'), alert.clearedAt === null ? h('span', { class: 'danger-text' }, t('dispute.excursion.ongoing')) : formatDateTime(alert.clearedAt)],
      ['peak', t('dispute.excursion.peak'), formatTempC(alert.peakTempC)],
      ['duration', t('dispute.excursion.duration'), formatDuration(alert.outsideMs)],
      ['degree-minutes', t('dispute.excursion.degreeMinutes'), t('dispute.excursion.degreeMinutesValue', { n: Math.round(alert.degreeMinutes) })],
      leg ? ['leg', t('dispute.excursion.leg'), `${pick(leg.stageName)} · ${currentLang() === 'zh' ? leg.custodian.name : leg.custodian.nameEn}`] : null,
    ]),
    h(
      'div',
      { class: 'attribution', 'data-role': 'attribution', 'data-status': attribution.status },
      h(
        'p',
        { class: 'attribution-head' },
        h('span', { class: 'attribution-label' }, t('dispute.excursion.liable')),
        isIndeterminate
          ? h('span', { class: 'badge badge-warn' }, t('dispute.excursion.indeterminate'))
          : h('strong', { class: 'liable' }, attribution.orgId ? orgName(attribution.orgId) : '—'),
      ),
      h('p', { class: 'attribution-reason' }, h('span', { class: 'attribution-label' }, t('dispute.excursion.reason')), h('span', { 'data-role': 'reason' }, asSentence(pick(attribution.reason)))),
    ),
  );
}

/**
 * @param {ShipmentDetail} detail
 * @param {(id: string) => string} orgName
 */
export function renderExcursions(detail, orgName) {
  const excursions = shipmentExcursions(detail);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'excursions-title', 'data-section': 'excursions' },
    h('h2', { id: 'excursions-title' }, t('dispute.excursions.title')),
    excursions.length ? h('div', { class: 'records' }, excursions.map((alert) => renderExcursion(alert, detail, orgName))) : h('p', { class: 'empty' }, t('dispute.excursions.none')),
  );
}
