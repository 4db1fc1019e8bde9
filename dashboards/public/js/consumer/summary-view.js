// @ts-check
/** The top of the consumer's page: product, route, the verdict in plain words, and how fresh the record is. */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatAgo, formatDateTime } from '../time-format.js';

/** @typedef {import('./trace-api.js').Trace} Trace */

/**
 * Splits the server's verdict ("温度异常：在「枢纽仓」阶段…") into a headline and the detail, at its
 * first colon; a verdict without one is all headline. Numbers stay on one line with their unit.
 * @param {string} text
 * @returns {{ headline: string, detail: string }}
 */
export function splitVerdict(text) {
  const glued = text.replace(/(\d) °C/g, '$1\u00a0°C');
  const match = glued.match(/^(.{2,40}?)(?:：|: )(.+)$/s);
  if (!match?.[1] || !match[2]) return { headline: glued, detail: '' };
  return { headline: match[1], detail: match[2].charAt(0).toUpperCase() + match[2].slice(1) };
}

/**
 * Where from and where to, as the shipper chose to show them; a place left out (it held personal data)
 * is not drawn, and the line goes when neither is shown.
 * @param {Trace} trace
 */
function renderRoute(trace) {
  if (!trace.origin && !trace.destination) return null;
  return h(
    'p',
    { class: 'route' },
    trace.origin ? h('span', {}, trace.origin) : null,
    h('span', { class: 'route-arrow', 'aria-hidden': 'true' }, '→'),
    trace.destination ? h('span', {}, trace.destination) : null,
  );
}

/** The headline's mark, by situation (the server's classification: consumer-verdict.ts). */
const SITUATION_ICON = { fine: '✓', fine_minor: '✓', in_transit: '→', possibly_damaged: '!', unmonitored: '?', no_readings: '?' };

/**
 * Numbers stay on one line with their unit.
 * @param {string} text
 */
function glueUnits(text) {
  return text.replace(/(\d) °C/g, '$1\u00a0°C');
}

/**
 * The verdict in plain words, as the server decided it: the headline, what happened, a minor deviation
 * said softly, what to do, and the way to the after-sales report when the fruit may be damaged. The
 * colour is the server's too, so nothing below it can say otherwise.
 * @param {Trace} trace
 */
function renderVerdict(trace) {
  const v = trace.consumerVerdict;
  return h(
    'section',
    {
      class: `verdict verdict-tone-${v.tone}`,
      role: 'status',
      // data-status is the technical verdict's (ok, excursion, unmonitored), kept for tools that read it.
      'data-status': trace.verdict.status,
      'data-situation': v.situation,
      'data-tone': v.tone,
    },
    h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, SITUATION_ICON[v.situation]),
    h(
      'div',
      { class: 'verdict-body' },
      h('h2', { class: 'verdict-headline' }, pick(v.headline)),
      v.detail ? h('p', { class: 'verdict-text' }, glueUnits(pick(v.detail))) : null,
      v.note ? h('p', { class: 'verdict-note' }, glueUnits(pick(v.note))) : null,
      h('p', { class: 'verdict-advice' }, pick(v.advice)),
      v.action === 'report' ? h('a', { class: 'button verdict-report', href: '#after-sales' }, t('consumer.report.button')) : null,
      v.action === 'check' ? h('a', { class: 'verdict-check', href: '#after-sales' }, t('consumer.report.link')) : null,
    ),
  );
}

/**
 * @param {Trace} trace
 * @param {number} now
 */
export function renderSummary(trace, now) {
  const status = trace.deliveredAt === null ? t('consumer.inTransit') : t('consumer.delivered', { time: formatDateTime(trace.deliveredAt) });
  return [
    h(
      'section',
      { class: 'product', 'aria-labelledby': 'product-name' },
      h('h1', { id: 'product-name', class: 'product-name' }, pick(trace.product)),
      renderRoute(trace),
      // Where the box is, not how the fruit is: neutral, so it never disagrees with the verdict's colour.
      h('p', { class: `journey-status ${trace.deliveredAt === null ? 'is-moving' : 'is-arrived'}` }, status),
    ),
    renderVerdict(trace),
    h(
      'p',
      { class: 'freshness' },
      trace.lastReadingAt === null
        ? t('consumer.noReadings')
        : t('consumer.lastUpdated', { time: formatDateTime(trace.lastReadingAt), ago: formatAgo(trace.lastReadingAt, now) }),
    ),
  ];
}
