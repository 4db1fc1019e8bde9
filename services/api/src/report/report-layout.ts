import type { ReportFonts } from './report-fonts.ts';

export const INK = '#1f2933';
export const MUTED = '#6b7280';
export const RULE = '#d1d5db';
const HEADER_FILL = '#eef2f7';
const ZEBRA_FILL = '#f8fafc';
const CELL_PAD = 4;

/** A column of a table: its heading, width in points and alignment. */
export type Column = { header: string; width: number; align?: 'left' | 'right' | 'center' };
/** A row: its cells, and optionally a full-width line under them (a reason). */
export type Row = { cells: string[]; detail?: string };

/**
 * The page being written, top to bottom: a cursor `y` and a new page when a block does not fit. Blocks
 * measure themselves first, so none is split across pages except tables, row by row.
 */
export class PageFlow {
  y: number;
  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly fonts: ReportFonts,
  ) {
    this.y = doc.page.margins.top;
  }

  get left(): number {
    return this.doc.page.margins.left;
  }

  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page unless `height` points fit below the cursor. */
  ensure(height: number): void {
    if (this.y + height > this.bottom) this.newPage();
  }

  newPage(): void {
    this.doc.addPage();
    this.y = this.doc.page.margins.top;
  }

  /** A section heading with a rule under it, kept on the page with `keepWith` points of what follows. */
  heading(text: string, keepWith = 60): void {
    this.ensure(28 + keepWith);
    const { doc } = this;
    this.y += 8;
    doc.font(this.fonts.bold).fontSize(12).fillColor(INK).text(text, this.left, this.y, { lineBreak: false });
    this.y += 18;
    doc.lineWidth(0.8).strokeColor('#1b4f8f').moveTo(this.left, this.y).lineTo(this.left + this.width, this.y).stroke();
    this.y += 6;
  }

  /** A paragraph across the page. */
  paragraph(text: string, options: { size?: number; color?: string; font?: string; gap?: number } = {}): void {
    const { doc } = this;
    doc.font(options.font ?? this.fonts.regular).fontSize(options.size ?? 8.5);
    const height = doc.heightOfString(text, { width: this.width, lineGap: 1.5 });
    this.ensure(height);
    doc.fillColor(options.color ?? INK).text(text, this.left, this.y, { width: this.width, lineGap: 1.5 });
    this.y += height + (options.gap ?? 4);
  }

  /** Label–value pairs, `perRow` pairs a row; labels muted, values in ink. */
  facts(pairs: [string, string][], perRow: number, labelWidth: number): void {
    const { doc } = this;
    const pairWidth = this.width / perRow;
    const valueWidth = pairWidth - labelWidth - 8;
    for (let i = 0; i < pairs.length; i += perRow) {
      const row = pairs.slice(i, i + perRow);
      doc.fontSize(8.5);
      const height = Math.max(...row.map(([name, value]) => Math.max(doc.font(this.fonts.regular).heightOfString(name, { width: labelWidth }), doc.heightOfString(value, { width: valueWidth })))) + 4;
      this.ensure(height);
      row.forEach(([name, value], k) => {
        const x = this.left + k * pairWidth;
        doc.font(this.fonts.regular).fillColor(MUTED).text(name, x, this.y, { width: labelWidth });
        doc.fillColor(INK).text(value, x + labelWidth, this.y, { width: valueWidth });
      });
      this.y += height;
    }
  }

  /** A table with a shaded heading (repeated on each new page) and zebra rows; a row's detail (after `detailLabel`) spans the table. */
  table(columns: Column[], rows: Row[], options: { detailLabel?: string; size?: number } = {}): void {
    const { doc, fonts } = this;
    const size = options.size ?? 8;
    const cellHeight = (texts: string[], font: string) => {
      doc.font(font).fontSize(size);
      return Math.max(...texts.map((t, i) => doc.heightOfString(t, { width: columns[i]!.width - 2 * CELL_PAD }))) + 2 * CELL_PAD;
    };
    const headerHeight = cellHeight(columns.map((c) => c.header), fonts.bold);
    const drawCells = (texts: string[], font: string, height: number, fill: string | null) => {
      if (fill) doc.rect(this.left, this.y, this.width, height).fill(fill);
      doc.font(font).fontSize(size).fillColor(INK);
      let x = this.left;
      texts.forEach((text, i) => {
        const column = columns[i]!;
        doc.text(text, x + CELL_PAD, this.y + CELL_PAD, { width: column.width - 2 * CELL_PAD, align: column.align ?? 'left' });
        x += column.width;
      });
      this.y += height;
    };
    const header = () => drawCells(columns.map((c) => c.header), fonts.bold, headerHeight, HEADER_FILL);

    this.ensure(headerHeight + 24);
    header();
    rows.forEach((row, index) => {
      const height = cellHeight(row.cells, fonts.regular);
      doc.font(fonts.regular).fontSize(size - 0.5);
      const detail = row.detail ? `${options.detailLabel ?? ''}${row.detail}` : null;
      const detailHeight = detail ? doc.heightOfString(detail, { width: this.width - 4 * CELL_PAD, lineGap: 1 }) + 2 * CELL_PAD : 0;
      if (this.y + height + detailHeight > this.bottom) {
        this.newPage();
        header();
      }
      const fill = index % 2 === 1 ? ZEBRA_FILL : null;
      if (fill && detail) doc.rect(this.left, this.y, this.width, height + detailHeight).fill(fill);
      drawCells(row.cells, fonts.regular, height, detail ? null : fill);
      if (detail) {
        doc.font(fonts.regular).fontSize(size - 0.5).fillColor('#4b5563').text(detail, this.left + 3 * CELL_PAD, this.y, { width: this.width - 4 * CELL_PAD, lineGap: 1 });
        this.y += detailHeight;
      }
      doc.lineWidth(0.4).strokeColor(RULE).moveTo(this.left, this.y).lineTo(this.left + this.width, this.y).stroke();
    });
    this.y += 4;
  }
}
