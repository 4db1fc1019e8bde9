import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { registerReportFonts } from './report-fonts.ts';
import type { ReportFonts } from './report-fonts.ts';
import { formatDegreeMinutes, formatDuration, formatPct, formatTempC, formatTime, formatTimeWithOffset, formatYuan, keepUnitsTogether } from './report-format.ts';
import { colon, label } from './report-labels.ts';
import type { ReportLang } from './report-labels.ts';
import { INK, MUTED, PageFlow } from './report-layout.ts';
import { drawClaims, drawCorrections, drawExcursions, drawLegs } from './report-tables.ts';
import { drawTemperatureChart } from './temperature-chart.ts';
import type { TripReportData } from './trip-report-data.ts';

const MARGIN = 40;
const QR_SIZE = 70;
const VERDICT_COLORS = { ok: { fill: '#e8f5e9', ink: '#1b5e20' }, excursion: { fill: '#fdecea', ink: '#b71c1c' }, unmonitored: { fill: '#fff4e5', ink: '#8a4b00' } };

/**
 * Draws a shipment's trip report (A4, Chinese or English) and answers the PDF's bytes. Pure but for
 * reading the font files once: everything shown comes from `data`.
 */
export async function renderTripReport(data: TripReportData, lang: ReportLang): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 14, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: lang === 'zh' ? 'zh-CN' : 'en',
    displayTitle: true,
    info: {
      Title: `${label(lang, 'title')} ${data.shipment.id}`,
      Author: 'coldchain',
      Subject: `${data.product.name[lang]} ${data.shipment.origin} → ${data.shipment.destination}`,
      CreationDate: new Date(data.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const fonts = registerReportFonts(doc);
  const flow = new PageFlow(doc, fonts);
  drawHeader(flow, data, lang);
  drawVerdict(flow, data, lang);
  drawShipment(flow, data, lang);
  drawMeasures(flow, data, lang);
  flow.heading(label(lang, 'chartSection'), 210);
  flow.y += drawTemperatureChart(doc, data, lang, fonts, { x: flow.left, y: flow.y, width: flow.width, height: 190 }) + 4;
  drawLegs(flow, data, lang);
  drawExcursions(flow, data, lang);
  drawClaims(flow, data, lang);
  drawCorrections(flow, data, lang);
  drawChain(flow, data, lang);
  drawFooters(doc, fonts, data, lang);
  doc.end();
  return finished;
}

function drawHeader(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  const { doc, fonts } = flow;
  const top = flow.y;
  const textWidth = flow.width - QR_SIZE - 16;
  doc.font(fonts.bold).fontSize(20).fillColor(INK).text(label(lang, 'title'), flow.left, top, { width: textWidth, lineBreak: false });
  doc.font(fonts.regular).fontSize(10).fillColor(MUTED).text(label(lang, 'subtitle'), flow.left, top + 30, { width: textWidth, lineBreak: false });
  doc.fontSize(8.5).fillColor(INK);
  doc.text(`${label(lang, 'shipmentId')}${colon(lang)}${data.shipment.id}    ${data.product.name[lang]}    ${data.shipment.origin} → ${data.shipment.destination}`, flow.left, top + 48, { width: textWidth });
  doc.fillColor(MUTED).text(`${label(lang, 'generated')}${colon(lang)}${formatTimeWithOffset(data.generatedAt)}    ${label(lang, 'timesNote')}`, flow.left, top + 61, { width: textWidth });

  const qrX = flow.left + flow.width - QR_SIZE;
  drawQrCode(doc, data.consumerUrl, qrX, top - 4, QR_SIZE);
  doc.fontSize(6.5).fillColor(MUTED).text(label(lang, 'scanToView'), qrX - 40, top + QR_SIZE - 2, { width: QR_SIZE + 40, align: 'right', lineBreak: false });
  flow.y = top + QR_SIZE + 12;
  doc.lineWidth(1.2).strokeColor('#1b4f8f').moveTo(flow.left, flow.y).lineTo(flow.left + flow.width, flow.y).stroke();
  flow.y += 8;
}

/** The QR code as vector squares (no image), quiet zone left to the page around it. */
function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const cell = size / modules.size;
  for (let row = 0; row < modules.size; row += 1) {
    for (let col = 0; col < modules.size; col += 1) {
      // Slightly oversized squares so neighbours join without hairline seams.
      if (modules.get(row, col)) doc.rect(x + col * cell, y + row * cell, cell + 0.05, cell + 0.05);
    }
  }
  doc.fillColor('#000000').fill();
}

