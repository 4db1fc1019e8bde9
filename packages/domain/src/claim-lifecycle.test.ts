import { describe, expect, it } from 'vitest';
import {
  applyClaimAction,
  CLAIM_PARTIES,
  CLAIM_REMIND_BEFORE_MS,
  CLAIM_STATUSES,
  claimPartyOf,
  claimReminderLeadMs,
  isResponseOverdue,
  nextClaimTimer,
  nextDeadline,
  openClaimLifecycle,
  reminderDue,
  type ClaimAction,
  type ClaimActionContext,
  type ClaimLifecycle,
  type ClaimParty,
  type ClaimStatus,
} from './claim-lifecycle.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 5, 20, 2, 0);

/** 200 boxes of lychee: ¥9,600 goods, ¥860 freight (as in claims.test.ts). */
const FILED = openClaimLifecycle({ liableOrgId: 'org-hub', shipperOrgId: 'org-farm', amountCents: 1_046_000, goodsShareCents: 960_000, filedAt: T0 });

const ACTORS: Record<ClaimParty, ClaimActionContext['actor']> = {
  carrier: { name: 'Wang (hub operator)', orgId: 'org-hub' },
  shipper: { name: 'Li (farm)', orgId: 'org-farm' },
  platform: { name: 'Chen (platform)', orgId: 'platform' },
  system: { name: 'system', orgId: 'platform' },
};

/** A claim in each state, as the machine would have left it; advanced money out where the state implies it. */
function claimIn(status: ClaimStatus, money = status === 'advanced' || status === 'recovered'): ClaimLifecycle {
  const answered = !['filed', 'acknowledged', 'escalated'].includes(status);
  return {
    ...FILED,
    status,
    answeredAt: answered ? T0 + 30 * MIN : null,
    escalatedAt: status === 'escalated' ? T0 + 2 * HOUR : null,
    closedAt: status === 'settled' || status === 'withdrawn' ? T0 + 5 * HOUR : null,
    advancedCents: money ? 300_000 : 0,
    recoveredCents: status === 'recovered' ? 100_000 : 0,
  };
}

/** One valid move per action (decide twice, one per outcome), with the time it is tried at. */
const MOVES: Record<string, { action: ClaimAction; now: number }> = {
  acknowledge: { action: { kind: 'acknowledge' }, now: T0 + 10 * MIN },
  accept: { action: { kind: 'accept' }, now: T0 + 40 * MIN },
  dispute: { action: { kind: 'dispute', reason: '到站时探针 4 °C', evidence: ['https://hub.example/scan/77.jpg'] }, now: T0 + 40 * MIN },
  'decide:overturned': { action: { kind: 'decide', outcome: 'overturned', reason: 'probe at handoff was warm' }, now: T0 + 3 * HOUR },
  'decide:upheld': { action: { kind: 'decide', outcome: 'upheld', reason: 'the hub log shows the AC off' }, now: T0 + 3 * HOUR },
  settle: { action: { kind: 'settle', note: 'paid by bank transfer' }, now: T0 + 4 * HOUR },
  advance: { action: { kind: 'advance', amountCents: 50_000 }, now: T0 + 3 * HOUR },
  recover: { action: { kind: 'recover', amountCents: 50_000 }, now: T0 + 4 * HOUR },
  withdraw: { action: { kind: 'withdraw', reason: 'filed twice' }, now: T0 + 4 * HOUR },
  escalate: { action: { kind: 'escalate' }, now: T0 + 2 * HOUR },
  remind: { action: { kind: 'remind' }, now: T0 + 2 * HOUR - 10 * MIN },
};

/**
 * Every allowed (state, move, party) and the state it leads to. Written out by hand: a transition added to
 * the machine and not here fails the cross product below.
 */
