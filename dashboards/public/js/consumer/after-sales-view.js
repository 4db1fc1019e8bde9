// @ts-check
/**
 * Where the verdict's "report bad fruit" link lands (`#after-sales`). Until consumers can report online
 * (issue 13, item 3: `POST /api/v1/trace/{traceCode}/after-sales`, not built yet) it says whom to ask:
 * the seller's after-sales, with this page's trace code. The report form replaces this section's body.
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** @param {import('./trace-api.js').Trace} trace */
export function renderAfterSales(trace) {
  return h(
    'section',
    { class: 'card after-sales', id: 'after-sales', 'aria-labelledby': 'after-sales-title', 'data-form': 'pending' },
    h('h2', { id: 'after-sales-title' }, t('consumer.afterSales.title')),
    h('p', { class: 'after-sales-contact' }, t('consumer.afterSales.contact', { code: trace.traceCode })),
    h('p', { class: 'after-sales-soon' }, t('consumer.afterSales.soon')),
  );
}
