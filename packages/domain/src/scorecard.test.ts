import { describe, expect, it } from 'vitest';
import {
  checkMonth,
  computeScorecard,
  computeScorecards,
  GRADE_LABELS,
  gradeOf,
  monthOf,
  monthRange,
  percentileMs,
  previousMonth,
  rankScorecards,
  scoreChange,
  scorecardsToCsv,
  type OrgActivity,
  type Scorecard,
  type ScorecardAlert,
  type ScorecardClaim,
} from './scorecard.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** An instant given as a Beijing wall-clock time. */
const bj = (wall: string) => Date.parse(`${wall.replace(' ', 'T')}:00+08:00`);

const alert = (alertId: string, raisedAt: number, respondInMs: number, ackAfterMs: number | null): ScorecardAlert => ({
  alertId,
  raisedAt,
  respondBy: raisedAt + respondInMs,
  acknowledgedAt: ackAfterMs === null ? null : raisedAt + ackAfterMs,
});
const claim = (claimId: string, filedAt: number, over: Partial<ScorecardClaim> = {}): ScorecardClaim => ({
  claimId,
  filedAt,
  respondBy: filedAt + 2 * HOUR, // plan document: the carrier answers within 2 hours
  answer: null,
  decision: null,
  withdrawnAt: null,
  ...over,
});

describe('months in Beijing time', () => {
  it('a month runs from 00:00 on the 1st in Beijing (16:00 UTC the day before) to the next 1st, end excluded', () => {
    expect(monthRange('2026-11')).toEqual({ startMs: Date.parse('2026-10-31T16:00:00Z'), endMs: Date.parse('2026-11-30T16:00:00Z') });
    expect(monthRange('2026-12')).toEqual({ startMs: Date.parse('2026-11-30T16:00:00Z'), endMs: Date.parse('2026-12-31T16:00:00Z') });
    expect(monthRange('2028-02').endMs - monthRange('2028-02').startMs).toBe(29 * 24 * HOUR); // leap year
  });

  it.each([
    ['2026-11-30T16:30:00Z', '2026-12'], // 00:30 on 1 December in Beijing
    ['2026-11-30T15:59:59.999Z', '2026-11'],
    ['2026-11-30T16:00:00Z', '2026-12'],
    ['2026-12-31T16:00:00Z', '2027-01'],
    ['2026-10-31T15:59:59.999Z', '2026-10'],
  ])('%s is in %s', (iso, month) => {
    expect(monthOf(Date.parse(iso))).toBe(month);
  });

  it('the month before crosses the year', () => {
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(previousMonth('2026-11')).toBe('2026-10');
  });

  it.each(['2026-13', '2026-00', '2026-1', '26-11', '2026-11-01', '2026/11', '', ' 2026-11', '1969-12'])('refuses %j, saying the rule in both languages', (text) => {
    const check = checkMonth(text);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.code).toBe('invalid_month');
    expect(check.reason.zh).toContain('YYYY-MM');
    expect(check.reason.en).toContain('expected YYYY-MM');
    expect(() => monthRange(text)).toThrow(RangeError);
  });

  it('accepts a well-formed month', () => {
    expect(checkMonth('2026-11')).toEqual({ ok: true, month: '2026-11' });
  });
});

describe('percentileMs: linear interpolation (R type 7)', () => {
  it.each<{ values: number[]; median: number | null; p95: number | null }>([
    { values: [], median: null, p95: null },
    { values: [420_000], median: 420_000, p95: 420_000 }, // one value is every percentile
    // even count: median halfway between 2nd and 3rd; p95 at rank (4−1)×0.95 = 2.85 → 3000 + 0.85 × 1000
    { values: [4_000, 1_000, 3_000, 2_000], median: 2_500, p95: 3_850 },
    // ties: 300 000 × 3 and 900 000; p95 = 300 000 + 0.85 × 600 000
    { values: [300_000, 900_000, 300_000, 300_000], median: 300_000, p95: 810_000 },
    // 20 values 1..20 min: rank 19 × 0.95 = 18.05 → 19 min + 0.05 min = 19.05 min (nearest-rank would say 19 min)
    { values: Array.from({ length: 20 }, (_, i) => (i + 1) * MIN), median: 10.5 * MIN, p95: 1_143_000 },
  ])('$values → median $median, p95 $p95', ({ values, median, p95 }) => {
    const copy = [...values];
    expect(percentileMs(values, 0.5)).toBe(median);
    expect(percentileMs(values, 0.95)).toBe(p95);
    expect(values).toEqual(copy); // the caller's array is not sorted in place
  });
});

