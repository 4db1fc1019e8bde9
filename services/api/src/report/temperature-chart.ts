import type { ReportFonts } from './report-fonts.ts';
import { chinaDayStart, formatAxisTime, formatTempC } from './report-format.ts';
import { label } from './report-labels.ts';
import type { ReportLang } from './report-labels.ts';
import type { TripReportData } from './trip-report-data.ts';

const HOUR = 3_600_000;
/** Leg bands, one soft colour each in turn. */
const LEG_FILLS = ['#e3edf9', '#fdf0d9', '#e6f4e1', '#f3e6f5', '#f9e3e3', '#e0f3f3'];
const COLORS = { curve: '#1b4f8f', optimum: '#43a047', above: '#d32f2f', below: '#1e88e5', excursion: '#e53935', probe: '#ef6c00', grid: '#d9dde3', axis: '#6b7280', text: '#374151' };
/** Time-axis steps to choose from: the first that gives at most MAX_TIME_TICKS ticks. */
const TIME_STEPS_H = [1, 2, 3, 6, 12, 24, 48, 96, 168];
const MAX_TIME_TICKS = 9;

/** Where the chart goes on the page, in points. */
export type ChartBox = { x: number; y: number; width: number; height: number };

/** The time span the chart covers: the shipment, to its delivery or to when the report was made. */
function timeDomain(data: TripReportData): { from: number; to: number } {
  const from = data.shipment.startedAt;
  const lastSeen = Math.max(data.lastReadingAt ?? from, ...data.legs.map((l) => l.endedAt ?? l.startedAt));
  const to = data.shipment.deliveredAt ?? Math.max(lastSeen, Math.min(data.generatedAt, lastSeen + 24 * HOUR));
  return { from, to: Math.max(to, from + HOUR) };
}

/** The °C span: the readings, the optimum, the limits and the probes, with a tick step of 1, 2, 5 or 10 °C. */
function tempDomain(data: TripReportData): { lo: number; hi: number; step: number } {
  const values = [
    ...data.curve.map(([, v]) => v),
    data.product.optimumC.min,
    data.product.optimumC.max,
    ...data.product.limits.map((l) => l.thresholdC),
    ...data.legs.flatMap((l) => (l.startProbeTempC === null ? [] : [l.startProbeTempC])),
  ];
  const min = Math.min(...values) - 1.5;
  const max = Math.max(...values) + 1;
  const step = [1, 2, 5, 10, 20].find((s) => (max - min) / s <= 8) ?? 50;
  const lo = Math.floor(min / step) * step;
  let hi = Math.ceil(max / step) * step;
  // The top of the plot holds the legs' names: keep the readings out of its first eighth.
  if ((hi - max) / (hi - lo) < 0.125) hi += step;
  return { lo, hi, step };
}

/**
 * Draws the temperature curve as vector paths: each custody leg as a shaded band with its name, the
 * optimum range, the alert limits, the excursions highlighted with their peaks, the probe temperatures
 * taken at the handoffs, and the axes in China time and °C. Returns the height used (with the legend).
 */
