// @ts-check
/** The journey as a list of legs: stage, who held the goods, when, and whether it went too warm there. */
import { h } from '../dom.js';
import { currentLang, pick, t } from '../i18n.js';
import { formatDateTime, formatDuration } from '../time-format.js';
import { legColors } from './leg-colors.js';

/** @typedef {import('./trace-api.js').Trace} Trace */
/** @typedef {import('./trace-api.js').TraceLeg} TraceLeg */

/**
 * An excursion belongs to the leg in which it began, as the liability rule has it.
 * @param {Trace} trace
 * @param {TraceLeg} leg
 */
function hasExcursionIn(trace, leg) {
  return trace.excursions.some((e) => e.startedAt >= leg.startedAt && (leg.endedAt === null || e.startedAt < leg.endedAt));
}

/**
 * @param {Trace} trace
 * @param {number} now
 */
export function renderTimeline(trace, now) {
  const colors = legColors(trace.legs);
  return h(
    'ol',
    { class: 'timeline' },
    trace.legs.map((leg, index) => {
      const end = leg.endedAt ?? trace.deliveredAt;
      const isWarm = hasExcursionIn(trace, leg);
      return h(
        'li',
        { class: `timeline-leg${isWarm ? ' has-excursion' : ''}${end === null ? ' is-current' : ''}`, style: `--leg-solid: ${colors[index]?.solid}` },
        h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
        h(
          'div',
          { class: 'timeline-body' },
          h(
            'p',
            { class: 'timeline-head' },
            h('span', { class: 'timeline-stage' }, pick(leg.stageName)),
            isWarm ? h('span', { class: 'badge badge-danger' }, t('consumer.leg.excursion')) : null,
          ),
          h('p', { class: 'timeline-custodian' }, currentLang() === 'zh' ? leg.custodian.name : leg.custodian.nameEn),
          h(
            'p',
            { class: 'timeline-time' },
            `${formatDateTime(leg.startedAt)} – ${end === null ? t('consumer.leg.ongoing') : formatDateTime(end)}`,
            ' · ',
            t('consumer.leg.duration', { duration: formatDuration((end ?? now) - leg.startedAt) }),
          ),
        ),
      );
    }),
  );
}
