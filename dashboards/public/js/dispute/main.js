// @ts-check
/**
 * The streamer's dispute view (`/console/shipments/{id}`): everything that shows who was liable for a
 * shipment, on one page: the curve, the legs with their handoff probes and stations, the excursions and
 * their attribution, the claims with their history, the evidence chain's status, and the report and
 * bundle to hand over.
 * It is read as the signed-in user (the console's session cookie): a party to the shipment sees it, anyone
 * else is told it does not exist. The chain is read on its own so that the record shows even when the
 * chain cannot be read.
 */
import { byId, h, replaceContent } from '../dom.js';
import { onLangChange, t } from '../i18n.js';
import { mountLangToggle } from '../lang-toggle.js';
import { ApiFailure, createApiClient } from '../console/api-client.js';
// Clears what earlier versions kept in this browser (the admin token), when this page is the first one opened.
import '../console/console-settings.js';
import { createClaimCalls } from '../console/claim-calls.js';
import { createOrgNames } from '../console/org-names.js';
import { startDeadlineTicker } from '../console/deadline.js';
import { renderChartKey } from '../consumer/chart-key-view.js';
import { renderMeasures } from '../consumer/measures-view.js';
import { drawTemperatureChart } from '../consumer/temperature-chart.js';
import { loadUplot } from '../consumer/uplot-loader.js';
import { renderChain } from './chain-view.js';
import { renderClaims } from './claims-view.js';
import { createDownloads } from './downloads.js';
import { renderExcursions, shipmentExcursions } from './excursions-view.js';
import { renderHeader } from './header-view.js';
import { renderLegs } from './legs-view.js';

/** @typedef {import('../console/api-client.js').ApiClient} ApiClient */
/** @typedef {import('../console/org-names.js').NamedOrg} NamedOrg */
/** @typedef {import('./dispute-types.js').ShipmentDetail} ShipmentDetail */
/** @typedef {import('./dispute-types.js').ShipmentCurve} ShipmentCurve */
/** @typedef {import('./chain-view.js').ChainState} ChainState */
/** @typedef {import('./dispute-types.js').Claim} Claim */
/** @typedef {import('./claim-history-view.js').ClaimHistoryState} ClaimHistoryState */
/** @typedef {import('../consumer/trace-api.js').Trace} Trace */
/**
 * @typedef {{ kind: 'loading' } | { kind: 'sign-in', hasEnded: boolean } | { kind: 'not_found' } | { kind: 'error', message: string }
 *   | { kind: 'ok', detail: ShipmentDetail, curve: { curve: ShipmentCurve } | { error: string } }} PageState
 */

const app = byId('app');
const shipmentId = shipmentIdFromLocation();
// About one point per CSS pixel and a half, as on the consumer's page; the API allows up to 5000.
const points = Math.min(3000, Math.max(300, Math.round(window.innerWidth * 1.5)));

/** @type {PageState} */
let state = { kind: 'loading' };
/** @type {ChainState} */
let chainState = { kind: 'loading' };
const api = createApiClient({
  onUnauthorized: () => {
    state = { kind: 'sign-in', hasEnded: true };
    render();
  },
});
const orgs = createOrgNames();
// Each claim read on its own (`GET /api/v1/claims/{id}`) for its history; this page only reads.
const claimCalls = createClaimCalls({ csrfToken: () => '' });
/** @type {Map<string, ClaimHistoryState>} */
let claimHistories = new Map();
/** The claims as read on their own, newer than the shipment's copy when a step came in between. */
/** @type {Map<string, Claim>} */
let claimsRead = new Map();
/** @type {HTMLElement | undefined} */
let claimsSection;
/** @type {ReturnType<typeof createDownloads> | undefined} */
let downloads;
/** @type {HTMLElement | undefined} */
let chainBox;
/** @type {(() => void) | undefined} */
let removeChart;

