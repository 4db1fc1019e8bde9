import { describe, expect, it } from 'vitest';
import { buildLegs, currentLeg, legAt, STAGE_NAMES, STAGES, type CustodyEvent, type Leg, type Stage } from './custody.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 1, 2, 0);

let nextSeq = 1;
/** A handoff scan `atMin` minutes after T0. */
function handoff(atMin: number, stage: Stage, toOrgId: string | null, extra: Partial<CustodyEvent> = {}): CustodyEvent {
  const seq = nextSeq++;
  return {
    id: `ev-${seq}`,
    shipmentId: 'sh-1',
    seq,
    at: T0 + atMin * MIN,
    stage,
    toOrgId,
    station: null,
    probeTempC: null,
    recordedAt: T0 + atMin * MIN,
    ...extra,
  };
}

/** A lychee journey from the orchard in Maoming to a buyer in Beijing. */
function journey(): CustodyEvent[] {
  return [
    handoff(0, 'packhouse', 'org-farm', { station: 'Maoming packhouse', probeTempC: 4.2 }),
    handoff(60, 'first_mile', 'org-van', { station: 'Maoming packhouse' }),
    handoff(180, 'hub', 'org-hub', { station: 'Guangzhou hub', probeTempC: 5.1 }),
    handoff(300, 'line_haul', 'org-reefer', { station: 'Guangzhou hub', probeTempC: 4.8 }),
    handoff(1500, 'last_mile', 'org-courier', { station: 'Beijing depot' }),
    handoff(1620, 'delivered', null, { station: 'buyer' }),
  ];
}

/** Legs as [stage, custodian, startMin, endMin | null], for readable expectations. */
function summary(legs: readonly Leg[]) {
  return legs.map((leg) => [leg.stage, leg.custodianOrgId, (leg.startedAt - T0) / MIN, leg.endedAt === null ? null : (leg.endedAt - T0) / MIN]);
}

describe('buildLegs', () => {
  it('builds one leg per handoff, each ending when the next begins, closed by delivery', () => {
    const legs = buildLegs(journey());
    expect(summary(legs)).toEqual([
      ['packhouse', 'org-farm', 0, 60],
      ['first_mile', 'org-van', 60, 180],
      ['hub', 'org-hub', 180, 300],
      ['line_haul', 'org-reefer', 300, 1500],
      ['last_mile', 'org-courier', 1500, 1620],
    ]);
    expect(legs.map((leg) => leg.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps the station and the probe temperature taken at the handoff that opened the leg', () => {
    const legs = buildLegs(journey());
    expect(legs.map((leg) => [leg.station, leg.startProbeTempC])).toEqual([
      ['Maoming packhouse', 4.2],
      ['Maoming packhouse', null],
      ['Guangzhou hub', 5.1],
      ['Guangzhou hub', 4.8],
      ['Beijing depot', null],
    ]);
  });

  it('orders events by time whatever order they were recorded in', () => {
    const shuffled = journey().reverse();
    expect(summary(buildLegs(shuffled))).toEqual(summary(buildLegs(journey())));
  });

  it('breaks ties at the same time by seq: the later-recorded scan is the later handoff', () => {
    const events = [
      handoff(0, 'packhouse', 'org-farm', { seq: 1 }),
      handoff(60, 'hub', 'org-hub', { seq: 3 }),
      handoff(60, 'first_mile', 'org-van', { seq: 2 }),
    ];
    expect(summary(buildLegs(events))).toEqual([
      ['packhouse', 'org-farm', 0, 60],
      ['first_mile', 'org-van', 60, 60],
      ['hub', 'org-hub', 60, null],
    ]);
  });

  it('leaves the last leg open while the goods are in transit', () => {
    const legs = buildLegs(journey().slice(0, 4));
    expect(legs.at(-1)?.endedAt).toBeNull();
  });

  it('closes a leg without opening one when a handoff names no custodian', () => {
    const legs = buildLegs([handoff(0, 'packhouse', 'org-farm'), handoff(30, 'first_mile', null)]);
    expect(summary(legs)).toEqual([['packhouse', 'org-farm', 0, 30]]);
  });

  it('returns no legs for no events, and never a delivered leg', () => {
    expect(buildLegs([])).toEqual([]);
    expect(buildLegs([handoff(0, 'delivered', 'org-buyer')])).toEqual([]);
  });

  it('does not change the events it is given', () => {
    const events = journey().reverse();
    const copy = structuredClone(events);
    buildLegs(events);
    expect(events).toEqual(copy);
  });
});

describe('legAt', () => {
  const legs = buildLegs(journey());

  it.each<{ atMin: number; expected: string | undefined }>([
    { atMin: -1, expected: undefined }, // before the packhouse scan
    { atMin: 0, expected: 'org-farm' }, // start is inclusive
    { atMin: 59.99, expected: 'org-farm' },
    { atMin: 60, expected: 'org-van' }, // end is exclusive: the handoff belongs to the receiver
    { atMin: 299.99, expected: 'org-hub' },
    { atMin: 300, expected: 'org-reefer' },
    { atMin: 1619.99, expected: 'org-courier' },
    { atMin: 1620, expected: undefined }, // delivered: nobody holds the goods on record
    { atMin: 5000, expected: undefined },
  ])('at minute $atMin the goods are held by $expected', ({ atMin, expected }) => {
    expect(legAt(legs, T0 + atMin * MIN)?.custodianOrgId).toBe(expected);
  });

  it('finds the open leg at any later time while in transit', () => {
    const inTransit = buildLegs(journey().slice(0, 4));
    expect(legAt(inTransit, T0 + 100_000 * MIN)?.custodianOrgId).toBe('org-reefer');
  });

  it('skips a zero-length leg: a same-time handoff belongs to the later scan', () => {
    const tied = buildLegs([handoff(0, 'packhouse', 'org-farm', { seq: 1 }), handoff(60, 'first_mile', 'org-van', { seq: 2 }), handoff(60, 'hub', 'org-hub', { seq: 3 })]);
    expect(legAt(tied, T0 + 60 * MIN)?.custodianOrgId).toBe('org-hub');
  });

  it('finds nothing in no legs', () => {
    expect(legAt([], T0)).toBeUndefined();
  });
});

describe('currentLeg', () => {
  const cases: Array<{ name: string; events: CustodyEvent[]; expected: string | undefined }> = [
    { name: 'in transit: the last leg', events: journey().slice(0, 4), expected: 'org-reefer' },
    { name: 'delivered: none', events: journey(), expected: undefined },
    { name: 'no events: none', events: [], expected: undefined },
    { name: 'custody released without a receiver: none', events: [handoff(0, 'packhouse', 'org-farm'), handoff(30, 'first_mile', null)], expected: undefined },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const { events, expected } = row;
      expect(currentLeg(buildLegs(events))?.custodianOrgId).toBe(expected);
    });
  }
});

describe('STAGE_NAMES', () => {
  it('names every stage in both languages', () => {
    for (const stage of STAGES) {
      expect(STAGE_NAMES[stage].zh.trim()).not.toBe('');
      expect(STAGE_NAMES[stage].en.trim()).not.toBe('');
    }
  });
});
