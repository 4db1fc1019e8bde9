// @ts-check
/**
 * The live alerts table: one row per alert, with its deadline ticking and the actions a station takes.
 * Excursions carry their measures and liability; warnings and no-data alerts carry a message instead,
 * and warnings are drawn quieter than excursions. An excursion back in range that nobody has seen yet
 * is "cleared, awaiting acknowledgement", not firing and not done; resolving asks for a note. The
 * buttons show only to someone who may act (an operator of the station holding the goods); the actor is
 * the signed-in user. Each cell carries its column's name, so on a narrow screen a row stacks as a card
 * with its buttons inside it.
 */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { dayKey, formatClock, formatDateTime } from '../time-format.js';
import { showDeadline } from './deadline.js';
import { shipmentLink } from './shipment-link.js';
import { describeResolution, silenceReasonText } from './system-texts.js';

/** @typedef {import('./api-client.js').Alert} Alert */
/** @typedef {import('./api-client.js').Silence} Silence */
/** @typedef {import('./api-client.js').Shipment} Shipment */
/** @typedef {import('../i18n.js').TextKey} TextKey */

const TIER_CLASS = { 1: 'badge-danger', 2: 'badge-warn', 3: 'badge-muted' };
const STATUS_CLASS = { open: 'badge-danger', acknowledged: 'badge-warn', resolved: 'badge-ok' };
// An open warning needs a look, not an emergency response.
const WARNING_STATUS_CLASS = { open: 'badge-warn', acknowledged: 'badge-muted', resolved: 'badge-ok' };
/** @type {TextKey[]} */
const COLUMNS = ['console.col.tier', 'console.col.status', 'console.col.shipment', 'console.col.peak', 'console.col.outside', 'console.col.attribution', 'console.col.respondBy', 'console.col.actions'];

/**
 * @typedef {{
 *   now: number,
 *   orgName: (id: string) => string,
 *   shipments: Map<string, Shipment>,
 *   isFresh: (id: string) => boolean,
 *   busyIds: Set<string>,
 *   silenceOf: (alert: Alert) => Silence | undefined,
 *   onAcknowledge: (alert: Alert) => void,
 *   onResolve: (alert: Alert) => void,
 *   onSilence: (alert: Alert) => void,
 *   resolving: Map<string, ResolveDraft>,
 *   onNoteInput: (alert: Alert, note: string) => void,
 *   onConfirmResolve: (alert: Alert) => void,
 *   onCancelResolve: (alert: Alert) => void,
 *   actionRight: (alert: Alert) => ActionRight,
 * }} AlertRowContext
 * @typedef {'act' | 'not-ours' | 'view-only'} ActionRight whether the signed-in user may act on an alert, and if not why
 * @typedef {{ note: string, isRefused: boolean }} ResolveDraft the note being written, and whether an empty one was refused
 */

/**
 * Cleared by itself, not yet acknowledged by anyone (ThingsBoard's CLEARED_UNACK): derived, not stored.
 * @param {Alert} alert
 */
