import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Test helpers: a PDF as a reader sees it, through poppler-utils (pdftotext, pdftoppm).

const run = promisify(execFile);

/**
 * The report is checked as a reader sees it: its text through pdftotext and its pages through pdftoppm
 * (poppler-utils). Without them the tests skip visibly, unless CI=true, where they fail.
 */
export function hasPoppler(what: string): boolean {
  const missing = ['pdftotext', 'pdftoppm'].filter((tool) => !['/usr/bin', '/usr/local/bin'].some((dir) => existsSync(join(dir, tool))));
  if (missing.length === 0) return true;
  const message = `${missing.join(' and ')} not found: apt-get install poppler-utils`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${message}`);
  console.warn(`SKIPPED: ${what} need ${message}`);
  return false;
}

/** A PDF's text, whitespace runs (and no-break spaces) as one space. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'report-text-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'r.pdf'), '-']);
    return stdout.replace(/[\s\u00a0]+/g, ' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An RGB raster of a page: pdftoppm's PPM (P6: a text header, then 3 bytes a pixel). */
export type Raster = { width: number; height: number; rgb: Buffer };

export async function renderPages(pdf: Buffer, dpi: number): Promise<Raster[]> {
  const dir = mkdtempSync(join(tmpdir(), 'report-pages-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    await run('pdftoppm', ['-r', String(dpi), join(dir, 'r.pdf'), join(dir, 'page')]);
    return readdirSync(dir)
      .filter((name) => name.endsWith('.ppm'))
      .sort()
      .map((name) => parsePpm(readFileSync(join(dir, name))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parsePpm(bytes: Buffer): Raster {
  // "P6\n<width> <height>\n255\n" then the pixels.
  const header = bytes.subarray(0, 40).toString('latin1').match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error('not a binary PPM');
  const [, width, height] = header.map(Number) as [number, number, number];
  return { width, height, rgb: bytes.subarray(header[0].length) };
}

/** The share of a page's pixels that are not (near) white. */
export function inkedShare(page: Raster): number {
  let count = 0;
  for (let i = 0; i < page.rgb.length; i += 3) if (page.rgb[i]! + page.rgb[i + 1]! + page.rgb[i + 2]! < 3 * 235) count += 1;
  return count / (page.width * page.height);
}

/**
 * The columns holding a pixel of the curve's dark blue (#1b4f8f), and the rows where they are; rows
 * mostly of that blue are left out (the rules under the section headings share it).
 */
export function curveColumns(page: Raster): { columns: Set<number>; rows: Set<number> } {
  const columns = new Set<number>();
  const rows = new Set<number>();
  for (let y = 0; y < page.height; y += 1) {
    const inRow: number[] = [];
    for (let x = 0; x < page.width; x += 1) {
      const i = (y * page.width + x) * 3;
      const [r, g, b] = [page.rgb[i]!, page.rgb[i + 1]!, page.rgb[i + 2]!];
      if (Math.abs(r - 0x1b) < 45 && Math.abs(g - 0x4f) < 45 && Math.abs(b - 0x8f) < 45) inRow.push(x);
    }
    if (inRow.length === 0 || inRow.length > page.width / 2) continue;
    for (const x of inRow) columns.add(x);
    rows.add(y);
  }
  return { columns, rows };
}

/** Whether zbarimg (zbar-tools) is here to read QR codes; optional, so its absence only skips, visibly. */
export function hasZbar(): boolean {
  const isThere = ['/usr/bin', '/usr/local/bin'].some((dir) => existsSync(join(dir, 'zbarimg')));
  if (!isThere) console.warn('SKIPPED: reading the report\'s QR code needs zbarimg (apt-get install zbar-tools)');
  return isThere;
}

/** The QR codes on a PDF's first page, as zbarimg reads them from a 100 dpi rendering. */
export async function readQrCodes(pdf: Buffer): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'report-qr-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    await run('pdftoppm', ['-r', '100', '-png', '-f', '1', '-l', '1', '-singlefile', join(dir, 'r.pdf'), join(dir, 'page')]);
    const { stdout } = await run('zbarimg', ['-q', '--raw', join(dir, 'page.png')]);
    return stdout.split('\n').filter((line) => line.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