/*
 * A month of simulated shipments, November 2026, computed at 00:10 on 1 December in Beijing (the monthly
 * run). Three logistics providers and a shipper; every expected figure is worked out by hand below.
 */
const NOV = '2026-11';
const COMPUTED_AT = bj('2026-12-01 00:10');

/** Clean carrier: 5 shipments, no excursion, two alerts acknowledged well inside the 1 h deadline. */
const COLDLINE: OrgActivity = {
  orgId: 'org-coldline',
  orgKind: 'carrier',
  orgName: { zh: '冷线干线运输', en: 'Coldline Reefers' },
  legs: [
    { shipmentId: 'c0', startedAt: bj('2026-10-10 08:00'), endedAt: bj('2026-10-11 08:00') }, // October only: not counted
    { shipmentId: 'c1', startedAt: bj('2026-11-03 08:00'), endedAt: bj('2026-11-04 06:00') },
    { shipmentId: 'c2', startedAt: bj('2026-11-09 08:00'), endedAt: bj('2026-11-10 06:00') },
    { shipmentId: 'c3', startedAt: bj('2026-11-15 08:00'), endedAt: bj('2026-11-16 06:00') },
    { shipmentId: 'c4', startedAt: bj('2026-11-30 20:00'), endedAt: null }, // still on the road: held in November
    { shipmentId: 'c5', startedAt: bj('2026-10-31 20:00'), endedAt: bj('2026-11-01 06:00') }, // overlaps the 1st
  ],
  excursions: [],
  alerts: [alert('ca1', bj('2026-11-03 12:00'), HOUR, 10 * MIN), alert('ca2', bj('2026-11-15 12:00'), HOUR, 20 * MIN)],
  claims: [],
};

/** Hub warehouse whose cold room failed: an excursion, late acknowledgements, late and lost claim answers. */
const HUB: OrgActivity = {
  orgId: 'org-hub',
  orgKind: 'warehouse',
  orgName: { zh: '南港枢纽仓', en: 'Nangang Hub' },
  legs: [
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9'].map((shipmentId, i) => ({
      shipmentId,
      startedAt: bj(`2026-11-${String(i + 2).padStart(2, '0')} 10:00`),
      endedAt: bj(`2026-11-${String(i + 2).padStart(2, '0')} 22:00`),
    })),
    { shipmentId: 'h5', startedAt: bj('2026-11-20 10:00'), endedAt: bj('2026-11-20 14:00') }, // h5 back in: still one shipment
    { shipmentId: 'h10', startedAt: bj('2026-10-31 23:00'), endedAt: bj('2026-11-01 03:00') },
  ],
  excursions: [
    { alertId: 'he0', shipmentId: 'h0', activeAt: bj('2026-10-20 09:00') }, // October: not counted
    { alertId: 'he1', shipmentId: 'h3', activeAt: bj('2026-11-04 13:00') },
    { alertId: 'he2', shipmentId: 'h11', activeAt: Date.parse('2026-11-30T16:30:00Z') }, // 00:30 on 1 Dec in Beijing
  ],
  alerts: [
    alert('ha1', bj('2026-11-04 13:30'), HOUR, 30 * MIN), // tier 1, on time
    alert('ha2', bj('2026-11-06 02:00'), HOUR, 90 * MIN), // tier 1, late
    alert('ha3', bj('2026-11-08 02:00'), 4 * HOUR, 45 * MIN), // tier 2, on time
    alert('ha4', bj('2026-11-10 02:00'), 4 * HOUR, null), // never acknowledged, deadline passed: late
    alert('ha5', bj('2026-11-30 23:30'), 4 * HOUR, null), // deadline 03:30 on 1 Dec is still running: pending
  ],
  claims: [
    claim('hc0', bj('2026-10-20 10:00')), // October: not counted
    claim('hc1', bj('2026-11-04 14:00'), { answer: { kind: 'accepted', at: bj('2026-11-04 15:00') } }), // in time
    claim('hc2', bj('2026-11-06 03:00'), { answer: { kind: 'accepted', at: bj('2026-11-06 06:00') } }), // 3 h: late
    claim('hc3', bj('2026-11-08 03:00'), { answer: { kind: 'disputed', at: bj('2026-11-08 04:00') }, decision: { outcome: 'upheld', at: bj('2026-11-09 10:00') } }),
    claim('hc4', bj('2026-11-10 03:00'), { answer: { kind: 'disputed', at: bj('2026-11-10 04:59') }, decision: { outcome: 'overturned', at: bj('2026-11-11 10:00') } }),
    claim('hc5', bj('2026-11-12 03:00')), // never answered, deadline passed: late
    claim('hc6', bj('2026-11-14 03:00'), { withdrawnAt: bj('2026-11-14 05:00') }), // named the wrong party
  ],
};

