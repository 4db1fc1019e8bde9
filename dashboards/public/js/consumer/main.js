// @ts-check
/**
 * The consumer's page (`/t/{traceCode}`, the QR on the box). The verdict in plain words comes first,
 * as the server worded and coloured it (`consumerVerdict`); the page decides nothing about it. On a
 * weak network the verdict matters most, so the trace is fetched first and shown as soon as it
 * arrives; the chart library (the largest download) follows, and the chart appears when it has loaded.
 */
import { byId, h, replaceContent } from '../dom.js';
import { onLangChange, pick, t } from '../i18n.js';
import { mountLangToggle } from '../lang-toggle.js';
import { renderAfterSales } from './after-sales-view.js';
import { renderChartKey } from './chart-key-view.js';
import { renderMeasures } from './measures-view.js';
import { renderEvidence } from './evidence-view.js';
import { renderSummary } from './summary-view.js';
import { drawTemperatureChart } from './temperature-chart.js';
import { renderTimeline } from './timeline-view.js';
import { fetchTrace, traceCodeFromLocation } from './trace-api.js';
import { loadUplot } from './uplot-loader.js';

/** @typedef {import('./trace-api.js').Trace} Trace */
/** @typedef {import('./trace-api.js').TraceResult} TraceResult */

const app = byId('app');
const traceCode = traceCodeFromLocation();
// About one point per CSS pixel and a half: more would only cost bytes on a weak network.
const points = Math.min(1000, Math.max(200, Math.round(window.innerWidth * 1.5)));

/** @type {TraceResult | undefined} */
let result;
/** @type {(() => void) | undefined} */
let removeChart;

function render() {
  removeChart?.();
  removeChart = undefined;
  if (!result) return;
  if (result.kind === 'not_found') return renderProblem('consumer.notFound.title', 'consumer.notFound.body', false);
  if (result.kind === 'error') return renderProblem('consumer.error.title', 'consumer.error.body', true);
  renderTrace(result.trace);
}

/** @param {Trace} trace */
function renderTrace(trace) {
  const now = Date.now();
  document.title = `${pick(trace.product)} · ${t('consumer.title')}`;
  const chartBox = h('div', { class: 'chart', id: 'chart' }, h('p', { class: 'chart-placeholder' }, t('consumer.chartLoading')));
  const readout = h('p', { class: 'chart-readout', 'aria-live': 'polite' }, '\u00a0');
  replaceContent(
    app,
    renderSummary(trace, now),
    h('section', { class: 'card chart-card', 'aria-labelledby': 'curve-title' }, h('h2', { id: 'curve-title' }, t('consumer.curveTitle')), readout, chartBox, renderChartKey(trace)),
    // The technical figures below the plain words, coloured as the verdict classifies them.
    renderMeasures(trace, { title: 'consumer.technicalTitle' }),
    h('section', { class: 'card', 'aria-labelledby': 'timeline-title' }, h('h2', { id: 'timeline-title' }, t('consumer.timelineTitle')), renderTimeline(trace, now)),
    renderAfterSales(trace),
    renderEvidence(trace),
    h('footer', { class: 'page-footer' }, h('p', {}, t('time.zoneNote')), h('p', { class: 'trace-code' }, t('consumer.traceCode', { code: trace.traceCode }))),
  );
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
 * @param {import('../i18n.js').TextKey} title
 * @param {import('../i18n.js').TextKey} body
 * @param {boolean} canRetry
 */
function renderProblem(title, body, canRetry) {
  document.title = t('consumer.title');
  replaceContent(
    app,
    h(
      'section',
      { class: 'card problem', role: 'alert' },
      h('h1', {}, t(title)),
      h('p', {}, t(body)),
      canRetry ? h('button', { class: 'button', type: 'button', onclick: () => load() }, t('consumer.retry')) : null,
    ),
  );
}

async function load() {
  result = await fetchTrace(traceCode, points);
  render();
}

mountLangToggle(byId('lang-toggle'));
onLangChange(render);
load();
