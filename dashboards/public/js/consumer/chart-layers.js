// @ts-check
/**
 * What the temperature chart draws around the curve, on uPlot's canvas: the legs shaded by custodian,
 * the optimum band, the limits as labelled lines, and the excursions. Coordinates are canvas pixels.
 */
import { t } from '../i18n.js';
import { legColors } from './leg-colors.js';

/** @typedef {import('uplot')} UPlot */
/** @typedef {import('./trace-api.js').Trace} Trace */

const FONT_FAMILY = 'system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
const LIMIT_COLOR = { above: '#c62828', below: '#1f5fae' };
const OPTIMUM_FILL = 'rgba(46, 150, 90, 0.17)';
const OPTIMUM_EDGE = 'rgba(46, 150, 90, 0.55)';
export const EXCURSION_COLOR = '#d92d20';

/**
 * @param {UPlot} u
 * @param {number} ms
 */
function xPos(u, ms) {
  return u.valToPos(ms / 1000, 'x', true);
}

/**
 * @param {UPlot} u
 * @param {number} tempC
 */
function yPos(u, tempC) {
  return u.valToPos(tempC, 'y', true);
}

/**
 * A label with a white halo, readable over the curve and the shading.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} text
 * @param {number} x
 * @param {number} y
 * @param {string} color
 * @param {number} px device pixel ratio
 * @param {{ align?: CanvasTextAlign, baseline?: CanvasTextBaseline, bold?: boolean }} [options]
 */
function label(ctx, text, x, y, color, px, options = {}) {
  ctx.save();
  ctx.font = `${options.bold ? '600 ' : ''}${Math.round(11.5 * px)}px ${FONT_FAMILY}`;
  ctx.textAlign = options.align ?? 'left';
  ctx.textBaseline = options.baseline ?? 'bottom';
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3.5 * px;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.92)';
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
  ctx.restore();
}

/**
 * Under the grid and the curve: each leg's span shaded in its custodian's colour with a solid strip on
 * top, a thin line at each handoff, then the optimum band and the limit lines.
 * @param {UPlot} u
 * @param {Trace} trace
 * @param {number} px
 */
export function drawBackground(u, trace, px) {
  const { ctx, bbox } = u;
  const right = bbox.left + bbox.width;
  const lastMs = trace.lastReadingAt ?? trace.curve.at(-1)?.[0] ?? Date.now();
  const colors = legColors(trace.legs);
  ctx.save();
  trace.legs.forEach((leg, index) => {
    const x0 = Math.max(bbox.left, xPos(u, leg.startedAt));
    const x1 = Math.min(right, xPos(u, leg.endedAt ?? Math.max(lastMs, leg.startedAt)));
    if (x1 <= x0) return;
    const color = colors[index];
    if (!color) return;
    ctx.fillStyle = color.fill;
    ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
    ctx.fillStyle = color.solid;
    ctx.fillRect(x0, bbox.top, x1 - x0, 4 * px);
    if (index > 0) {
      ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
      ctx.fillRect(x0 - px / 2, bbox.top, px, bbox.height);
    }
  });

  const yMax = yPos(u, trace.optimumC.max);
  const yMin = yPos(u, trace.optimumC.min);
  ctx.fillStyle = OPTIMUM_FILL;
  ctx.fillRect(bbox.left, yMax, bbox.width, yMin - yMax);
  ctx.strokeStyle = OPTIMUM_EDGE;
  ctx.lineWidth = px;
  ctx.beginPath();
  for (const y of [yMax, yMin]) {
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(right, y);
  }
  ctx.stroke();

  ctx.lineWidth = 1.5 * px;
  ctx.setLineDash([6 * px, 4 * px]);
  for (const limit of trace.limits) {
    const y = yPos(u, limit.thresholdC);
    ctx.strokeStyle = LIMIT_COLOR[limit.direction];
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * Over the curve: the limits' labels, and for each excursion a red bar along the time axis and its
 * peak marked and labelled.
 * @param {UPlot} u
 * @param {Trace} trace
 * @param {number} px
 */
export function drawForeground(u, trace, px) {
  const { ctx, bbox } = u;
  const right = bbox.left + bbox.width;
  for (const limit of trace.limits) {
    const y = yPos(u, limit.thresholdC);
    const text = limit.direction === 'above' ? t('consumer.key.limitAbove', { t: limit.thresholdC }) : t('consumer.key.limitBelow', { t: limit.thresholdC });
    // The upper limit's label sits above its line, the lower one's below it, both at the right end,
    // where the journey's latest (and usually calm) part is.
    if (limit.direction === 'above') label(ctx, text, right - 6 * px, y - 3 * px, LIMIT_COLOR.above, px, { align: 'right', bold: true });
    else label(ctx, text, right - 6 * px, y + 3 * px, LIMIT_COLOR.below, px, { align: 'right', baseline: 'top', bold: true });
  }

  const lastMs = trace.lastReadingAt ?? Date.now();
  for (const excursion of trace.excursions) {
    const x0 = Math.max(bbox.left, xPos(u, excursion.startedAt));
    const x1 = Math.min(right, xPos(u, excursion.endedAt ?? lastMs));
    ctx.save();
    ctx.fillStyle = EXCURSION_COLOR;
    ctx.fillRect(x0, bbox.top + bbox.height - 5 * px, Math.max(2 * px, x1 - x0), 5 * px);
    ctx.restore();

    const peak = peakPoint(trace, excursion);
    if (!peak) continue;
    const x = xPos(u, peak[0]);
    const y = yPos(u, peak[1]);
    ctx.save();
    ctx.fillStyle = EXCURSION_COLOR;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 2 * px;
    ctx.beginPath();
    ctx.arc(x, y, 4.5 * px, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
    ctx.restore();
    // Keep the label inside the plot: to the right of the peak unless that runs off the edge.
    const text = t('consumer.excursionMark', { temp: peak[1].toFixed(1) });
    ctx.font = `600 ${Math.round(11.5 * px)}px ${FONT_FAMILY}`;
    const width = ctx.measureText(text).width;
    const fitsRight = x + 8 * px + width < right;
    label(ctx, text, fitsRight ? x + 8 * px : x - 8 * px, y + 4 * px, EXCURSION_COLOR, px, { align: fitsRight ? 'left' : 'right', baseline: 'middle', bold: true });
  }
}

/**
 * The warmest (or coldest) point of the curve inside an excursion.
 * @param {Trace} trace
 * @param {import('./trace-api.js').TraceExcursion} excursion
 * @returns {[number, number] | undefined}
 */
function peakPoint(trace, excursion) {
  const end = excursion.endedAt ?? Number.MAX_SAFE_INTEGER;
  /** @type {[number, number] | undefined} */
  let best;
  for (const point of trace.curve) {
    if (point[0] < excursion.startedAt || point[0] > end) continue;
    const isBetter = !best || (excursion.direction === 'above' ? point[1] > best[1] : point[1] < best[1]);
    if (isBetter) best = point;
  }
  return best;
}
