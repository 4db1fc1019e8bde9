import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from '@coldchain/schemas';
import { SqliteOpsStore } from '@coldchain/storage';
import { computeMonth } from './kept-months.ts';
import { createScorecardJob, SCORECARD_SCHEDULE } from './scorecard-job.ts';
import type { ScorecardJob } from './scorecard-job.ts';
import { excursionAlert, seedMonth, seedScorecardOrgs } from './scorecard-seed.ts';
import { scorecardTimezoneSchema } from './scorecard-timezone.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 00:10 on 1 December 2026 in Beijing: the monthly run's minute. */
const DEC_1_0010_BEIJING = Date.UTC(2026, 10, 30, 16, 10);

/**
 * The monthly scorecard run (issue 13, item 6) over a real SQLite ops.db: it keeps the month just ended
 * in Beijing time, once; a later run, or new data, changes nothing kept; the start catches up a month
 * the service was down for; the task is scheduled in SCORECARD_TIMEZONE. The cron's timing is node-cron's:
 * the test calls the run directly and asks the scheduled task which instants it matches.
 */
describe('monthly scorecard job', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let nowMs: number;
  const clock = { now: () => nowMs };
  const jobs: ScorecardJob[] = [];
  const job = (timezone = 'Asia/Shanghai') => {
    const created = createScorecardJob({ ops, clock, log: pino({ level: 'silent' }), timezone });
    jobs.push(created);
    return created;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-scorecard-job-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    await seedScorecardOrgs(ops, Date.UTC(2026, 0, 1));
    // November 2026: the hub 1 excursion in 10 shipments (100 − 2 × 10 = 80), the carrier 5 clean ones (100).
    await seedMonth(ops, '2026-11', { hub: { shipments: 10, excursions: 1 }, reefer: { shipments: 5, excursions: 0 } });
  });

  afterEach(async () => {
    for (const j of jobs.splice(0)) await j.stop();
    await ops.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the month just ended for every logistics provider, with the trigger and the time of the run', async () => {
    nowMs = DEC_1_0010_BEIJING;
    const run = await job().runMonthly();
    expect(run).toEqual({ month: '2026-11', trigger: 'cron', isNew: true, computedAt: DEC_1_0010_BEIJING, organisations: 3 });
    const kept = (await ops.scorecards.getMonth('2026-11'))!;
    expect(kept).toMatchObject({ month: '2026-11', computedAt: DEC_1_0010_BEIJING, trigger: 'cron' });
    const scores = Object.fromEntries(kept.cards.map(({ orgId, card }) => [orgId, [card.score, card.grade, card.rank, card.shipmentsHandled]]));
    expect(scores).toEqual({ reefer: [100, 'A', 1, 5], hub: [80, 'B', 2, 10], courier: [null, null, null, 0] });
  });

  it('does not overwrite a kept month: a second run, even after new data, leaves it as computed', async () => {
    nowMs = DEC_1_0010_BEIJING;
    await job().runMonthly();
    // A late upload: two more excursions on the hub in November, which a recomputation would count.
    await ops.insertAlert(excursionAlert('2026-11-hub-3', 'hub', Date.UTC(2026, 10, 4, 20)));
    await ops.insertAlert(excursionAlert('2026-11-hub-4', 'hub', Date.UTC(2026, 10, 5, 20)));
    nowMs = DEC_1_0010_BEIJING + 24 * HOUR;
    // 3 in 10 is 30 per 100: the 40 points' cap, 60.
    expect((await computeMonth(ops, '2026-11', nowMs)).find((c) => c.orgId === 'hub')!.score).toBe(60);

    const again = await job().runMonthly();
    expect(again).toMatchObject({ month: '2026-11', isNew: false, computedAt: DEC_1_0010_BEIJING });
    const kept = (await ops.scorecards.getMonth('2026-11'))!;
    expect(kept.trigger).toBe('cron');
    expect(kept.cards.find((c) => c.orgId === 'hub')!.card.score).toBe(80);
    expect(await ops.scorecards.listMonths()).toHaveLength(1);
  });

  it('catches up at start: the month ended while the service was down is kept with trigger catch_up, once', async () => {
    // Down over the 1st: started again at 09:00 on 3 December, Beijing time.
    nowMs = Date.UTC(2026, 11, 3, 1);
    const started = job();
    await started.start();
    const kept = (await ops.scorecards.getMonth('2026-11'))!;
    expect(kept).toMatchObject({ trigger: 'catch_up', computedAt: nowMs });
    expect(kept.cards.find((c) => c.orgId === 'hub')!.card.score).toBe(80);
    // Restarted the same day: the month is kept already.
    await started.stop();
    nowMs += HOUR;
    expect(await job().catchUp()).toMatchObject({ month: '2026-11', isNew: false, computedAt: Date.UTC(2026, 11, 3, 1) });
    expect((await ops.scorecards.getMonth('2026-11'))!.trigger).toBe('catch_up');
  });

  it('keeps nothing for a month without any logistics provider (a new installation), so it can be kept once they exist', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'coldchain-scorecard-empty-'));
    const empty = new SqliteOpsStore(join(emptyDir, 'ops.db'), 'NORMAL');
    try {
      nowMs = DEC_1_0010_BEIJING;
      const fresh = createScorecardJob({ ops: empty, clock, log: pino({ level: 'silent' }), timezone: 'Asia/Shanghai' });
      expect(await fresh.catchUp()).toMatchObject({ month: '2026-11', isNew: false, organisations: 0 });
      expect(await empty.scorecards.listMonths()).toEqual([]);
      await seedScorecardOrgs(empty, Date.UTC(2026, 0, 1));
      await seedMonth(empty, '2026-11', { reefer: { shipments: 2, excursions: 0 } });
      expect(await fresh.runMonthly()).toMatchObject({ month: '2026-11', isNew: true, organisations: 3 });
    } finally {
      await empty.close();
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('schedules 00:10 on the 1st (and the 2nd) in SCORECARD_TIMEZONE, and stops with the service', async () => {
    nowMs = DEC_1_0010_BEIJING;
    const beijing = job('Asia/Shanghai');
    const berlin = job('europe/berlin');
    await beijing.start();
    await berlin.start();
    expect(berlin.timezone).toBe('Europe/Berlin');
    for (const j of [beijing, berlin]) expect(j.task!.getPattern()).toBe(SCORECARD_SCHEDULE);
    // 00:10 on 1 December in Beijing is 16:10 UTC the day before; in Berlin (UTC+1 in winter) 23:10 UTC.
    expect(beijing.task!.match(new Date(DEC_1_0010_BEIJING))).toBe(true);
    expect(beijing.task!.match(new Date(Date.UTC(2026, 10, 30, 23, 10)))).toBe(false);
    expect(berlin.task!.match(new Date(Date.UTC(2026, 10, 30, 23, 10)))).toBe(true);
    expect(berlin.task!.match(new Date(DEC_1_0010_BEIJING))).toBe(false);
    // Summer time: 00:10 on 1 July in Berlin is 22:10 UTC on 30 June.
    expect(berlin.task!.match(new Date(Date.UTC(2026, 5, 30, 22, 10)))).toBe(true);
    // The next run, read in the zone, is at 00:10 on a 1st or 2nd.
    const next = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(berlin.task!.getNextRun()!);
    expect(next).toMatch(/^[12], 00:10$/);
    await berlin.stop();
    expect(berlin.task).toBeUndefined();
  });

  it('keeps Beijing months whatever the zone: in Tokyo the 1st comes before the Beijing month ends, the 2nd keeps it', async () => {
    const tokyo = job('Asia/Tokyo');
    // 00:10 on 1 December in Tokyo is 23:10 on 30 November in Beijing: November has not ended.
    nowMs = Date.UTC(2026, 10, 30, 15, 10);
    expect(await tokyo.runMonthly()).toMatchObject({ month: '2026-10', isNew: true });
    expect(await ops.scorecards.getMonth('2026-11')).toBeUndefined();
    // 00:10 on 2 December in Tokyo: November has ended in Beijing, and is kept whole.
    nowMs = Date.UTC(2026, 11, 1, 15, 10);
    expect(await tokyo.runMonthly()).toMatchObject({ month: '2026-11', isNew: true, organisations: 3 });
    expect((await ops.scorecards.getMonth('2026-11'))!.cards.find((c) => c.orgId === 'hub')!.card.shipmentsHandled).toBe(10);
  });
});

