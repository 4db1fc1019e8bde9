// @ts-check
/**
 * The month's ranking: one row per organisation, best first, with its score and grade, the figures the
 * score is made of, and its trend over the months. On a desk a table; on a phone each row is a card of
 * labelled figures (scorecards.css).
 */
import { h } from '../dom.js';
import { currentLang, langTag, pick, t } from '../i18n.js';
import { formatDuration } from '../time-format.js';
import { renderSparkline } from './sparkline.js';

/** @typedef {import('./scorecard-types.js').Scorecard} Scorecard */
/** @typedef {import('./scorecard-types.js').OrgTrend} OrgTrend */
/** @typedef {import('./scorecard-types.js').Grade} Grade */

/** @type {Record<Grade, string>} */
const GRADE_BADGE = { A: 'badge-ok', B: 'badge-ok', C: 'badge-warn', D: 'badge-danger' };

/** @param {number} n */
const decimal = (n) => new Intl.NumberFormat(langTag(), { maximumFractionDigits: 1 }).format(n);

/** @param {{ orgId: string, orgName: import('./scorecard-types.js').LocalizedText | null }} org */
export function orgName(org) {
  return org.orgName ? pick(org.orgName) : org.orgId;
}

/** @param {Grade | null} grade */
export function gradeBadge(grade) {
  if (!grade) return h('span', { class: 'badge badge-muted grade' }, t('scorecards.noData'));
  return h('span', { class: `badge ${GRADE_BADGE[grade]} grade`, 'data-grade': grade }, `${grade} · ${t(/** @type {any} */ (`scorecards.grade.${grade}`))}`);
}

/** @param {number | null} ms */
const duration = (ms) => (ms === null ? t('scorecards.none') : formatDuration(ms));

/**
 * The month's score against the month before it, from the trend (both kept and scored), or nothing.
 * @param {Scorecard} card
 * @param {OrgTrend | undefined} trend
 */
function changeNote(card, trend) {
  const index = trend?.points.findIndex((p) => p.month === card.month) ?? -1;
  const before = index > 0 ? trend?.points[index - 1]?.score ?? null : null;
  if (card.score === null || before === null) return null;
  const change = Math.round((card.score - before) * 10) / 10;
  const text = change > 0 ? t('scorecards.change.up', { n: decimal(change) }) : change < 0 ? t('scorecards.change.down', { n: decimal(-change) }) : t('scorecards.change.same');
  return h('span', { class: `sub change ${change > 0 ? 'is-up' : change < 0 ? 'is-down' : ''}`, 'data-change': change }, text);
}

/**
 * The trend's line for one organisation, labelled with each month's score.
 * @param {OrgTrend | undefined} trend
 * @param {string} name
 */
export function trendLine(trend, name) {
  if (!trend) return h('span', { class: 'muted' }, t('scorecards.none'));
  const values = trend.points.map((p) => `${p.month} ${p.score === null ? t('scorecards.none') : decimal(p.score)}`).join(currentLang() === 'zh' ? '，' : ', ');
  return renderSparkline(trend.points.map((p) => p.score), t('scorecards.trend.label', { org: name, values }));
}

/**
 * @param {Scorecard[]} cards ranked, best first
 * @param {Map<string, OrgTrend>} trends by organisation
 * @param {number} trendMonths
 */
export function renderRanking(cards, trends, trendMonths) {
  if (cards.length === 0) return h('p', { class: 'empty-note' }, t('scorecards.empty'));
  /** @param {string} key @param {string} col @param {...import('../dom.js').Child} children */
  const cell = (key, col, ...children) => h('td', { 'data-col': col, 'data-label': t(/** @type {any} */ (key)) }, ...children);
  const head = [
    ['scorecards.col.rank', 'rank'], ['scorecards.col.org', 'org'], ['scorecards.col.score', 'score'], ['scorecards.col.grade', 'grade'],
    ['scorecards.col.shipments', 'shipments'], ['scorecards.col.excursions', 'excursions'], ['scorecards.col.ack', 'ack'],
    ['scorecards.col.claims', 'claims'], ['scorecards.col.disputes', 'disputes'], ['scorecards.col.answers', 'answers'],
  ];
  return h(
    'table',
    { class: 'data-table ranking-table', id: 'ranking' },
    h('thead', {}, h('tr', {}, head.map(([key, col]) => h('th', { scope: 'col', 'data-col': col }, t(/** @type {any} */ (key)))), h('th', { scope: 'col', 'data-col': 'trend' }, t('scorecards.col.trend', { n: trendMonths })))),
    h(
      'tbody',
      {},
      cards.map((card) => {
        const name = orgName(card);
        const trend = trends.get(card.orgId);
        return h(
          'tr',
          { 'data-org': card.orgId, class: card.score === null ? 'no-data' : '' },
          cell('scorecards.col.rank', 'rank', h('span', { class: 'rank' }, card.rank === null ? t('scorecards.none') : card.rank)),
          cell('scorecards.col.org', 'org', h('strong', { class: 'org-name' }, name), h('span', { class: 'sub' }, t(/** @type {any} */ (`scorecards.kind.${card.orgKind}`)))),
          cell('scorecards.col.score', 'score', h('span', { class: 'score' }, card.score === null ? t('scorecards.noData') : decimal(card.score)), changeNote(card, trend)),
          cell('scorecards.col.grade', 'grade', gradeBadge(card.grade)),
          cell('scorecards.col.shipments', 'shipments', h('span', { class: 'num' }, card.shipmentsHandled)),
          cell(
            'scorecards.col.excursions',
            'excursions',
            h('span', { class: 'num' }, card.excursionsPer100Shipments === null ? t('scorecards.none') : decimal(card.excursionsPer100Shipments)),
            h('span', { class: 'sub' }, t('scorecards.excursionsOf', { n: card.excursions })),
          ),
          cell(
            'scorecards.col.ack',
            'ack',
            h('span', {}, t('scorecards.ackValue', { median: duration(card.ackMedianMs), p95: duration(card.ackP95Ms) })),
            card.alertsLate > 0 ? h('span', { class: 'sub warn-text' }, t('scorecards.ackLate', { n: card.alertsLate })) : null,
          ),
          cell('scorecards.col.claims', 'claims', t('scorecards.claimsValue', { filed: card.claimsFiled, accepted: card.claimsAccepted, disputed: card.claimsDisputed })),
          cell('scorecards.col.disputes', 'disputes', t('scorecards.disputesValue', { upheld: card.claimsUpheld, overturned: card.claimsOverturned })),
          cell('scorecards.col.answers', 'answers', h('span', { class: card.claimsAnsweredLate > 0 ? 'warn-text' : '' }, t('scorecards.answersValue', { inTime: card.claimsAnsweredInTime, late: card.claimsAnsweredLate }))),
          h('td', { 'data-col': 'trend', 'data-label': t('scorecards.col.trend', { n: trendMonths }) }, trendLine(trend, name)),
        );
      }),
    ),
  );
}