function drawVerdict(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  const { doc, fonts } = flow;
  const colors = VERDICT_COLORS[data.verdict.status];
  const text = `${label(lang, 'verdict')}${colon(lang)}${keepUnitsTogether(data.verdict.text[lang])}`;
  doc.font(fonts.bold).fontSize(10);
  const height = doc.heightOfString(text, { width: flow.width - 20 }) + 12;
  doc.rect(flow.left, flow.y, flow.width, height).fill(colors.fill);
  doc.rect(flow.left, flow.y, 3, height).fill(colors.ink);
  doc.fillColor(colors.ink).text(text, flow.left + 12, flow.y + 6, { width: flow.width - 20 });
  flow.y += height + 4;
}

function drawShipment(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  const { shipment, product } = data;
  flow.heading(label(lang, 'shipmentSection'), 70);
  flow.facts(
    [
      [label(lang, 'shipmentId'), shipment.id],
      [label(lang, 'traceCode'), shipment.traceCode],
      [label(lang, 'product'), `${product.name[lang]} (${label(lang, 'optimum')} ${product.optimumC.min}–${product.optimumC.max} °C)`],
      [label(lang, 'shipper'), data.shipper[lang]],
      [label(lang, 'route'), `${shipment.origin} → ${shipment.destination}`],
      [label(lang, 'boxes'), String(shipment.boxes)],
      [label(lang, 'goodsValue'), formatYuan(shipment.goodsValueCents, lang)],
      [label(lang, 'freight'), formatYuan(shipment.freightCents, lang)],
      [label(lang, 'started'), formatTimeWithOffset(shipment.startedAt)],
      [label(lang, 'delivered'), shipment.deliveredAt === null ? label(lang, 'notDelivered') : formatTimeWithOffset(shipment.deliveredAt)],
      [label(lang, 'device'), `${shipment.deviceId} · ${label(lang, 'readings', { n: data.readingCount.toLocaleString('en-US') })}`],
    ],
    2,
    lang === 'zh' ? 58 : 72,
  );
}

/** The figures that decide a dispute, as tiles: value large, budget share under it. */
function drawMeasures(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  const { doc, fonts } = flow;
  const m = data.measures;
  const budgetKey = m.isLowerBound ? 'ofBudgetAtLeast' : 'ofBudget';
  const tiles: [string, string, string][] = [
    [label(lang, 'mkt'), formatTempC(m.mktC), ''],
    [label(lang, 'range'), m.minTempC === null ? '–' : `${m.minTempC.toFixed(1)} / ${formatTempC(m.maxTempC)}`, ''],
    [label(lang, 'timeOutside'), formatDuration(m.outsideMs, lang), label(lang, budgetKey, { pct: formatPct((m.outsideMs / m.maxOutsideMs) * 100) })],
    [label(lang, 'degreeMinutes'), formatDegreeMinutes(m.degreeMinutes), label(lang, budgetKey, { pct: formatPct((m.degreeMinutes / m.maxDegreeMinutes) * 100) })],
    [label(lang, 'shelfLifeUsed'), m.shelfLifeConsumedPct === null ? label(lang, 'notAvailable') : formatPct(m.shelfLifeConsumedPct), ''],
    [label(lang, 'unmonitored'), m.unmonitoredMs === 0 ? label(lang, 'none') : formatDuration(m.unmonitoredMs, lang), ''],
  ];
  flow.heading(label(lang, 'measuresSection'), 56);
  const gap = 6;
  const width = (flow.width - gap * (tiles.length - 1)) / tiles.length;
  const height = 46;
  tiles.forEach(([name, value, note], i) => {
    const x = flow.left + i * (width + gap);
    doc.rect(x, flow.y, width, height).fill('#f3f6fa');
    doc.font(fonts.regular).fontSize(7).fillColor(MUTED).text(name, x + 5, flow.y + 4, { width: width - 10, height: 18 });
    doc.font(fonts.bold).fontSize(fittingSize(doc, value, width - 10, 12.5)).fillColor(INK).text(value, x + 5, flow.y + 17, { width: width - 10, lineBreak: false });
    if (note) doc.font(fonts.regular).fontSize(6.5).fillColor(MUTED).text(note, x + 5, flow.y + 34, { width: width - 10, lineBreak: false });
  });
  flow.y += height + 4;
}

