import type { LocalizedText } from './text.ts';
import { formatMinutes } from './text.ts';
import type { Verdict } from './verdict.ts';

/**
 * The consumer's page in plain words (issue 13, item 2): one message per situation, what it means for
 * the fruit and what to do, and the colour of every figure shown below it, decided here once so the
 * page never shows a green headline above an orange figure. The page renders this; it decides nothing.
 */

/** The situations a consumer can meet, each with exactly one headline. */
export type ConsumerSituation =
  /** Delivered, nothing outside the optimum worth a word. */
  | 'fine'
  /** Delivered; some time outside the optimum or a short gap, within the product's limits and budget. */
  | 'fine_minor'
  /** On its way; nothing wrong so far (minor deviations are noted softly, as for `fine_minor`). */
  | 'in_transit'
  /** An excursion beyond a limit, the budget outside the optimum spent, or the shelf life used up. */
  | 'possibly_damaged'
  /** More than an hour without readings and nothing else wrong: that time cannot be vouched for. */
  | 'unmonitored'
  /** Not one reading. */
  | 'no_readings';

/**
 * A colour, by severity: `good` (green) and `neutral` (grey-blue, information) both say nothing is
 * wrong; `caution` (amber) says something cannot be vouched for; `alert` (red) says the fruit may be
 * damaged.
 */
export type ConsumerTone = 'good' | 'neutral' | 'caution' | 'alert';

/** Why the fruit may be damaged or cannot be vouched for; empty when all is well. */
export type ConsumerReason = 'excursion' | 'budget_exceeded' | 'shelf_life_spent' | 'unmonitored' | 'no_readings';

/** What the page offers to do: report bad fruit (prominent), or check the fruit and report if bad (quiet). */
export type ConsumerAction = 'report' | 'check' | null;

/** The technical figures whose colour says something, each in the headline's classification. */
export type ConsumerFigureTones = {
  /** Time outside the optimum. */
  outside: ConsumerTone;
  /** Time without readings. */
  unmonitored: ConsumerTone;
  /** Estimated shelf life used (its meter). */
  shelfLife: ConsumerTone;
  /** Excursion marks on the curve and the journey's legs. */
  excursions: ConsumerTone;
};

/** The consumer's verdict: the headline first, then one line of what happened, a soft note, advice. */
export type ConsumerVerdict = {
  situation: ConsumerSituation;
  /** The headline's colour: never better than any figure's (`figures`). */
  tone: ConsumerTone;
  headline: LocalizedText;
  /** What happened, in one sentence; null when there is nothing to add. */
  detail: LocalizedText | null;
  /** A minor deviation, said softly in neutral colour; null when there is none. */
  note: LocalizedText | null;
  /** What to do. */
  advice: LocalizedText;
  action: ConsumerAction;
  reasons: ConsumerReason[];
  figures: ConsumerFigureTones;
};

/** What the consumer's verdict is decided from: all of it in the public answer already. */
export type ConsumerVerdictInput = {
  isDelivered: boolean;
  /** Readings received for the shipment (0: no record at all). */
  readingCount: number;
  /** The technical verdict (verdict.ts): its text says where and how long an excursion lasted. */
  verdict: Verdict;
  /** Excursions beyond a limit attributed to the shipment (the verdict's, the page's red marks). */
  excursionCount: number;
  /** Time outside the optimum, above and below together. */
  outsideMs: number;
  /** The profile's budget outside the optimum (budget.ts) and whether either part is spent. */
  budget: { outsideMs: number; maxOutsideMs: number; isExceeded: boolean };
  unmonitoredMs: number;
  shelfLifeConsumedPct: number | null;
};

/** More unmonitored time than this is said in the headline: the same hour as the technical verdict's (verdict.ts). */
export const UNMONITORED_HEADLINE_MS = 60 * 60_000;

const RANK: Record<ConsumerTone, number> = { good: 0, neutral: 0, caution: 1, alert: 2 };

/** How bad a tone is: `good` and `neutral` both 0 (nothing wrong), `caution` 1, `alert` 2. */
export function toneRank(tone: ConsumerTone): number {
  return RANK[tone];
}

