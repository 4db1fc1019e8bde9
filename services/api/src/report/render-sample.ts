import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApi } from '../test-harness.ts';
import { SHIPMENT_ID, seedLycheeTrip } from './trip-report-fixture.ts';

/**
 * Renders the README's sample of the trip report: the test fixture's lychee trip, its first page (in
 * Chinese unless asked) as a PNG (needs pdftoppm, poppler-utils). Run from services/api:
 *   npx tsx src/report/render-sample.ts [../../docs/screenshots/report-zh.png] [dpi] [zh|en]
 */
const out = resolve(process.argv[2] ?? '../../docs/screenshots/report-zh.png');
const dpi = process.argv[3] ?? '80';
const lang = process.argv[4] ?? 'zh';
const api = await startTestApi();
try {
  await seedLycheeTrip(api);
  const response = await fetch(`${api.baseUrl}/api/v1/shipments/${SHIPMENT_ID}/report.pdf?lang=${lang}`, { headers: { authorization: `Bearer ${api.adminToken}` } });
  if (!response.ok) throw new Error(`report: ${response.status} ${await response.text()}`);
  const dir = mkdtempSync(join(tmpdir(), 'report-sample-'));
  const pdf = join(dir, 'report.pdf');
  writeFileSync(pdf, Buffer.from(await response.arrayBuffer()));
  execFileSync('pdftoppm', ['-r', dpi, '-png', '-f', '1', '-l', '1', '-singlefile', pdf, join(dir, 'page')]);
  writeFileSync(out, readFileSync(join(dir, 'page.png')));
  if (process.env.KEEP_PDF) writeFileSync(process.env.KEEP_PDF, readFileSync(pdf));
  rmSync(dir, { recursive: true, force: true });
  console.log(`wrote ${out}`);
} finally {
  await api.stop();
}