/** The largest size up to `max` (down to 7) at which `text` fits `width` on one line, in the current font. */
function fittingSize(doc: PDFKit.PDFDocument, text: string, width: number, max: number): number {
  let size = max;
  while (size > 7 && doc.fontSize(size).widthOfString(text) > width) size -= 0.5;
  return size;
}

function drawChain(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  const { doc, fonts } = flow;
  flow.heading(label(lang, 'chainSection'), 130);
  const { chain } = data;
  if (chain.isAvailable) {
    const labelWidth = lang === 'zh' ? 110 : 130;
    const row = (name: string, value: string, font: string, size: number) => {
      doc.font(fonts.regular).fontSize(8.5);
      const height = Math.max(doc.heightOfString(name, { width: labelWidth }), doc.font(font).fontSize(size).heightOfString(value, { width: flow.width - labelWidth })) + 4;
      flow.ensure(height);
      doc.font(fonts.regular).fontSize(8.5).fillColor(MUTED).text(name, flow.left, flow.y, { width: labelWidth });
      // The hash is one unbroken word; character wrapping keeps it whole on narrow pages.
      doc.font(font).fontSize(size).fillColor(INK).text(value, flow.left + labelWidth, flow.y + (font === fonts.mono ? 2.5 : 0), { width: flow.width - labelWidth });
      flow.y += height;
    };
    row(label(lang, 'chainHash'), chain.hash, fonts.mono, 9);
    row(label(lang, 'chainSeq'), String(chain.seq), fonts.regular, 8.5);
    row(label(lang, 'chainKey'), chain.keyId, fonts.mono, 9);
    row(label(lang, 'chainSignedAt'), formatTimeWithOffset(chain.signedAt), fonts.regular, 8.5);
    flow.y += 4;
    if (chain.witnesses.length > 0) {
      flow.paragraph(label(lang, 'witnessesHeading'), { font: fonts.bold, size: 9.5, gap: 2 });
      flow.paragraph(label(lang, 'witnessesNote'), { size: 7.5, color: MUTED, gap: 3 });
      const w = flow.width;
      flow.table(
        [
          { header: `${label(lang, 'witnessAt')} (UTC+8)`, width: w * 0.16 },
          { header: label(lang, 'witnessTo'), width: w * 0.34 },
          { header: label(lang, 'witnessSeq'), width: w * 0.07, align: 'right' },
          { header: label(lang, 'witnessHash'), width: w * 0.43 },
        ],
        chain.witnesses.map((wit) => ({ cells: [formatTime(wit.at), wit.to[lang], String(wit.seq), wit.hash] })),
        { size: 7.5 },
      );
    }
  } else {
    flow.paragraph(label(lang, 'chainUnavailable', { problem: chain.problem }), { color: '#b71c1c' });
  }
  flow.y += 2;
  flow.paragraph(label(lang, 'howToVerify'), { font: fonts.bold, size: 9.5, gap: 2 });
  const command = (text: string) => flow.paragraph(text, { font: fonts.mono, size: 8.5, gap: 5 });
  flow.paragraph(label(lang, 'verifyStep1'), { gap: 1 });
  command(`GET ${data.evidenceUrl}`);
  flow.paragraph(label(lang, 'verifyStep2'), { gap: 1 });
  command('npm run verify -- <bundle.zip>');
  flow.paragraph(label(lang, 'verifyStep3'), { gap: 1 });
  command(`GET ${data.keysUrl}`);
  flow.y += 4;
  flow.paragraph(`${label(lang, 'scanToView')}${colon(lang)}${data.consumerUrl}`, { color: MUTED });
}

/** Each page's foot: the shipment, when the report was made, and the page number of the total. */
function drawFooters(doc: PDFKit.PDFDocument, fonts: ReportFonts, data: TripReportData, lang: ReportLang): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a new page: lift the margin while writing the foot.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN + 2;
    const width = doc.page.width - 2 * MARGIN;
    doc.lineWidth(0.5).strokeColor('#d1d5db').moveTo(MARGIN, y - 6).lineTo(MARGIN + width, y - 6).stroke();
    doc.font(fonts.regular).fontSize(7).fillColor(MUTED);
    doc.text(`${label(lang, 'title')} · ${data.shipment.id} · ${formatTimeWithOffset(data.generatedAt)}`, MARGIN, y, { width, lineBreak: false });
    doc.text(label(lang, 'page', { n: i - range.start + 1, m: range.count }), MARGIN, y, { width, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
