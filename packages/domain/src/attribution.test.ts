import { describe, expect, it } from 'vitest';
import { attributeByReview, attributeExcursion, type Attribution, type AttributionInput } from './attribution.ts';
import { buildLegs, type CustodyEvent, type Stage } from './custody.ts';
import { LYCHEE, type TemperatureLimit } from './profiles.ts';

const MIN = 60_000;
/** 2025-06-01 02:00 UTC. */
const T0 = Date.UTC(2025, 5, 1, 2, 0);

function lycheeLimit(id: 'high' | 'low'): TemperatureLimit {
  const limit = LYCHEE.limits.find((l) => l.id === id);
  if (!limit) throw new Error(`LYCHEE has no ${id} limit`);
  return limit;
}
const HIGH = lycheeLimit('high');
const LOW = lycheeLimit('low');

let seq = 0;
function handoff(atMin: number, stage: Stage, toOrgId: string | null, probeTempC: number | null = null): CustodyEvent {
  seq += 1;
  return { id: `ev-${seq}`, shipmentId: 'sh-1', seq, at: T0 + atMin * MIN, stage, toOrgId, station: null, probeTempC, recordedAt: T0 + atMin * MIN };
}

const ORG_NAMES = {
  'org-farm': { zh: '茂名果园', en: 'Maoming Orchard' },
  'org-van': { zh: '顺达冷运', en: 'Shunda Cold Van' },
  'org-hub': { zh: '广州枢纽仓', en: 'Guangzhou Hub' },
  'org-reefer': { zh: '北上干线', en: 'Northbound Reefer' },
  'org-courier': { zh: '京城速递', en: 'Jingcheng Courier' },
};

/** Probes at the handoffs that open each leg; null: none taken. */
type Probes = { packhouse?: number | null; firstMile?: number | null; hub?: number | null; lineHaul?: number | null };

/**
 * Legs (minutes after T0): 0 packhouse org-farm (the shipper), 60 first_mile org-van, 180 hub org-hub,
 * 300 line_haul org-reefer, 1500 last_mile org-courier, 1620 delivered. Probes by default: 4.2 °C at the
 * packhouse, none at the first mile, 5.1 °C at the hub, 4.8 °C at the line haul.
 */
function legs(probes: Probes = {}) {
  const { packhouse = 4.2, firstMile = null, hub = 5.1, lineHaul = 4.8 } = probes;
  return buildLegs([
    handoff(0, 'packhouse', 'org-farm', packhouse),
    handoff(60, 'first_mile', 'org-van', firstMile),
    handoff(180, 'hub', 'org-hub', hub),
    handoff(300, 'line_haul', 'org-reefer', lineHaul),
    handoff(1500, 'last_mile', 'org-courier'),
    handoff(1620, 'delivered', null),
  ]);
}

/** An excursion whose onset is `onsetMin`, the reading before it `previousMin` (null: first reading). */
function input(onsetMin: number, previousMin: number | null, overrides: Partial<AttributionInput> = {}): AttributionInput {
  return {
    legs: legs(),
    limit: HIGH,
    activeAt: T0 + onsetMin * MIN,
    previousReadingAt: previousMin === null ? null : T0 + previousMin * MIN,
    maxGapMs: LYCHEE.maxReadingGapMs,
    orgNames: ORG_NAMES,
    ...overrides,
  };
}

type Expected = Pick<Attribution, 'status' | 'orgId' | 'legIndex'>;
/** Fragments the reason must contain, in each language. */
type Reason = { zh: string[]; en: string[] };