const ALLOWED: Record<string, ClaimStatus> = {
  'filed acknowledge carrier': 'acknowledged',
  'filed accept carrier': 'accepted',
  'acknowledged accept carrier': 'accepted',
  'escalated accept carrier': 'accepted',
  'filed dispute carrier': 'disputed',
  'acknowledged dispute carrier': 'disputed',
  'escalated dispute carrier': 'disputed',
  'disputed decide:overturned platform': 'overturned',
  'disputed decide:upheld platform': 'upheld',
  'accepted settle platform': 'settled',
  'accepted settle shipper': 'settled',
  'overturned settle platform': 'settled',
  'overturned settle shipper': 'settled',
  'upheld settle platform': 'settled',
  'upheld settle shipper': 'settled',
  'advanced settle platform': 'settled',
  'advanced settle shipper': 'settled',
  'recovered settle platform': 'settled',
  'recovered settle shipper': 'settled',
  'filed advance platform': 'filed',
  'acknowledged advance platform': 'acknowledged',
  'disputed advance platform': 'disputed',
  'escalated advance platform': 'advanced',
  'accepted advance platform': 'advanced',
  'upheld advance platform': 'advanced',
  'advanced advance platform': 'advanced',
  'recovered advance platform': 'advanced',
  'accepted recover platform': 'recovered',
  'upheld recover platform': 'recovered',
  'advanced recover platform': 'recovered',
  'recovered recover platform': 'recovered',
  'filed withdraw platform': 'withdrawn',
  'acknowledged withdraw platform': 'withdrawn',
  'accepted withdraw platform': 'withdrawn',
  'disputed withdraw platform': 'withdrawn',
  'overturned withdraw platform': 'withdrawn',
  'upheld withdraw platform': 'withdrawn',
  'escalated withdraw platform': 'withdrawn',
  'advanced withdraw platform': 'withdrawn',
  'recovered withdraw platform': 'withdrawn',
  'filed withdraw shipper': 'withdrawn',
  'acknowledged withdraw shipper': 'withdrawn',
  'accepted withdraw shipper': 'withdrawn',
  'disputed withdraw shipper': 'withdrawn',
  'overturned withdraw shipper': 'withdrawn',
  'upheld withdraw shipper': 'withdrawn',
  'escalated withdraw shipper': 'withdrawn',
  // advanced, recovered: the platform's money is out, so the shipper may not withdraw (see below)
  'filed escalate system': 'escalated',
  'acknowledged escalate system': 'escalated',
  'filed remind system': 'filed',
  'acknowledged remind system': 'acknowledged',
};

describe('applyClaimAction: every state × action × party', () => {
  const allowedBySomeone = (status: ClaimStatus, move: string) => CLAIM_PARTIES.some((p) => `${status} ${move} ${p}` in ALLOWED);
  for (const status of CLAIM_STATUSES) {
    for (const [move, { action, now }] of Object.entries(MOVES)) {
      for (const party of CLAIM_PARTIES) {
        const key = `${status} ${move} ${party}`;
        const expected = ALLOWED[key];
        it(`${key} → ${expected ?? 'refused'}`, () => {
          // recovering needs money out: the claim had an advance while the answer was pending
          const state = claimIn(status, move === 'recover' ? true : undefined);
          const result = applyClaimAction(state, action, { actor: ACTORS[party], party, now });
          if (expected) {
            expect(result).toMatchObject({ ok: true, next: { status: expected }, event: { from: status, to: expected, party, at: now, actor: ACTORS[party] } });
          } else {
            const withdrawalWithMoneyOut = move === 'withdraw' && party === 'shipper' && (status === 'advanced' || status === 'recovered');
            const code = allowedBySomeone(status, move) || withdrawalWithMoneyOut ? 'claim.not_your_turn' : 'claim.invalid_transition';
            expect(result).toMatchObject({ ok: false, code });
          }
        });
      }
    }
  }

  it('names from and to in a refused transition', () => {
    const result = applyClaimAction(claimIn('settled'), { kind: 'accept' }, { actor: ACTORS.carrier, party: 'carrier', now: T0 });
    expect(result).toMatchObject({ ok: false, code: 'claim.invalid_transition', message: expect.stringMatching(/settled → accepted/) });
  });

  it('names whose turn it is', () => {
    const result = applyClaimAction(FILED, { kind: 'accept' }, { actor: ACTORS.shipper, party: 'shipper', now: T0 });
    expect(result).toMatchObject({ ok: false, code: 'claim.not_your_turn', message: expect.stringMatching(/only the carrier/) });
  });
});

