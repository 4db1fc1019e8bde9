import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, LONG_STATION, PASSWORD, seedHeldShipment } from './helpers/console-seed.ts';
import { SEED_ORGS, startSeededApi } from './helpers/seed-shipment.ts';
import type { SeededApi } from './helpers/seed-shipment.ts';

/**
 * After-sales in a real browser (issue 13, items 3 and 5; Debian's chromium against the real API over
 * SQLite): a consumer reports bad fruit from the trace page on a phone (a field the API refuses is
 * marked where it is, the photo is previewed and checked before it goes, one press sends one report),
 * is approved and paid at once on the hub's attributed excursion, and finds the request again after a
 * reload; the streamer, signed in to the console at 1440 px and on a 390 px phone, sees the open
 * requests with their photos and deadlines, rejects one with a reason and approves another in one
 * press each, and the consumer's page then says what was decided.
 */

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM_PATH);
// Locally a missing browser skips, visibly; on CI it must fail rather than pass without running.
const isSkipped = !hasChromium && process.env.CI !== 'true';
if (isSkipped) console.warn(`test/after-sales-pages.test.ts SKIPPED: chromium is missing at ${CHROMIUM_PATH} (apt-get install chromium fonts-noto-cjk)`);

const HOUR = 3_600_000;
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const DESK: BrowserContextOptions = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const COOP_USER = { login: 'coop-after-sales', name: '李秀梅', role: 'operator' } as const;
/** The longest order number the API takes: it must wrap on the card, not widen it. */
const LONG_ORDER_REF = `DY${'2026061012345678'.repeat(3)}-${'X'.repeat(13)}`;
const STORAGE_PREFIX = 'coldchain.afterSales.';

type PublicRequest = { id: string; state: string; decision: { reason: { zh: string; en: string } }; history: unknown[] };

