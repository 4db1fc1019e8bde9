// @ts-check
/**
 * A consumer's after-sales request in plain words: what was decided ("已批准，¥300.00 已退款"), or who
 * decides by when ("等待主播在 11月24日 14:30 前处理"), why, and its history. The words are chosen from
 * the request's state and remedy as the API sent them; the page decides nothing.
 */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';

/** @typedef {import('./after-sales-api.js').PublicRequest} PublicRequest */

/**
 * What the remedy comes to, in the words of an approved (`approved`) or done (`paid`) request.
 * @param {PublicRequest} request
 * @param {'approved' | 'paid'} stage
 */
function remedyWords(request, stage) {
  const amount = formatMoney(request.valueCents, request.currency || 'CNY');
  const resend = request.resend;
  if (request.remedy === 'full_refund') return t(`afterSales.request.${stage}.refund`, { amount });
  if (resend && 'boxes' in resend) return t(`afterSales.request.${stage}.resendOrder`, { boxes: resend.boxes });
  if (resend && 'fruits' in resend) return t(`afterSales.request.${stage}.resendFruits`, { fruits: resend.fruits });
  return t('afterSales.request.approved.none');
}

/**
 * The state in plain words, and its tone: done (green), waiting (blue), closed (grey).
 * @param {PublicRequest} request
 * @returns {{ words: string, tone: 'done' | 'waiting' | 'closed' }}
 */
export function plainState(request) {
  switch (request.state) {
    case 'paid':
      return { words: remedyWords(request, 'paid'), tone: 'done' };
    case 'approved':
      return { words: remedyWords(request, 'approved'), tone: 'done' };
    case 'awaiting_shipper':
      return { words: request.decideBy ? t('afterSales.request.waiting', { time: formatDateTime(request.decideBy) }) : pick(request.stateName), tone: 'waiting' };
    case 'escalated':
      return { words: t('afterSales.request.escalated'), tone: 'waiting' };
    case 'rejected':
      return { words: t('afterSales.request.rejected'), tone: 'closed' };
    default:
      return { words: t('afterSales.request.received'), tone: 'waiting' };
  }
}

/** @param {PublicRequest} request */
function renderHistory(request) {
  if (!request.history.length) return null;
  return h(
    'details',
    { class: 'as-history', open: request.history.length <= 4 },
    h('summary', {}, t('afterSales.request.history')),
    h(
      'ol',
      {},
      [...request.history].reverse().map((step) =>
        h(
          'li',
          { 'data-state': step.state },
          h('span', { class: 'as-history-time' }, formatDateTime(step.at)),
          h('strong', { class: 'as-history-state' }, pick(step.stateName)),
          h('span', { class: 'as-history-reason' }, pick(step.reason)),
        ),
      ),
    ),
  );
}

/**
 * @param {PublicRequest} request
 * @param {{ onRefresh: () => void, isRefreshing: boolean }} options
 */
export function renderRequest(request, options) {
  const { words, tone } = plainState(request);
  const isOpen = tone === 'waiting';
  return h(
    'article',
    { class: `as-request as-tone-${tone}`, 'data-request-id': request.id, 'data-state': request.state, 'aria-labelledby': `as-state-${request.id}` },
    h('p', { class: 'as-request-state', id: `as-state-${request.id}`, role: 'status' }, words),
    h('p', { class: 'as-request-why' }, t('afterSales.request.why', { reason: pick(request.decision.reason) })),
    h('p', { class: 'as-request-meta' }, t('afterSales.request.reported', { time: formatDateTime(request.reportedAt), bad: request.badCount, total: request.totalCount, boxes: request.boxes })),
    h('p', { class: 'as-request-id' }, t('afterSales.request.number', { id: request.id })),
    renderHistory(request),
    isOpen
      ? h('button', { class: 'button button-quiet as-refresh', type: 'button', disabled: options.isRefreshing, onclick: options.onRefresh }, t(options.isRefreshing ? 'afterSales.request.refreshing' : 'afterSales.request.refresh'))
      : null,
  );
}
