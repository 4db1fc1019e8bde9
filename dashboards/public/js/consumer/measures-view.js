// @ts-check
/**
 * The journey in a few figures: mean kinetic temperature, time outside the optimum, the extremes, the
 * estimated shelf life used and the time without readings. Plain words first, the jargon in brackets.
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatDuration } from '../time-format.js';

/** @typedef {import('./trace-api.js').Trace} Trace */
/** @typedef {import('./trace-api.js').TraceMeasures} TraceMeasures */

/** @param {number | null} tempC */
function formatTemp(tempC) {
  // A no-break space keeps the number and its unit on one line.
  return tempC === null ? t('consumer.measures.unknown') : `${tempC.toFixed(1)}\u00a0°C`;
}

/**
 * A duration whose numbers stay on one line with their units: "14 小时 14 分钟" may break only
 * between "14 小时" and "14 分钟" in a half-width tile.
 * @param {number} ms
 */
function formatSpan(ms) {
  return formatDuration(ms).replace(/(\d) /g, '$1\u00a0');
}

/**
 * "28.4 / 3.1 °C": the unit once, so the pair fits half a phone's width on one line.
 * @param {number | null} maxC
 * @param {number | null} minC
 */
function formatRange(maxC, minC) {
  if (maxC === null || minC === null) return t('consumer.measures.unknown');
  return `${maxC.toFixed(1)} / ${minC.toFixed(1)}\u00a0°C`;
}

/**
 * An estimate: whole percents, so the figure does not claim more precision than the model has.
 * @param {number} pct
 */
function formatShelfLife(pct) {
  if (pct > 0 && pct < 1) return t('consumer.measures.shelfLifeUnder1');
  return t('consumer.measures.shelfLifeValue', { pct: Math.round(pct) });
}

/**
 * @param {string} key class suffix, also `data-measure` for tests
 * @param {string} label
 * @param {string} value
 * @param {string | null} note
 * @param {(Node | null)[]} [extra]
 */
function figure(key, label, value, note, extra = []) {
  return h(
    'div',
    { class: `measure measure-${key}`, 'data-measure': key },
    h('dt', { class: 'measure-label' }, label),
    h('dd', { class: 'measure-value' }, value),
    ...extra,
    note ? h('dd', { class: 'measure-note' }, note) : null,
  );
}

/**
 * @param {TraceMeasures} m
 * @param {Trace['optimumC']} optimumC
 */
function outsideFigure(m, optimumC) {
  const above = m.timeAboveMs ?? 0;
  const below = m.timeBelowMs ?? 0;
  const { min, max } = optimumC;
  let note;
  if (above > 0 && below > 0) note = t('consumer.measures.outsideBoth', { above: formatDuration(above), below: formatDuration(below) });
  else if (above > 0) note = t('consumer.measures.outsideAbove', { max });
  else if (below > 0) note = t('consumer.measures.outsideBelow', { min });
  else note = t('consumer.measures.outsideNone', { min, max });
  const isKnown = m.timeAboveMs !== null || m.timeBelowMs !== null;
  const el = figure('outside', t('consumer.measures.outside'), isKnown ? formatSpan(above + below) : t('consumer.measures.unknown'), isKnown ? note : null);
  el.classList.toggle('is-outside', above + below > 0);
  return el;
}

/** @param {number} pct */
function shelfLifeMeter(pct) {
  const width = Math.min(100, Math.max(0, pct));
  return h('dd', { class: `meter${pct >= 100 ? ' is-spent' : ''}`, 'aria-hidden': 'true' }, h('span', { class: 'meter-fill', style: `width: ${width.toFixed(1)}%` }));
}

/**
 * The figures card, or nothing when the server sent no measures.
 * @param {Trace} trace
 */
export function renderMeasures(trace) {
  const m = trace.measures;
  if (!m) return null;
  const unmonitored = m.unmonitoredMs ?? 0;
  return h(
    'section',
    { class: 'card measures-card', 'aria-labelledby': 'measures-title' },
    h('h2', { id: 'measures-title' }, t('consumer.measures.title')),
    h(
      'dl',
      { class: 'measures' },
      figure('mkt', t('consumer.measures.mkt'), formatTemp(m.mktC), m.mktC === null ? null : t('consumer.measures.mktHint')),
      outsideFigure(m, trace.optimumC),
      figure('range', t('consumer.measures.range'), formatRange(m.maxTempC, m.minTempC), null),
      // Profiles without a shelf-life model send null: no figure rather than a blank one.
      m.shelfLifeConsumedPct === null
        ? null
        : figure('shelf-life', t('consumer.measures.shelfLife'), formatShelfLife(m.shelfLifeConsumedPct), t('consumer.measures.shelfLifeHint'), [shelfLifeMeter(m.shelfLifeConsumedPct)]),
      h(
        'div',
        { class: `measure measure-unmonitored${unmonitored > 0 ? ' has-gap' : ''}`, 'data-measure': 'unmonitored' },
        h('dt', { class: 'measure-label' }, t('consumer.measures.unmonitored')),
        h('dd', { class: 'measure-value' }, m.unmonitoredMs === null ? t('consumer.measures.unknown') : formatSpan(unmonitored)),
        m.unmonitoredMs === 0 ? h('dd', { class: 'measure-note' }, t('consumer.measures.unmonitoredNone')) : null,
      ),
    ),
  );
}