describe('history entries', () => {
  it('carry who, when, the action with its trimmed input, from and to', () => {
    const result = applyClaimAction(FILED, { kind: 'dispute', reason: '  probe 4 °C at receipt ', evidence: [' att_01HXYZ ', 'https://hub.example/a.jpg'] }, { actor: ACTORS.carrier, party: 'carrier', now: T0 + 50 * MIN });
    expect(result).toEqual({
      ok: true,
      next: { ...FILED, status: 'disputed', answeredAt: T0 + 50 * MIN },
      event: {
        at: T0 + 50 * MIN,
        actor: { name: 'Wang (hub operator)', orgId: 'org-hub' },
        party: 'carrier',
        action: { kind: 'dispute', reason: 'probe 4 °C at receipt', evidence: ['att_01HXYZ', 'https://hub.example/a.jpg'] },
        from: 'filed',
        to: 'disputed',
      },
    });
  });

  it('record amounts, and a settled or withdrawn claim its closing time', () => {
    const advanced = applyClaimAction(claimIn('escalated'), { kind: 'advance', amountCents: 96_000, note: 'after-sales 12/40' }, { actor: ACTORS.platform, party: 'platform', now: T0 + 3 * HOUR });
    expect(advanced).toMatchObject({ ok: true, next: { status: 'advanced', advancedCents: 96_000 }, event: { action: { kind: 'advance', amountCents: 96_000, note: 'after-sales 12/40' } } });
    const withdrawn = applyClaimAction(FILED, { kind: 'withdraw', reason: 'duplicate' }, { actor: ACTORS.shipper, party: 'shipper', now: T0 + HOUR });
    expect(withdrawn).toMatchObject({ ok: true, next: { status: 'withdrawn', closedAt: T0 + HOUR }, event: { action: { kind: 'withdraw', reason: 'duplicate' } } });
  });
});

describe('input', () => {
  const dispute = (reason: unknown, evidence?: unknown) =>
    applyClaimAction(FILED, { kind: 'dispute', reason, evidence } as ClaimAction, { actor: ACTORS.carrier, party: 'carrier', now: T0 + MIN });
  it.each<{ name: string; reason: unknown; evidence?: unknown; field: string }>([
    { name: 'no reason', reason: undefined, field: 'reason' },
    { name: 'a blank reason', reason: '   ', field: 'reason' },
    { name: 'a reason of 2001 characters', reason: '果'.repeat(2001), field: 'reason' },
    { name: 'evidence not a list', reason: 'r', evidence: 'https://a.example/x', field: 'evidence' },
    { name: '11 evidence items', reason: 'r', evidence: Array.from({ length: 11 }, (_, i) => `att-${i}`), field: 'evidence' },
    { name: 'a javascript: link', reason: 'r', evidence: ['javascript:alert(1)'], field: 'evidence[0]' },
    { name: 'an ftp link', reason: 'r', evidence: ['att-1', 'ftp://a.example/x'], field: 'evidence[1]' },
    { name: 'a path as an id', reason: 'r', evidence: ['../etc/passwd'], field: 'evidence[0]' },
    { name: 'a number as an id', reason: 'r', evidence: [42], field: 'evidence[0]' },
  ])('refuses $name naming $field', ({ reason, evidence, field }) => {
    expect(dispute(reason, evidence)).toMatchObject({ ok: false, code: 'request.invalid', field, message: expect.stringContaining(`${field}:`) });
  });

  it('accepts 2000 characters and 10 evidence items', () => {
    expect(dispute('果'.repeat(2000), Array.from({ length: 10 }, (_, i) => `att-${i}`))).toMatchObject({ ok: true });
  });

  it.each([0, -5, 1.5, Number.NaN, '100'])('refuses an advance of %s naming amountCents', (amountCents) => {
    const result = applyClaimAction(claimIn('escalated'), { kind: 'advance', amountCents } as ClaimAction, { actor: ACTORS.platform, party: 'platform', now: T0 + 3 * HOUR });
    expect(result).toMatchObject({ ok: false, code: 'request.invalid', field: 'amountCents' });
  });

  it('refuses an outcome that is neither overturned nor upheld', () => {
    const result = applyClaimAction(claimIn('disputed'), { kind: 'decide', outcome: 'rejected', reason: 'r' } as unknown as ClaimAction, { actor: ACTORS.platform, party: 'platform', now: T0 });
    expect(result).toMatchObject({ ok: false, code: 'request.invalid', field: 'outcome' });
  });
});

