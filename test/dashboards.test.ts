import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import type { Broker } from '@coldchain/broker';
import { closeMqtt, connectMqtt, publishAlertEvent } from '@coldchain/bus';
import type { Alert } from '@coldchain/storage';
import { createUser, PASSWORD } from './helpers/console-seed.ts';
import { SEED_ORGS, startSeededApi } from './helpers/seed-shipment.ts';
import type { SeededApi } from './helpers/seed-shipment.ts';

/**
 * The dashboards as a user meets them, in a real browser (Debian's chromium) against the real API,
 * broker and SQLite stores: the consumer's page for the QR on a box, and the station console.
 */

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM_PATH);
// Locally a missing browser skips, visibly; on CI it must fail rather than pass without running.
const isSkipped = !hasChromium && process.env.CI !== 'true';
if (isSkipped) console.warn(`test/dashboards.test.ts SKIPPED: chromium is missing at ${CHROMIUM_PATH} (apt-get install chromium fonts-noto-cjk)`);

/** The trace's journey figures (`measures`), as the consumer's page receives them. */
type TraceMeasures = { mktC: number | null; minTempC: number | null; maxTempC: number | null; shelfLifeConsumedPct: number | null };
type Silence = { id: string; shipmentId: string | null; deviceId: string | null; ruleId: string | null; endsAt: number; reason: string };

const HOUR = 3_600_000;
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const DESK: BrowserContextOptions = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