export function drawTemperatureChart(doc: PDFKit.PDFDocument, data: TripReportData, lang: ReportLang, fonts: ReportFonts, box: ChartBox): number {
  const plot = { x: box.x + 34, y: box.y + 2, width: box.width - 34 - 6, height: box.height - 2 - 26 };
  const time = timeDomain(data);
  const temp = tempDomain(data);
  const xOf = (t: number) => plot.x + ((Math.min(Math.max(t, time.from), time.to) - time.from) / (time.to - time.from)) * plot.width;
  const yOf = (v: number) => plot.y + plot.height - ((v - temp.lo) / (temp.hi - temp.lo)) * plot.height;

  doc.save();
  doc.rect(plot.x, plot.y, plot.width, plot.height).clip();

  // Legs, as bands behind everything, each with its number and stage name at the top.
  data.legs.forEach((leg, i) => {
    const x0 = xOf(leg.startedAt);
    const x1 = xOf(leg.endedAt ?? time.to);
    doc.rect(x0, plot.y, Math.max(0, x1 - x0), plot.height).fillOpacity(1).fill(LEG_FILLS[i % LEG_FILLS.length]!);
  });

  // The optimum range.
  const { optimumC } = data.product;
  doc.rect(plot.x, yOf(optimumC.max), plot.width, yOf(optimumC.min) - yOf(optimumC.max)).fillOpacity(0.18).fill(COLORS.optimum);

  // Excursions: the span outside the limit.
  for (const e of data.excursions) {
    const x0 = xOf(e.startedAt);
    const x1 = xOf(e.endedAt ?? time.to);
    doc.rect(x0, plot.y, Math.max(1.5, x1 - x0), plot.height).fillOpacity(0.16).fill(COLORS.excursion);
  }
  doc.fillOpacity(1);

  // Grid and °C labels.
  doc.lineWidth(0.4).strokeColor(COLORS.grid);
  for (let v = temp.lo; v <= temp.hi + 1e-9; v += temp.step) doc.moveTo(plot.x, yOf(v)).lineTo(plot.x + plot.width, yOf(v)).stroke();
  const ticks = timeTicks(time.from, time.to);
  for (const t of ticks) doc.moveTo(xOf(t), plot.y).lineTo(xOf(t), plot.y + plot.height).stroke();

  // Handoffs: a line where each leg begins.
  doc.lineWidth(0.8).strokeColor('#9aa3ad');
  for (const leg of data.legs.slice(1)) doc.moveTo(xOf(leg.startedAt), plot.y).lineTo(xOf(leg.startedAt), plot.y + plot.height).stroke();

  // Limits: dashed, red above, blue below.
  for (const limit of data.product.limits) {
    const y = yOf(limit.thresholdC);
    doc.lineWidth(1).dash(4, { space: 3 }).strokeColor(limit.direction === 'above' ? COLORS.above : COLORS.below).moveTo(plot.x, y).lineTo(plot.x + plot.width, y).stroke();
    doc.undash();
  }

  drawCurve(doc, data, xOf, yOf);
  doc.restore();

  // Texts on the plot, outside the clip so none is cut (each placed inside the plot by hand).
  doc.font(fonts.regular).fontSize(6.5).fillColor(COLORS.text);
  data.legs.forEach((leg) => {
    const x0 = xOf(leg.startedAt);
    const width = xOf(leg.endedAt ?? time.to) - x0 - 4;
    const full = `${leg.index + 1} ${leg.stage[lang]}`;
    const text = doc.widthOfString(full) <= width ? full : doc.widthOfString(String(leg.index + 1)) <= width ? String(leg.index + 1) : '';
    if (text) doc.text(text, x0 + 2.5, plot.y + 2.5, { lineBreak: false });
    const custodian = leg.custodian[lang];
    if (text === full && doc.widthOfString(custodian) <= width) doc.fillColor('#6b7280').text(custodian, x0 + 2.5, plot.y + 10.5, { lineBreak: false }).fillColor(COLORS.text);
  });
  for (const limit of data.product.limits) {
    const words = `${label(lang, limit.direction === 'above' ? 'limitHigh' : 'limitLow')} ${formatTempC(limit.thresholdC)}`;
    const color = limit.direction === 'above' ? COLORS.above : COLORS.below;
    const y = yOf(limit.thresholdC) + (limit.direction === 'above' ? -8.5 : 1.5);
    doc.fontSize(6.5).fillColor(color).text(words, plot.x + plot.width - doc.widthOfString(words) - 3, y, { lineBreak: false });
  }
  // Probe temperatures at the handoffs, and each excursion's peak.
  for (const leg of data.legs) {
    if (leg.startProbeTempC === null) continue;
    const x = xOf(leg.startedAt);
    const y = yOf(leg.startProbeTempC);
    doc.polygon([x, y - 3.5], [x + 3.5, y], [x, y + 3.5], [x - 3.5, y]).fillColor(COLORS.probe).fill();
    doc.fontSize(6.5).fillColor(COLORS.probe).text(formatTempC(leg.startProbeTempC), Math.min(x + 4.5, plot.x + plot.width - 28), y - 9, { lineBreak: false });
  }
  for (const e of data.excursions) {
    const peakAt = peakTime(data, e.startedAt, e.endedAt ?? time.to, e.direction);
    if (peakAt === null) continue;
    const x = xOf(peakAt);
    const y = yOf(e.peakTempC);
    doc.circle(x, y, 2.2).fillColor(COLORS.excursion).fill();
    // Beside the peak, on the side with room: the curve falls away from it on both sides.
    const words = `${label(lang, 'peak')} ${formatTempC(e.peakTempC)}`;
    doc.fontSize(7).fillColor(COLORS.excursion);
    const width = doc.widthOfString(words);
    const textX = x + 5 + width <= plot.x + plot.width - 2 ? x + 5 : x - 5 - width;
    doc.text(words, textX, y - (e.direction === 'above' ? 9 : 0), { lineBreak: false });
  }
  if (data.curve.length === 0) {
    doc.fontSize(10).fillColor(COLORS.axis).text(label(lang, 'noReadings'), plot.x, plot.y + plot.height / 2 - 6, { width: plot.width, align: 'center' });
  }

  // Frame and axes.
  doc.lineWidth(0.6).strokeColor(COLORS.axis).rect(plot.x, plot.y, plot.width, plot.height).stroke();
  doc.fontSize(7).fillColor(COLORS.text);
  for (let v = temp.lo; v <= temp.hi + 1e-9; v += temp.step) {
    const text = `${v}`;
    doc.text(text, plot.x - doc.widthOfString(text) - 4, yOf(v) - 3.5, { lineBreak: false });
  }
  doc.save().rotate(-90, { origin: [box.x + 4, plot.y + plot.height / 2] });
  const axisName = label(lang, 'chartAxisC');
  doc.fontSize(7).text(axisName, box.x + 4 - doc.widthOfString(axisName) / 2, plot.y + plot.height / 2 - 4, { lineBreak: false });
  doc.restore();
  let lastDay = '';
  for (const t of ticks) {
    const { monthDay, hm } = formatAxisTime(t);
    const x = xOf(t);
    doc.fontSize(7).fillColor(COLORS.text).text(hm, x - doc.widthOfString(hm) / 2, plot.y + plot.height + 3, { lineBreak: false });
    if (monthDay !== lastDay) doc.fillColor(COLORS.axis).text(monthDay, x - doc.widthOfString(monthDay) / 2, plot.y + plot.height + 12, { lineBreak: false });
    lastDay = monthDay;
  }
  return box.height + drawLegend(doc, lang, fonts, box.x + 34, box.y + box.height + 4);
}

