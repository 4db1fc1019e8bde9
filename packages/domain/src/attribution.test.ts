import { describe, expect, it } from 'vitest';
import { attributeExcursion, type Attribution, type AttributionInput } from './attribution.ts';
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

/**
 * Legs (minutes after T0): 0 packhouse org-farm (the shipper), 60 first_mile org-van, 180 hub org-hub,
 * 300 line_haul org-reefer, 1500 last_mile org-courier, 1620 delivered.
 */
function legs(probeAtLineHaulC: number | null = 4.8) {
  return buildLegs([
    handoff(0, 'packhouse', 'org-farm', 4.2),
    handoff(60, 'first_mile', 'org-van'),
    handoff(180, 'hub', 'org-hub', 5.1),
    handoff(300, 'line_haul', 'org-reefer', probeAtLineHaulC),
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

describe('attributeExcursion', () => {
  const cases: Array<{ name: string; input: AttributionInput; expected: Expected }> = [
    {
      name: 'continuous readings, onset in line haul: the reefer carrier',
      input: input(600, 590),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
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
    {
      name: 'probe at the handoff above 15 °C (pre-cooling failure): the previous custodian',
      input: input(600, 590, { legs: legs(16.2) }),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
    },
    {
      name: 'probe at the handoff exactly 15 °C is not a pre-cooling failure',
      input: input(600, 590, { legs: legs(15) }),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'no probe taken at the handoff: the custodian',
      input: input(600, 590, { legs: legs(null) }),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'a gap longer than the max gap before the onset: indeterminate',
      input: input(600, 569),
      expected: { status: 'indeterminate', orgId: null, legIndex: 3 },
    },
    {
      name: 'a gap spanning a handoff: indeterminate, not the receiver',
      input: input(320, 250),
      expected: { status: 'indeterminate', orgId: null, legIndex: 3 },
    },
    {
      name: 'a gap of exactly the max gap still counts as continuous',
      input: input(600, 570),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
    {
      name: 'a gap hides a warm handoff too: indeterminate',
      input: input(600, 500, { legs: legs(16.2) }),
      expected: { status: 'indeterminate', orgId: null, legIndex: 3 },
    },
    {
      name: 'first reading already breaching in the packhouse: the shipper',
      input: input(5, null),
      expected: { status: 'attributed', orgId: 'org-farm', legIndex: 0 },
    },
    {
      name: 'first reading already breaching in a later leg: indeterminate',
      input: input(400, null),
      expected: { status: 'indeterminate', orgId: null, legIndex: 3 },
    },
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
    {
      name: 'low limit, probe at the handoff below 1 °C (set too cold before): the previous custodian',
      input: input(600, 590, { limit: LOW, legs: legs(0.4) }),
      expected: { status: 'attributed', orgId: 'org-hub', legIndex: 2 },
    },
    {
      name: 'low limit, a warm probe is no pre-cooling failure for the cold side',
      input: input(600, 590, { limit: LOW, legs: legs(16.2) }),
      expected: { status: 'attributed', orgId: 'org-reefer', legIndex: 3 },
    },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const { input: given, expected } = row;
      expect(attributeExcursion(given)).toMatchObject(expected);
    });
  }

  describe('reasons', () => {
    const cases: Array<[string, AttributionInput]> = [
      ['attributed', input(600, 590)],
      ['pre-cooling', input(600, 590, { legs: legs(16.2) })],
      ['gap', input(600, 500)],
      ['first reading in a later leg', input(400, null)],
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
      const { reason } = attributeExcursion(input(600, 590, { legs: legs(16.2) }));
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
      const { reason } = attributeExcursion(input(600, 590, { limit: LOW, legs: legs(0.4) }));
      expect(reason.zh).toContain('0.4 °C');
      expect(reason.zh).not.toContain('超温');
      expect(reason.zh).not.toContain('超过 1 °C');
      expect(reason.zh).toContain('低于 1 °C');
    });
  });
});