export function isClearedUnacknowledged(alert) {
  return alert.status === 'open' && alert.conditionState === 'cleared';
}

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
  const isExcursion = alert.kind === 'excursion';
  const silence = alert.status === 'resolved' ? undefined : context.silenceOf(alert);
  const draft = alert.status === 'resolved' ? undefined : context.resolving.get(alert.id);
  const right = alert.status === 'resolved' ? 'act' : context.actionRight(alert);
  return h(
    'tr',
    {
      'data-alert-id': alert.id,
      'data-status': alert.status,
      'data-condition': alert.conditionState,
      'data-kind': alert.kind,
      class: [
        `tier-${alert.tier}`,
        `status-${alert.status}`,
        `kind-${alert.kind}`,
        isClearedUnacknowledged(alert) ? 'is-cleared-unacked' : '',
        isOverdue ? 'is-overdue' : '',
        silence ? 'is-silenced' : '',
        context.isFresh(alert.id) ? 'is-new' : '',
      ]
        .filter(Boolean)
        .join(' '),
    },
    h(
      'td',
      { 'data-col': 'tier', 'data-label': t('console.col.tier') },
      h('span', { class: `badge ${TIER_CLASS[alert.tier]}` }, t(`console.tier.${alert.tier}`)),
      alert.kind === 'excursion' ? null : h('span', { class: 'sub kind' }, t(`console.kind.${alert.kind}`)),
    ),
    h('td', { 'data-col': 'status', 'data-label': t('console.col.status') }, statusCell(alert, silence, context.now)),
    h(
      'td',
      { 'data-col': 'shipment', 'data-label': t('console.col.shipment') },
      shipmentLink(alert.shipmentId),
      shipment ? h('span', { class: 'sub' }, `${shipment.origin} → ${shipment.destination}`) : null,
      // A warning's threshold may be a humidity and a no-data alert has none: its message says what it is.
      isExcursion
        ? h('span', { class: 'sub' }, t(`console.direction.${alert.direction}`, { t: alert.thresholdC }), ' · ', formatDateTime(alert.activeAt))
        : h('span', { class: 'sub' }, formatDateTime(alert.activeAt)),
    ),
    h('td', { 'data-col': 'peak', 'data-label': t('console.col.peak'), class: 'num' }, isExcursion ? `${alert.peakTempC.toFixed(1)}\u00a0°C` : '—'),
    h('td', { 'data-col': 'outside', 'data-label': t('console.col.outside'), class: 'num' }, isExcursion ? t('console.minutes', { n: Math.round(alert.outsideMs / 60_000) }) : '—'),
    h('td', { 'data-col': 'attribution', 'data-label': t('console.col.attribution'), class: 'reason' }, isExcursion ? attributionCell(alert, context) : messageCell(alert)),
    h('td', { 'data-col': 'respond-by', 'data-label': t('console.col.respondBy'), class: 'num' }, respondByCell(alert, context.now)),
    h('td', { 'data-col': 'actions', 'data-label': t('console.col.actions'), class: 'actions' }, actionsCell(alert, right, { isBusy, silence, draft }, context)),
  );
}

/**
 * The buttons, or why there are none: a viewer's account, or an alert for the station holding the goods.
 * @param {Alert} alert
 * @param {ActionRight} right
 * @param {{ isBusy: boolean, silence: Silence | undefined, draft: ResolveDraft | undefined }} state
 * @param {AlertRowContext} context
 */
function actionsCell(alert, right, { isBusy, silence, draft }, context) {
  if (alert.status === 'resolved') return null;
  if (right === 'view-only') return h('span', { class: 'sub no-action', 'data-role': 'no-action' }, t('console.action.viewOnly'));
  if (right === 'not-ours') return h('span', { class: 'sub no-action', 'data-role': 'no-action' }, t('console.action.notOurs'));
  return h(
    'div',
    { class: 'action-buttons' },
    alert.status === 'open'
      ? h('button', { type: 'button', class: 'button', 'data-action': 'ack', disabled: isBusy, onclick: () => context.onAcknowledge(alert) }, t('console.action.ack'))
      : null,
    !draft
      ? h('button', { type: 'button', class: 'button button-quiet', 'data-action': 'resolve', disabled: isBusy, onclick: () => context.onResolve(alert) }, t('console.action.resolve'))
      : null,
    !silence
      ? h(
          'button',
          { type: 'button', class: 'button button-quiet', 'data-action': 'silence', title: t('console.action.silenceHint'), disabled: isBusy, onclick: () => context.onSilence(alert) },
          t('console.action.silence'),
        )
      : null,
    draft ? resolveForm(alert, draft, isBusy, context) : null,
  );
}

/**
 * The status and condition, then what happened since: escalation, reminders, a silence.
 * @param {Alert} alert
 * @param {Silence | undefined} silence
 * @param {number} now
 */
function statusCell(alert, silence, now) {
  const statusClass = alert.kind === 'warning' ? WARNING_STATUS_CLASS : STATUS_CLASS;
  const condition = alert.kind === 'excursion' ? t(`console.condition.${alert.conditionState}`) : t(`console.condition.${alert.kind}.${alert.conditionState}`);
  const reminders = alert.reminders ?? 0;
  return [
    // Back in range but unseen: one state of its own, neither "still out of range" nor done.
    ...(isClearedUnacknowledged(alert)
      ? [h('span', { class: 'badge badge-cleared' }, t('console.status.clearedUnacked'))]
      : [h('span', { class: `badge ${statusClass[alert.status]}` }, t(`console.status.${alert.status}`)), h('span', { class: `condition condition-${alert.conditionState}` }, condition)]),
    alert.escalatedAt
      ? h('span', { class: 'flag' }, h('span', { class: 'badge badge-escalated', title: t('console.escalatedAt', { time: formatDateTime(alert.escalatedAt) }) }, t('console.escalated')))
      : null,
    silence
      ? h(
          'span',
          { class: 'flag' },
          h('span', { class: 'badge badge-silenced', title: t('console.silencedBy', { by: silence.createdBy, reason: silenceReasonText(silence.reason) }) }, t('console.silenced', { time: formatUntil(silence.endsAt, now) })),
        )
      : null,
    reminders > 0 ? h('span', { class: 'sub reminders' }, t(reminders === 1 ? 'console.reminders.one' : 'console.reminders.other', { n: reminders })) : null,
  ];
}

