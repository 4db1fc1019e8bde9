// @ts-check
/**
 * A small inline SVG line of an organisation's score over the months (0–100 bottom to top), broken
 * where a month has no score; the last scored month is dotted. No library: a polyline per run of months.
 */

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 120;
const HEIGHT = 32;
const PAD = 3;

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 */
function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/**
 * @param {(number | null)[]} scores one per month, oldest first
 * @param {string} label what a screen reader says (and a tooltip shows): each month and its score
 * @returns {SVGSVGElement}
 */
export function renderSparkline(scores, label) {
  const root = /** @type {SVGSVGElement} */ (svg('svg', { class: 'sparkline', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': label }));
  const title = svg('title', {});
  title.textContent = label;
  root.append(title);
  // The grade lines A (90) and C (60), faint, so a fall through a grade shows.
  for (const score of [90, 60]) root.append(svg('line', { class: 'sparkline-grade', x1: 0, x2: WIDTH, y1: y(score), y2: y(score) }));
  const step = scores.length > 1 ? (WIDTH - 2 * PAD) / (scores.length - 1) : 0;
  const x = (/** @type {number} */ i) => (scores.length > 1 ? PAD + i * step : WIDTH / 2);
  /** @type {string[]} */
  let run = [];
  const flush = () => {
    if (run.length > 1) root.append(svg('polyline', { class: 'sparkline-line', points: run.join(' ') }));
    run = [];
  };
  scores.forEach((score, i) => {
    if (score === null) return flush();
    run.push(`${x(i).toFixed(1)},${y(score).toFixed(1)}`);
    // A month alone between gaps still shows, as a dot.
    root.append(svg('circle', { class: i === lastScored(scores) ? 'sparkline-last' : 'sparkline-point', cx: x(i).toFixed(1), cy: y(score).toFixed(1), r: i === lastScored(scores) ? 2.6 : 1.4, 'data-score': score }));
  });
  flush();
  return root;
}

/** @param {number} score */
function y(score) {
  return PAD + ((100 - Math.max(0, Math.min(100, score))) / 100) * (HEIGHT - 2 * PAD);
}

/** @param {(number | null)[]} scores */
function lastScored(scores) {
  for (let i = scores.length - 1; i >= 0; i--) if (scores[i] !== null) return i;
  return -1;
}