describe('money caps', () => {
  const platform = { actor: ACTORS.platform, party: 'platform' as const, now: T0 + 3 * HOUR };
  it('advances up to the claim amount, in several parts, and not a cent more', () => {
    const first = applyClaimAction(claimIn('escalated'), { kind: 'advance', amountCents: 1_000_000 }, platform);
    if (!first.ok) throw new Error(first.message);
    expect(applyClaimAction(first.next, { kind: 'advance', amountCents: 46_001 }, platform)).toMatchObject({ ok: false, code: 'claim.amount_over_cap', field: 'amountCents' });
    expect(applyClaimAction(first.next, { kind: 'advance', amountCents: 46_000 }, platform)).toMatchObject({ ok: true, next: { advancedCents: 1_046_000 } });
  });

  it('recovers up to what is advanced and not yet recovered', () => {
    const state = claimIn('recovered'); // 300_000 advanced, 100_000 recovered
    expect(applyClaimAction(state, { kind: 'recover', amountCents: 200_001 }, platform)).toMatchObject({ ok: false, code: 'claim.amount_over_cap' });
    expect(applyClaimAction(state, { kind: 'recover', amountCents: 200_000 }, platform)).toMatchObject({ ok: true, next: { recoveredCents: 300_000 } });
  });

  it('recovers nothing on an accepted claim with nothing advanced', () => {
    expect(applyClaimAction(claimIn('accepted'), { kind: 'recover', amountCents: 1 }, platform)).toMatchObject({ ok: false, code: 'claim.amount_over_cap' });
  });

  it('an advance while the carrier disputes keeps the dispute, and the shipper may then not withdraw', () => {
    const advanced = applyClaimAction(claimIn('disputed'), { kind: 'advance', amountCents: 96_000 }, platform);
    expect(advanced).toMatchObject({ ok: true, next: { status: 'disputed', advancedCents: 96_000 } });
    if (!advanced.ok) return;
    expect(applyClaimAction(advanced.next, { kind: 'withdraw', reason: 'r' }, { ...platform, actor: ACTORS.shipper, party: 'shipper' })).toMatchObject({ ok: false, code: 'claim.not_your_turn', message: expect.stringMatching(/¥960\.00 advanced/) });
    const recovered = { ...advanced.next, recoveredCents: 96_000 };
    expect(applyClaimAction(recovered, { kind: 'withdraw', reason: 'r' }, { ...platform, actor: ACTORS.shipper, party: 'shipper' })).toMatchObject({ ok: true });
  });
});

