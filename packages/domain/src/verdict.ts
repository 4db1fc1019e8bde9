import type { LocalizedText } from './text.ts';
import { formatMinutes } from './text.ts';

/** An excursion as the consumer's verdict needs it. */
export type VerdictExcursion = {
  direction: 'above' | 'below';
  thresholdC: number;
  outsideMs: number;
  peakTempC: number;
  stageName: LocalizedText;
};

/** The plain verdict on the consumer's page. */
export type Verdict = { status: 'ok' | 'excursion' | 'unmonitored'; text: LocalizedText };

/**
 * A plain verdict for the consumer: whether the cold chain held, and if not where and how long.
 * Unmonitored time longer than an hour is said, never passed off as "no excursion".
 */
export function buildVerdict(input: {
  isDelivered: boolean;
  excursions: readonly VerdictExcursion[];
  unmonitoredMs: number;
}): Verdict {
  const { isDelivered, excursions } = input;
  const worst = [...excursions].sort((a, b) => b.outsideMs - a.outsideMs)[0];
  if (worst) {
    const duration = formatMinutes(worst.outsideMs);
    const isHigh = worst.direction === 'above';
    const word = isHigh ? { zh: '高于', en: 'above' } : { zh: '低于', en: 'below' };
    const extreme = isHigh ? { zh: '最高', en: 'peak' } : { zh: '最低', en: 'lowest' };
    return {
      status: 'excursion',
      text: {
        zh: `温度异常：在「${worst.stageName.zh}」阶段${word.zh} ${worst.thresholdC} °C 约 ${duration.zh}，${extreme.zh} ${oneDecimal(worst.peakTempC)} °C。`,
        en: `Temperature excursion: ${word.en} ${worst.thresholdC} °C for about ${duration.en} during the ${worst.stageName.en} leg, ${extreme.en} ${oneDecimal(worst.peakTempC)} °C.`,
      },
    };
  }
  if (input.unmonitoredMs > 60 * 60_000) {
    const gap = formatMinutes(input.unmonitoredMs);
    return {
      status: 'unmonitored',
      text: {
        zh: `未发现温度超标，但有 ${gap.zh} 没有温度记录。`,
        en: `No excursion found, but ${gap.en} went unrecorded.`,
      },
    };
  }
  return {
    status: 'ok',
    text: isDelivered
      ? { zh: '全程冷链正常：从产地到您手中温度均在安全范围内。', en: 'Cold chain intact: the temperature stayed in range from farm to door.' }
      : { zh: '运输中，目前冷链正常。', en: 'In transit; the cold chain is intact so far.' },
  };
}

/**
 * One decimal, rounded half away from zero on the decimal value people read (29.45 → 29.5), as the
 * report and the pages show temperatures; `toFixed` rounds the binary value (29.45 → 29.4).
 */
function oneDecimal(tempC: number): string {
  return (Math.round(tempC * 10) / 10).toFixed(1);
}