/** Report bad fruit: said to whoever has the box, or will have it. */
function reportAdvice(isDelivered: boolean): LocalizedText {
  return isDelivered
    ? { zh: '请检查果子，如有坏果请在此申请售后。', en: 'Check the fruit; if any is bad, report it here for after-sales.' }
    : { zh: '收到后请检查果子，如有坏果请在此申请售后。', en: 'Check the fruit when it arrives; if any is bad, report it here for after-sales.' };
}

function checkAdvice(isDelivered: boolean): LocalizedText {
  return isDelivered
    ? { zh: '请检查果子；如有坏果，可在此申请售后。', en: 'Check the fruit; if any is bad, you can report it here.' }
    : { zh: '收到后请检查果子；如有坏果，可在此申请售后。', en: 'Check the fruit when it arrives; if any is bad, you can report it here.' };
}

const ENJOY_ADVICE: LocalizedText = {
  zh: '请尽快冷藏食用。如仍发现坏果，可在页面下方申请售后。',
  en: 'Keep it cool and enjoy it soon. If you still find bad fruit, you can report it further down.',
};

/** Decides the consumer's headline, its advice and the colour of every figure below it. */
export function consumerVerdict(input: ConsumerVerdictInput): ConsumerVerdict {
  const figures = figureTones(input);
  const reasons = reasonsOf(input);
  const tone = worstTone(Object.values(figures));
  const note = minorNote(input);

  if (reasons.some((r) => r === 'excursion' || r === 'budget_exceeded' || r === 'shelf_life_spent')) {
    return {
      situation: 'possibly_damaged',
      tone: 'alert',
      headline: { zh: '运输中温度超标，果子可能受损', en: 'The temperature went out of range in transit: your fruit may be damaged' },
      detail: damageDetail(input, reasons),
      note: null,
      advice: reportAdvice(input.isDelivered),
      action: 'report',
      reasons,
      figures,
    };
  }
  if (reasons.includes('no_readings')) {
    return {
      situation: 'no_readings',
      // Delivered without a record: amber (the figures agree); before the first reading: information.
      tone: input.isDelivered ? 'caution' : 'neutral',
      headline: input.isDelivered
        ? { zh: '这批货没有温度记录，无法确认运输温度', en: 'No temperature was recorded for this shipment: we cannot vouch for it' }
        : { zh: '运输中，暂未收到温度记录', en: 'On its way; no temperature readings yet' },
      detail: null,
      note: null,
      advice: input.isDelivered ? checkAdvice(true) : { zh: '温度记录上传后会显示在这里。', en: 'The readings will show here once they arrive.' },
      action: input.isDelivered ? 'check' : null,
      reasons,
      figures,
    };
  }
  if (reasons.includes('unmonitored')) {
    const gap = formatMinutes(input.unmonitoredMs);
    return {
      situation: 'unmonitored',
      tone,
      headline: input.isDelivered
        ? { zh: `途中有 ${gap.zh}没有温度记录，这段时间的温度无法确认`, en: `${gap.en} of the journey went unrecorded: we cannot vouch for that time` }
        : { zh: `运输中，有 ${gap.zh}没有温度记录`, en: `On its way; ${gap.en} without temperature readings so far` },
      detail: {
        zh: '有记录的时段未发现温度超标；缺失的时段可能是记录仪未上报，也可能温度有过波动。',
        en: 'No excursion in the recorded time; during the gap the logger did not report, so the temperature then is unknown.',
      },
      note: minorOutsideNote(input),
      advice: checkAdvice(input.isDelivered),
      action: 'check',
      reasons,
      figures,
    };
  }
  if (!input.isDelivered) {
    return {
      situation: 'in_transit',
      tone: 'neutral',
      headline: { zh: '运输中，目前冷链正常', en: 'On its way: the cold chain has held so far' },
      detail: null,
      note,
      advice: { zh: '温度记录会持续更新，签收后可再来查看。', en: 'The record keeps updating; look again after delivery.' },
      action: null,
      reasons,
      figures,
    };
  }
  return {
    situation: note ? 'fine_minor' : 'fine',
    tone: 'good',
    headline: { zh: '冷链全程正常，果子应当新鲜', en: 'The cold chain held: your fruit should be fresh' },
    detail: note ? null : { zh: '从产地到您手中，温度一直在适宜范围内。', en: 'The temperature stayed in the best range from farm to door.' },
    note,
    advice: ENJOY_ADVICE,
    action: null,
    reasons,
    figures,
  };
}