/** Last-mile courier: 3 shipments, one of 3 alerts acknowledged late, one claim whose deadline is running. */
const LASTMILE: OrgActivity = {
  orgId: 'org-lastmile',
  orgKind: 'courier',
  orgName: { zh: '鲜达同城, "快送"', en: 'Xianda, "Express"' },
  legs: [
    { shipmentId: 'l1', startedAt: bj('2026-11-05 08:00'), endedAt: bj('2026-11-05 18:00') },
    { shipmentId: 'l2', startedAt: bj('2026-11-18 08:00'), endedAt: bj('2026-11-18 18:00') },
    { shipmentId: 'l3', startedAt: bj('2026-11-30 23:00'), endedAt: bj('2026-12-01 01:00') },
  ],
  excursions: [],
  alerts: [
    alert('la1', bj('2026-11-05 09:00'), HOUR, 5 * MIN),
    alert('la2', bj('2026-11-18 09:00'), HOUR, 5 * MIN),
    alert('la3', bj('2026-11-18 12:00'), HOUR, 2 * HOUR), // late
  ],
  claims: [claim('lc1', bj('2026-11-30 23:00'))], // respondBy 01:00 on 1 Dec, after the run at 00:10: pending
};

/** A carrier that held nothing in November; a late answer to a claim on an October shipment is shown, not scored. */
const IDLE: OrgActivity = {
  orgId: 'org-idle',
  orgKind: 'carrier',
  orgName: null,
  legs: [{ shipmentId: 'i1', startedAt: bj('2026-10-28 08:00'), endedAt: bj('2026-10-29 08:00') }],
  excursions: [],
  alerts: [],
  claims: [claim('ic1', bj('2026-11-01 09:00'), { answer: { kind: 'accepted', at: bj('2026-11-01 12:00') } })],
};

const SHIPPER: OrgActivity = { orgId: 'org-farm', orgKind: 'shipper', orgName: null, legs: COLDLINE.legs, excursions: [], alerts: [], claims: [] };

