// @ts-check
/**
 * The evidence chain's head as last handed to the shipment's parties (issue 11): what a consumer can
 * quote, and a platform or court can check against the evidence bundle (npm run verify --witness).
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatDateTime } from '../time-format.js';

/** @typedef {import('./trace-api.js').Trace} Trace */

/**
 * The evidence card, or nothing before the first handoff.
 * @param {Trace} trace
 */
export function renderEvidence(trace) {
  const head = trace.evidence;
  if (!head) return null;
  return h(
    'section',
    { class: 'card evidence-card', 'aria-labelledby': 'evidence-title' },
    h('h2', { id: 'evidence-title' }, t('consumer.evidence.title')),
    h('p', {}, t('consumer.evidence.text')),
    h('p', { class: 'evidence-head' }, t('consumer.evidence.head', { seq: String(head.seq), time: formatDateTime(head.witnessedAt) })),
    h('p', { class: 'evidence-hash' }, h('code', { translate: 'no' }, t('consumer.evidence.hash', { hash: head.hash }))),
  );
}