/** The shipment id is the last part of the address: `/console/shipments/{id}`. */
function shipmentIdFromLocation() {
  const match = location.pathname.match(/\/console\/shipments\/([^/]+)\/?$/);
  return match?.[1] ? decodeURIComponent(match[1]) : '';
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

function render() {
  removeChart?.();
  removeChart = undefined;
  chainBox = undefined;
  claimsSection = undefined;
  document.title = t('dispute.title');
  if (state.kind === 'loading') return replaceContent(app, h('p', { class: 'loading' }, t('dispute.loading')));
  if (state.kind === 'sign-in') return renderSignIn(state.hasEnded);
  if (state.kind === 'not_found') return renderProblem(t('dispute.notFound.title', { id: shipmentId }), t('dispute.notFound.body'), false);
  if (state.kind === 'error') return renderProblem(t('dispute.error.title'), t('console.load.failed', { message: state.message }), true);
  renderRecord(state.detail, state.curve);
}

/**
 * @param {ShipmentDetail} detail
 * @param {{ curve: ShipmentCurve } | { error: string }} curveResult
 */
function renderRecord(detail, curveResult) {
  const orgName = (/** @type {string} */ id) => orgs.name(id);
  document.title = `${detail.shipment.id} · ${t('dispute.title')}`;
  const excursionLegs = new Set(shipmentExcursions(detail).map((a) => a.attribution.legIndex ?? -1));
  // The chart modules draw a consumer's trace: the admin answers hold the same fields.
  /** @type {Trace | undefined} */
  const trace =
    'curve' in curveResult
      ? /** @type {Trace} */ (/** @type {unknown} */ ({
          ...detail.shipment,
          product: detail.profile.name,
          optimumC: detail.profile.optimumC,
          limits: curveResult.curve.limits,
          legs: curveResult.curve.legs,
          curve: curveResult.curve.points,
          excursions: curveResult.curve.excursions,
          lastReadingAt: detail.lastReadingAt,
          unmonitoredMs: detail.unmonitoredMs,
          verdict: detail.verdict,
          measures: detail.measures.total,
        }))
      : undefined;
  const chartBox = h('div', { class: 'chart', id: 'chart' }, h('p', { class: 'chart-placeholder' }, 'curve' in curveResult ? t('consumer.chartLoading') : t('dispute.curve.failed', { message: curveResult.error })));
  const readout = h('p', { class: 'chart-readout', 'aria-live': 'polite' }, '\u00a0');
  chainBox = h('section', { class: 'card chain-card', 'aria-labelledby': 'chain-title', 'data-section': 'chain' });
  replaceContent(
    app,
    renderHeader(detail, orgs.get(detail.shipment.shipperOrgId), downloads?.render() ?? null),
    h('section', { class: 'card chart-card', 'aria-labelledby': 'curve-title', 'data-section': 'curve' }, h('h2', { id: 'curve-title' }, t('dispute.curve.title')), readout, chartBox, trace ? renderChartKey(trace) : null),
    renderLegs(detail, excursionLegs),
    h(
      'div',
      { class: 'dispute-columns' },
      h('div', { class: 'dispute-column' }, renderExcursions(detail, orgName), renderClaimsSection(detail)),
      h('div', { class: 'dispute-column' }, chainBox, trace ? renderMeasures(trace) : null),
    ),
    h('footer', { class: 'page-footer' }, h('p', {}, t('time.zoneNote'))),
  );
  renderChainBox();
  if (!trace) return;
  if (trace.curve.length === 0) {
    replaceContent(chartBox, h('p', { class: 'chart-placeholder' }, t('consumer.chartEmpty')));
    return;
  }
  loadUplot().then(
    (uPlot) => {
      if (!chartBox.isConnected) return; // re-rendered meanwhile (language switch)
      removeChart = drawTemperatureChart(uPlot, chartBox, readout, trace);
    },
    () => replaceContent(chartBox, h('p', { class: 'chart-placeholder' }, t('consumer.chartFailed'))),
  );
}

/**
 * The claims' section, drawn in place again when their histories arrive.
 * @param {ShipmentDetail} detail
 */
function renderClaimsSection(detail) {
  const claims = detail.claims.map((claim) => claimsRead.get(claim.id) ?? claim);
  const next = renderClaims(claims, (id) => orgs.name(id), Date.now(), claimHistories);
  if (claimsSection?.isConnected) claimsSection.replaceWith(next);
  claimsSection = next;
  return next;
}

/**
 * Reads each claim with its history; one that cannot be read says so under it, the others show.
 * @param {ShipmentDetail} detail
 */
async function loadClaimHistories(detail) {
  claimHistories = new Map();
  claimsRead = new Map();
  await Promise.all(
    detail.claims.map(async (claim) => {
      try {
        const read = await claimCalls.get(claim.id);
        claimsRead.set(claim.id, { ...claim, ...read.claim });
        claimHistories.set(claim.id, { kind: 'ok', history: read.history });
      } catch (error) {
        claimHistories.set(claim.id, { kind: 'error', message: messageOf(error) });
      }
    }),
  );
  if (state.kind === 'ok' && state.detail === detail) renderClaimsSection(detail);
}

function renderChainBox() {
  if (chainBox) replaceContent(chainBox, renderChain(chainState, () => loadChain()));
}

/**
 * @param {string} title
 * @param {string} body
 * @param {boolean} canRetry
 */
function renderProblem(title, body, canRetry) {
  replaceContent(
    app,
    h(
      'section',
      { class: 'card problem', role: 'alert' },
      h('h1', {}, title),
      h('p', {}, body),
      canRetry ? h('button', { class: 'button', type: 'button', onclick: () => load() }, t('dispute.retry')) : h('a', { class: 'button', href: '/console' }, t('dispute.back')),
    ),
  );
}

/**
 * Nobody is signed in here (or the session ended): the console's sign-in is where to go.
 * @param {boolean} hasEnded the session ended while the page was open
 */
function renderSignIn(hasEnded) {
  replaceContent(
    app,
    h(
      'section',
      { class: 'card problem sign-in-needed', role: 'alert' },
      h('h1', {}, t('dispute.signIn.title')),
      h('p', {}, hasEnded ? t('console.signIn.ended') : t('dispute.signIn.hint')),
      h('a', { class: 'button', href: '/console' }, t('dispute.signIn.go')),
    ),
  );
}

async function loadChain() {
  chainState = { kind: 'loading' };
  renderChainBox();
  try {
    chainState = { kind: 'ok', chain: await api.getShipmentChain(shipmentId) };
  } catch (error) {
    chainState = { kind: 'error', message: messageOf(error) };
  }
  renderChainBox();
}

async function load() {
  if (!shipmentId) {
    state = { kind: 'not_found' };
    return render();
  }
  state = { kind: 'loading' };
  render();
  let session;
  try {
    session = await api.currentSession();
  } catch (error) {
    state = { kind: 'error', message: messageOf(error) };
    return render();
  }
  if (!session) {
    state = { kind: 'sign-in', hasEnded: false };
    return render();
  }
  orgs.learn([{ id: session.orgId, name: session.orgName, nameEn: session.orgNameEn }]);
  downloads = createDownloads(api, shipmentId);
  loadChain();
  const curve = api.getShipmentCurve(shipmentId, points).then(
    (c) => ({ curve: c }),
    (error) => ({ error: messageOf(error) }),
  );
  // Other organisations' names where the API lets this user list them; the legs name their custodians anyway.
  const listed = api.listOrganisations().catch(() => /** @type {NamedOrg[]} */ ([]));
  try {
    const detail = await api.getShipment(shipmentId);
    orgs.learn(detail.legs.map((leg) => leg.custodian));
    orgs.learn(await listed);
    // Drawn in place when read (the record does not wait for them).
    loadClaimHistories(detail);
    state = { kind: 'ok', detail, curve: await curve };
  } catch (error) {
    if (error instanceof ApiFailure && error.isUnauthorized) {
      state = { kind: 'sign-in', hasEnded: true };
    } else if (error instanceof ApiFailure && error.status === 404) {
      state = { kind: 'not_found' };
    } else {
      state = { kind: 'error', message: messageOf(error) };
    }
  }
  render();
}

mountLangToggle(/** @type {HTMLButtonElement} */ (byId('lang-toggle')));
onLangChange(render);
startDeadlineTicker(document);
load();
