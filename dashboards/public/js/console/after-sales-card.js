// @ts-check
/**
 * One after-sales request in the streamer's queue, as a card: the consumer's photos (thumbnails that
 * open larger), what was reported and what the rules give (remedy, value, order number), the time left
 * to decide, the shipment's evidence beside it (dispute view with the curve, the claim and its state,
 * the trace code), and the decision: approve with a reason the streamer may edit, or reject with one.
 */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { showDeadline } from './deadline.js';
import { disputeViewPath, shipmentLink } from './shipment-link.js';

/** @typedef {import('./after-sales-calls.js').QueueItem} QueueItem */
/** @typedef {import('./after-sales-calls.js').AfterSalesDetail} AfterSalesDetail */
/** @typedef {import('../i18n.js').TextKey} TextKey */

/**
 * @typedef {{
 *   now: number,
 *   detail: AfterSalesDetail | undefined,
 *   canDecide: boolean,
 *   isViewer: boolean,
 *   reason: string,
 *   reasonError: string,
 *   busy: 'approve' | 'reject' | undefined,
 *   failure: string,
 *   orgName: (id: string) => string,
 *   onReason: (text: string) => void,
 *   onDecide: (decision: 'approve' | 'reject') => void,
 *   onPhoto: (src: string, alt: string) => void,
 * }} CardContext
 */

const OPEN_STATES = new Set(['received', 'awaiting_shipper', 'escalated', 'approved']);
const STATE_BADGE = { received: 'badge-muted', awaiting_shipper: 'badge-warn', escalated: 'badge-danger', approved: 'badge-ok', paid: 'badge-ok', rejected: 'badge-muted' };

/** @param {QueueItem} item */
export function isOpen(item) {
  return OPEN_STATES.has(item.state);
}

/** @param {QueueItem} item */
function remedyText(item) {
  const amount = formatMoney(item.valueCents, 'CNY');
  const resend = item.resend;
  const boxes = resend && 'boxes' in resend ? resend.boxes : item.boxes;
  const fruits = resend && 'fruits' in resend ? resend.fruits : item.badCount;
  return t(/** @type {TextKey} */ (`afterSales.queue.remedy.${item.remedy}`), { amount, boxes, fruits });
}

/**
 * A label and its value, as a definition pair.
 * @param {TextKey} label
 * @param {import('../dom.js').Child | import('../dom.js').Child[]} value
 * @param {string} role
 */
function fact(label, value, role) {
  return h('div', { class: 'asq-fact', 'data-role': role }, h('dt', {}, t(label)), h('dd', {}, value));
}

/**
 * @param {QueueItem} item
 * @param {CardContext} context
 */
function renderPhotos(item, context) {
  const urls = context.detail?.photos ?? Array.from({ length: item.photoCount }, (_, i) => `/api/v1/after-sales/${encodeURIComponent(item.id)}/photos/${i}`);
  if (!urls.length) return h('div', { class: 'asq-photos is-empty' }, h('span', { class: 'asq-no-photos' }, t('afterSales.queue.noPhotos')));
  return h(
    'ul',
    { class: 'asq-photos', 'aria-label': t('afterSales.queue.photos') },
    urls.map((src, i) => {
      const alt = t('afterSales.queue.photoAlt', { id: item.id, n: i + 1 });
      return h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'asq-thumb', title: t('afterSales.queue.photoOpen'), 'aria-label': `${t('afterSales.queue.photoOpen')}: ${alt}`, onclick: () => context.onPhoto(src, alt) },
          h('img', { src, alt, loading: 'lazy', decoding: 'async' }),
        ),
      );
    }),
  );
}

/**
 * @param {QueueItem} item
 * @param {CardContext} context
 */
function renderFacts(item, context) {
  const deadline = h('span', { class: 'countdown' });
  const showsDeadline = item.state === 'awaiting_shipper' && item.decideBy !== null;
  if (showsDeadline && item.decideBy !== null) showDeadline(deadline, item.decideBy, context.now);
  const pct = `${Number(((item.badCount * 100) / item.totalCount).toFixed(1))}%`;
  return h(
    'div',
    { class: 'asq-main' },
    h(
      'div',
      { class: 'asq-head' },
      h('span', { class: `badge ${STATE_BADGE[item.state] ?? 'badge-muted'}`, 'data-role': 'state' }, pick(item.stateName)),
      showsDeadline ? h('span', { class: 'asq-deadline', 'data-role': 'deadline' }, deadline) : null,
      item.shipment ? h('span', { class: 'asq-route' }, `${item.shipment.origin} → ${item.shipment.destination}`) : null,
    ),
    h('p', { class: 'asq-count', 'data-role': 'count' }, t('afterSales.queue.count', { bad: item.badCount, total: item.totalCount, pct, boxes: item.boxes })),
    h(
      'dl',
      { class: 'asq-facts' },
      fact('afterSales.queue.remedy', h('strong', {}, remedyText(item)), 'remedy'),
      fact('afterSales.queue.orderRef', item.orderRef ? h('span', { class: 'mono' }, item.orderRef) : h('span', { class: 'sub' }, t('afterSales.queue.noOrderRef')), 'order-ref'),
      fact('afterSales.queue.reportedAt', formatDateTime(item.reportedAt), 'reported'),
      showsDeadline && item.decideBy !== null
        ? fact('afterSales.queue.decideBy', [formatDateTime(item.decideBy), item.escalateAt ? h('span', { class: 'sub' }, t('afterSales.queue.escalateAt', { time: formatDateTime(item.escalateAt) })) : null], 'decide-by')
        : null,
    ),
  );
}

