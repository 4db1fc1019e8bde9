// @ts-check
/** The top of the consumer's page: product, route, the verdict, and how fresh the record is. */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatAgo, formatDateTime, formatDuration } from '../time-format.js';

/** @typedef {import('./trace-api.js').Trace} Trace */

const VERDICT_ICON = { ok: '✓', excursion: '!', unmonitored: '?' };

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

/**
 * @param {Trace} trace
 * @param {number} now
 */
export function renderSummary(trace, now) {
  const verdict = splitVerdict(pick(trace.verdict.text));
  const status = trace.deliveredAt === null ? t('consumer.inTransit') : t('consumer.delivered', { time: formatDateTime(trace.deliveredAt) });
  return [
    h(
      'section',
      { class: 'product', 'aria-labelledby': 'product-name' },
      h('h1', { id: 'product-name', class: 'product-name' }, pick(trace.product)),
      renderRoute(trace),
      h('p', { class: `journey-status ${trace.deliveredAt === null ? 'is-moving' : 'is-delivered'}` }, status),
    ),
    h(
      'section',
      { class: `verdict verdict-${trace.verdict.status}`, role: 'status', 'data-status': trace.verdict.status },
      h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, VERDICT_ICON[trace.verdict.status]),
      h('div', {}, h('p', { class: 'verdict-headline' }, verdict.headline), verdict.detail ? h('p', { class: 'verdict-text' }, verdict.detail) : null),
    ),
    h(
      'p',
      { class: 'freshness' },
      trace.lastReadingAt === null
        ? t('consumer.noReadings')
        : t('consumer.lastUpdated', { time: formatDateTime(trace.lastReadingAt), ago: formatAgo(trace.lastReadingAt, now) }),
    ),
    trace.unmonitoredMs > 0 ? h('p', { class: 'unmonitored' }, t('consumer.unmonitored', { duration: formatDuration(trace.unmonitoredMs) })) : null,
  ];
}
