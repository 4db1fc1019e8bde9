// @ts-check
/**
 * The temperature curve (uPlot): the curve, red where it is beyond a limit, over the legs' shading,
 * the optimum band and the limit lines (chart-layers.js). A finger or mouse on the chart reads out
 * time, temperature and stage.
 */
import { pick, t } from '../i18n.js';
import { dayKey, formatClock, formatDateTime, formatDay, TIME_ZONE } from '../time-format.js';
import { drawBackground, drawForeground, EXCURSION_COLOR } from './chart-layers.js';

/** @typedef {import('./trace-api.js').Trace} Trace */
/** @typedef {typeof import('uplot')} UPlotConstructor */

const CURVE_COLOR = '#1d3b53';

/**
 * The y range: the data, the limits and the optimum band, with room above for the peak's label.
 * @param {Trace} trace
 * @returns {[number, number]}
 */
function temperatureRange(trace) {
  const values = [...trace.curve.map((p) => p[1]), ...trace.limits.map((l) => l.thresholdC), trace.optimumC.min, trace.optimumC.max];
  const min = Math.floor(Math.min(...values) - 2);
  const max = Math.ceil(Math.max(...values) + 3);
  return [min, max];
}

/**
 * The part of the curve beyond a limit, plus the in-range neighbours so the red segments join the curve.
 * @param {Trace} trace
 * @returns {(number | null)[]}
 */
function outsideSeries(trace) {
  const isOutside = (/** @type {number} */ v) => trace.limits.some((l) => (l.direction === 'above' ? v > l.thresholdC : v < l.thresholdC));
  const flags = trace.curve.map((p) => isOutside(p[1]));
  return trace.curve.map((p, i) => (flags[i] || flags[i - 1] || flags[i + 1] ? p[1] : null));
}

/**
 * Time labels: hours, with the date under the first label of each day.
 * @param {number[]} splits seconds
 */
function timeLabels(splits) {
  return splits.map((s, i) => {
    const ms = s * 1000;
    const previous = splits[i - 1];
    const isNewDay = previous === undefined || dayKey(previous * 1000) !== dayKey(ms);
    return isNewDay ? `${formatClock(ms)}\n${formatDay(ms)}` : formatClock(ms);
  });
}

/**
 * Draws the chart into `container` and keeps it sized to it; returns a function that removes it.
 * @param {UPlotConstructor} uPlot
 * @param {HTMLElement} container
 * @param {HTMLElement} readout where the reading under the cursor is written
 * @param {Trace} trace
 */
export function drawTemperatureChart(uPlot, container, readout, trace) {
  const px = uPlot.pxRatio;
  const xs = trace.curve.map((p) => p[0] / 1000);
  const ys = trace.curve.map((p) => p[1]);
  const range = temperatureRange(trace);
  const height = () => Math.round(Math.min(300, Math.max(220, container.clientWidth * 0.62)));
  const axisFont = `11px system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", sans-serif`;
  const axisColor = '#5b6472';
  const grid = { stroke: 'rgba(29, 59, 83, 0.08)', width: 1 };
  const hint = t('consumer.curveHint');

  /** @type {import('uplot').Options} */
  const options = {
    width: container.clientWidth,
    height: height(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), TIME_ZONE),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 9, fill: CURVE_COLOR } },
    scales: { x: { time: true }, y: { range: () => range } },
    axes: [
      { stroke: axisColor, font: axisFont, grid, ticks: { show: false }, space: 56, size: 42, values: (_u, splits) => timeLabels(splits) },
      { stroke: axisColor, font: axisFont, grid, ticks: { show: false }, size: 38, gap: 4, values: (_u, splits) => splits.map((v) => `${v}°`) },
    ],
    series: [
      {},
      { label: '°C', stroke: CURVE_COLOR, width: 2, points: { show: false } },
      { label: '°C', stroke: EXCURSION_COLOR, width: 3, points: { show: false }, spanGaps: false },
    ],
    hooks: {
      drawClear: [(u) => drawBackground(u, trace, px)],
      draw: [(u) => drawForeground(u, trace, px)],
      setCursor: [
        (u) => {
          const idx = u.cursor.idx;
          const point = idx === null || idx === undefined ? undefined : trace.curve[idx];
          if (!point) {
            readout.textContent = hint;
            readout.classList.remove('is-active');
            return;
          }
          const leg = trace.legs.find((l) => l.startedAt <= point[0] && (l.endedAt === null || point[0] < l.endedAt));
          readout.textContent = t('consumer.readout', { time: formatDateTime(point[0]), temp: `${point[1].toFixed(1)} °C`, stage: leg ? pick(leg.stageName) : '—' });
          readout.classList.add('is-active');
        },
      ],
    },
  };

  readout.textContent = hint;
  container.replaceChildren();
  const chart = new uPlot(options, [xs, ys, outsideSeries(trace)], container);

  // uPlot follows the mouse; on a phone, follow the finger along the curve, and let vertical swipes scroll.
  const follow = (/** @type {TouchEvent} */ event) => {
    const touch = event.touches[0];
    if (!touch) return;
    const rect = chart.over.getBoundingClientRect();
    chart.setCursor({ left: Math.min(rect.width, Math.max(0, touch.clientX - rect.left)), top: Math.max(0, touch.clientY - rect.top) });
  };
  chart.over.addEventListener('touchstart', follow, { passive: true });
  chart.over.addEventListener('touchmove', follow, { passive: true });

  let width = container.clientWidth;
  const observer = new ResizeObserver(() => {
    if (container.clientWidth === width) return;
    width = container.clientWidth;
    chart.setSize({ width, height: height() });
  });
  observer.observe(container);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}
