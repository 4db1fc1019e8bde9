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
 * A figure's colour: the consumer's page takes it from the server's verdict (the same classification as
 * the headline, so a figure never contradicts it); the dispute view, which has none, colours the facts.
 * @param {HTMLElement} el
 * @param {import('./trace-api.js').Tone | undefined} tone
 * @param {string} factClass the dispute view's class when the fact holds
 * @param {boolean} isFact
 */
function colour(el, tone, factClass, isFact) {
  if (tone) el.classList.add(`tone-${tone}`);
  else el.classList.toggle(factClass, isFact);
  return el;
}

/**
 * @param {TraceMeasures} m
 * @param {Trace['optimumC']} optimumC
 * @param {import('./trace-api.js').FigureTones | undefined} tones
 */
function outsideFigure(m, optimumC, tones) {
  const above = m.timeAboveMs ?? 0;
  const below = m.timeBelowMs ?? 0;
  const { min, max } = optimumC;
  let note;
  if (above > 0 && below > 0) note = t('consumer.measures.outsideBoth', { above: formatDuration(above), below: formatDuration(below) });
  else if (above > 0) note = t('consumer.measures.outsideAbove', { max });
  else if (below > 0) note = t('consumer.measures.outsideBelow', { min });
  else note = t('consumer.measures.outsideNone', { min, max });
  const isKnown = m.timeAboveMs !== null || m.timeBelowMs !== null;
  const allowed = m.budget ? t('consumer.measures.outsideAllowed', { max: formatDuration(m.budget.maxOutsideMs) }) : null;
  const el = figure('outside', t('consumer.measures.outside'), isKnown ? formatSpan(above + below) : t('consumer.measures.unknown'), null, [
    isKnown ? h('dd', { class: 'measure-note' }, note) : null,
    allowed && isKnown ? h('dd', { class: 'measure-note' }, allowed) : null,
  ]);
  return colour(el, tones?.outside, 'is-outside', above + below > 0);
}

/**
 * °C·min outside the optimum against what the product allows: only in the consumer's answer.
 * @param {TraceMeasures} m
 * @param {import('./trace-api.js').FigureTones | undefined} tones
 */
function degreeMinutesFigure(m, tones) {
  if (m.degreeMinutes === undefined || !m.budget) return null;
  const el = figure(
    'degree-minutes',
    t('consumer.measures.degreeMinutes'),
    `${Math.round(m.degreeMinutes)}\u00a0°C·min`,
    t('consumer.measures.degreeMinutesAllowed', { max: Math.round(m.budget.maxDegreeMinutes) }),
  );
  return colour(el, tones?.outside, 'is-outside', m.degreeMinutes > 0);
}

/**
 * @param {number} pct
 * @param {boolean} isSpent
 */
function shelfLifeMeter(pct, isSpent) {
  const width = Math.min(100, Math.max(0, pct));
  return h('dd', { class: `meter${isSpent ? ' is-spent' : ''}`, 'aria-hidden': 'true' }, h('span', { class: 'meter-fill', style: `width: ${width.toFixed(1)}%` }));
}

/**
 * The figures card, or nothing when the server sent no measures. On the consumer's page it is the
 * technical figures below the plain words, coloured by the server's verdict (`consumerVerdict.figures`).
 * @param {Trace} trace
 * @param {{ title?: import('../i18n.js').TextKey }} [options]
 */
export function renderMeasures(trace, options = {}) {
  const m = trace.measures;
  if (!m) return null;
  const tones = trace.consumerVerdict?.figures;
  const unmonitored = m.unmonitoredMs ?? 0;
  const shelfLifePct = m.shelfLifeConsumedPct;
  const unmonitoredFigure = h(
    'div',
    { class: 'measure measure-unmonitored', 'data-measure': 'unmonitored' },
    h('dt', { class: 'measure-label' }, t('consumer.measures.unmonitored')),
    h('dd', { class: 'measure-value' }, m.unmonitoredMs === null ? t('consumer.measures.unknown') : formatSpan(unmonitored)),
    m.unmonitoredMs === 0 ? h('dd', { class: 'measure-note' }, t('consumer.measures.unmonitoredNone')) : null,
  );
  return h(
    'section',
    { class: 'card measures-card', 'aria-labelledby': 'measures-title' },
    h('h2', { id: 'measures-title' }, t(options.title ?? 'consumer.measures.title')),
    h(
      'dl',
      { class: 'measures' },
      figure('mkt', t('consumer.measures.mkt'), formatTemp(m.mktC), m.mktC === null ? null : t('consumer.measures.mktHint')),
      outsideFigure(m, trace.optimumC, tones),
      degreeMinutesFigure(m, tones),
      figure('range', t('consumer.measures.range'), formatRange(m.maxTempC, m.minTempC), null),
      // Profiles without a shelf-life model send null: no figure rather than a blank one.
      shelfLifePct === null
        ? null
        : colour(
            figure('shelf-life', t('consumer.measures.shelfLife'), formatShelfLife(shelfLifePct), t('consumer.measures.shelfLifeHint'), [
              shelfLifeMeter(shelfLifePct, tones ? tones.shelfLife === 'alert' : shelfLifePct >= 100),
            ]),
            tones?.shelfLife,
            'is-spent',
            shelfLifePct >= 100,
          ),
      colour(unmonitoredFigure, tones?.unmonitored, 'has-gap', unmonitored > 0),
    ),
  );
}
