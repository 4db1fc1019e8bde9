// @ts-check
/**
 * The streamer's dispute view (`/console/shipments/{id}`): everything that shows who was liable for a
 * shipment, on one page: the curve, the legs with their handoff probes and stations, the excursions and
 * their attribution, the claims, the evidence chain's status, and the report and bundle to hand over.
 * It uses the console's admin token (kept in this browser); the chain is read on its own so that the
 * record shows even when the chain cannot be read.
 */
import { byId, h, replaceContent } from '../dom.js';
import { onLangChange, t } from '../i18n.js';
import { mountLangToggle } from '../lang-toggle.js';
import { ApiFailure, createAdminApi } from '../console/admin-api.js';
import { settings } from '../console/console-settings.js';
import { orgDisplayName } from '../console/org-picker.js';
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

/** @typedef {import('../console/admin-api.js').AdminApi} AdminApi */
/** @typedef {import('../console/admin-api.js').Organisation} Organisation */
/** @typedef {import('./dispute-types.js').ShipmentDetail} ShipmentDetail */
/** @typedef {import('./dispute-types.js').ShipmentCurve} ShipmentCurve */
/** @typedef {import('./chain-view.js').ChainState} ChainState */
/** @typedef {import('../consumer/trace-api.js').Trace} Trace */
/**
 * @typedef {{ kind: 'loading' } | { kind: 'sign-in', isRefused: boolean } | { kind: 'not_found' } | { kind: 'error', message: string }
 *   | { kind: 'ok', detail: ShipmentDetail, orgs: Organisation[], curve: { curve: ShipmentCurve } | { error: string } }} PageState
 */

const app = byId('app');
const shipmentId = shipmentIdFromLocation();
// About one point per CSS pixel and a half, as on the consumer's page; the API allows up to 5000.
const points = Math.min(3000, Math.max(300, Math.round(window.innerWidth * 1.5)));

/** @type {PageState} */
let state = { kind: 'loading' };
/** @type {ChainState} */
let chainState = { kind: 'loading' };
/** @type {AdminApi | undefined} */
let api;
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
  document.title = t('dispute.title');
  if (state.kind === 'loading') return replaceContent(app, h('p', { class: 'loading' }, t('dispute.loading')));
  if (state.kind === 'sign-in') return renderSignIn(state.isRefused);
  if (state.kind === 'not_found') return renderProblem(t('dispute.notFound.title', { id: shipmentId }), t('dispute.notFound.body'), false);
  if (state.kind === 'error') return renderProblem(t('dispute.error.title'), t('console.load.failed', { message: state.message }), true);
  renderRecord(state.detail, state.orgs, state.curve);
}

/**
 * @param {ShipmentDetail} detail
 * @param {Organisation[]} orgs
 * @param {{ curve: ShipmentCurve } | { error: string }} curveResult
 */
function renderRecord(detail, orgs, curveResult) {
  const orgName = (/** @type {string} */ id) => {
    const org = orgs.find((o) => o.id === id);
    return org ? orgDisplayName(org) : id;
  };
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
    renderHeader(detail, orgs.find((o) => o.id === detail.shipment.shipperOrgId), downloads?.render() ?? null),
    h('section', { class: 'card chart-card', 'aria-labelledby': 'curve-title', 'data-section': 'curve' }, h('h2', { id: 'curve-title' }, t('dispute.curve.title')), readout, chartBox, trace ? renderChartKey(trace) : null),
    renderLegs(detail, excursionLegs),
    h(
      'div',
      { class: 'dispute-columns' },
      h('div', { class: 'dispute-column' }, renderExcursions(detail, orgName), renderClaims(detail.claims, orgName, Date.now())),
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

/** @param {boolean} isRefused the token kept here was refused */
function renderSignIn(isRefused) {
  const input = h('input', { id: 'token', name: 'token', type: 'password', required: true, spellcheck: 'false', autocomplete: 'off', placeholder: t('console.token.placeholder') });
  replaceContent(
    app,
    h(
      'section',
      { class: 'card sign-in' },
      h(
        'form',
        {
          autocomplete: 'off',
          onsubmit: (/** @type {Event} */ event) => {
            event.preventDefault();
            const token = input.value.trim();
            if (!token) return;
            settings.token = token;
            load();
          },
        },
        h('h1', {}, h('label', { for: 'token' }, t('console.token.label'))),
        h('div', { class: 'sign-in-row' }, input, h('button', { type: 'submit', class: 'button' }, t('console.token.submit'))),
        h('p', { class: 'hint' }, t('dispute.signIn.hint')),
        isRefused ? h('p', { class: 'error', role: 'alert' }, t('console.token.invalid')) : null,
      ),
    ),
  );
  input.focus();
}

async function loadChain() {
  if (!api) return;
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
  const token = settings.token;
  if (!token) {
    state = { kind: 'sign-in', isRefused: false };
    return render();
  }
  if (!shipmentId) {
    state = { kind: 'not_found' };
    return render();
  }
  const client = createAdminApi(token);
  api = client;
  downloads = createDownloads(client, shipmentId);
  state = { kind: 'loading' };
  render();
  loadChain();
  const curve = client.getShipmentCurve(shipmentId, points).then(
    (c) => ({ curve: c }),
    (error) => ({ error: messageOf(error) }),
  );
  try {
    const [detail, orgs] = await Promise.all([client.getShipment(shipmentId), client.listOrganisations()]);
    state = { kind: 'ok', detail, orgs, curve: await curve };
  } catch (error) {
    if (error instanceof ApiFailure && error.isUnauthorized) {
      settings.token = '';
      state = { kind: 'sign-in', isRefused: true };
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
