// @ts-check
/** The chart's key, as text under it: what the lines and bands mean, and which colour is which leg. */
import { h } from '../dom.js';
import { currentLang, pick, t } from '../i18n.js';
import { legColors } from './leg-colors.js';

/** @typedef {import('./trace-api.js').Trace} Trace */

/** @param {Trace} trace */
export function renderChartKey(trace) {
  const colors = legColors(trace.legs);
  const limits = trace.limits.map((limit) =>
    h(
      'li',
      { class: `key-item key-limit key-limit-${limit.direction}` },
      h('span', { class: 'key-swatch', 'aria-hidden': 'true' }),
      limit.direction === 'above' ? t('consumer.key.limitAbove', { t: limit.thresholdC }) : t('consumer.key.limitBelow', { t: limit.thresholdC }),
    ),
  );
  return h(
    'div',
    { class: 'chart-key' },
    h(
      'ul',
      { class: 'key-list' },
      limits,
      h('li', { class: 'key-item key-optimum' }, h('span', { class: 'key-swatch', 'aria-hidden': 'true' }), t('consumer.key.optimum', { min: trace.optimumC.min, max: trace.optimumC.max })),
      trace.excursions.length ? h('li', { class: 'key-item key-excursion' }, h('span', { class: 'key-swatch', 'aria-hidden': 'true' }), t('consumer.key.excursion')) : null,
    ),
    h('p', { class: 'legs-legend-title' }, t('consumer.legsLegend')),
    h(
      'ul',
      { class: 'legs-legend' },
      trace.legs.map((leg, index) =>
        h(
          'li',
          { class: 'legs-legend-item' },
          h('span', { class: 'leg-swatch', style: `--leg-solid: ${colors[index]?.solid}; --leg-fill: ${colors[index]?.fill}`, 'aria-hidden': 'true' }),
          h('span', { class: 'legs-legend-stage' }, pick(leg.stageName)),
          h('span', { class: 'legs-legend-custodian' }, currentLang() === 'zh' ? leg.custodian.name : leg.custodian.nameEn),
        ),
      ),
    ),
  );
}