/**
 * @param {QueueItem} item
 * @param {CardContext} context
 */
function renderEvidence(item, context) {
  const claim = context.detail?.claim;
  const traceCode = item.shipment?.traceCode;
  return h(
    'div',
    { class: 'asq-evidence' },
    h('h3', {}, t('afterSales.queue.evidence')),
    h(
      'dl',
      { class: 'asq-facts' },
      fact('afterSales.queue.shipment', [shipmentLink(item.shipmentId), h('a', { class: 'asq-curve-link', href: disputeViewPath(item.shipmentId), 'data-role': 'curve-link' }, t('afterSales.queue.curve'))], 'shipment'),
      traceCode
        ? fact('afterSales.queue.traceCode', [h('span', { class: 'mono' }, traceCode), h('a', { class: 'asq-trace-link', href: `/t/${encodeURIComponent(traceCode)}`, target: '_blank', rel: 'noopener' }, t('afterSales.queue.tracePage'))], 'trace-code')
        : null,
      fact(
        'afterSales.queue.claim',
        claim
          ? [
              h('span', {}, t('afterSales.queue.claimLine', { org: context.orgName(claim.liableOrgId), amount: formatMoney(claim.amountCents, claim.currency || 'CNY') })),
              h('span', { class: 'badge badge-muted', 'data-role': 'claim-status' }, t(/** @type {TextKey} */ (`afterSales.claimStatus.${claim.status}`))),
            ]
          : h('span', { class: 'sub' }, item.claimId ? '…' : t('afterSales.queue.noClaim')),
        'claim',
      ),
      fact('afterSales.queue.ruling', h('span', { class: 'asq-reason' }, pick(item.decisionReason)), 'ruling'),
    ),
  );
}

/**
 * @param {QueueItem} item
 * @param {CardContext} context
 */
function renderDecision(item, context) {
  if (!context.canDecide) {
    if (!isOpen(item)) return null;
    const note = context.isViewer
      ? 'afterSales.queue.viewOnly'
      : item.state === 'approved' || item.state === 'received'
        ? 'afterSales.queue.notYours'
        : item.state === 'awaiting_shipper'
          ? 'afterSales.queue.streamersTurn'
          : null;
    return note ? h('div', { class: 'asq-actions' }, h('p', { class: 'sub' }, t(note))) : null;
  }
  const isBusy = context.busy !== undefined;
  const fieldId = `asq-reason-${item.id}`;
  return h(
    'div',
    { class: 'asq-actions' },
    h('label', { for: fieldId, class: 'asq-reason-label' }, t('afterSales.queue.reasonLabel')),
    h(
      'textarea',
      {
        id: fieldId,
        'data-request-id': item.id,
        rows: 3,
        maxlength: 500,
        placeholder: t('afterSales.queue.rejectPlaceholder'),
        disabled: isBusy,
        'aria-invalid': context.reasonError ? 'true' : 'false',
        'aria-describedby': `${fieldId}-error`,
        oninput: (/** @type {Event} */ event) => context.onReason(/** @type {HTMLTextAreaElement} */ (event.target).value),
      },
      context.reason,
    ),
    h('p', { class: 'error', id: `${fieldId}-error`, role: 'alert', hidden: !context.reasonError && !context.failure }, context.reasonError || context.failure),
    h(
      'div',
      { class: 'action-buttons' },
      h('button', { type: 'button', class: 'button', 'data-action': 'approve', disabled: isBusy, onclick: () => context.onDecide('approve') }, t(context.busy === 'approve' ? 'afterSales.queue.busy' : 'afterSales.queue.approve')),
      h('button', { type: 'button', class: 'button button-quiet button-danger', 'data-action': 'reject', disabled: isBusy, onclick: () => context.onDecide('reject') }, t(context.busy === 'reject' ? 'afterSales.queue.busy' : 'afterSales.queue.reject')),
    ),
  );
}

/**
 * @param {QueueItem} item
 * @param {CardContext} context
 */
export function renderAfterSalesCard(item, context) {
  return h(
    'article',
    { class: `asq-card state-${item.state}`, 'data-request-id': item.id, 'data-state': item.state },
    renderPhotos(item, context),
    renderFacts(item, context),
    renderEvidence(item, context),
    renderDecision(item, context),
  );
}
