// @ts-check
/** The live alerts table: one row per alert, with its deadline ticking and the actions a station takes. */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatDateTime } from '../time-format.js';
import { showDeadline } from './deadline.js';

/** @typedef {import('./admin-api.js').Alert} Alert */
/** @typedef {import('./admin-api.js').Shipment} Shipment */
/** @typedef {import('../i18n.js').TextKey} TextKey */

const TIER_CLASS = { 1: 'badge-danger', 2: 'badge-warn', 3: 'badge-muted' };
const STATUS_CLASS = { open: 'badge-danger', acknowledged: 'badge-warn', resolved: 'badge-ok' };
/** @type {TextKey[]} */
const COLUMNS = ['console.col.tier', 'console.col.status', 'console.col.shipment', 'console.col.peak', 'console.col.outside', 'console.col.attribution', 'console.col.respondBy', 'console.col.actions'];

/**
 * @typedef {{
 *   now: number,
 *   orgName: (id: string) => string,
 *   shipments: Map<string, Shipment>,
 *   isFresh: (id: string) => boolean,
 *   busyIds: Set<string>,
 *   onAcknowledge: (alert: Alert) => void,
 *   onResolve: (alert: Alert) => void,
 * }} AlertRowContext
 */

/**
 * @param {Alert[]} alerts
 * @param {AlertRowContext} context
 */
export function renderAlertsTable(alerts, context) {
  return h(
    'table',
    { class: 'data-table alerts-table' },
    h('thead', {}, h('tr', {}, COLUMNS.map((key) => h('th', { scope: 'col' }, t(key))))),
    h(
      'tbody',
      {},
      alerts.length ? alerts.map((alert) => renderRow(alert, context)) : h('tr', { class: 'empty-row' }, h('td', { colspan: COLUMNS.length }, t('console.alerts.empty'))),
    ),
  );
}

/**
 * @param {Alert} alert
 * @param {AlertRowContext} context
 */
function renderRow(alert, context) {
  const shipment = context.shipments.get(alert.shipmentId);
  const isBusy = context.busyIds.has(alert.id);
  const isOverdue = alert.status === 'open' && alert.respondBy < context.now;
  return h(
    'tr',
    {
      'data-alert-id': alert.id,
      'data-status': alert.status,
      class: [`tier-${alert.tier}`, `status-${alert.status}`, isOverdue ? 'is-overdue' : '', context.isFresh(alert.id) ? 'is-new' : ''].filter(Boolean).join(' '),
    },
    h('td', { 'data-col': 'tier' }, h('span', { class: `badge ${TIER_CLASS[alert.tier]}` }, t(`console.tier.${alert.tier}`))),
    h(
      'td',
      { 'data-col': 'status' },
      h('span', { class: `badge ${STATUS_CLASS[alert.status]}` }, t(`console.status.${alert.status}`)),
      h('span', { class: `condition condition-${alert.conditionState}` }, t(`console.condition.${alert.conditionState}`)),
    ),
    h(
      'td',
      { 'data-col': 'shipment' },
      h('span', { class: 'mono' }, alert.shipmentId),
      shipment ? h('span', { class: 'sub' }, `${shipment.origin} → ${shipment.destination}`) : null,
      h('span', { class: 'sub' }, t(`console.direction.${alert.direction}`, { t: alert.thresholdC }), ' · ', formatDateTime(alert.activeAt)),
    ),
    h('td', { 'data-col': 'peak', class: 'num' }, `${alert.peakTempC.toFixed(1)}\u00a0°C`),
    h('td', { 'data-col': 'outside', class: 'num' }, t('console.minutes', { n: Math.round(alert.outsideMs / 60_000) })),
    h(
      'td',
      { 'data-col': 'attribution', class: 'reason' },
      alert.attribution.status === 'indeterminate'
        ? h('span', { class: 'badge badge-warn' }, t('console.review'))
        : alert.attribution.orgId
          ? h('strong', { class: 'liable' }, context.orgName(alert.attribution.orgId))
          : null,
      h('span', { class: 'sub' }, pick(alert.attribution.reason)),
    ),
    h('td', { 'data-col': 'respond-by', class: 'num' }, respondByCell(alert, context.now)),
    h(
      'td',
      { 'data-col': 'actions', class: 'actions' },
      alert.status === 'open'
        ? h('button', { type: 'button', class: 'button', disabled: isBusy, onclick: () => context.onAcknowledge(alert) }, t('console.action.ack'))
        : null,
      alert.status !== 'resolved'
        ? h('button', { type: 'button', class: 'button button-quiet', disabled: isBusy, onclick: () => context.onResolve(alert) }, t('console.action.resolve'))
        : null,
    ),
  );
}

/**
 * An open alert counts down to its deadline; an acknowledged or resolved one says who acted, when.
 * @param {Alert} alert
 * @param {number} now
 */
function respondByCell(alert, now) {
  if (alert.status === 'resolved' && alert.resolvedAt !== null) {
    return h('span', { class: 'sub' }, t('console.resolvedBy', { by: alert.resolvedBy ?? '—', time: formatDateTime(alert.resolvedAt) }));
  }
  if (alert.status === 'acknowledged' && alert.acknowledgedAt !== null) {
    return h('span', { class: 'sub' }, t('console.ackedBy', { by: alert.acknowledgedBy ?? '—', time: formatDateTime(alert.acknowledgedAt) }));
  }
  const countdown = h('span', { class: 'countdown' });
  showDeadline(countdown, alert.respondBy, now);
  return [countdown, h('span', { class: 'sub' }, formatDateTime(alert.respondBy))];
}
