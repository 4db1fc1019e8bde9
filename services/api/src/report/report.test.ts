import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApi } from '../test-harness.ts';
import type { TestApi } from '../test-harness.ts';
import { curveColumns, hasPoppler, hasZbar, inkedShare, pdfText, readQrCodes, renderPages } from './pdf-tools.ts';
import { formatYuan } from './report-format.ts';
import { SHIPMENT_ID, seedLycheeTrip } from './trip-report-fixture.ts';

/** Each string is in the text; spaces aside, as a wrapped table cell reads with one where the line broke. */
function expectAllIn(text: string, expected: string[]): void {
  const spaceless = text.replaceAll(' ', '');
  for (const item of expected) expect(spaceless, item).toContain(item.replaceAll(' ', ''));
}

const isPopplerThere = hasPoppler('trip report rendering tests');

describe.skipIf(!isPopplerThere)('trip report PDF over HTTP', () => {
  let api: TestApi;
  let traceCode: string;

  beforeEach(async () => {
    // The real evidence chain (evidence/evidence-service.ts) over the test's stores.
    api = await startTestApi();
    ({ traceCode } = await seedLycheeTrip(api));
  });
  afterEach(async () => {
    await api.stop();
  });

  async function fetchReport(path: string, token: string | null = api.adminToken) {
    const response = await fetch(`${api.baseUrl}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    return { response, body: Buffer.from(await response.arrayBuffer()) };
  }

  it('answers a small PDF in Chinese by default, with the legs, stations, probes, excursion, claim and chain head', async () => {
    const { response, body } = await fetchReport(`/api/v1/shipments/${SHIPMENT_ID}/report.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${SHIPMENT_ID}-report-zh.pdf"`);
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The font is subset: two 10 MB faces become a few tens of KB.
    expect(body.length).toBeLessThan(300_000);

    const text = await pdfText(body);
    const { head, witnesses } = (await api.call('GET', `/api/v1/shipments/${SHIPMENT_ID}/chain`)).body;
    expect(head.seq).toBeGreaterThan(5);
    // Each handoff and the delivery handed the head of the moment to the parties: all five are listed.
    expect(witnesses).toHaveLength(5);
    expectAllIn(text, ['已交给各方的链头', '交接给海口南港枢纽仓（枢纽仓，海口南港枢纽仓）', '签收（上海 闵行 莘庄）', ...witnesses.map((w: { hash: string }) => w.hash)]);
    const [claim] = await api.ops.listClaims({ shipmentId: SHIPMENT_ID });
    const [alert] = await api.ops.listAlerts({ shipmentId: SHIPMENT_ID });
    expectAllIn(text, [
      '冷链运输报告', '运输环节与交接', '温度曲线', '超标事件', '理赔', '证据链与验证',
      // Custodians, stations and the probe temperatures at the handoffs.
      '海南永兴荔枝合作社', '琼州冷链物流', '海口南港枢纽仓', '顺达冷运干线', '沪通同城配送',
      '枢纽仓', '永兴镇预冷中心', '海口南港枢纽仓 3 号月台', '上海闵行配送站',
      '4.2 °C', '4.8 °C', '9.1 °C', '4.3 °C',
      // The excursion: onset, cleared, peak, degree-minutes, and the attribution's own words.
      '高于 15.0 °C', '21.4 °C', '2025-06-10 13:20', alert!.degreeMinutes.toFixed(1), alert!.attribution.reason.zh,
      // Measures, the claim, times with their offset.
      '平均动力学温度', '已消耗货架期', '无数据时长', formatYuan(claim!.amountCents, 'zh'), '已提出', 'UTC+8',
      // The chain head and how to verify it.
      head.hash, head.keyId, String(head.seq), 'npm run verify -- <bundle.zip>',
      `${api.baseUrl}/api/v1/shipments/${SHIPMENT_ID}/evidence`, `${api.baseUrl}/api/v1/keys`, `${api.baseUrl}/t/${traceCode}`,
    ]);
    // Units with their numbers, the hash whole.
    for (const exact of ['4.8 °C', '21.4 °C', head.hash]) expect(text).toContain(exact);
    expect(formatYuan(claim!.amountCents, 'zh')).toBe('¥40,935.79');
  });

  it('answers the same report in English with lang=en, every label translated', async () => {
    const { response, body } = await fetchReport(`/api/v1/shipments/${SHIPMENT_ID}/report.pdf?lang=en`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${SHIPMENT_ID}-report-en.pdf"`);
    const text = await pdfText(body);
    const [alert] = await api.ops.listAlerts({ shipmentId: SHIPMENT_ID });
    const { head } = (await api.call('GET', `/api/v1/shipments/${SHIPMENT_ID}/chain`)).body;
    expectAllIn(text, [
      'Cold-chain trip report', 'Legs and handoffs', 'Temperature curve', 'Excursions', 'Claims', 'Evidence chain and verification',
      'Yongxing Lychee Cooperative', 'Haikou South Port Hub', 'Shunda Reefer Line-haul', 'Hub warehouse', 'Line-haul reefer',
      '9.1 °C', 'above 15.0 °C', '21.4 °C', alert!.attribution.reason.en, 'CNY 40,935.79', 'filed',
      head.hash, head.keyId, 'How to verify', 'npm run verify -- <bundle.zip>',
    ]);
    // The stations are the scans' own words; no label is left in Chinese.
    for (const zhLabel of ['冷链运输报告', '运输环节', '超标事件', '承运方', '责任认定', '已提出', '小时']) expect(text).not.toContain(zhLabel);
  });

  it('renders every page, with the curve drawn across the chart', async () => {
    const { body } = await fetchReport(`/api/v1/shipments/${SHIPMENT_ID}/report.pdf`);
    const pages = await renderPages(body, 72);
    expect(pages.length).toBe(2);
    for (const page of pages) expect(inkedShare(page)).toBeGreaterThan(0.02);
    // Page 1 holds the chart: the curve's blue spans most of the page's width (a 54 min gap and the
    // legend aside), in a band of rows of the chart's height, not a line of text.
    const { columns, rows } = curveColumns(pages[0]!);
    expect(columns.size / pages[0]!.width).toBeGreaterThan(0.6);
    expect(rows.size).toBeGreaterThan(60);
  });

  it.skipIf(!hasZbar())('carries a QR code that a reader decodes to the consumer page', async () => {
    const { body } = await fetchReport(`/api/v1/shipments/${SHIPMENT_ID}/report.pdf`);
    expect(await readQrCodes(body)).toEqual([`${api.baseUrl}/t/${traceCode}`]);
  });

  it('shows a corrected handoff as corrected, with the original, who and why', async () => {
    const events = await api.ops.listCustodyEvents(SHIPMENT_ID);
    const lastMile = events.find((e) => e.stage === 'last_mile')!;
    const corrected = await api.call('POST', `/api/v1/shipments/${SHIPMENT_ID}/corrections`, { eventId: lastMile.id, station: '上海莘庄配送站', reason: '扫码站点选错' });
    expect(corrected.status).toBe(201);
    const text = await pdfText((await fetchReport(`/api/v1/shipments/${SHIPMENT_ID}/report.pdf`)).body);
    expectAllIn(text, ['交接更正', '站点：上海闵行配送站 → 上海莘庄配送站', 'platform admin token 平台管理令牌', '理由：扫码站点选错']);
    // The legs follow the correction: the new station is in the legs and the correction; the old one in
    // the correction and where the head was handed over (at the scan as recorded), not in the legs.
    expect(text.replaceAll(' ', '').split('上海莘庄配送站').length - 1).toBe(2);
    expect(text.replaceAll(' ', '').split('上海闵行配送站').length - 1).toBe(2);
    expect(text.replaceAll(' ', '')).toContain('交接给沪通同城配送（末端配送，上海闵行配送站）');
  });

  it('answers the same at /report, refuses a bad lang, an unknown shipment and a missing token', async () => {
    const alias = await fetchReport(`/api/v1/shipments/${SHIPMENT_ID}/report?lang=en`);
    expect(alias.response.status).toBe(200);
    expect(alias.response.headers.get('content-type')).toBe('application/pdf');
    expect(await pdfText(alias.body)).toContain('Cold-chain trip report');

    const badLang = await fetchReport(`/api/v1/shipments/${SHIPMENT_ID}/report.pdf?lang=fr`);
    expect(badLang.response.status).toBe(400);
    expect(JSON.parse(badLang.body.toString()).error.message).toContain('lang');
    const unknown = await fetchReport('/api/v1/shipments/shp-nowhere/report.pdf');
    expect(unknown.response.status).toBe(404);
    expect(JSON.parse(unknown.body.toString()).error.code).toBe('shipment.not_found');
    expect((await fetchReport(`/api/v1/shipments/${SHIPMENT_ID}/report.pdf`, null)).response.status).toBe(401);

    const { body: openApi } = await api.call('GET', '/docs/json', undefined, null);
    const lang = openApi.paths['/api/v1/shipments/{id}/report.pdf'].get.parameters.find((p: { name: string }) => p.name === 'lang');
    expect(lang.schema).toMatchObject({ enum: ['zh', 'en'], default: 'zh' });
  });
});

describe.skipIf(!isPopplerThere)('trip report without an evidence chain', () => {
  it('still answers the report, saying the head could not be read and why', async () => {
    // A chain that answers while the trip is recorded (handoffs hand out heads), then goes offline.
    let isOffline = false;
    const head = { shipmentId: SHIPMENT_ID, seq: 1, hash: '0'.repeat(64), signedAt: 0, keyId: '0'.repeat(16), headJson: '{}', signature: '' };
    const answer = () => (isOffline ? Promise.reject(new Error('evidence store offline')) : Promise.resolve(head));
    const api = await startTestApi({ evidence: { head: answer, witness: answer, witnesses: async () => [] } });
    try {
      await seedLycheeTrip(api);
      isOffline = true;
      const response = await fetch(`${api.baseUrl}/api/v1/shipments/${SHIPMENT_ID}/report.pdf`, { headers: { authorization: `Bearer ${api.adminToken}` } });
      expect(response.status).toBe(200);
      const text = await pdfText(Buffer.from(await response.arrayBuffer()));
      expect(text).toContain('无法取得证据链头：evidence store offline');
      expect(text).toContain('海口南港枢纽仓');
    } finally {
      await api.stop();
    }
  });
});
