import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Names of the fonts registered on a report's document. */
export type ReportFonts = { regular: string; bold: string; mono: string };

const require = createRequire(import.meta.url);

/**
 * Noto Sans SC from npm (@expo-google-fonts/noto-sans-sc, OFL): a TrueType font with the Chinese and
 * Latin glyphs, so a fresh machine with only Node.js and npm renders the report. pdfkit embeds the
 * subset of glyphs used, so the PDF stays small. Read once (10 MB each) and kept.
 */
let fontBytes: { regular: Buffer; bold: Buffer } | undefined;

function loadFontBytes(): { regular: Buffer; bold: Buffer } {
  fontBytes ??= {
    regular: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
    bold: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  };
  return fontBytes;
}

/** Registers the report's fonts on a document; the hash and key fingerprint are set in Courier (built into PDF). */
export function registerReportFonts(doc: PDFKit.PDFDocument): ReportFonts {
  const bytes = loadFontBytes();
  doc.registerFont('NotoSansSC', bytes.regular);
  doc.registerFont('NotoSansSC-Bold', bytes.bold);
  return { regular: 'NotoSansSC', bold: 'NotoSansSC-Bold', mono: 'Courier' };
}
