// @ts-check
/**
 * A claim's state and its answer as people read them, in the console's table and the dispute view: the
 * state's name (the domain's words), and the countdown only while the carrier's answer clock runs (filed,
 * acknowledged); after that, when it answered, or when the claim went to the platform unanswered (red).
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { isAnswerClockRunning } from '../claim-turns.js';
import { formatDateTime } from '../time-format.js';
import { showDeadline } from './deadline.js';

/** @typedef {import('./claim-calls.js').LifecycleClaim} LifecycleClaim */
/** @typedef {import('../i18n.js').TextKey} TextKey */

/** The badge's colour by state: waiting on someone (warn), escalated (danger), done (ok), fallen (muted). */
const STATUS_CLASS = {
  filed: 'badge-warn', acknowledged: 'badge-warn', disputed: 'badge-warn', escalated: 'badge-escalated',
  accepted: 'badge-ok', upheld: 'badge-ok', advanced: 'badge-ok', recovered: 'badge-ok', settled: 'badge-muted',
  overturned: 'badge-muted', withdrawn: 'badge-muted',
};

/**
 * The state's name in the language in use (an unknown state, from a newer API, by its key).
 * @param {string} status
 */
export function claimStatusName(status) {
  return status in STATUS_CLASS ? t(/** @type {TextKey} */ (`claims.status.${status}`)) : status;
}

/** @param {LifecycleClaim} claim */
export function claimStatusBadge(claim) {
  const cls = STATUS_CLASS[/** @type {keyof typeof STATUS_CLASS} */ (claim.status)] ?? 'badge-muted';
  return h('span', { class: `badge ${cls}`, 'data-role': 'claim-status', 'data-status': claim.status }, claimStatusName(claim.status));
}

/**
 * Where the carrier's answer stands: a ticking countdown while the clock runs; else when it answered
 * (and, if that was after the escalation, said so), or when the claim was escalated unanswered.
 * @param {LifecycleClaim} claim
 * @param {number} now
 * @returns {import('../dom.js').Child[]}
 */
export function claimAnswer(claim, now) {
  if (isAnswerClockRunning(claim.status)) {
    const countdown = h('span', { class: 'countdown', 'data-role': 'countdown' });
    showDeadline(countdown, claim.respondBy, now);
    return [countdown];
  }
  const answeredAt = claim.answeredAt ?? null;
  const escalatedAt = claim.escalatedAt ?? null;
  if (answeredAt !== null) {
    const isLate = escalatedAt !== null && escalatedAt <= answeredAt;
    return [
      h('span', { 'data-role': 'answered' }, t('claims.answer.answeredAt', { time: formatDateTime(answeredAt) })),
      isLate ? h('span', { class: 'sub is-late', 'data-role': 'escalated' }, t('claims.answer.escalatedAt', { time: formatDateTime(escalatedAt) })) : null,
    ];
  }
  if (escalatedAt !== null) return [h('span', { class: 'is-late', 'data-role': 'escalated' }, t('claims.answer.escalatedAt', { time: formatDateTime(escalatedAt) }))];
  // Closed (withdrawn) before any answer: the deadline it had, and that nobody answered.
  return [h('span', {}, formatDateTime(claim.respondBy)), h('span', { class: 'sub', 'data-role': 'unanswered' }, t('claims.answer.none'))];
}
