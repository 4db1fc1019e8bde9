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
function beijing(t: number): string {
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function clock(t: number): LocalizedText {
  return { zh: `${beijing(t)}（北京时间）`, en: `${beijing(t)} Beijing time` };
}

function span(from: number, to: number): LocalizedText {
  return { zh: `${beijing(from)} 至 ${beijing(to)}（北京时间）`, en: `${beijing(from)} to ${beijing(to)} Beijing time` };
}

function isBeyond(limit: TemperatureLimit, probeTempC: number | null): probeTempC is number {
  return probeTempC !== null && excessC(limit, probeTempC) > 0;
}

type Names = (orgId: string) => LocalizedText;

/**
 * Attributes an excursion to the custodian of the leg in which it began (DESIGN.md, chain of custody),
 * on the evidence there is, in this order:
 * 1. A handoff probe beyond the limit proves the goods were out of range when they were handed over, so
 *    the onset is at or before that handoff: the previous custodian's (a pre-cooling failure), whatever
 *    the logger showed afterwards or however late it started. See `attributeWarmHandoff`.
 * 2. The logger's first reading already out of range: in the first leg on record, that leg's (nobody
 *    held the goods before); in a later leg, indeterminate. A probe within the limit at the handoff does
 *    not place the onset: it is a spot check of the fruit, which lags the air the logger reads by hours,
 *    so it cannot stand in for the readings missing before the first one.
 * 3. Readings no further apart than `maxGapMs` around the onset: the leg of the first breaching reading.
 * 4. A longer gap whose readings on both sides belong to the same leg (no handoff inside it): that
 *    leg's, since only its custodian could have held the goods.
 * 5. A longer gap across a handoff: indeterminate (no automatic claim, flagged for review).
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
  const name: Names = (orgId) => orgNames[orgId] ?? { zh: orgId, en: orgId };
  const stage = STAGE_NAMES[leg.stage];
  const holder = name(leg.custodianOrgId);

  if (leg.index > 0 && isBeyond(limit, leg.startProbeTempC)) return attributeWarmHandoff(legs, limit, leg, name);

  if (previousReadingAt === null) {
    if (leg.index === 0) {
      return {
        status: 'attributed',
        orgId: leg.custodianOrgId,
        legIndex: leg.index,
        reason: {
          zh: `记录仪首条数据（${clock(activeAt).zh}）即已超标，当时货物处于「${stage.zh}」阶段，由${holder.zh}持有；这是记录中的第一段，此前没有其他持有方`,
          en: `the logger's first reading, at ${clock(activeAt).en}, was already out of range, during the ${stage.en} leg held by ${holder.en}, the first leg on record: nobody else held the goods before it`,
        },
      };
    }
    const probe =
      leg.startProbeTempC === null
        ? { zh: '交接时未测探针温度', en: 'no probe was taken at the handoff' }
        : {
            zh: `交接时探针温度 ${leg.startProbeTempC.toFixed(1)} °C 在限值内，但探针只测果心，不能代替记录仪数据确定超标开始时间`,
            en: `the probe read ${leg.startProbeTempC.toFixed(1)} °C at the handoff, within the limit, but a spot check of the fruit cannot stand in for the logger's readings`,
          };
    return {
      status: 'indeterminate',
      orgId: null,
      legIndex: leg.index,
      reason: {
        zh: `记录仪在「${stage.zh}」段才开始上报，首条数据（${clock(activeAt).zh}）即已超标；${probe.zh}；此前没有数据，无法确定超标开始于本段还是更早，需人工复核`,
        en: `the logger first reported during the ${stage.en} leg, already out of range at ${clock(activeAt).en}; ${probe.en}; with no readings before it, the onset cannot be placed in this leg or an earlier one; flagged for review`,
      },
    };
  }

  const gapMs = activeAt - previousReadingAt;
  if (gapMs <= maxGapMs) {
    return {
      status: 'attributed',
      orgId: leg.custodianOrgId,
      legIndex: leg.index,
      reason: {
        zh: `超标开始于 ${clock(activeAt).zh}，当时货物处于「${stage.zh}」阶段，由${holder.zh}持有，前后数据连续`,
        en: `the excursion began at ${clock(activeAt).en} during the ${stage.en} leg held by ${holder.en}, with continuous readings around the onset`,
      },
    };
  }

  const gap = formatMinutes(gapMs);
  const during = span(previousReadingAt, activeAt);
  if (previousReadingAt >= leg.startedAt) {
    return {
      status: 'attributed',
      orgId: leg.custodianOrgId,
      legIndex: leg.index,
      reason: {
        zh: `超标前有 ${gap.zh} 没有温度数据（${during.zh}），但缺口两端的读数都在「${stage.zh}」段内，其间没有交接，只有${holder.zh}持有货物，超标开始于${holder.zh}持有期间`,
        en: `no readings for ${gap.en} (${during.en}) before the excursion was seen, but the readings on both sides of the gap are in the ${stage.en} leg with no handoff between them: only ${holder.en} held the goods, so the excursion began in its custody`,
      },
    };
  }

  const handoffs = legs.filter((l) => l.startedAt > previousReadingAt && l.startedAt <= activeAt);
  return {
    status: 'indeterminate',
    orgId: null,
    legIndex: leg.index,
    reason: {
      zh: `超标前有 ${gap.zh} 没有温度数据（${during.zh}），其间货物${handoffs.map((l) => `于 ${beijing(l.startedAt)} 交接给${name(l.custodianOrgId).zh}`).join('、')}，无法确定超标开始于哪一段，需人工复核`,
      en: `no readings for ${gap.en} (${during.en}) before the excursion was seen, across ${handoffs.map((l) => `the handoff to ${name(l.custodianOrgId).en} at ${beijing(l.startedAt)}`).join(' and ')}, so its onset cannot be placed in a leg; flagged for review`,
    },
  };
}

/**
 * The probe at the handoff that opened `leg` is beyond the limit, so the onset is at or before that
 * handoff. Walk back over earlier handoffs whose probes were beyond the limit too; the onset then lies in
 * the leg before the earliest of them, if something shows the goods were still in range when that leg
 * began: it is the first leg on record (nobody held the goods before it), or its own handoff probe was
 * within the limit (fruit against fruit). Without a probe there, the goods may have arrived out of range
 * already: indeterminate, flagged for review. Readings of the logger do not bound the onset from below:
 * cold air around warm fruit is exactly what a pre-cooling failure looks like.
 */
function attributeWarmHandoff(legs: readonly Leg[], limit: TemperatureLimit, leg: Leg, name: Names): Attribution {
  let k = leg.index - 1;
  while (k > 0 && isBeyond(limit, legs[k]!.startProbeTempC)) k -= 1;
  const before = legs[k]!;
  const warm = legs.slice(k + 1, leg.index + 1);
  const probes = warm.map((l) => ({
    zh: `交接给${name(l.custodianOrgId).zh}时探针温度已为 ${l.startProbeTempC!.toFixed(1)} °C`,
    en: `${l.startProbeTempC!.toFixed(1)} °C at the handoff to ${name(l.custodianOrgId).en}`,
  }));
  const read = { zh: probes.map((p) => p.zh).join('，'), en: `the probe read ${probes.map((p) => p.en).join(' and ')}` };
  const beyond = limit.direction === 'above' ? { zh: '高于', state: '超温' } : { zh: '低于', state: '过冷' };
  const liable = name(before.custodianOrgId);

  if (k > 0 && before.startProbeTempC === null) {
    return {
      status: 'indeterminate',
      orgId: null,
      legIndex: before.index,
      reason: {
        zh: `${read.zh}，${beyond.zh} ${limit.thresholdC} °C，货物在交接前已${beyond.state}；但${liable.zh}接手时未测探针温度，无法确定货物在其接手前是否已${beyond.state}，需人工复核`,
        en: `${read.en}, beyond ${limit.thresholdC} °C: the goods were already out of range at that handoff; but no probe was taken when ${liable.en} took them over, so the onset cannot be placed in its leg or an earlier one; flagged for review`,
      },
    };
  }
  const start =
    k === 0
      ? { zh: `${liable.zh}是记录中的第一个持有方`, en: `${liable.en} is the first custodian on record` }
      : {
          zh: `${liable.zh}接手时探针温度为 ${before.startProbeTempC!.toFixed(1)} °C，在限值内`,
          en: `the probe read ${before.startProbeTempC!.toFixed(1)} °C, within the limit, when ${liable.en} took them over`,
        };
  return {
    status: 'attributed',
    orgId: before.custodianOrgId,
    legIndex: before.index,
    reason: {
      zh: `${read.zh}，${beyond.zh} ${limit.thresholdC} °C，货物在交接前已${beyond.state}；${start.zh}，责任在${liable.zh}`,
      en: `${read.en}, beyond ${limit.thresholdC} °C: the goods were already out of range; ${start.en}, so ${liable.en} is liable`,
    },
  };
}

/**
 * The attribution a platform's review decision stands for (issue 9, item 4): when the data could not place
 * the onset, a person names the liable custodian and says why. The party must have held the goods (a
 * custodian of one of the shipment's legs); undefined when it did not. The leg is its first one.
 */
export function attributeByReview(input: { legs: readonly Leg[]; liableOrgId: string; reason: string; orgName: LocalizedText }): Attribution | undefined {
  const leg = input.legs.find((l) => l.custodianOrgId === input.liableOrgId);
  if (!leg) return undefined;
  return {
    status: 'attributed',
    orgId: leg.custodianOrgId,
    legIndex: leg.index,
    reason: {
      zh: `数据不足以自动判定责任，平台复核认定由${input.orgName.zh}承担：${input.reason}`,
      en: `the data could not place the onset; on review the platform found ${input.orgName.en} liable: ${input.reason}`,
    },
  };
}
