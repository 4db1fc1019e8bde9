// @ts-check
/**
 * Each organisation's score month by month: a table of the kept months (a month never kept says so),
 * beside the line of the ranking. It scrolls inside its card on a phone, never the page.
 */
import { h } from '../dom.js';
import { langTag, t } from '../i18n.js';
import { orgName, trendLine } from './ranking-view.js';

/** @typedef {import('./scorecard-types.js').ScorecardTrend} ScorecardTrend */

/** @param {number} n */
const decimal = (n) => new Intl.NumberFormat(langTag(), { maximumFractionDigits: 1 }).format(n);

/** `2026-11` as the column head: "2026年11月" / "Nov 2026". */
function monthLabel(/** @type {string} */ month) {
  const [year, index] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(langTag(), { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(Date.UTC(year ?? 1970, (index ?? 1) - 1, 15));
}

/** @param {ScorecardTrend} trend */
export function renderTrend(trend) {
  if (!trend.months.some((m) => m.kept)) return h('p', { class: 'empty-note' }, t('scorecards.trend.empty'));
  return h(
    'div',
    { class: 'table-wrap trend-wrap' },
    h(
      'table',
      { class: 'data-table trend-table', id: 'trend' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('scorecards.col.org')),
          h('th', { scope: 'col', class: 'trend-line-col' }, ''),
          trend.months.map((m) => h('th', { scope: 'col', class: 'num', 'data-month': m.month, title: m.kept ? null : t('scorecards.trend.notKept') }, monthLabel(m.month), m.kept ? null : h('span', { class: 'sub' }, t('scorecards.trend.notKept')))),
        ),
      ),
      h(
        'tbody',
        {},
        trend.organisations.map((org) => {
          const name = orgName(org);
          return h(
            'tr',
            { 'data-org': org.orgId },
            h('th', { scope: 'row', class: 'org-name' }, name),
            h('td', { class: 'trend-line-col' }, trendLine(org, name)),
            org.points.map((p, i) =>
              h('td', { class: 'num', 'data-month': p.month }, !trend.months[i]?.kept ? h('span', { class: 'muted' }, t('scorecards.none')) : p.score === null ? h('span', { class: 'muted' }, t('scorecards.noData')) : `${decimal(p.score)}${p.grade ? ` ${p.grade}` : ''}`),
            ),
          );
        }),
      ),
    ),
  );
}
