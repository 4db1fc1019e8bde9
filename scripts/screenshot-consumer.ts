/**
 * Takes a phone-sized screenshot of the consumer's page for a seeded lychee shipment (the hub's
 * air-conditioning failure), for the docs and for looking at the page:
 *
 *   npx tsx scripts/screenshot-consumer.ts docs/screenshots/consumer-page.png [--lang=en]
 *
 * Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM_PATH) and, for Chinese glyphs,
 * fonts-noto-cjk.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { startSeededApi } from '../test/helpers/seed-shipment.ts';

/** The little of playwright-core's API this script uses (its types resolve only from test/). */
type Page = {
  goto(url: string): Promise<unknown>;
  locator(selector: string): { waitFor(): Promise<void> };
  evaluate<T>(fn: () => T): Promise<Awaited<T>>;
  screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
};
type Browser = { newPage(options: Record<string, unknown>): Promise<Page>; close(): Promise<void> };
type Chromium = { launch(options: { executablePath: string; args: string[]; headless: boolean }): Promise<Browser> };

// scripts/ is not a workspace package: playwright-core is a dependency of test/, so resolve it from there.
const requireFromTest = createRequire(new URL('../test/package.json', import.meta.url));
const { chromium } = requireFromTest('playwright-core') as { chromium: Chromium };

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const output = args.find((a) => !a.startsWith('--'));
  if (!output) {
    console.error('usage: npx tsx scripts/screenshot-consumer.ts <output.png> [--lang=en]');
    process.exit(2);
  }
  const lang = args.find((a) => a.startsWith('--lang='))?.slice('--lang='.length);
  const api = await startSeededApi();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  try {
    // An iPhone 12–14 sized viewport at its real pixel density.
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await page.goto(`${api.baseUrl}/t/${api.seeded.traceCode}${lang ? `?lang=${lang}` : ''}`);
    await page.locator('.chart canvas').waitFor();
    await page.evaluate(() => document.fonts.ready);
    const path = resolve(output);
    mkdirSync(dirname(path), { recursive: true });
    await page.screenshot({ path, fullPage: true });
    console.log(`saved ${path}`);
  } finally {
    await browser.close();
    await api.stop();
  }
}

await main();