type Expected = Omit<Scorecard, 'month' | 'orgKind' | 'orgName' | 'computedAt'>;
const EXPECTED: Expected[] = [
  {
    orgId: 'org-coldline',
    shipmentsHandled: 5, // c1 c2 c3, c4 (open leg), c5 (overlaps 1 Nov); not c0
    excursions: 0,
    excursionsPer100Shipments: 0,
    alertsRaised: 2,
    alertsAcknowledged: 2,
    alertsLate: 0,
    ackMedianMs: 15 * MIN, // (10 + 20) / 2 min
    ackP95Ms: 1_170_000, // rank (2−1)×0.95: 10 min + 0.95 × 10 min = 19.5 min
    claimsFiled: 0,
    claimsWithdrawn: 0,
    claimsAccepted: 0,
    claimsDisputed: 0,
    claimsUpheld: 0,
    claimsOverturned: 0,
    claimsAnsweredInTime: 0,
    claimsAnsweredLate: 0,
    penalties: { excursions: 0, lateClaimAnswers: 0, lateAlertAcks: 0, disputesLost: 0 },
    score: 100, // earned: 5 shipments and nothing against it
    grade: 'A',
  },
  {
    orgId: 'org-hub',
    shipmentsHandled: 10, // h1–h9 (h5 twice counts once) + h10 (overlaps 1 Nov)
    excursions: 1, // he1; he0 is October, he2 is December in Beijing
    excursionsPer100Shipments: 10, // 1 × 100 / 10
    alertsRaised: 5,
    alertsAcknowledged: 3, // ha1 30 min, ha3 45 min, ha2 90 min
    alertsLate: 2, // ha2 (90 min > 1 h), ha4 (never); ha5 pending
    ackMedianMs: 45 * MIN,
    ackP95Ms: 5_130_000, // rank (3−1)×0.95 = 1.9: 45 min + 0.9 × (90 − 45) min = 85.5 min
    claimsFiled: 5, // hc1–hc5; hc0 is October, hc6 withdrawn
    claimsWithdrawn: 1,
    claimsAccepted: 2, // hc1, hc2
    claimsDisputed: 2, // hc3, hc4
    claimsUpheld: 1, // hc3: the carrier disputed a claim that stood
    claimsOverturned: 1, // hc4: decided in the carrier's favour
    claimsAnsweredInTime: 3, // hc1 (1 h), hc3 (1 h), hc4 (1 h 59 min)
    claimsAnsweredLate: 2, // hc2 (3 h), hc5 (never)
    penalties: {
      excursions: 20, // min(40, 10 per 100 × 2)
      lateClaimAnswers: 10, // 25 × 2 late / 5 decided
      lateAlertAcks: 10, // 20 × 2 late / 4 decided (ha5 pending)
      disputesLost: 7.5, // 15 × 1 upheld / 2 decided disputes
    },
    score: 52.5, // 100 − 20 − 10 − 10 − 7.5
    grade: 'D', // below 60
  },
  {
    orgId: 'org-lastmile',
    shipmentsHandled: 3,
    excursions: 0,
    excursionsPer100Shipments: 0,
    alertsRaised: 3,
    alertsAcknowledged: 3,
    alertsLate: 1, // la3: 2 h > 1 h
    ackMedianMs: 5 * MIN, // 5, 5, 120 min
    ackP95Ms: 6_510_000, // rank 1.9: 5 min + 0.9 × 115 min = 108.5 min
    claimsFiled: 1,
    claimsWithdrawn: 0,
    claimsAccepted: 0,
    claimsDisputed: 0,
    claimsUpheld: 0,
    claimsOverturned: 0,
    claimsAnsweredInTime: 0,
    claimsAnsweredLate: 0, // lc1's deadline (01:00) is after the run (00:10): counts neither way
    penalties: { excursions: 0, lateClaimAnswers: 0, lateAlertAcks: 20 / 3, disputesLost: 0 }, // 20 × 1 / 3
    score: 93.3, // 100 − 6.667, one decimal
    grade: 'A',
  },
  {
    orgId: 'org-idle',
    shipmentsHandled: 0, // i1 was October
    excursions: 0,
    excursionsPer100Shipments: null,
    alertsRaised: 0,
    alertsAcknowledged: 0,
    alertsLate: 0,
    ackMedianMs: null,
    ackP95Ms: null,
    claimsFiled: 1,
    claimsWithdrawn: 0,
    claimsAccepted: 1,
    claimsDisputed: 0,
    claimsUpheld: 0,
    claimsOverturned: 0,
    claimsAnsweredInTime: 0,
    claimsAnsweredLate: 1, // 3 h
    penalties: { excursions: 0, lateClaimAnswers: 25, lateAlertAcks: 0, disputesLost: 0 }, // 25 × 1 late / 1, shown, not scored
    score: null, // no shipment: no data, never 100
    grade: null,
  },
];