/** The readings as one path, lifted at gaps longer than the profile's (unmonitored time shows as a break). */
function drawCurve(doc: PDFKit.PDFDocument, data: TripReportData, xOf: (t: number) => number, yOf: (v: number) => number): void {
  if (data.curve.length === 0) return;
  // Buckets of a downsampled curve may be further apart than readings: a gap is the larger of the two.
  const span = data.curve[data.curve.length - 1]![0] - data.curve[0]![0];
  const maxGap = Math.max(data.product.maxReadingGapMs, (span / Math.max(1, data.curve.length)) * 4);
  doc.lineWidth(1.1).strokeColor(COLORS.curve).lineJoin('round');
  let previous: number | null = null;
  for (const [t, v] of data.curve) {
    if (previous === null || t - previous > maxGap) doc.moveTo(xOf(t), yOf(v));
    else doc.lineTo(xOf(t), yOf(v));
    previous = t;
  }
  doc.stroke();
}

/** When the curve reached its extreme within an excursion (null without readings there). */
function peakTime(data: TripReportData, from: number, to: number, direction: 'above' | 'below'): number | null {
  let best: [number, number] | null = null;
  for (const point of data.curve) {
    if (point[0] < from || point[0] > to) continue;
    if (!best || (direction === 'above' ? point[1] > best[1] : point[1] < best[1])) best = point;
  }
  return best?.[0] ?? null;
}

/** Ticks on whole China-time hours, at most MAX_TIME_TICKS of them. */
function timeTicks(from: number, to: number): number[] {
  const stepH = TIME_STEPS_H.find((h) => (to - from) / (h * HOUR) <= MAX_TIME_TICKS) ?? TIME_STEPS_H[TIME_STEPS_H.length - 1]!;
  const step = stepH * HOUR;
  const base = chinaDayStart(from);
  const ticks: number[] = [];
  for (let t = base + Math.ceil((from - base) / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** One line of swatches naming what the chart shows; returns its height. */
function drawLegend(doc: PDFKit.PDFDocument, lang: ReportLang, fonts: ReportFonts, x: number, y: number): number {
  doc.font(fonts.regular).fontSize(7);
  let cx = x;
  const item = (drawSwatch: (sx: number, sy: number) => void, text: string) => {
    drawSwatch(cx, y + 4.5);
    doc.fillColor(COLORS.text).text(text, cx + 16, y + 1, { lineBreak: false });
    cx += 16 + doc.widthOfString(text) + 12;
  };
  item((sx, sy) => doc.lineWidth(1.4).strokeColor(COLORS.curve).moveTo(sx, sy).lineTo(sx + 12, sy).stroke(), label(lang, 'legendCurve'));
  item((sx, sy) => doc.rect(sx, sy - 3.5, 12, 7).fillOpacity(0.25).fill(COLORS.optimum).fillOpacity(1), label(lang, 'legendOptimum'));
  item((sx, sy) => {
    doc.lineWidth(1).dash(3, { space: 2 }).strokeColor(COLORS.above).moveTo(sx, sy - 1.5).lineTo(sx + 12, sy - 1.5).stroke();
    doc.strokeColor(COLORS.below).moveTo(sx, sy + 1.5).lineTo(sx + 12, sy + 1.5).stroke().undash();
  }, label(lang, 'legendLimit'));
  item((sx, sy) => doc.rect(sx, sy - 3.5, 12, 7).fillOpacity(0.25).fill(COLORS.excursion).fillOpacity(1), label(lang, 'legendExcursion'));
  item((sx, sy) => doc.polygon([sx + 6, sy - 3.5], [sx + 9.5, sy], [sx + 6, sy + 3.5], [sx + 2.5, sy]).fillColor(COLORS.probe).fill(), label(lang, 'legendProbe'));
  return 14;
}
