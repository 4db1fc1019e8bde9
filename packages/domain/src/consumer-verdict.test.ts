import { describe, expect, it } from 'vitest';
import { consumerVerdict, toneRank, UNMONITORED_HEADLINE_MS, type ConsumerVerdictInput } from './consumer-verdict.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

const OK_VERDICT = { status: 'ok', text: { zh: '全程冷链正常：从产地到您手中温度均在安全范围内。', en: 'Cold chain intact: the temperature stayed in range from farm to door.' } } as const;
const HUB_VERDICT = {
  status: 'excursion',
  text: { zh: '温度异常：在「枢纽仓」阶段高于 15 °C 约 3 小时，最高 28.4 °C。', en: 'Temperature excursion: above 15 °C for about 3 h during the Hub leg, peak 28.4 °C.' },
} as const;
const GAP_VERDICT = { status: 'unmonitored', text: { zh: '未发现温度超标，但有 3 小时 没有温度记录。', en: 'No excursion found, but 3 h went unrecorded.' } } as const;

/** A lychee journey delivered in range all the way (budget: 12 h outside the optimum). */
const HEALTHY: ConsumerVerdictInput = {
  isDelivered: true,
  readingCount: 360,
  verdict: OK_VERDICT,
  excursionCount: 0,
  outsideMs: 0,
  budget: { outsideMs: 0, maxOutsideMs: 12 * HOUR, isExceeded: false },
  unmonitoredMs: 0,
  shelfLifeConsumedPct: 6,
};

function outside(ms: number, isExceeded = ms > 12 * HOUR): Pick<ConsumerVerdictInput, 'outsideMs' | 'budget'> {
  return { outsideMs: ms, budget: { outsideMs: ms, maxOutsideMs: 12 * HOUR, isExceeded } };
}