describe('computeScorecards: a month of simulated shipments against a hand-computed table', () => {
  const cards = computeScorecards(NOV, [COLDLINE, HUB, SHIPPER, LASTMILE, IDLE], COMPUTED_AT);

  it('scores the logistics providers only (the shipper is left out)', () => {
    expect(cards.map((c) => c.orgId)).toEqual(['org-coldline', 'org-hub', 'org-lastmile', 'org-idle']);
  });

  it.each(EXPECTED)('$orgId: score $score, grade $grade', (expected) => {
    const card = cards.find((c) => c.orgId === expected.orgId)!;
    expect(card).toEqual({ ...expected, month: NOV, orgKind: card.orgKind, orgName: card.orgName, computedAt: COMPUTED_AT });
  });

  it('an excursion attributed to it counts its shipment as handled, even without a leg in the month', () => {
    const card = computeScorecard(NOV, { ...IDLE, excursions: [{ alertId: 'ie1', shipmentId: 'i1', activeAt: bj('2026-11-02 08:00') }] }, COMPUTED_AT);
    expect(card).toMatchObject({ shipmentsHandled: 1, excursions: 1, excursionsPer100Shipments: 100 });
    // 40 (capped) + 25 × 1/1 late claim answer = 65 → 35
    expect(card).toMatchObject({ score: 35, grade: 'D' });
  });

  it('a leg at 2026-11-30T16:30Z counts in December, not November', () => {
    const legOnly: OrgActivity = { ...IDLE, legs: [{ shipmentId: 'd1', startedAt: Date.parse('2026-11-30T16:30:00Z'), endedAt: Date.parse('2026-11-30T20:00:00Z') }], claims: [] };
    expect(computeScorecard('2026-11', legOnly, COMPUTED_AT).shipmentsHandled).toBe(0);
    expect(computeScorecard('2026-12', legOnly, COMPUTED_AT).shipmentsHandled).toBe(1);
  });

  it('what happened after the run is not counted, so recomputing agrees with the stored card', () => {
    const lateAck: OrgActivity = { ...COLDLINE, alerts: [alert('x', bj('2026-11-30 23:50'), 10 * MIN, 30 * MIN)] };
    // acknowledged at 00:20, after the run at 00:10, but the 00:00 deadline had passed: late, no time measured
    expect(computeScorecard(NOV, lateAck, COMPUTED_AT)).toMatchObject({ alertsAcknowledged: 0, alertsLate: 1, ackMedianMs: null });
  });

  it('a dispute not yet decided (or decided after the run) is neither won nor lost', () => {
    const pending: OrgActivity = {
      ...COLDLINE,
      claims: [
        claim('p1', bj('2026-11-20 10:00'), { answer: { kind: 'disputed', at: bj('2026-11-20 11:00') } }),
        claim('p2', bj('2026-11-29 10:00'), { answer: { kind: 'disputed', at: bj('2026-11-29 11:00') }, decision: { outcome: 'upheld', at: bj('2026-12-01 09:00') } }),
      ],
    };
    const card = computeScorecard(NOV, pending, COMPUTED_AT);
    expect(card).toMatchObject({ claimsDisputed: 2, claimsUpheld: 0, claimsOverturned: 0, claimsAnsweredInTime: 2, score: 100 });
    expect(card.penalties.disputesLost).toBe(0);
  });

  it('the score never rises when a factor gets worse', () => {
    let previous = Infinity;
    for (let excursions = 0; excursions <= 8; excursions++) {
      const activity: OrgActivity = {
        ...HUB,
        excursions: Array.from({ length: excursions }, (_, i) => ({ alertId: `m${i}`, shipmentId: 'h1', activeAt: bj('2026-11-02 12:00') })),
      };
      const score = computeScorecard(NOV, activity, COMPUTED_AT).score!;
      expect(score).toBeLessThanOrEqual(previous);
      expect(score).toBeGreaterThanOrEqual(0);
      previous = score;
    }
    const worst: OrgActivity = { ...HUB, excursions: HUB.legs.map((l, i) => ({ alertId: `w${i}`, shipmentId: l.shipmentId, activeAt: bj('2026-11-02 12:00') })), claims: [claim('w', bj('2026-11-02 12:00'), { answer: { kind: 'disputed', at: bj('2026-11-02 13:00') }, decision: { outcome: 'upheld', at: bj('2026-11-03 13:00') } }), claim('w2', bj('2026-11-02 12:00'))], alerts: [alert('w', bj('2026-11-02 12:00'), HOUR, null)] };
    // 40 + 25 × 1/2 + 20 + 15: the floor is 0 only when everything is at its worst
    expect(computeScorecard(NOV, worst, COMPUTED_AT).score).toBe(12.5);
  });
});