describe('SCORECARD_TIMEZONE', () => {
  const schema = z.object({ SCORECARD_TIMEZONE: scorecardTimezoneSchema });

  it('defaults to Asia/Shanghai and takes an IANA zone in any case, canonical', () => {
    expect(parseEnv(schema, {}).SCORECARD_TIMEZONE).toBe('Asia/Shanghai');
    expect(parseEnv(schema, { SCORECARD_TIMEZONE: 'america/new_york' }).SCORECARD_TIMEZONE).toBe('America/New_York');
    expect(parseEnv(schema, { SCORECARD_TIMEZONE: 'UTC' }).SCORECARD_TIMEZONE).toBe('UTC');
  });

  for (const bad of ['Mars/Olympus_Mons', '+08:00', 'CST+8', '']) {
    it(`stops the start on ${JSON.stringify(bad)}, naming the setting in Chinese and English`, () => {
      expect(() => parseEnv(schema, { SCORECARD_TIMEZONE: bad })).toThrow(`SCORECARD_TIMEZONE=${JSON.stringify(bad)}: SCORECARD_TIMEZONE 须为 IANA 时区名`);
      expect(() => parseEnv(schema, { SCORECARD_TIMEZONE: bad })).toThrow(/must be an IANA time zone such as Asia\/Shanghai/);
    });
  }

  it('is checked by the job too', () => {
    expect(() => createScorecardJob({ ops: {} as never, clock: { now: () => 0 }, log: pino({ level: 'silent' }), timezone: 'Asia/Beijing' })).toThrow(/SCORECARD_TIMEZONE="Asia\/Beijing"/);
  });
});
