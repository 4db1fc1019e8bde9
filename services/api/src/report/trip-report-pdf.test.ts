import { describe, expect, it } from 'vitest';
import { hasPoppler, inkedShare, pdfText, renderPages } from './pdf-tools.ts';
import type { TripReportData } from './trip-report-data.ts';
import { renderTripReport } from './trip-report-pdf.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 6, 1, 0, 0); // 08:00 China time

/** A shipment just created: one open packhouse leg, no readings, nothing else. */
function newShipment(): TripReportData {
  return {
    generatedAt: T0 + 2 * HOUR,
    shipment: { id: 'shp-new', traceCode: 'trace-new-0001', origin: '广东 从化', destination: '北京 朝阳', boxes: 40, goodsValueCents: 800_000, freightCents: 90_000, deviceId: 'logger-7', startedAt: T0, deliveredAt: null },
    shipper: { zh: '从化荔枝合作社', en: 'Conghua Lychee Cooperative' },
    product: { name: { zh: '荔枝', en: 'Lychee' }, optimumC: { min: 2, max: 5 }, limits: [{ id: 'high', direction: 'above', thresholdC: 15 }, { id: 'low', direction: 'below', thresholdC: 1 }], maxReadingGapMs: 30 * MIN },
    legs: [{ index: 0, stage: { zh: '产地预冷', en: 'Packhouse' }, custodian: { zh: '从化荔枝合作社', en: 'Conghua Lychee Cooperative' }, station: null, startedAt: T0, endedAt: null, startProbeTempC: null, outsideMs: 0, mktC: null, unmonitoredMs: 2 * HOUR }],
    curve: [],
    readingCount: 0,
    lastReadingAt: null,
    verdict: { status: 'unmonitored', text: { zh: '尚无温度记录。', en: 'No temperature record yet.' } },
    measures: { mktC: null, minTempC: null, maxTempC: null, outsideMs: 0, maxOutsideMs: 4 * HOUR, degreeMinutes: 0, maxDegreeMinutes: 600, shelfLifeConsumedPct: null, unmonitoredMs: 2 * HOUR, isLowerBound: true },
    excursions: [],
    claims: [],
    corrections: [],
    chain: { isAvailable: true, seq: 1, hash: 'ab'.repeat(32), keyId: '0123456789abcdef', signedAt: T0 + 2 * HOUR, witnesses: [] },
    consumerUrl: 'https://cold.example.cn/t/trace-new-0001',
    evidenceUrl: 'https://cold.example.cn/api/v1/shipments/shp-new/evidence',
    keysUrl: 'https://cold.example.cn/api/v1/keys',
  };
}

