// @ts-check
/**
 * The carrier scorecards page (`/console/scorecards`, issue 13 item 6): a month's ranking of the carriers,
 * warehouses and couriers with the figures behind each score, each one's trend over the kept months, and
 * the month as CSV. Read as the signed-in user (the console's session cookie): the platform and shippers
 * see the ranking, a logistics provider its own card. `?month=YYYY-MM` picks the month (default: the last
 * ended one); a kept month says when and how it was computed, the month under way that it is live.
 */
import { byId, h, replaceContent } from '../dom.js';
import { currentLang, onLangChange, t } from '../i18n.js';
import { mountLangToggle } from '../lang-toggle.js';
import { ApiFailure, createApiClient } from '../console/api-client.js';
// Clears what earlier versions kept in this browser (the admin token), when this page is the first one opened.
import '../console/console-settings.js';
import { formatDateTime, TIME_ZONE } from '../time-format.js';
import { renderRanking } from './ranking-view.js';
import { renderTrend } from './trend-view.js';

/** @typedef {import('./scorecard-types.js').MonthScorecards} MonthScorecards */
/** @typedef {import('./scorecard-types.js').ScorecardTrend} ScorecardTrend */
/** @typedef {import('../console/api-client.js').Session} Session */
/**
 * @typedef {{ kind: 'loading' } | { kind: 'sign-in', hasEnded: boolean } | { kind: 'error', message: string }
 *   | { kind: 'ok', session: Session, month: MonthScorecards, trend: ScorecardTrend | { error: string } }} PageState
 */

/** Months in the trend: half a year, as the ranking's line and the table below. */
const TREND_MONTHS = 6;
const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

const app = byId('app');
const controls = byId('controls');
const monthInput = /** @type {HTMLInputElement} */ (byId('month'));
const csvLink = /** @type {HTMLAnchorElement} */ (byId('csv-link'));
const monthStatus = byId('month-status');
const ownOnly = byId('own-only');
const formula = byId('formula');

/** @type {PageState} */
let state = { kind: 'loading' };
/** @type {Session | undefined} */
let session;
/** Each load's number: an answer to an earlier one (the month changed meanwhile) is dropped. */
let loadSeq = 0;
const api = createApiClient({
  onUnauthorized: () => {
    state = { kind: 'sign-in', hasEnded: true };
    render();
  },
});

/** The month asked for in the address, when it is one. */
function monthFromLocation() {
  const month = new URLSearchParams(location.search).get('month') ?? '';
  return MONTH_PATTERN.test(month) ? month : undefined;
}

/** The month under way in Beijing, the latest one the picker offers. */
function currentMonth() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit' }).formatToParts(Date.now());
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

function render() {
  document.title = t('scorecards.title');
  const isOk = state.kind === 'ok';
  controls.hidden = !isOk;
  formula.hidden = !isOk;
  if (state.kind === 'loading') return replaceContent(app, h('p', { class: 'loading' }, t('scorecards.loading')));
  if (state.kind === 'sign-in') return renderSignIn(state.hasEnded);
  if (state.kind === 'error') return renderProblem(t('scorecards.error.title'), t('console.load.failed', { message: state.message }));
  renderMonth(state.month, state.trend, state.session);
}

/**
 * @param {MonthScorecards} month
 * @param {ScorecardTrend | { error: string }} trend
 * @param {Session} who
 */
function renderMonth(month, trend, who) {
  document.title = `${month.month} · ${t('scorecards.title')}`;
  monthInput.value = month.month;
  monthInput.max = currentMonth();
  csvLink.href = `/api/v1/scorecards?${new URLSearchParams({ month: month.month, format: 'csv', lang: currentLang() })}`;
  csvLink.title = t('scorecards.csvTitle', { month: month.month });
  csvLink.setAttribute('download', `scorecards-${month.month}.csv`);
  monthStatus.textContent = month.kept
    ? t('scorecards.status.kept', { time: formatDateTime(month.computedAt), trigger: t(/** @type {any} */ (`scorecards.trigger.${month.trigger}`)) })
    : t('scorecards.status.live', { month: month.month, time: formatDateTime(month.computedAt) });
  monthStatus.dataset.kept = String(month.kept);
  ownOnly.hidden = who.isPlatform || who.orgKind === 'shipper';
  const trends = new Map('organisations' in trend ? trend.organisations.map((o) => [o.orgId, o]) : []);
  replaceContent(
    app,
    h('section', { class: 'card ranking-card', 'aria-labelledby': 'ranking-title', 'data-section': 'ranking' }, h('h2', { id: 'ranking-title' }, t('scorecards.ranking'), ' ', h('span', { class: 'count' }, month.month)), h('div', { class: 'ranking-wrap' }, renderRanking(month.scorecards, trends, TREND_MONTHS))),
    h(
      'section',
      { class: 'card trend-card', 'aria-labelledby': 'trend-title', 'data-section': 'trend' },
      h('h2', { id: 'trend-title' }, t('scorecards.trend.title', { n: TREND_MONTHS })),
      'organisations' in trend ? renderTrend(trend) : h('p', { class: 'error' }, t('console.load.failed', { message: trend.error })),
      h('p', { class: 'hint' }, t('scorecards.trend.note')),
    ),
  );
}

/**
 * @param {string} title
 * @param {string} body
 */
function renderProblem(title, body) {
  replaceContent(app, h('section', { class: 'card problem', role: 'alert' }, h('h1', {}, title), h('p', {}, body), h('button', { class: 'button', type: 'button', onclick: () => load(monthFromLocation()) }, t('scorecards.retry'))));
}

/** @param {boolean} hasEnded the session ended while the page was open */
function renderSignIn(hasEnded) {
  replaceContent(
    app,
    h(
      'section',
      { class: 'card problem sign-in-needed', role: 'alert' },
      h('h1', {}, t('scorecards.signIn.title')),
      h('p', {}, hasEnded ? t('console.signIn.ended') : t('scorecards.signIn.hint')),
      h('a', { class: 'button', href: '/console' }, t('scorecards.signIn.go')),
    ),
  );
}

/** @param {string | undefined} month */
async function load(month) {
  const seq = ++loadSeq;
  if (state.kind !== 'ok') {
    state = { kind: 'loading' };
    render();
  }
  try {
    session ??= await api.currentSession();
    if (!session) {
      state = { kind: 'sign-in', hasEnded: false };
      return render();
    }
    const answer = await api.getScorecards(month);
    const trend = await api.getScorecardTrend(answer.month, TREND_MONTHS).catch((error) => ({ error: messageOf(error) }));
    if (seq !== loadSeq) return;
    state = { kind: 'ok', session, month: answer, trend };
  } catch (error) {
    if (seq !== loadSeq) return;
    state = error instanceof ApiFailure && error.isUnauthorized ? { kind: 'sign-in', hasEnded: true } : { kind: 'error', message: messageOf(error) };
  }
  render();
}

monthInput.addEventListener('change', () => {
  const month = monthInput.value;
  if (!MONTH_PATTERN.test(month)) return;
  const url = new URL(location.href);
  url.searchParams.set('month', month);
  history.replaceState(null, '', url);
  load(month);
});
mountLangToggle(/** @type {HTMLButtonElement} */ (byId('lang-toggle')));
onLangChange(render);
load(monthFromLocation());