describe.skipIf(isSkipped)('after-sales pages in a browser', () => {
  let api: SeededApi | undefined;
  let browser: Browser | undefined;
  let photo: Buffer;
  const contexts: BrowserContext[] = [];
  const scriptErrors = new Map<Page, string[]>();
  const screenshots = process.env.SCREENSHOTS;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`chromium is missing at ${CHROMIUM_PATH}: install Debian's chromium package (CI=true, so this cannot be skipped)`);
    api = await startSeededApi();
    await createUser(api, SEED_ORGS.shipper.id, COOP_USER);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    photo = await photoOfBadFruit(browser);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await api?.stop();
  });

  async function openPage(options: BrowserContextOptions, path: string, init?: () => void): Promise<Page> {
    const context = await browser!.newContext(options);
    contexts.push(context);
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    scriptErrors.set(page, errors);
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${api!.baseUrl}${path}`);
    return page;
  }

  /** No script error, and nothing wider than the screen. */
  async function expectCleanPage(page: Page, width: number): Promise<void> {
    expect(scriptErrors.get(page)).toEqual([]);
    const widths = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
    expect(widths.document).toBeLessThanOrEqual(width);
    expect(widths.body).toBeLessThanOrEqual(width);
  }

  /** A picture of a part of the page for docs/screenshots (SCREENSHOTS=dir), the sticky top bar kept out of it. */
  async function shoot(page: Page, selector: string, name: string): Promise<void> {
    if (!screenshots) return;
    await page.addStyleTag({ content: '.topbar { position: static !important; }' });
    await page.locator(selector).screenshot({ path: join(screenshots, name) });
  }

  /** A consumer's report sent as the trace page sends it (multipart), for the streamer's tests. */
  async function report(traceCode: string, fields: Record<string, string>, withPhoto: boolean): Promise<PublicRequest> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (withPhoto) form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'IMG_2001.jpg');
    const response = await fetch(`${api!.baseUrl}/api/v1/trace/${traceCode}/after-sales`, { method: 'POST', body: form });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as PublicRequest;
  }

  async function follow(traceCode: string, id: string): Promise<PublicRequest> {
    const response = await fetch(`${api!.baseUrl}/api/v1/trace/${traceCode}/after-sales/${id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as PublicRequest;
  }

  it('a consumer reports bad fruit on a phone: the field the API refuses is marked, one press sends one report, approved and paid at once, kept after a reload', async () => {
    const traceCode = api!.seeded.traceCode;
    const page = await openPage(PHONE, `/t/${traceCode}`);
    await page.getByRole('link', { name: '有坏果？申请售后' }).click();
    await page.waitForFunction(() => location.hash === '#after-sales');
    const section = page.locator('#after-sales');
    expect(await section.locator('h2').innerText()).toBe('坏果售后');
    // Nothing personal is asked: the four fields and the photos, and the order number says who sees it.
    expect(await section.locator('input[type="text"]').count()).toBe(4);
    expect(await section.innerText()).toContain('只有卖家能看到');
    expect(await section.innerText()).toContain('去除照片中的位置');
    expect(await page.getByLabel('箱数').inputValue()).toBe('1');

    // More bad fruit than fruit: the API refuses it, and the page says so under the bad count.
    await page.getByLabel('坏果数量（个）').fill('50');
    await page.getByLabel('这单共收到多少个果').fill('40');
    await page.getByRole('button', { name: '提交售后申请' }).click();
    const badError = page.locator('#as-error-badCount');
    await badError.waitFor();
    expect(await badError.innerText()).toBe('不能多于总果数 40');
    expect(await page.getByLabel('坏果数量（个）').getAttribute('aria-invalid')).toBe('true');
    // Both measured at once: the page scrolls the field into view (smoothly) as it marks it.
    const { input, error } = await page.evaluate(() => {
      const box = (id: string) => document.getElementById(id)!.getBoundingClientRect();
      return { input: box('as-badCount'), error: box('as-error-badCount') };
    });
    // Right under its field, in the same column.
    expect(error.y).toBeGreaterThanOrEqual(input.y + input.height - 1);
    expect(error.y).toBeLessThan(input.y + input.height + 40);
    expect(error.x).toBeGreaterThanOrEqual(input.x - 1);
    expect(error.x + error.width).toBeLessThanOrEqual(input.x + input.width + 1);
    expect(await page.locator('#as-error-totalCount').count()).toBe(0);
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_PREFIX + traceCode)).toBeNull();

    await page.getByLabel('坏果数量（个）').fill('12');
    await page.getByLabel('订单号（选填）').fill('DY2026061001');
    // A photo too large is refused before anything is uploaded; a phone photo is previewed.
    await page.locator('#as-photos').setInputFiles([{ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(9 * 1024 * 1024, 0xff) }]);
    // A large file reaches the page a moment after the call returns.
    await expect.poll(() => page.locator('#as-error-photos').innerText()).toBe('huge.jpg 超过 8 MB，请换一张或压缩后再传');
    expect(await page.locator('.as-preview').count()).toBe(0);
    await page.locator('#as-photos').setInputFiles([{ name: 'IMG_2001.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await expect.poll(() => page.locator('.as-preview img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
    expect(await page.locator('#as-error-photos').count()).toBe(0);

    // Switching language keeps what was typed and chosen.
    await page.locator('#lang-toggle').click();
    expect(await page.getByLabel('Bad fruits').inputValue()).toBe('12');
    expect(await page.locator('.as-preview').count()).toBe(1);
    await page.locator('#lang-toggle').click();
    expect(await page.getByLabel('订单号（选填）').inputValue()).toBe('DY2026061001');
    await shoot(page, '#after-sales', 'after-sales-form-390.png');

    // A slow network: the button says it is sending and a second press sends nothing more.
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.route('**/after-sales', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue();
    });
    const submit = page.locator('button.as-submit');
    await submit.click();
    expect(await submit.innerText()).toBe('正在提交…');
    expect(await submit.isDisabled()).toBe(true);
    await submit.click({ force: true }).catch(() => {});

    const state = section.locator('.as-request-state');
    await state.waitFor({ timeout: 5_000 });
    // 12 of 40 (30 %): a full refund of one box of 120 worth ¥36,000, paid by the platform at once.
    expect(await state.innerText()).toBe('已批准，¥300.00 已退款');
    expect(posts).toHaveLength(1);
    expect(await section.locator('.as-request').getAttribute('data-state')).toBe('paid');
    expect(await section.locator('.as-request-why').innerText()).toMatch(/^说明：/);
    const id = (await section.locator('.as-request').getAttribute('data-request-id'))!;
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_PREFIX + traceCode)).toBe(JSON.stringify([id]));
    expect((await follow(traceCode, id)).state).toBe('paid');
    await expectCleanPage(page, 390);
    await shoot(page, '#after-sales', 'after-sales-paid-390.png');

    // Coming back: the request and its history, read again from the API.
    await page.unroute('**/after-sales');
    await page.reload();
    await page.locator('.as-request[data-state="paid"]').waitFor();
    expect(await page.locator('.as-request-state').innerText()).toBe('已批准，¥300.00 已退款');
    expect(await page.locator('.as-history li').allInnerTexts()).toEqual([expect.stringContaining('已赔付'), expect.stringContaining('已批准'), expect.stringContaining('已收到')]);
    expect(await page.locator('#after-sales-form').count()).toBe(0);
    // Another order of the same box can still be reported.
    await page.getByRole('button', { name: '为另一订单申请售后' }).click();
    await page.getByLabel('坏果数量（个）').waitFor();
    await expectCleanPage(page, 390);
    await page.close();
  });

  it('the form reads well at a desk too', async () => {
    const page = await openPage(DESK, `/t/${api!.seeded.traceCode}#after-sales`);
    await page.locator('#after-sales .as-request, #after-sales-form').first().waitFor();
    await expectCleanPage(page, 1440);
    await shoot(page, '#after-sales', 'after-sales-form-1440.png');
    await page.close();
  });

  describe.each([
    ['1440 px', DESK, 1440],
    ['390 px phone', PHONE, 390],
  ] as const)('the streamer at %s', (_name, viewport, width) => {
    const shipmentId = `shp-coop-after-sales-${width}`;
    let traceCode = '';
    let toReject: PublicRequest;
    let toApprove: PublicRequest;

    beforeAll(async () => {
      await seedHeldShipment(api!.ops, { id: shipmentId, shipperOrgId: SEED_ORGS.shipper.id, holderOrgId: SEED_ORGS.lastMile.id, stage: 'last_mile', station: LONG_STATION, now: Date.now() });
      traceCode = (await api!.ops.getShipment(shipmentId))!.traceCode;
      // A clean record: no excursion, so the streamer decides (24 h to decide, 48 h to the platform).
      toReject = await report(traceCode, { badCount: '3', totalCount: '40', orderRef: LONG_ORDER_REF }, true);
      toApprove = await report(traceCode, { badCount: '1', totalCount: '40' }, false);
      expect([toReject.state, toApprove.state]).toEqual(['awaiting_shipper', 'awaiting_shipper']);
    });

    it('sees the open requests with photo and deadline, rejects one with a reason and approves another in one press each', async () => {
      const page = await openPage(viewport, '/console');
      await page.getByLabel('登录名').fill(COOP_USER.login);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      const section = page.locator('#after-sales-section');
      await section.waitFor();
      expect(await section.locator('h2').innerText()).toMatch(/^售后 \d+$/);
      const rejectCard = section.locator(`article[data-request-id="${toReject.id}"]`);
      const approveCard = section.locator(`article[data-request-id="${toApprove.id}"]`);
      await rejectCard.waitFor();
      expect(await rejectCard.locator('[data-role="state"]').innerText()).toBe('等待主播处理');
      expect(await rejectCard.locator('[data-role="deadline"]').innerText()).toMatch(/^剩余 (24 小时|23 小时 5\d 分钟)$/);
      expect(await rejectCard.locator('[data-role="order-ref"]').innerText()).toContain(LONG_ORDER_REF);
      expect(await rejectCard.locator('[data-role="remedy"]').innerText()).toContain('补发 1 箱');
      expect(await rejectCard.locator('[data-role="count"]').innerText()).toBe('坏果 3/40（7.5%）· 1 箱');
      // The evidence beside it: the shipment's view with the curve, the trace code, the claim (none here).
      expect(await rejectCard.locator('[data-role="curve-link"]').getAttribute('href')).toBe(`/console/shipments/${shipmentId}`);
      expect(await rejectCard.locator('[data-role="trace-code"]').innerText()).toContain(traceCode);
      await expect.poll(() => rejectCard.locator('[data-role="claim"]').innerText()).toContain('本运单暂无理赔');
      // The photo, as the API keeps it (by the session cookie), opens larger.
      const thumb = rejectCard.locator('.asq-thumb img');
      await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
      expect(await approveCard.locator('.asq-no-photos').innerText()).toBe('未附照片');
      await rejectCard.locator('.asq-thumb').click();
      const dialog = page.locator('dialog.asq-dialog');
      await expect.poll(() => dialog.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
      const shown = (await dialog.locator('img').boundingBox())!;
      expect(shown.width).toBeGreaterThan((await thumb.boundingBox())!.width * 2);
      expect(shown.x + shown.width).toBeLessThanOrEqual(width);
      await dialog.getByRole('button', { name: '关闭' }).click();
      expect(await dialog.isVisible()).toBe(false);

      // The buttons stay on the card and the screen, whatever the order number's length.
      const cardBox = (await rejectCard.boundingBox())!;
      expect(cardBox.x + cardBox.width).toBeLessThanOrEqual(width);
      for (const button of await rejectCard.locator('button:visible').all()) {
        const box = (await button.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(cardBox.x);
        expect(box.x + box.width).toBeLessThanOrEqual(cardBox.x + cardBox.width + 0.5);
      }
      await expectCleanPage(page, width);
      await shoot(page, '#after-sales-section', `after-sales-queue-${width}.png`);

      // Reject: the approval's default words are no reason; the streamer writes one, and one more press decides.
      await rejectCard.getByRole('button', { name: '驳回' }).click();
      const reason = rejectCard.locator('textarea');
      expect(await rejectCard.getByRole('alert').innerText()).toBe('请填写理由，消费者会看到它。');
      expect(await reason.inputValue()).toBe('');
      expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
      await reason.fill('照片显示为挤压造成的机械损伤，不是冷链问题；已联系快递核实');
      await rejectCard.getByRole('button', { name: '驳回' }).click();
      await expect.poll(() => rejectCard.getAttribute('data-state')).toBe('rejected');
      expect(await rejectCard.locator('[data-role="state"]').innerText()).toBe('已驳回');
      expect(await rejectCard.locator('[data-role="ruling"]').innerText()).toContain('主播驳回：照片显示为挤压造成的机械损伤');
      expect(await rejectCard.locator('button[data-action]').count()).toBe(0);

      // Approve: one press, with the default reason the streamer could have edited.
      expect(await approveCard.locator('textarea').inputValue()).toBe('已核对照片与冷链记录，同意按规则补偿。');
      await approveCard.getByRole('button', { name: '批准' }).click();
      await expect.poll(() => approveCard.getAttribute('data-state')).toMatch(/^(approved|paid)$/);
      expect(await approveCard.locator('[data-role="ruling"]').innerText()).toContain('主播批准：已核对照片与冷链记录');
      await expectCleanPage(page, width);
      await shoot(page, '#after-sales-section', `after-sales-queue-decided-${width}.png`);

      // The consumer's follow address says what was decided, and so does the trace page that kept the ids.
      const rejected = await follow(traceCode, toReject.id);
      expect(rejected.state).toBe('rejected');
      expect(rejected.decision.reason.zh).toContain('机械损伤');
      expect(JSON.stringify(rejected)).not.toContain(COOP_USER.name);
      expect((await follow(traceCode, toApprove.id)).state).toMatch(/^(approved|paid)$/);
      const consumer = await openPage(PHONE, `/t/${traceCode}#after-sales`);
      await consumer.evaluate(({ key, ids }) => localStorage.setItem(key, JSON.stringify(ids)), { key: STORAGE_PREFIX + traceCode, ids: [toReject.id, toApprove.id] });
      await consumer.reload();
      const rejectedView = consumer.locator(`.as-request[data-request-id="${toReject.id}"]`);
      await rejectedView.waitFor();
      expect(await rejectedView.locator('.as-request-state').innerText()).toBe('主播未同意赔付');
      expect(await rejectedView.locator('.as-request-why').innerText()).toContain('照片显示为挤压造成的机械损伤');
      expect(await consumer.locator(`.as-request[data-request-id="${toApprove.id}"] .as-request-state`).innerText()).toMatch(/^已批准，(将补发 1 个果|补发 1 个果已安排)$/);
      await expectCleanPage(consumer, 390);
      await consumer.close();
      await page.close();
    });
  });

  it('serves the new scripts and styles under the content hash the pages point at', async () => {
    const html = await (await fetch(`${api!.baseUrl}/t/${api!.seeded.traceCode}`)).text();
    const hash = html.match(/\/assets\/([^/]+)\/css\/after-sales-form\.css/)?.[1];
    expect(hash).toBeTruthy();
    const consoleHtml = await (await fetch(`${api!.baseUrl}/console`)).text();
    expect(consoleHtml).toContain(`/assets/${hash}/css/after-sales-queue.css`);
    for (const path of ['js/consumer/after-sales-form.js', 'js/consumer/after-sales-api.js', 'js/consumer/after-sales-errors.js', 'js/consumer/after-sales-status.js', 'js/console/after-sales-queue.js', 'js/console/after-sales-card.js', 'js/console/after-sales-calls.js', 'js/texts-after-sales.js', 'css/after-sales-queue.css']) {
      const response = await fetch(`${api!.baseUrl}/assets/${hash}/${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control'), path).toContain('immutable');
    }
  });
});

/** A 640 × 480 JPEG of a bruised fruit, drawn by chromium's canvas (no image library in test/). */
async function photoOfBadFruit(browser: Browser): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    const dataUrl = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#e9e2d0';
      g.fillRect(0, 0, 640, 480);
      g.fillStyle = '#b3262d';
      g.beginPath();
      g.arc(320, 240, 150, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = '#4a2a12';
      g.beginPath();
      g.ellipse(370, 200, 60, 40, 0.4, 0, Math.PI * 2);
      g.fill();
      return canvas.toDataURL('image/jpeg', 0.85);
    });
    return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  } finally {
    await page.close();
  }
}