/**
 * A time later today as "16:30", another day with its date.
 * @param {number} at
 * @param {number} now
 */
function formatUntil(at, now) {
  return dayKey(at) === dayKey(now) ? formatClock(at) : formatDateTime(at);
}

/**
 * Who is liable for an excursion, or that a person must decide, and why.
 * @param {Alert} alert
 * @param {AlertRowContext} context
 */
function attributionCell(alert, context) {
  return [
    alert.attribution.status === 'indeterminate'
      ? h('span', { class: 'badge badge-warn' }, t('console.review'))
      : alert.attribution.orgId
        ? h('strong', { class: 'liable' }, context.orgName(alert.attribution.orgId))
        : null,
    h('span', { class: 'sub' }, pick(alert.attribution.reason)),
  ];
}

/**
 * A warning or no-data alert says what it saw; nobody is liable for it ("预警，不涉及责任认定"), so
 * there is nothing to review.
 * @param {Alert} alert
 */
function messageCell(alert) {
  return [alert.message ? h('span', { class: 'alert-message' }, pick(alert.message)) : null, h('span', { class: 'sub' }, pick(alert.attribution.reason))];
}

/**
 * An open alert counts down to its deadline; an acknowledged or resolved one says who acted, when.
 * @param {Alert} alert
 * @param {number} now
 */
function respondByCell(alert, now) {
  if (alert.status === 'resolved' && alert.resolvedAt !== null) {
    // The system's words are translated; a person's note is shown as they wrote it.
    const { by, note, isSystem } = describeResolution(alert);
    const time = formatDateTime(alert.resolvedAt);
    return [
      h('span', { class: 'sub resolved-by' }, isSystem ? t('console.resolvedBySystem', { time }) : t('console.resolvedBy', { by, time })),
      note ? h('span', { class: 'sub resolution-note' }, t('console.resolutionNote', { note })) : null,
    ];
  }
  if (alert.status === 'acknowledged' && alert.acknowledgedAt !== null) {
    return h('span', { class: 'sub' }, t('console.ackedBy', { by: alert.acknowledgedBy ?? '—', time: formatDateTime(alert.acknowledgedAt) }));
  }
  const countdown = h('span', { class: 'countdown' });
  showDeadline(countdown, alert.respondBy, now);
  return [countdown, h('span', { class: 'sub' }, formatDateTime(alert.respondBy))];
}

/**
 * Resolving by hand needs a note (the API refuses without one): what was done or found, for whoever reads
 * the alert later. An empty note is refused here first, with the reason beside the field.
 * @param {Alert} alert
 * @param {ResolveDraft} draft
 * @param {boolean} isBusy
 * @param {AlertRowContext} context
 */
function resolveForm(alert, draft, isBusy, context) {
  const errorId = `resolve-error-${alert.id}`;
  return h(
    'form',
    {
      class: 'resolve-form',
      'data-role': 'resolve-form',
      novalidate: true,
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        context.onConfirmResolve(alert);
      },
    },
    h(
      'label',
      { class: 'field' },
      t('console.resolve.noteLabel'),
      h('textarea', {
        name: 'note',
        rows: 2,
        maxlength: 2000,
        'data-alert-id': alert.id,
        placeholder: t('console.resolve.notePlaceholder'),
        'aria-invalid': draft.isRefused ? 'true' : 'false',
        'aria-describedby': draft.isRefused ? errorId : undefined,
        oninput: (/** @type {Event} */ event) => context.onNoteInput(alert, /** @type {HTMLTextAreaElement} */ (event.target).value),
      }, draft.note),
    ),
    draft.isRefused ? h('span', { class: 'error', id: errorId, role: 'alert' }, t('console.resolve.noteRequired')) : null,
    h(
      'span',
      { class: 'resolve-buttons' },
      h('button', { type: 'submit', class: 'button', disabled: isBusy }, t('console.resolve.confirm')),
      h('button', { type: 'button', class: 'button button-quiet', disabled: isBusy, onclick: () => context.onCancelResolve(alert) }, t('console.resolve.cancel')),
    ),
  );
}
