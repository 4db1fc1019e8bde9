import { describe, expect, it } from 'vitest';
import { STAGE_NAMES } from './custody.ts';
import { buildVerdict, type VerdictExcursion } from './verdict.ts';

const MIN = 60_000;

const LINE_HAUL_HOT: VerdictExcursion = { direction: 'above', thresholdC: 15, outsideMs: 95 * MIN, peakTempC: 18.44, stageName: STAGE_NAMES.line_haul };
const HUB_WARM: VerdictExcursion = { direction: 'above', thresholdC: 15, outsideMs: 20 * MIN, peakTempC: 16, stageName: STAGE_NAMES.hub };
const REEFER_COLD: VerdictExcursion = { direction: 'below', thresholdC: 1, outsideMs: 150 * MIN, peakTempC: 0.3, stageName: STAGE_NAMES.line_haul };

describe('buildVerdict', () => {
  const cases: Array<{ name: string; isDelivered: boolean; excursions: VerdictExcursion[]; unmonitoredMin: number; status: string; en: string; zh: string }> = [
    {
      name: 'delivered, all in range',
      isDelivered: true,
      excursions: [],
      unmonitoredMin: 0,
      status: 'ok',
      en: 'Cold chain intact: the temperature stayed in range from farm to door.',
      zh: '全程冷链正常：从产地到您手中温度均在安全范围内。',
    },
    {
      name: 'in transit, in range so far',
      isDelivered: false,
      excursions: [],
      unmonitoredMin: 0,
      status: 'ok',
      en: 'In transit; the cold chain is intact so far.',
      zh: '运输中，目前冷链正常。',
    },
    {
      name: 'an hour of missing readings is tolerated',
      isDelivered: true,
      excursions: [],
      unmonitoredMin: 60,
      status: 'ok',
      en: 'Cold chain intact: the temperature stayed in range from farm to door.',
      zh: '全程冷链正常：从产地到您手中温度均在安全范围内。',
    },
    {
      name: 'more than an hour unrecorded is never passed off as intact',
      isDelivered: true,
      excursions: [],
      unmonitoredMin: 180,
      status: 'unmonitored',
      en: 'No excursion found, but 3 h went unrecorded.',
      zh: '未发现温度超标，但有 3 小时 没有温度记录。',
    },
    {
      name: 'unrecorded in transit too',
      isDelivered: false,
      excursions: [],
      unmonitoredMin: 61,
      status: 'unmonitored',
      en: 'No excursion found, but 61 min went unrecorded.',
      zh: '未发现温度超标，但有 61 分钟 没有温度记录。',
    },
    {
      name: 'an excursion: where, how long, how hot',
      isDelivered: true,
      excursions: [LINE_HAUL_HOT],
      unmonitoredMin: 0,
      status: 'excursion',
      en: 'Temperature excursion: above 15 °C for about 95 min during the Line-haul reefer leg, peak 18.4 °C.',
      zh: '温度异常：在「干线冷运」阶段高于 15 °C 约 95 分钟，最高 18.4 °C。',
    },
    {
      name: 'the longest excursion is the one told',
      isDelivered: true,
      excursions: [HUB_WARM, LINE_HAUL_HOT],
      unmonitoredMin: 0,
      status: 'excursion',
      en: 'Temperature excursion: above 15 °C for about 95 min during the Line-haul reefer leg, peak 18.4 °C.',
      zh: '温度异常：在「干线冷运」阶段高于 15 °C 约 95 分钟，最高 18.4 °C。',
    },
    {
      name: 'an excursion outweighs unrecorded time',
      isDelivered: false,
      excursions: [HUB_WARM],
      unmonitoredMin: 240,
      status: 'excursion',
      en: 'Temperature excursion: above 15 °C for about 20 min during the Hub warehouse leg, peak 16.0 °C.',
      zh: '温度异常：在「枢纽仓」阶段高于 15 °C 约 20 分钟，最高 16.0 °C。',
    },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const { isDelivered, excursions, unmonitoredMin, status, en, zh } = row;
      expect(buildVerdict({ isDelivered, excursions, unmonitoredMs: unmonitoredMin * MIN })).toEqual({ status, text: { zh, en } });
    });
  }

  it('does not reorder the excursions it is given', () => {
    const excursions = [HUB_WARM, LINE_HAUL_HOT];
    buildVerdict({ isDelivered: true, excursions, unmonitoredMs: 0 });
    expect(excursions).toEqual([HUB_WARM, LINE_HAUL_HOT]);
  });

  it('tells a too-cold excursion as below the limit, with its lowest temperature', () => {
    const { status, text } = buildVerdict({ isDelivered: true, excursions: [REEFER_COLD], unmonitoredMs: 0 });
    expect(status).toBe('excursion');
    expect(text.en).toContain('below 1 °C for about 2 h 30 min during the Line-haul reefer leg');
    expect(text.zh).toContain('低于 1 °C 约 2 小时 30 分钟');
    // The trough of a low excursion is its lowest reading; calling it the highest misleads the buyer.
    expect(text.zh).toContain('最低 0.3 °C');
    expect(text.zh).not.toContain('最高');
  });

  it('rounds the peak as the report and the pages do: 29.45 °C reads 29.5 °C (found in review: toFixed gave 29.4)', () => {
    const verdict = buildVerdict({ isDelivered: true, excursions: [{ ...HUB_WARM, peakTempC: 29.45 }], unmonitoredMs: 0 });
    expect(verdict.text.en).toContain('29.5 °C');
    expect(verdict.text.zh).toContain('29.5 °C');
  });
});