/** Each figure's colour, by the same rules as the headline's reasons: the headline is their worst. */
function figureTones(input: ConsumerVerdictInput): ConsumerFigureTones {
  const hasNoReadings = input.readingCount === 0;
  return {
    outside: input.budget.isExceeded ? 'alert' : input.outsideMs > 0 ? 'neutral' : 'good',
    // Without a reading the whole journey is unrecorded: amber once delivered, information before.
    unmonitored: hasNoReadings
      ? input.isDelivered
        ? 'caution'
        : 'neutral'
      : input.unmonitoredMs > UNMONITORED_HEADLINE_MS
        ? 'caution'
        : input.unmonitoredMs > 0
          ? 'neutral'
          : 'good',
    shelfLife: isShelfLifeSpent(input) ? 'alert' : 'neutral',
    excursions: input.excursionCount > 0 ? 'alert' : 'good',
  };
}

function reasonsOf(input: ConsumerVerdictInput): ConsumerReason[] {
  const reasons: ConsumerReason[] = [];
  if (input.excursionCount > 0) reasons.push('excursion');
  if (input.budget.isExceeded) reasons.push('budget_exceeded');
  if (isShelfLifeSpent(input)) reasons.push('shelf_life_spent');
  if (input.readingCount === 0) reasons.push('no_readings');
  else if (input.unmonitoredMs > UNMONITORED_HEADLINE_MS) reasons.push('unmonitored');
  return reasons;
}

function isShelfLifeSpent(input: ConsumerVerdictInput): boolean {
  return input.shelfLifeConsumedPct !== null && input.shelfLifeConsumedPct >= 100;
}

function worstTone(tones: readonly ConsumerTone[]): ConsumerTone {
  return tones.reduce<ConsumerTone>((worst, tone) => (RANK[tone] > RANK[worst] ? tone : worst), 'good');
}

/** Where and how long, from the technical verdict (system-written); else which budget ran out. */
function damageDetail(input: ConsumerVerdictInput, reasons: readonly ConsumerReason[]): LocalizedText {
  if (reasons.includes('excursion') && input.verdict.status === 'excursion') return input.verdict.text;
  if (reasons.includes('budget_exceeded')) {
    const outside = formatMinutes(input.budget.outsideMs);
    if (input.budget.outsideMs > input.budget.maxOutsideMs) {
      const max = formatMinutes(input.budget.maxOutsideMs);
      return {
        zh: `共有 ${outside.zh}不在适宜温度内，超过了这种水果允许的 ${max.zh}。`,
        en: `${outside.en} outside the best temperature, more than the ${max.en} this fruit tolerates.`,
      };
    }
    return {
      zh: '偏离适宜温度的累计程度（度·分钟）超过了这种水果允许的范围。',
      en: 'How far and how long it strayed from the best temperature (degree-minutes) is more than this fruit tolerates.',
    };
  }
  if (reasons.includes('shelf_life_spent')) return { zh: '按全程温度估算，保鲜期已经用完。', en: 'Estimated from the temperatures, its shelf life is used up.' };
  return { zh: '运输途中温度超出了这种水果的限值。', en: "The temperature went beyond this fruit's limit in transit." };
}

/** Time outside the optimum within the budget and a gap of an hour or less, said softly. */
function minorNote(input: ConsumerVerdictInput): LocalizedText | null {
  const outside = minorOutsideNote(input);
  const gap = input.unmonitoredMs > 0 && input.unmonitoredMs <= UNMONITORED_HEADLINE_MS ? formatMinutes(input.unmonitoredMs) : null;
  if (!outside && !gap) return null;
  const gapText = gap && { zh: `另有 ${gap.zh}没有温度记录，时间较短。`, en: `${gap.en} went unrecorded, a short time.` };
  if (outside && gapText) return { zh: `${outside.zh}${gapText.zh}`, en: `${outside.en} ${gapText.en}` };
  return outside ?? gapText;
}

function minorOutsideNote(input: ConsumerVerdictInput): LocalizedText | null {
  if (input.outsideMs <= 0 || input.budget.isExceeded) return null;
  const outside = formatMinutes(input.outsideMs);
  return {
    zh: `途中约 ${outside.zh}略微偏离最适温度，仍在这种水果允许的范围内。`,
    en: `About ${outside.en} slightly outside the best temperature, within what this fruit tolerates.`,
  };
}
