import type { Leg } from './custody.ts';
import { legAt, STAGE_NAMES } from './custody.ts';
import { excessC } from './excursion-machine.ts';
import type { TemperatureLimit } from './profiles.ts';
import type { LocalizedText } from './text.ts';
import { formatMinutes } from './text.ts';

/** Who is liable for an excursion, with the reason in words. */
export type Attribution =
  | { status: 'attributed'; orgId: string; legIndex: number; reason: LocalizedText }
  | { status: 'indeterminate'; orgId: null; legIndex: number | null; reason: LocalizedText };

/** What attribution needs to know about an excursion. */
export type AttributionInput = {
  legs: readonly Leg[];
  limit: TemperatureLimit;
  /** The first breaching reading: the onset. */
  activeAt: number;
  /** The reading before the onset, or null when the onset was the device's first reading. */
  previousReadingAt: number | null;
  /** Readings further apart than this are a gap in the data. */
  maxGapMs: number;
  /** Display names of the organisations, by id. */
  orgNames: Readonly<Record<string, LocalizedText>>;
};

/** Beijing time (UTC+8, no daylight saving), as the stations and the dashboards read it. */
function clock(t: number): { zh: string; en: string } {
  const text = new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
  return { zh: `${text}（北京时间）`, en: `${text} Beijing time` };
}

/**
 * Attributes an excursion to the custodian of the leg in which it began (DESIGN.md, chain of custody).
 * Product already too warm at a handoff is the previous custodian's; a gap in the data covering the
 * onset makes the attribution indeterminate (no automatic claim).
 */
export function attributeExcursion(input: AttributionInput): Attribution {
  const { legs, limit, activeAt, previousReadingAt, maxGapMs, orgNames } = input;
  const leg = legAt(legs, activeAt);
  if (!leg) {
    return {
      status: 'indeterminate',
      orgId: null,
      legIndex: null,
      reason: {
        zh: `超标开始于 ${clock(activeAt).zh}，此时没有任何承运方登记持有货物`,
        en: `the excursion began at ${clock(activeAt).en}, when no custodian had the goods on record`,
      },
    };
  }
  const name = (orgId: string) => orgNames[orgId] ?? { zh: orgId, en: orgId };
  const stage = STAGE_NAMES[leg.stage];

  const gapMs = previousReadingAt === null ? null : activeAt - previousReadingAt;
  if (gapMs !== null && gapMs > maxGapMs) {
    const gap = formatMinutes(gapMs);
    return {
      status: 'indeterminate',
      orgId: null,
      legIndex: leg.index,
      reason: {
        zh: `超标前有 ${gap.zh} 没有温度数据，无法确定超标开始于哪一段，需人工复核`,
        en: `no readings for ${gap.en} before the excursion was seen, so its onset cannot be placed in a leg; flagged for review`,
      },
    };
  }
  if (previousReadingAt === null && leg.index > 0) {
    return {
      status: 'indeterminate',
      orgId: null,
      legIndex: leg.index,
      reason: {
        zh: '记录仪在本段才开始上报，首条数据即已超标，无法确定此前情况，需人工复核',
        en: 'the logger first reported during this leg, already out of range; earlier legs are unmonitored; flagged for review',
      },
    };
  }

  const previous = legs[leg.index - 1];
  if (previous && leg.startProbeTempC !== null && excessC(limit, leg.startProbeTempC) > 0) {
    const other = name(leg.custodianOrgId);
    const liable = name(previous.custodianOrgId);
    const beyond = limit.direction === 'above' ? { zh: '高于', state: '超温' } : { zh: '低于', state: '过冷' };
    return {
      status: 'attributed',
      orgId: previous.custodianOrgId,
      legIndex: previous.index,
      reason: {
        zh: `交接给${other.zh}时探针温度已为 ${leg.startProbeTempC.toFixed(1)} °C，${beyond.zh} ${limit.thresholdC} °C，货物在交接前已${beyond.state}，责任在${liable.zh}`,
        en: `the probe read ${leg.startProbeTempC.toFixed(1)} °C at the handoff to ${other.en}, beyond ${limit.thresholdC} °C: the goods were already out of range, so ${liable.en} is liable`,
      },
    };
  }

  const liable = name(leg.custodianOrgId);
  return {
    status: 'attributed',
    orgId: leg.custodianOrgId,
    legIndex: leg.index,
    reason: {
      zh: `超标开始于 ${clock(activeAt).zh}，当时货物处于「${stage.zh}」阶段，由${liable.zh}持有，前后数据连续`,
      en: `the excursion began at ${clock(activeAt).en} during the ${stage.en} leg held by ${liable.en}, with continuous readings around the onset`,
    },
  };
}