describe('attributeExcursion', () => {
  // LYCHEE: high limit 15 °C, low limit 1 °C, max gap between readings 30 min.
  const cases: Array<{ name: string; input: AttributionInput; expected: Expected; reason?: Reason }> = [
    {
      name: 'continuous readings, onset in line haul: the reefer carrier',
      input: input(600, 590),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
      reason: { zh: ['由北上干线持有', '前后数据连续'], en: ['held by Northbound Reefer', 'continuous readings'] },
    },
    {
      name: 'onset in the hub: the warehouse',
      input: input(200, 190),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
    },
    {
      name: 'onset at the very minute of a handoff: the receiver',
      input: input(300, 290),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'onset just before a handoff: the giver',
      input: input(299.99, 290),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
    },

    // Pre-cooling failures: a probe beyond the limit at the handoff places the onset at or before it.
    {
      name: 'probe at the handoff above 15 °C (pre-cooling failure): the previous custodian',
      input: input(600, 590, { legs: legs({ lineHaul: 16.2 }) }),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
    },
    {
      name: 'logger started at a warm pickup, 18 °C probe at the handoff to the first mile: the shipper',
      input: input(62, null, { legs: legs({ packhouse: null, firstMile: 18 }) }),
      expected: { status: 'attributed', orgId: 'org-farm', legIndex: 0 },
      reason: {
        zh: ['交接给顺达冷运时探针温度已为 18.0 °C', '高于 15 °C', '茂名果园是记录中的第一个持有方', '责任在茂名果园'],
        en: ['the probe read 18.0 °C at the handoff to Shunda Cold Van', 'Maoming Orchard is the first custodian on record', 'Maoming Orchard is liable'],
      },
    },
    {
      name: 'logger started in line haul after a 16.2 °C probe: the hub, whose own handoff probe was in range',
      input: input(310, null, { legs: legs({ lineHaul: 16.2 }) }),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
      reason: { zh: ['16.2 °C', '广州枢纽仓接手时探针温度为 5.1 °C，在限值内'], en: ['16.2 °C', 'the probe read 5.1 °C, within the limit, when Guangzhou Hub took them over'] },
    },
    {
      name: 'a gap across a warm handoff does not hide it: the probe places the onset before the handoff',
      input: input(320, 250, { legs: legs({ lineHaul: 16.2 }) }),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
    },
    {
      name: 'a gap after a warm handoff does not hide it either: the previous custodian',
      input: input(600, 500, { legs: legs({ lineHaul: 16.2 }) }),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
    },
    {
      name: 'warm at two handoffs in a row, in range at the first mile: the first-mile carrier',
      input: input(310, null, { legs: legs({ firstMile: 4.0, hub: 16.5, lineHaul: 17 }) }),
      expected: { status: 'attributed', orgId: 'org-van', legIndex: 1 },
      reason: {
        zh: ['交接给广州枢纽仓时探针温度已为 16.5 °C，交接给北上干线时探针温度已为 17.0 °C', '责任在顺达冷运'],
        en: ['the probe read 16.5 °C at the handoff to Guangzhou Hub and 17.0 °C at the handoff to Northbound Reefer', 'Shunda Cold Van is liable'],
      },
    },
    {
      name: 'warm at the handoff, but the previous custodian took over without a probe: indeterminate',
      input: input(600, 590, { legs: legs({ hub: null, lineHaul: 16.2 }) }),
      expected: { status: 'indeterminate', orgId: null, legIndex: 2 },
      reason: { zh: ['16.2 °C', '广州枢纽仓接手时未测探针温度', '需人工复核'], en: ['16.2 °C', 'no probe was taken when Guangzhou Hub took them over', 'flagged for review'] },
    },
    {
      name: 'warm at two handoffs in a row, no probe at the first mile: indeterminate',
      input: input(310, null, { legs: legs({ hub: 16.5, lineHaul: 17 }) }),
      expected: { status: 'indeterminate', orgId: null, legIndex: 1 },
    },
    {
      name: 'probe at the handoff exactly 15 °C is not a pre-cooling failure',
      input: input(600, 590, { legs: legs({ lineHaul: 15 }) }),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'no probe taken at the handoff: the custodian',
      input: input(600, 590, { legs: legs({ lineHaul: null }) }),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },

    // Handoff during an open excursion: it began with the giver, whatever the probe shows on arrival.
    {
      name: 'onset on the first mile (no probe there), still out of range at the handoff to the hub: the first-mile carrier',
      input: input(170, 165, { legs: legs({ hub: 16.8 }) }),
      expected: { status: 'attributed', orgId: 'org-van', legIndex: 1 },
      reason: { zh: ['由顺达冷运持有'], en: ['held by Shunda Cold Van'] },
    },

    // The logger's first reading is the onset.
    {
      name: 'first reading already breaching in the packhouse: the shipper',
      input: input(5, null),
      expected: { status: 'attributed', orgId: 'org-farm', legIndex: 0 },
      reason: { zh: ['首条数据', '记录中的第一段'], en: ["the logger's first reading", 'the first leg on record'] },
    },
    {
      // A probe within the limit is a spot check of the fruit's core, which lags the air the logger
      // reads by hours; it does not show when the logger's excursion began, so it bounds nothing.
      name: 'logger started in line haul, probe within the limit at the handoff: indeterminate',
      input: input(400, null),
      expected: { status: 'indeterminate', orgId: null, legIndex: 3 },
      reason: { zh: ['交接时探针温度 4.8 °C 在限值内', '需人工复核'], en: ['the probe read 4.8 °C at the handoff, within the limit', 'flagged for review'] },
    },
    {
      name: 'logger started on the first mile, no probe at the handoff: indeterminate',
      input: input(62, null, { legs: legs({ packhouse: null }) }),
      expected: { status: 'indeterminate', orgId: null, legIndex: 1 },
      reason: { zh: ['交接时未测探针温度'], en: ['no probe was taken at the handoff'] },
    },

    // Gaps in the readings.
    {
      name: 'a gap inside line haul, no handoff in it, onset right after it: the reefer carrier',
      input: input(600, 569),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'a 100 min gap inside line haul, onset after it: the reefer carrier, saying why',
      input: input(600, 500),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
      reason: {
        zh: ['100 分钟', '2025-06-01 18:20 至 2025-06-01 20:00（北京时间）', '其间没有交接', '只有北上干线持有货物'],
        en: ['100 min', '2025-06-01 18:20 to 2025-06-01 20:00 Beijing time', 'no handoff between them', 'only Northbound Reefer held the goods'],
      },
    },
    {
      name: 'a gap starting at the very minute of a handoff is inside the new leg',
      input: input(400, 300),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'a gap spanning a handoff: indeterminate, not the receiver, even with a probe in range',
      input: input(320, 250),
      expected: { status: 'indeterminate', orgId: null, legIndex: 3 },
      reason: { zh: ['70 分钟', '于 2025-06-01 15:00 交接给北上干线', '需人工复核'], en: ['70 min', 'across the handoff to Northbound Reefer at 2025-06-01 15:00'] },
    },
    {
      name: 'a gap spanning two handoffs: indeterminate, naming both',
      input: input(200, 50),
      expected: { status: 'indeterminate', orgId: null, legIndex: 2 },
      reason: { zh: ['交接给顺达冷运', '交接给广州枢纽仓'], en: ['the handoff to Shunda Cold Van', 'the handoff to Guangzhou Hub'] },
    },
    {
      name: 'a gap of exactly the max gap still counts as continuous',
      input: input(320, 290),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'a minute over the max gap across the handoff: indeterminate',
      input: input(320, 289),
      expected: { status: 'indeterminate', orgId: null, legIndex: 3 },
    },

    // No custodian on record.
    {
      name: 'onset before the first handoff: indeterminate, no leg',
      input: input(-10, -20),
      expected: { status: 'indeterminate', orgId: null, legIndex: null },
    },
    {
      name: 'onset after delivery: indeterminate, no leg',
      input: input(1700, 1690),
      expected: { status: 'indeterminate', orgId: null, legIndex: null },
    },
    {
      name: 'no legs at all: indeterminate',
      input: input(600, 590, { legs: [] }),
      expected: { status: 'indeterminate', orgId: null, legIndex: null },
    },

    // The low limit: only a probe below 1 °C is evidence for a too-cold excursion.
    {
      name: 'low limit, probe at the handoff below 1 °C (set too cold before): the previous custodian',
      input: input(600, 590, { limit: LOW, legs: legs({ lineHaul: 0.4 }) }),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
    },
    {
      name: 'low limit, a warm probe is no pre-cooling failure for the cold side',
      input: input(600, 590, { limit: LOW, legs: legs({ lineHaul: 16.2 }) }),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'low limit, logger started on the first mile after an 18 °C probe: indeterminate',
      input: input(62, null, { limit: LOW, legs: legs({ firstMile: 18 }) }),
      expected: { status: 'indeterminate', orgId: null, legIndex: 1 },
    },
    {
      name: 'low limit, logger started on the first mile after a 0.3 °C probe: the shipper',
      input: input(62, null, { limit: LOW, legs: legs({ firstMile: 0.3 }) }),
      expected: { status: 'attributed', orgId: 'org-farm', legIndex: 0 },
    },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const { input: given, expected, reason } = row;
      const attribution = attributeExcursion(given);
      expect(attribution).toMatchObject(expected);
      for (const text of reason?.zh ?? []) expect(attribution.reason.zh).toContain(text);
      for (const text of reason?.en ?? []) expect(attribution.reason.en).toContain(text);
    });
  }

  describe('reasons', () => {
    const cases: Array<[string, AttributionInput]> = [
      ['attributed', input(600, 590)],
      ['pre-cooling', input(600, 590, { legs: legs({ lineHaul: 16.2 }) })],
      ['pre-cooling, no probe when the previous custodian took over', input(600, 590, { legs: legs({ hub: null, lineHaul: 16.2 }) })],
      ['gap inside one leg', input(600, 500)],
      ['gap over a handoff', input(320, 250)],
      ['first reading in the first leg', input(5, null)],
      ['first reading in a later leg, probe in range', input(400, null)],
      ['first reading in a later leg, no probe', input(62, null)],
      ['no leg', input(-10, -20)],
    ];

    it.each(cases)('%s: has a Chinese and an English reason', (_, given) => {
      const { reason } = attributeExcursion(given);
      expect(reason.zh).toMatch(/\p{Script=Han}/u);
      expect(reason.en.trim()).not.toBe('');
      expect(reason.en).not.toMatch(/\p{Script=Han}/u);
    });

    it('names the custodian, the stage and the onset time (Beijing time, UTC+8) when attributed', () => {
      const { reason } = attributeExcursion(input(600, 590));
      expect(reason.en).toContain('Northbound Reefer');
      expect(reason.en).toContain('Line-haul reefer');
      expect(reason.en).toContain('2025-06-01 20:00 Beijing time');
      expect(reason.zh).toContain('北上干线');
      expect(reason.zh).toContain('干线冷运');
      expect(reason.zh).toContain('2025-06-01 20:00（北京时间）');
    });

    it('names the probe temperature, the receiver and the liable party on a pre-cooling failure', () => {
      const { reason } = attributeExcursion(input(600, 590, { legs: legs({ lineHaul: 16.2 }) }));
      expect(reason.en).toContain('16.2 °C');
      expect(reason.en).toContain('handoff to Northbound Reefer');
      expect(reason.en).toContain('Guangzhou Hub is liable');
      expect(reason.zh).toContain('16.2 °C');
      expect(reason.zh).toContain('责任在广州枢纽仓');
    });

    it('says how long the data gap was', () => {
      const { reason } = attributeExcursion(input(600, 500));
      expect(reason.en).toContain('100 min');
      expect(reason.zh).toContain('100 分钟');
    });

    it('falls back to the organisation id when its name is unknown', () => {
      const { reason } = attributeExcursion(input(600, 590, { orgNames: {} }));
      expect(reason.en).toContain('org-reefer');
      expect(reason.zh).toContain('org-reefer');
    });

    it('does not call a too-cold handoff "over temperature" on the low limit', () => {
      // Probe 0.4 °C against the 1 °C low limit: the goods were too cold, not too warm.
      const { reason } = attributeExcursion(input(600, 590, { limit: LOW, legs: legs({ lineHaul: 0.4 }) }));
      expect(reason.zh).toContain('0.4 °C');
      expect(reason.zh).not.toContain('超温');
      expect(reason.zh).not.toContain('超过 1 °C');
      expect(reason.zh).toContain('低于 1 °C');
    });
  });
});