describe('consumerVerdict', () => {
  const cases: Array<{
    name: string;
    input: Partial<ConsumerVerdictInput>;
    situation: string;
    tone: string;
    action: string | null;
    headlineZh: string;
    says?: string;
    figures?: Record<string, string>;
  }> = [
    { name: 'delivered, in range all the way', input: {}, situation: 'fine', tone: 'good', action: null, headlineZh: '冷链全程正常，果子应当新鲜', figures: { outside: 'good', unmonitored: 'good', shelfLife: 'neutral', excursions: 'good' } },
    {
      // The mixed message: "all normal", then an orange "8 h outside the best temperature".
      name: '8 h a little too cold, within limits and budget: fine, said softly in neutral',
      input: outside(8 * HOUR),
      situation: 'fine_minor',
      tone: 'good',
      action: null,
      headlineZh: '冷链全程正常，果子应当新鲜',
      says: '约 8 小时略微偏离最适温度',
      figures: { outside: 'neutral', unmonitored: 'good', shelfLife: 'neutral', excursions: 'good' },
    },
    { name: 'a 40 min gap: fine, said softly', input: { unmonitoredMs: 40 * MIN }, situation: 'fine_minor', tone: 'good', action: null, headlineZh: '冷链全程正常，果子应当新鲜', says: '40 分钟没有温度记录', figures: { unmonitored: 'neutral' } },
    {
      name: 'an excursion beyond the limit: possibly damaged, report here, where and how long below',
      input: { verdict: HUB_VERDICT, excursionCount: 1, ...outside(7 * HOUR) },
      situation: 'possibly_damaged',
      tone: 'alert',
      action: 'report',
      headlineZh: '运输中温度超标，果子可能受损',
      says: '「枢纽仓」阶段高于 15 °C',
      figures: { outside: 'neutral', excursions: 'alert' },
    },
    {
      name: 'no limit crossed but 14 h outside the optimum, more than the 12 h budget',
      input: outside(14 * HOUR),
      situation: 'possibly_damaged',
      tone: 'alert',
      action: 'report',
      headlineZh: '运输中温度超标，果子可能受损',
      says: '超过了这种水果允许的 12 小时',
      figures: { outside: 'alert', excursions: 'good' },
    },
    { name: 'the degree-minute budget spent within 12 h', input: outside(10 * HOUR, true), situation: 'possibly_damaged', tone: 'alert', action: 'report', headlineZh: '运输中温度超标，果子可能受损', says: '度·分钟' },
    { name: 'shelf life used up', input: { shelfLifeConsumedPct: 104 }, situation: 'possibly_damaged', tone: 'alert', action: 'report', headlineZh: '运输中温度超标，果子可能受损', says: '保鲜期已经用完', figures: { shelfLife: 'alert' } },
    {
      name: '3 h without readings, delivered: cannot vouch for that time, check the fruit',
      input: { verdict: GAP_VERDICT, unmonitoredMs: 3 * HOUR },
      situation: 'unmonitored',
      tone: 'caution',
      action: 'check',
      headlineZh: '途中有 3 小时没有温度记录，这段时间的温度无法确认',
      figures: { unmonitored: 'caution' },
    },
    { name: 'a gap and an excursion: the excursion speaks', input: { verdict: HUB_VERDICT, excursionCount: 1, unmonitoredMs: 3 * HOUR }, situation: 'possibly_damaged', tone: 'alert', action: 'report', headlineZh: '运输中温度超标，果子可能受损', figures: { unmonitored: 'caution' } },
    { name: 'in transit, in range so far', input: { isDelivered: false }, situation: 'in_transit', tone: 'neutral', action: null, headlineZh: '运输中，目前冷链正常' },
    { name: 'in transit, 2 h a little warm', input: { isDelivered: false, ...outside(2 * HOUR) }, situation: 'in_transit', tone: 'neutral', action: null, headlineZh: '运输中，目前冷链正常', says: '约 2 小时略微偏离最适温度' },
    { name: 'in transit with an excursion: report when it arrives', input: { isDelivered: false, verdict: HUB_VERDICT, excursionCount: 1 }, situation: 'possibly_damaged', tone: 'alert', action: 'report', headlineZh: '运输中温度超标，果子可能受损', says: '收到后请检查果子' },
    { name: 'in transit, 2 h without readings', input: { isDelivered: false, unmonitoredMs: 2 * HOUR }, situation: 'unmonitored', tone: 'caution', action: 'check', headlineZh: '运输中，有 2 小时没有温度记录' },
    { name: 'in transit, no readings yet', input: { isDelivered: false, readingCount: 0, shelfLifeConsumedPct: 0 }, situation: 'no_readings', tone: 'neutral', action: null, headlineZh: '运输中，暂未收到温度记录' },
    { name: 'delivered without a single reading', input: { readingCount: 0, unmonitoredMs: 30 * HOUR, verdict: GAP_VERDICT }, situation: 'no_readings', tone: 'caution', action: 'check', headlineZh: '这批货没有温度记录，无法确认运输温度' },
  ];

  it.each(cases)('$name', ({ input, situation, tone, action, headlineZh, says, figures }) => {
    const verdict = consumerVerdict({ ...HEALTHY, ...input });
    expect(verdict.situation).toBe(situation);
    expect(verdict.tone).toBe(tone);
    expect(verdict.action).toBe(action);
    expect(verdict.headline.zh).toBe(headlineZh);
    expect(verdict.headline.en).not.toBe('');
    if (says) expect(JSON.stringify([verdict.detail, verdict.note, verdict.advice])).toContain(says);
    if (figures) expect(verdict.figures).toMatchObject(figures);
  });

  it('keeps the technical verdict\'s text (where, how long, peak) as the detail of an excursion', () => {
    const verdict = consumerVerdict({ ...HEALTHY, verdict: HUB_VERDICT, excursionCount: 1 });
    expect(verdict.detail).toEqual(HUB_VERDICT.text);
    expect(verdict.advice.en).toContain('report it here');
  });

  it('never mixes messages: for every input the headline is no better than the worst figure shown, and only trouble offers a report', () => {
    const bools = [false, true];
    let checked = 0;
    for (const isDelivered of bools)
      for (const readingCount of [0, 1, 500])
        for (const excursionCount of [0, 1, 3])
          for (const outsideMs of [0, 30 * MIN, 8 * HOUR, 12 * HOUR, 13 * HOUR])
            for (const isExceeded of bools)
              for (const unmonitoredMs of [0, 20 * MIN, UNMONITORED_HEADLINE_MS, UNMONITORED_HEADLINE_MS + 1, 5 * HOUR])
                for (const shelfLifeConsumedPct of [null, 0, 40, 99.9, 100, 250]) {
                  const input: ConsumerVerdictInput = {
                    isDelivered,
                    readingCount,
                    verdict: excursionCount > 0 ? HUB_VERDICT : OK_VERDICT,
                    excursionCount,
                    outsideMs,
                    budget: { outsideMs, maxOutsideMs: 12 * HOUR, isExceeded: isExceeded || outsideMs > 12 * HOUR },
                    unmonitoredMs,
                    shelfLifeConsumedPct,
                  };
                  const v = consumerVerdict(input);
                  const worstFigure = Math.max(...Object.values(v.figures).map(toneRank));
                  expect(toneRank(v.tone), JSON.stringify(input)).toBeGreaterThanOrEqual(worstFigure);
                  // One message: a red headline is "possibly damaged" and offers the report; nothing else is red.
                  expect(v.tone === 'alert').toBe(v.situation === 'possibly_damaged');
                  expect(v.action === 'report').toBe(v.situation === 'possibly_damaged');
                  // A soft note never sits under an alarm, and a fine headline never hides a reason.
                  if (v.tone === 'alert') expect(v.note).toBeNull();
                  if (v.situation === 'fine' || v.situation === 'fine_minor' || v.situation === 'in_transit') expect(v.reasons).toEqual([]);
                  checked += 1;
                }
    expect(checked).toBe(2 * 3 * 3 * 5 * 2 * 5 * 6);
  });
});