/** A long disputed journey: many legs, an indeterminate excursion, a withdrawn claim and many filed ones. */
function disputedShipment(): TripReportData {
  const base = newShipment();
  const legs = Array.from({ length: 12 }, (_, i) => ({
    index: i,
    stage: i === 0 ? { zh: '产地预冷', en: 'Packhouse' } : { zh: '干线冷运', en: 'Line-haul reefer' },
    custodian: { zh: `承运方 ${i}`, en: `Carrier ${i}` },
    station: `站点 ${i} (Dock ${i})`,
    startedAt: T0 + i * 4 * HOUR,
    endedAt: i === 11 ? T0 + 48 * HOUR : T0 + (i + 1) * 4 * HOUR,
    startProbeTempC: i === 0 ? null : 4 + (i % 3),
    outsideMs: i * 10 * MIN,
    mktC: 4.5,
    unmonitoredMs: 0,
  }));
  const curve: [number, number][] = Array.from({ length: 48 * 6 }, (_, k) => [T0 + k * 10 * MIN, k > 100 && k < 130 ? -1.5 : 3.5 + Math.sin(k / 9)]);
  return {
    ...base,
    shipment: { ...base.shipment, deliveredAt: T0 + 48 * HOUR },
    legs,
    curve,
    readingCount: curve.length,
    lastReadingAt: T0 + 48 * HOUR - 10 * MIN,
    verdict: { status: 'excursion', text: { zh: '温度异常：低于 1 °C 约 4 小时。', en: 'Temperature excursion: below 1 °C for about 4 h.' } },
    measures: { ...base.measures, mktC: 3.9, minTempC: -1.5, maxTempC: 4.5, outsideMs: 5 * HOUR, degreeMinutes: 700, shelfLifeConsumedPct: 12.3, unmonitoredMs: 0, isLowerBound: false },
    excursions: [{ direction: 'below', thresholdC: 1, startedAt: T0 + 1010 * MIN, endedAt: T0 + 1300 * MIN, peakTempC: -1.5, outsideMs: 290 * MIN, degreeMinutes: 400, attribution: { status: 'indeterminate', liable: null, reason: { zh: '交接时段缺少数据，待人工认定', en: 'a gap in the data covers the handoff; flagged for review' } } }],
    claims: Array.from({ length: 24 }, (_, i) => ({
      id: `claim-${i}`, liable: { zh: `承运方 ${i % 12}`, en: `Carrier ${i % 12}` }, amountCents: 890_000, goodsShareCents: 800_000, freightCents: 90_000,
      status: i === 0 ? 'withdrawn' : 'filed', reason: { zh: '超标开始于该段', en: 'the excursion began in this leg' }, filedAt: T0 + 20 * HOUR, respondBy: T0 + 22 * HOUR,
      withdrawnAt: i === 0 ? T0 + 21 * HOUR : null, withdrawnReason: i === 0 ? { zh: '更正后的交接时间表明责任在另一方', en: 'the corrected handoff puts the onset in another leg' } : null,
    })),
    corrections: [{
      recordedAt: T0 + 30 * HOUR, correctedBy: '平台 李工', reason: '扫码枪时钟慢了 15 分钟', stage: { zh: '干线冷运', en: 'Line-haul reefer' },
      original: { at: T0 + 8 * HOUR, custodian: { zh: '承运方 2', en: 'Carrier 2' }, station: '站点 2 (Dock 2)', probeTempC: 9.1 },
      changes: { at: T0 + 8 * HOUR + 15 * MIN, probeTempC: 4.9 },
    }],
    chain: { isAvailable: false, problem: 'evidence store offline' },
  };
}

describe.skipIf(!hasPoppler('trip report drawing tests'))('trip report drawing', () => {
  it('draws a shipment with no readings yet, saying so instead of an empty chart', async () => {
    for (const [lang, expected] of [
      ['zh', ['本运单没有温度读数', '无超标事件。', '无理赔。', '无更正。', '运输中', '进行中', '不适用', '至少占预算 0.0 %', 'ab'.repeat(32)]],
      ['en', ['No readings for this shipment', 'No excursions.', 'No claims.', 'No corrections.', 'in transit', 'open', 'n/a', '≥ 0.0 % of budget']],
    ] as const) {
      const pdf = await renderTripReport(newShipment(), lang);
      const text = await pdfText(pdf);
      for (const item of expected) expect(text, `${lang}: ${item}`).toContain(item);
      // Page 1 holds the chart; the chain and how to verify it follow on page 2.
      const pages = await renderPages(pdf, 40);
      expect(pages.length).toBe(2);
    }
  });

  it('carries long tables over pages with their headings, and says an indeterminate excursion, a withdrawn claim and a missing chain', async () => {
    const pdf = await renderTripReport(disputedShipment(), 'zh');
    const text = await pdfText(pdf);
    const pages = await renderPages(pdf, 40);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) expect(inkedShare(page)).toBeGreaterThan(0.01);
    // pdftotext reads Chinese without the spaces between words.
    expect(text.replaceAll(' ', '')).toContain(`第${pages.length}/${pages.length}页`);
    // The claims' heading is repeated on the page the table continues on.
    expect(text.split('索赔对象').length - 1).toBeGreaterThanOrEqual(2);
    for (const item of ['承运方 11', '站点 11 (Dock 11)', '低于 1.0 °C', '-1.5 °C', '待人工认定', '交接时段缺少数据，待人工认定', '已撤回', '撤回原因：更正后的交接时间表明责任在另一方', '生成本报告时无法取得证据链头：evidence store offline', '12 %',
      '交接更正', '时间：2025-07-01 16:00 → 2025-07-01 16:15', '探针：9.1 °C → 4.9 °C', '平台 李工', '理由：扫码枪时钟慢了 15 分钟']) {
      expect(text, item).toContain(item);
    }
    expect(text.split('已提出').length - 1).toBe(23);
  });
});