describe('deadlines, reminders and escalation', () => {
  const respondBy = T0 + 2 * HOUR;
  it.each<{ name: string; status: ClaimStatus; now: number; overdue: boolean; deadline: number | null }>([
    { name: 'filed, before the deadline', status: 'filed', now: respondBy - 1, overdue: false, deadline: respondBy },
    { name: 'filed, at the deadline', status: 'filed', now: respondBy, overdue: true, deadline: respondBy },
    { name: 'acknowledging does not stop the clock', status: 'acknowledged', now: respondBy + HOUR, overdue: true, deadline: respondBy },
    { name: 'accepting stops it', status: 'accepted', now: respondBy + HOUR, overdue: false, deadline: null },
    { name: 'disputing stops it', status: 'disputed', now: respondBy + HOUR, overdue: false, deadline: null },
    { name: 'escalated: already acted on', status: 'escalated', now: respondBy + HOUR, overdue: false, deadline: null },
    { name: 'withdrawn', status: 'withdrawn', now: respondBy + HOUR, overdue: false, deadline: null },
  ])('$name', ({ status, now, overdue, deadline }) => {
    const state = claimIn(status);
    expect(isResponseOverdue(state, now)).toBe(overdue);
    expect(nextDeadline(state)).toBe(deadline);
  });

  it('takes the organisation\'s deadline', () => {
    expect(openClaimLifecycle({ ...FILED, responseMs: 30 * MIN }).respondBy).toBe(T0 + 30 * MIN);
  });

  it.each<{ name: string; now: number; remindedAt?: number; remindBeforeMs?: number; responseMs?: number; due: boolean }>([
    { name: 'before the window', now: respondBy - CLAIM_REMIND_BEFORE_MS - 1, due: false },
    { name: 'at the start of the window', now: respondBy - CLAIM_REMIND_BEFORE_MS, due: true },
    { name: 'at the deadline: too late, it escalates instead', now: respondBy, due: false },
    { name: 'already reminded', now: respondBy - MIN, remindedAt: respondBy - 20 * MIN, due: false },
    { name: 'a configured hour before, on a day to answer', now: respondBy - 50 * MIN, remindBeforeMs: HOUR, responseMs: 24 * HOUR, due: true },
    { name: 'a configured hour is capped at a quarter of 2 h', now: respondBy - 50 * MIN, remindBeforeMs: HOUR, due: false },
    { name: '20 min to answer: reminded in the last 5 min', now: respondBy - 5 * MIN, responseMs: 20 * MIN, due: true },
    { name: '20 min to answer: not 6 min before', now: respondBy - 6 * MIN, responseMs: 20 * MIN, due: false },
    { name: "the demo's 10 s (2 h at 720×): 2.5 s before", now: respondBy - 2_500, responseMs: 10_000, remindBeforeMs: 2_500, due: true },
  ])('reminder $name', ({ now, remindedAt, remindBeforeMs, responseMs, due }) => {
    const state = { ...FILED, filedAt: respondBy - (responseMs ?? 2 * HOUR), remindedAt: remindedAt ?? null };
    expect(reminderDue(state, now, remindBeforeMs === undefined ? {} : { remindBeforeMs })).toBe(due);
    const result = applyClaimAction(state, { kind: 'remind' }, { actor: ACTORS.system, party: 'system', now, ...(remindBeforeMs === undefined ? {} : { remindBeforeMs }) });
    expect(result).toMatchObject(due ? { ok: true, next: { status: 'filed', remindedAt: now } } : { ok: false, code: 'claim.not_due' });
  });

  it.each<{ responseMs: number; remindBeforeMs?: number; leadMs: number }>([
    { responseMs: 2 * HOUR, leadMs: 30 * MIN },
    { responseMs: 24 * HOUR, leadMs: 30 * MIN },
    { responseMs: HOUR, leadMs: 15 * MIN },
    { responseMs: 5 * MIN, leadMs: 75_000 },
    { responseMs: 24 * HOUR, remindBeforeMs: 2_500, leadMs: 2_500 },
    { responseMs: 10_000, remindBeforeMs: 2_500, leadMs: 2_500 },
  ])('reminds $leadMs ms before a $responseMs ms answer time (lead $remindBeforeMs)', ({ responseMs, remindBeforeMs, leadMs }) => {
    expect(claimReminderLeadMs(responseMs, remindBeforeMs)).toBe(leadMs);
    const claim = openClaimLifecycle({ ...FILED, responseMs });
    expect(nextClaimTimer(claim, remindBeforeMs === undefined ? {} : { remindBeforeMs })).toEqual({ kind: 'remind', at: T0 + responseMs - leadMs });
  });

  it('escalates only once the deadline has come', () => {
    const system = { actor: ACTORS.system, party: 'system' as const };
    expect(applyClaimAction(FILED, { kind: 'escalate' }, { ...system, now: respondBy - 1 })).toMatchObject({ ok: false, code: 'claim.not_due' });
    expect(applyClaimAction(FILED, { kind: 'escalate' }, { ...system, now: respondBy })).toMatchObject({ ok: true, next: { status: 'escalated', escalatedAt: respondBy } });
  });

  it('sets the reminder timer first, then the escalation, then none once answered', () => {
    expect(nextClaimTimer(FILED)).toEqual({ kind: 'remind', at: respondBy - CLAIM_REMIND_BEFORE_MS });
    expect(nextClaimTimer({ ...FILED, remindedAt: respondBy - 20 * MIN })).toEqual({ kind: 'escalate', at: respondBy });
    expect(nextClaimTimer(claimIn('disputed'))).toBeNull();
  });

  it('a late answer after escalation is recorded with its time', () => {
    const result = applyClaimAction(claimIn('escalated'), { kind: 'accept' }, { actor: ACTORS.carrier, party: 'carrier', now: respondBy + HOUR });
    expect(result).toMatchObject({ ok: true, next: { status: 'accepted', answeredAt: respondBy + HOUR, escalatedAt: T0 + 2 * HOUR } });
  });
});

describe('claimPartyOf', () => {
  it.each([
    ['org-hub', 'carrier'],
    ['org-farm', 'shipper'],
    ['platform', 'platform'],
    ['org-other-courier', null],
  ])('%s is %s', (orgId, party) => {
    expect(claimPartyOf(FILED, orgId)).toBe(party);
  });
});
