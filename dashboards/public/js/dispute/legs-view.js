// @ts-check
/**
 * The legs as a table: who held the goods, from which station, when (China time), the probe reading
 * taken at the handoff that opened the leg, and the leg's own peak and time outside the optimum. A
 * handoff probe beyond a limit is the strongest evidence of who received warm fruit: it is drawn in the
 * danger colour; outside the optimum only, in the warning colour.
 */
import { h } from '../dom.js';
import { currentLang, pick, t } from '../i18n.js';
import { formatDateTime, formatDuration } from '../time-format.js';
import { legColors } from '../consumer/leg-colors.js';
import { formatTempC } from './fact-list.js';

/** @typedef {import('./dispute-types.js').ShipmentDetail} ShipmentDetail */
/** @typedef {import('./dispute-types.js').Leg} Leg */
/** @typedef {import('../i18n.js').TextKey} TextKey */

/** @type {TextKey[]} */
const COLUMNS = ['dispute.legs.stage', 'dispute.legs.custodian', 'dispute.legs.station', 'dispute.legs.start', 'dispute.legs.end', 'dispute.legs.probe', 'dispute.legs.max', 'dispute.legs.outside'];

/**
 * How a handoff probe reading stands against the profile: beyond a limit, outside the optimum, or fine.
 * @param {number} tempC
 * @param {ShipmentDetail['profile']} profile
 * @returns {{ level: 'limit' | 'optimum' | 'ok', note: string }}
 */
export function judgeProbe(tempC, profile) {
  for (const limit of profile.limits) {
    if (limit.direction === 'above' && tempC > limit.thresholdC) return { level: 'limit', note: t('dispute.probe.aboveLimit', { t: limit.thresholdC }) };
    if (limit.direction === 'below' && tempC < limit.thresholdC) return { level: 'limit', note: t('dispute.probe.belowLimit', { t: limit.thresholdC }) };
  }
  if (tempC > profile.optimumC.max) return { level: 'optimum', note: t('dispute.probe.aboveOptimum', { t: profile.optimumC.max }) };
  if (tempC < profile.optimumC.min) return { level: 'optimum', note: t('dispute.probe.belowOptimum', { t: profile.optimumC.min }) };
  return { level: 'ok', note: '' };
}

/**
 * @param {Leg} leg
 * @param {ShipmentDetail['profile']} profile
 */
function probeCell(leg, profile) {
  if (leg.startProbeTempC === null) return h('span', { class: 'muted' }, leg.index === 0 ? '—' : t('dispute.legs.noProbe'));
  const { level, note } = judgeProbe(leg.startProbeTempC, profile);
  return h(
    'span',
    { class: `probe probe-${level}`, 'data-level': level },
    h('strong', {}, formatTempC(leg.startProbeTempC)),
    note ? h('span', { class: 'sub' }, note) : null,
  );
}

/**
 * @param {ShipmentDetail} detail
 * @param {Set<number>} excursionLegs indexes of the legs in which an excursion began
 */
export function renderLegs(detail, excursionLegs) {
  const colors = legColors(detail.legs);
  const legMeasures = new Map(detail.measures.legs.map((m) => [m.legIndex, m.measures]));
  const end = (/** @type {Leg} */ leg) => leg.endedAt ?? detail.shipment.deliveredAt;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'legs-title' },
    h('h2', { id: 'legs-title' }, t('dispute.legs.title'), h('span', { class: 'section-note' }, t('time.zoneNote'))),
    h(
      'table',
      { class: 'data-table legs-table stack-table' },
      h('thead', {}, h('tr', {}, COLUMNS.map((key) => h('th', { scope: 'col' }, t(key))))),
      h(
        'tbody',
        {},
        detail.legs.map((leg, i) => {
          const measures = legMeasures.get(leg.index);
          const outsideMs = measures ? measures.timeAboveMs + measures.timeBelowMs : null;
          const legEnd = end(leg);
          const cells = [
            [
              h('span', { class: 'leg-swatch', style: `--leg-solid: ${colors[i]?.solid}; --leg-fill: ${colors[i]?.fill}`, 'aria-hidden': 'true' }),
              h('strong', {}, pick(leg.stageName)),
              excursionLegs.has(leg.index) ? h('span', { class: 'badge badge-danger' }, t('dispute.legs.excursionHere')) : null,
            ],
            currentLang() === 'zh' ? leg.custodian.name : leg.custodian.nameEn,
            leg.station ?? t('dispute.legs.noStation'),
            formatDateTime(leg.startedAt),
            legEnd === null ? h('span', { class: 'muted' }, t('dispute.legs.ongoing')) : formatDateTime(legEnd),
            probeCell(leg, detail.profile),
            measures ? formatTempC(measures.maxTempC) : '—',
            outsideMs === null ? '—' : outsideMs > 0 ? h('span', { class: 'warn-text' }, formatDuration(outsideMs)) : formatDuration(0),
          ];
          return h(
            'tr',
            { 'data-leg-index': leg.index, class: excursionLegs.has(leg.index) ? 'has-excursion' : '' },
            cells.map((cell, c) => h('td', { 'data-label': t(/** @type {TextKey} */ (COLUMNS[c])), 'data-col': COLUMNS[c]?.split('.').pop() }, cell)),
          );
        }),
      ),
    ),
  );
}