describe.skipIf(isSkipped)('dashboards in a browser', () => {
  const log = pino({ level: 'warn' });
  const serviceSecret = randomBytes(24).toString('base64url');
  let broker: Broker | undefined;
  let api: SeededApi | undefined;
  let bus: MqttClient | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const scriptErrors = new Map<Page, string[]>();

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`chromium is missing at ${CHROMIUM_PATH}: install Debian's chromium package (CI=true, so this cannot be skipped)`);
    broker = buildBroker({
      host: '127.0.0.1',
      port: 0,
      authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await api?.ops.getDevice(id))?.secretHash, serviceSecret }),
      log,
    });
    const { port } = await broker.start();
    const url = `mqtt://127.0.0.1:${port}`;
    api = await startSeededApi({ mqtt: { url, clientId: 'coldchain-api-test', username: '_svc_api', password: serviceSecret } });
    bus = await connectMqtt({ url, clientId: 'coldchain-dashboards-test', username: '_svc_test', password: serviceSecret, isPersistent: false });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await closeMqtt(bus, true);
    await api?.stop();
    await broker?.stop();
  });

  async function openPage(options: BrowserContextOptions, path: string): Promise<Page> {
    const context = await browser!.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    scriptErrors.set(page, errors);
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${api!.baseUrl}${path}`);
    return page;
  }

  /** A script error is a broken page even if the text happened to render. */
  async function closeCleanly(page: Page): Promise<void> {
    expect(scriptErrors.get(page)).toEqual([]);
    await page.close();
  }

  async function adminGet<T>(path: string): Promise<T> {
    const response = await fetch(`${api!.baseUrl}${path}`, { headers: { authorization: `Bearer ${api!.adminToken}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  /** The figures the API computes for the seeded journey; the page must show these, not its own. */
  async function seededMeasures(): Promise<{ mktC: number; minTempC: number; maxTempC: number; shelfLifeConsumedPct: number }> {
    const response = await fetch(`${api!.baseUrl}/api/v1/trace/${api!.seeded.traceCode}`);
    const { measures } = (await response.json()) as { measures: TraceMeasures };
    const { mktC, minTempC, maxTempC, shelfLifeConsumedPct } = measures;
    // The hub's failure warms the fruit: an MKT above the 2–5 °C optimum, some shelf life gone.
    expect(mktC).toBeGreaterThan(5);
    expect(shelfLifeConsumedPct).toBeGreaterThan(1);
    return { mktC: mktC!, minTempC: minTempC!, maxTempC: maxTempC!, shelfLifeConsumedPct: shelfLifeConsumedPct! };
  }

  /** Pixels of the chart's canvas that are drawn on, and those in the excursion's red. */
  async function chartPixels(page: Page): Promise<{ drawn: number; total: number; excursionRed: number }> {
    await page.locator('.chart canvas').waitFor();
    return page.locator('.chart canvas').evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let drawn = 0;
      let excursionRed = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0) drawn += 1;
        // #d92d20, the excursion bar along the time axis.
        if (Math.abs(data[i]! - 217) < 6 && Math.abs(data[i + 1]! - 45) < 6 && Math.abs(data[i + 2]! - 32) < 6 && data[i + 3]! > 250) excursionRed += 1;
      }
      return { drawn, total: data.length / 4, excursionRed };
    });
  }

  describe('consumer page', () => {
    it('tells a phone user in Chinese that the lychee went too warm at the hub, with the curve, the 15 °C limit and who held the goods', async () => {
      // A phone set to another zone: the page must still show China time.
      const page = await openPage({ ...PHONE, timezoneId: 'America/Los_Angeles' }, `/t/${api!.seeded.traceCode}`);
      const verdict = page.locator('.verdict');
      await verdict.waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      expect(await verdict.getAttribute('data-status')).toBe('excursion');
      const verdictText = await verdict.innerText();
      expect(verdictText).toContain('温度异常');
      expect(verdictText).toContain('枢纽仓');
      expect(verdictText).toContain(`${api!.seeded.excursion.peakTempC.toFixed(1)}\u00a0°C`);
      expect(await page.locator('.product-name').innerText()).toBe('荔枝');
      expect(await page.locator('.route').innerText()).toMatch(/海南 海口 永兴镇\s*→\s*上海 浦东新区/);
      expect(await page.locator('.freshness').innerText()).toMatch(/^最后更新：\d+月\d+日 \d\d:\d\d/);

      const pixels = await chartPixels(page);
      expect(pixels.drawn / pixels.total).toBeGreaterThan(0.3);
      expect(pixels.excursionRed).toBeGreaterThan(20);

      const key = await page.locator('.chart-key').innerText();
      expect(key).toContain('上限 15 °C');
      expect(key).toContain('最适 2–5 °C');
      const legend = await page.locator('.legs-legend-item').allInnerTexts();
      expect(legend).toHaveLength(5);
      expect(legend[2]).toMatch(/枢纽仓\s*海口南港冷库枢纽/);

      const legs = page.locator('.timeline-leg');
      expect(await legs.count()).toBe(5);
      expect(await legs.nth(2).innerText()).toContain(SEED_ORGS.hub.name);
      expect(await page.locator('.timeline-leg.has-excursion').count()).toBe(1);
      expect(await page.locator('.timeline-leg.has-excursion .timeline-custodian').innerText()).toBe(SEED_ORGS.hub.name);
      // The hub leg began 8 h after the start, shown in China time.
      const hubStart = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(api!.seeded.startedAt + 8 * 3_600_000);
      expect(await legs.nth(2).locator('.timeline-time').innerText()).toContain(hubStart);

      const measures = await seededMeasures();
      const mkt = await page.locator('[data-measure="mkt"]').innerText();
      expect(mkt).toContain('平均动力学温度（MKT）');
      expect(mkt).toContain(`${measures.mktC.toFixed(1)}\u00a0°C`);
      const shelfLife = await page.locator('[data-measure="shelf-life"]').innerText();
      expect(shelfLife).toContain('估计已消耗的保鲜期');
      expect(shelfLife).toContain(`约 ${Math.round(measures.shelfLifeConsumedPct)}%`);
      expect(await page.locator('[data-measure="range"]').innerText()).toContain(`${measures.maxTempC.toFixed(1)} / ${measures.minTempC.toFixed(1)}\u00a0°C`);
      expect(await page.locator('[data-measure="outside"]').innerText()).toMatch(/超出适宜温度的时长\s*\d+\s小时/);
      expect(await page.locator('[data-measure="unmonitored"]').innerText()).toContain('无记录时长');
      await closeCleanly(page);
    });

    it('reads the same in English with ?lang=en, and the toggle switches back to Chinese', async () => {
      const page = await openPage({ ...PHONE, timezoneId: 'Europe/London' }, `/t/${api!.seeded.traceCode}?lang=en`);
      await page.locator('.verdict').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('.verdict').innerText()).toContain('Temperature excursion');
      expect(await page.locator('.product-name').innerText()).toBe('Lychee');
      expect(await page.locator('.chart-key').innerText()).toContain('Upper limit 15 °C');
      expect(await page.locator('.legs-legend').innerText()).toContain(SEED_ORGS.hub.nameEn);
      expect((await chartPixels(page)).excursionRed).toBeGreaterThan(20);
      const measures = await seededMeasures();
      const mkt = await page.locator('[data-measure="mkt"]').innerText();
      expect(mkt).toContain('Mean kinetic temperature (MKT)');
      expect(mkt).toContain(`${measures.mktC.toFixed(1)}\u00a0°C`);
      const shelfLife = await page.locator('[data-measure="shelf-life"]').innerText();
      expect(shelfLife).toContain('Shelf life used');
      expect(shelfLife).toContain(`about ${Math.round(measures.shelfLifeConsumedPct)}%`);

      await page.locator('#lang-toggle').click();
      await page.waitForFunction(() => document.querySelector('.verdict')?.textContent?.includes('温度异常'));
      expect(new URL(page.url()).searchParams.get('lang')).toBeNull();
      expect(await page.locator('.legs-legend').innerText()).toContain(SEED_ORGS.hub.name);
      expect(await page.locator('[data-measure="shelf-life"]').innerText()).toContain(`约 ${Math.round(measures.shelfLifeConsumedPct)}%`);
      await closeCleanly(page);
    });

    it('says plainly when a trace code is unknown', async () => {
      const page = await openPage(PHONE, `/t/${randomBytes(16).toString('base64url')}`);
      const problem = page.getByRole('alert');
      await problem.waitFor();
      expect(await problem.innerText()).toContain('没有找到这批货的温度记录');
      expect(await page.locator('.chart').count()).toBe(0);
      await closeCleanly(page);
    });

    it('fits a 375 px wide phone without sideways scrolling', async () => {
      const page = await openPage({ ...PHONE, viewport: { width: 375, height: 667 } }, `/t/${api!.seeded.traceCode}`);
      await chartPixels(page);
      const widths = await page.evaluate(() => ({
        document: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        chart: document.querySelector('.chart canvas')!.getBoundingClientRect().right,
        widest: Math.max(...[...document.querySelectorAll('body *')].map((el) => el.getBoundingClientRect().right)),
      }));
      expect(widths.document).toBeLessThanOrEqual(375);
      expect(widths.body).toBeLessThanOrEqual(375);
      expect(widths.chart).toBeLessThanOrEqual(375);
      expect(widths.widest).toBeLessThanOrEqual(375);
      await closeCleanly(page);
    });
  });

  it('landing page leads to the console and the API documentation', async () => {
    const page = await openPage(DESK, '/');
    expect(await page.getByRole('link', { name: '接口文档' }).getAttribute('href')).toBe('/docs');
    await page.getByRole('link', { name: '站点告警台' }).click();
    await page.waitForURL('**/console');
    await page.getByRole('button', { name: '登录' }).waitFor();
    await closeCleanly(page);
  });

  describe("station console (the hub's operator)", () => {
    let page: Page;

    beforeAll(async () => {
      await createUser(api!, SEED_ORGS.hub.id, { login: 'hub-duty', name: '南港值班', role: 'operator' });
      page = await openPage(DESK, '/console');
    });

    const alertRow = (id: string) => page.locator(`tr[data-alert-id="${id}"]`);
    const isLive = () => page.waitForSelector('#live-status[data-state="live"]');

    it('signs in as the hub operator, stays signed in across a reload, and shows the hub alert and the claim', async () => {
      await page.getByLabel('登录名').fill('hub-duty');
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      const row = alertRow(api!.seeded.alertId);
      await row.waitFor();
      expect(await row.locator('[data-col="tier"]').innerText()).toBe('一级');
      // The fruit is back in range, but nobody at the hub has seen the alert: it waits for them, marked so.
      expect(await row.locator('[data-col="status"]').innerText()).toContain('已恢复，待确认');
      expect(await row.locator('[data-col="status"]').innerText()).not.toContain('仍在超标');
      expect(await row.locator('[data-col="shipment"]').innerText()).toContain(api!.seeded.shipmentId);
      expect(await row.locator('[data-col="peak"]').innerText()).toBe(`${api!.seeded.excursion.peakTempC.toFixed(1)}\u00a0°C`);
      expect(await row.locator('[data-col="outside"]').innerText()).toBe(`${Math.round(api!.seeded.excursion.outsideMs / 60_000)} 分钟`);
      expect(await row.locator('[data-col="attribution"]').innerText()).toContain(`由${SEED_ORGS.hub.name}持有`);
      // Its hour to respond ran out long ago.
      expect(await row.locator('[data-col="respond-by"]').innerText()).toMatch(/^已超时/);
      // Nobody answered within the hour: reminded twice, then escalated to the platform.
      const status = await row.locator('[data-col="status"]').innerText();
      expect(status).toContain('已升级至平台');
      expect(status).toContain('已提醒 2 次');
      expect(await page.locator(`tr[data-claim-id="${api!.seeded.claimId}"]`).innerText()).toContain(SEED_ORGS.hub.name);

      // The trend warning on the other shipment says what it saw; nobody is liable and nothing needs review.
      const warning = alertRow(api!.seeded.warning.alertId);
      expect(await warning.locator('[data-col="tier"]').innerText()).toMatch(/^三级\s*预警$/);
      const details = await warning.locator('[data-col="attribution"]').innerText();
      expect(details).toContain(api!.seeded.warning.message.zh);
      expect(details).toContain('预警，不涉及责任认定');
      expect(details).not.toContain('待人工复核');
      expect(await warning.locator('[data-col="peak"]').innerText()).toBe('—');
      const warningStatus = await warning.locator('[data-col="status"]').innerText();
      expect(warningStatus).toContain('仍在持续');
      expect(warningStatus).not.toContain('已升级');
      // Less alarming than an excursion: its open badge is not the excursion's red.
      const badgeColour = (r: typeof row) => r.locator('[data-col="status"] .badge').first().evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(await badgeColour(warning)).not.toBe(await badgeColour(row));

      await page.reload();
      await row.waitFor();
      expect(await page.locator('#sign-in').isHidden()).toBe(true);
      await isLive();
    });

    it('acknowledges the alert, and the API agrees', async () => {
      const row = alertRow(api!.seeded.alertId);
      await row.getByRole('button', { name: '确认' }).click();
      await expect.poll(() => row.locator('[data-col="status"]').innerText()).toContain('已确认');
      expect(await row.getByRole('button', { name: '确认' }).count()).toBe(0);

      const response = await fetch(`${api!.baseUrl}/api/v1/alerts?status=acknowledged`, { headers: { authorization: `Bearer ${api!.adminToken}` } });
      const { alerts } = (await response.json()) as { alerts: Alert[] };
      expect(alerts.map((a) => [a.id, a.status])).toEqual([[api!.seeded.alertId, 'acknowledged']]);
      // The audit trail names the signed-in user, not anything typed.
      expect(alerts[0]!.acknowledgedBy).toContain('南港值班');
    });

    it('silences the warning for 2 hours: the API holds the silence, and the row says so, after a reload too', async () => {
      const { warning } = api!.seeded;
      const row = alertRow(warning.alertId);
      const before = Date.now();
      await row.getByRole('button', { name: '静默 2 小时' }).click();
      await expect.poll(() => row.locator('[data-col="status"]').innerText(), { timeout: 5000 }).toContain('已静默至');
      const after = Date.now();
      expect(await row.getByRole('button', { name: '静默 2 小时' }).count()).toBe(0);

      const { silences } = await adminGet<{ silences: Silence[] }>('/api/v1/silences');
      expect(silences).toHaveLength(1);
      expect(silences[0]).toMatchObject({ shipmentId: warning.shipmentId, ruleId: warning.ruleId, deviceId: null, reason: '站点静默' });
      expect(silences[0]!.endsAt).toBeGreaterThanOrEqual(before + 2 * HOUR);
      expect(silences[0]!.endsAt).toBeLessThanOrEqual(after + 2 * HOUR);
      const until = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(silences[0]!.endsAt);
      expect(await row.locator('[data-col="status"]').innerText()).toContain(until);
      // The hub's alert is on another shipment: still loud.
      expect(await alertRow(api!.seeded.alertId).locator('[data-col="status"]').innerText()).not.toContain('已静默');
      expect(await alertRow(api!.seeded.alertId).getByRole('button', { name: '静默 2 小时' }).count()).toBe(1);

      await page.reload();
      await row.waitFor();
      expect(await row.locator('[data-col="status"]').innerText()).toContain('已静默至');
      expect(await row.locator('[data-col="status"]').innerText()).toContain(until);
      expect(await row.getByRole('button', { name: '静默 2 小时' }).count()).toBe(0);
    });

    it("shows a new alert for the hub as it is raised, without a reload, and not another station's", async () => {
      await isLive();
      await page.evaluate(() => Object.assign(window, { loadedOnce: true }));

      const seededAlert = (await api!.ops.getAlert(api!.seeded.alertId))!;
      const now = Date.now();
      const raised = (routedTo: string[], shipmentId: string, attributedTo: string, legIndex: number): Alert => ({
        ...seededAlert,
        id: randomUUID(),
        shipmentId,
        ruleId: `${seededAlert.ruleId}.live.${attributedTo}`,
        attribution: { status: 'attributed', orgId: attributedTo, legIndex, reason: seededAlert.attribution.reason },
        status: 'open',
        conditionState: 'firing',
        peakTempC: 17.2,
        outsideMs: 12 * 60_000,
        activeAt: now - 22 * 60_000,
        firedAt: now - 12 * 60_000,
        clearedAt: null,
        routedTo,
        respondBy: now + 48 * 60_000,
        acknowledgedAt: null,
        acknowledgedBy: null,
        escalatedAt: null,
        lastNotifiedAt: now,
        reminders: 0,
        createdAt: now,
        updatedAt: now,
      });
      // The first shipment is with the courier now: its new alert is the courier's, not the hub's.
      const elsewhere = raised([SEED_ORGS.lastMile.id, SEED_ORGS.shipper.id, 'platform'], api!.seeded.shipmentId, SEED_ORGS.lastMile.id, 4);
      const ours = raised([SEED_ORGS.hub.id, SEED_ORGS.shipper.id, 'platform'], api!.seeded.warning.shipmentId, SEED_ORGS.hub.id, 1);
      await api!.ops.insertAlert(elsewhere);
      await api!.ops.insertAlert(ours);
      await publishAlertEvent(bus!, { type: 'alert.opened', at: now, alert: elsewhere });
      await publishAlertEvent(bus!, { type: 'alert.opened', at: now, alert: ours });

      const row = alertRow(ours.id);
      await row.waitFor();
      expect(await row.locator('[data-col="peak"]').innerText()).toBe('17.2\u00a0°C');
      expect(await row.locator('[data-col="status"]').innerText()).toContain('仍在超标');
      expect(await row.locator('[data-col="respond-by"]').innerText()).toMatch(/^剩余 4\d:\d\d/);
      expect(await alertRow(elsewhere.id).count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
      expect(await row.locator('[data-col="status"]').innerText()).not.toContain('已升级');

      // Unanswered, it is reminded, then escalated; the row follows each event.
      const reminded = { ...ours, reminders: 1, lastNotifiedAt: now + 1000, updatedAt: now + 1000 };
      await publishAlertEvent(bus!, { type: 'alert.reminder', at: now + 1000, alert: reminded });
      await expect.poll(() => row.locator('[data-col="status"]').innerText(), { timeout: 5000 }).toContain('已提醒 1 次');
      const escalated = { ...reminded, escalatedAt: now + 2000, lastNotifiedAt: now + 2000, updatedAt: now + 2000 };
      await publishAlertEvent(bus!, { type: 'alert.escalated', at: now + 2000, alert: escalated });
      await expect.poll(() => row.locator('[data-col="status"]').innerText(), { timeout: 5000 }).toContain('已升级至平台');
      expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    });

    it('shows an excursion back in range as "cleared, awaiting acknowledgement", and resolves it only with a note', async () => {
      // The hub's own alert on the goods it holds, back in range before anyone looked.
      const seededAlert = (await api!.ops.getAlert(api!.seeded.alertId))!;
      const now = Date.now();
      const cleared: Alert = {
        ...seededAlert,
        id: randomUUID(),
        shipmentId: api!.seeded.warning.shipmentId,
        status: 'open',
        conditionState: 'cleared',
        activeAt: now - 50 * 60_000,
        firedAt: now - 40 * 60_000,
        clearedAt: now - 5 * 60_000,
        ruleId: `${seededAlert.ruleId}.cleared`,
        attribution: { status: 'attributed', orgId: SEED_ORGS.hub.id, legIndex: 1, reason: seededAlert.attribution.reason },
        routedTo: [SEED_ORGS.hub.id, SEED_ORGS.shipper.id, 'platform'],
        respondBy: now + 20 * 60_000,
        acknowledgedAt: null,
        acknowledgedBy: null,
        escalatedAt: null,
        reminders: 0,
        createdAt: now - 40 * 60_000,
        updatedAt: now,
      };
      await api!.ops.insertAlert(cleared);
      await publishAlertEvent(bus!, { type: 'alert.cleared', at: now, alert: cleared });

      const row = alertRow(cleared.id);
      await row.waitFor();
      const status = await row.locator('[data-col="status"]').innerText();
      expect(status).toContain('已恢复，待确认');
      expect(status).not.toContain('仍在超标');
      // Not drawn like a firing alert: the firing one on this station keeps the red.
      const firing = page.locator('tr[data-status="open"][data-condition="firing"]').first();
      const badgeColour = (r: typeof row) => r.locator('[data-col="status"] .badge').first().evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(await badgeColour(row)).not.toBe(await badgeColour(firing));

      // Resolve asks for a note, and refuses without one: nothing reaches the API.
      await row.getByRole('button', { name: '解决' }).click();
      const note = row.getByLabel('处理说明（必填）');
      await note.waitFor();
      await row.getByRole('button', { name: '确认解决' }).click();
      await row.getByRole('alert').filter({ hasText: '请填写处理说明后再解决' }).waitFor();
      await note.fill('   ');
      await row.getByRole('button', { name: '确认解决' }).click();
      expect(await note.getAttribute('aria-invalid')).toBe('true');
      expect((await api!.ops.getAlert(cleared.id))!.status).toBe('open');

      await note.fill('已联系收货人，抽检果温 4.1 °C，货物正常');
      await row.getByRole('button', { name: '确认解决' }).click();
      // Resolved alerts are hidden unless asked for.
      await row.waitFor({ state: 'detached' });
      expect(await api!.ops.getAlert(cleared.id)).toMatchObject({ status: 'resolved', resolutionNote: '已联系收货人，抽检果温 4.1 °C，货物正常' });

      await page.locator('#show-resolved').check();
      await row.waitFor();
      expect(await row.locator('[data-col="respond-by"]').innerText()).toContain('说明：已联系收货人，抽检果温 4.1 °C，货物正常');
      await page.locator('#show-resolved').uncheck();
      await row.waitFor({ state: 'detached' });
    });

    it('switches to English', async () => {
      await page.locator('#lang-toggle').click();
      await page.waitForFunction(() => document.querySelector('#live-status')?.textContent === 'Live updates on');
      expect(await page.locator('.alerts-table thead').innerText()).toContain('Respond by');
      expect(await page.locator('.alerts-table [data-col="status"]').first().innerText()).toContain('Open');
      expect(await page.locator('.alerts-table [data-col="status"]').first().innerText()).toContain('Escalated to platform');

      const warning = alertRow(api!.seeded.warning.alertId);
      await warning.waitFor();
      expect(await warning.locator('[data-col="attribution"]').innerText()).toContain(api!.seeded.warning.message.en);
      expect(await warning.locator('[data-col="status"]').innerText()).toContain('Silenced until');
      expect(await alertRow(api!.seeded.alertId).locator('[data-col="status"]').innerText()).toContain('Escalated to platform');
      await closeCleanly(page);
    });
  });
});