describe('grades', () => {
  it.each<[number | null, string | null]>([
    [100, 'A'], [90, 'A'], [89.9, 'B'], [75, 'B'], [74.9, 'C'], [60, 'C'], [59.9, 'D'], [0, 'D'], [null, null],
  ])('%s → %s', (score, grade) => {
    expect(gradeOf(score)).toBe(grade);
  });

  it('labels every grade and no data in both languages', () => {
    expect(GRADE_LABELS.none).toEqual({ zh: '暂无数据', en: 'No data' });
    expect(GRADE_LABELS.D.zh).toBe('需整改');
  });
});

const card = (orgId: string, score: number | null, month = NOV): Scorecard => ({
  ...computeScorecard(month, { ...COLDLINE, orgId }, COMPUTED_AT),
  score,
  grade: gradeOf(score),
});

describe('rankScorecards', () => {
  it('score descending, equal scores by org id sharing a rank, no data last', () => {
    const ranked = rankScorecards([card('b', 80), card('z', null), card('a', 80), card('c', 95), card('y', null), card('d', 12.5)]);
    expect(ranked.map((c) => [c.orgId, c.rank])).toEqual([
      ['c', 1],
      ['a', 2],
      ['b', 2],
      ['d', 4],
      ['y', null],
      ['z', null],
    ]);
  });
});

describe('scoreChange', () => {
  const history = [card('org-hub', 88, '2026-10'), card('org-hub', 70, '2026-09'), card('org-coldline', 96.6, '2026-10'), card('org-idle', null, '2026-10')];

  it.each<[string, number | null, number | null, number | null]>([
    ['org-hub', 52.5, 88, -35.5],
    ['org-coldline', 100, 96.6, 3.4], // not 3.4000000000000057
    ['org-idle', 40, null, null], // no data the month before
    ['org-new', 90, null, null], // no card the month before
  ])('%s at %s against %s → %s', (orgId, score, previousScore, change) => {
    expect(scoreChange(card(orgId, score), history)).toEqual({ previousMonth: '2026-10', previousScore, change });
  });
});

describe('scorecardsToCsv', () => {
  const rows = rankScorecards(computeScorecards(NOV, [HUB, LASTMILE, IDLE], COMPUTED_AT));

  it('Chinese header by default, CRLF line ends, numbers unformatted, no data empty', () => {
    const lines = scorecardsToCsv(rows).split('\r\n');
    expect(lines[0]).toMatch(/^排名,月份,机构编号,机构名称,类型,信用分,等级,等级说明,经手运单数,/);
    expect(lines[1]).toBe(
      '1,2026-11,org-lastmile,"鲜达同城, ""快送""",快递,93.3,A,优秀,3,0,0,3,3,1,300000,6510000,1,0,0,0,0,0,0,0,2026-11-30T16:10:00.000Z',
    );
    expect(lines[2]).toMatch(/^2,2026-11,org-hub,南港枢纽仓,仓库,52.5,D,需整改,10,1,10,5,3,2,2700000,5130000,5,1,2,2,1,1,3,2,/);
    expect(lines[3]).toBe(',2026-11,org-idle,,承运商,,,暂无数据,0,0,,0,0,0,,,1,0,1,0,0,0,0,1,2026-11-30T16:10:00.000Z');
    expect(lines[4]).toBe(''); // the file ends with a line break
    expect(lines).toHaveLength(5);
  });

  it('English on request', () => {
    const csv = scorecardsToCsv(rows, 'en');
    expect(csv.startsWith('Rank,Month,Org ID,Organisation,Kind,Credit score,Grade,Grade label,Shipments handled,')).toBe(true);
    expect(csv).toContain(',org-lastmile,"Xianda, ""Express""",Courier,93.3,A,Excellent,');
    expect(csv).toContain(',org-idle,,Carrier,,,No data,');
    expect(csv.charCodeAt(0)).not.toBe(0xfeff); // the route adds the BOM
  });

  it('a name a spreadsheet would run as a formula is quoted out', () => {
    const evil = computeScorecard(NOV, { ...COLDLINE, orgName: { zh: '=HYPERLINK("http://x")', en: '@SUM(1)' } }, COMPUTED_AT);
    expect(scorecardsToCsv([evil]).split('\r\n')[1]).toContain(`,"'=HYPERLINK(""http://x"")",`);
    expect(scorecardsToCsv([evil], 'en').split('\r\n')[1]).toContain(",'@SUM(1),");
  });
});