describe('attributeByReview: the platform names the liable custodian when the data could not', () => {
  const reviewed = buildLegs([handoff(0, 'packhouse', 'org-farm'), handoff(60, 'first_mile', 'org-van'), handoff(180, 'hub', 'org-hub'), handoff(300, 'line_haul', 'org-reefer')]);

  it.each([
    ['org-hub', 2],
    ['org-farm', 0],
    ['org-reefer', 3],
  ])('attributes to %s, the custodian of leg %i, with the reviewer\'s reason in both languages', (orgId, legIndex) => {
    const attribution = attributeByReview({ legs: reviewed, liableOrgId: orgId, reason: '仓库温控日志显示空调停机', orgName: ORG_NAMES[orgId as keyof typeof ORG_NAMES] });
    expect(attribution).toMatchObject({ status: 'attributed', orgId, legIndex });
    expect(attribution!.reason.zh).toContain('平台复核认定');
    expect(attribution!.reason.zh).toContain('仓库温控日志显示空调停机');
    expect(attribution!.reason.en).toContain(ORG_NAMES[orgId as keyof typeof ORG_NAMES].en);
  });

  it('refuses an organisation that never held the goods', () => {
    expect(attributeByReview({ legs: reviewed, liableOrgId: 'org-courier', reason: 'x', orgName: ORG_NAMES['org-courier'] })).toBeUndefined();
  });
});
