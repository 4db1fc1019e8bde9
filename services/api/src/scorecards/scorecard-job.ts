import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '@coldchain/bus';
import type { Month } from '@coldchain/domain';
import type { OpsStore, ScorecardTrigger } from '@coldchain/storage';
import { keepMonth, lastFinishedMonth } from './kept-months.ts';
import { canonicalTimeZone } from './scorecard-timezone.ts';

/**
 * 00:10 on the 1st, and again on the 2nd, in the service's zone (SCORECARD_TIMEZONE). The months are
 * Beijing-time months; in a zone ahead of Beijing (Tokyo, Sydney, Auckland: up to 6 h) 00:10 on the 1st
 * comes before the Beijing month has ended, and the run on the 2nd keeps it. Elsewhere the run on the
 * 2nd finds the month kept and does nothing (decision 0025).
 */
export const SCORECARD_SCHEDULE = '10 0 1,2 * *';

/** What one run did: the month it looked at and whether it stored it now (false: it was already kept). */
export type ScorecardRun = { month: Month; trigger: ScorecardTrigger; isNew: boolean; computedAt: number; organisations: number };

/** The monthly scorecards (issue 13, item 6): a node-cron task, a catch-up at start, and the run itself for tests. */
export type ScorecardJob = {
  readonly expression: string;
  /** The zone the task runs in, canonical (`Asia/Shanghai`). */
  readonly timezone: string;
  /** The scheduled task once started (tests read its pattern and ask it which instants match). */
  readonly task: ScheduledTask | undefined;
  /** What the task runs: keeps the last month that has ended in Beijing time, unless it is kept already. */
  runMonthly(): Promise<ScorecardRun>;
  /** At start: keeps the last ended month when no run has (the service was down on the 1st). */
  catchUp(): Promise<ScorecardRun>;
  /** Schedules the task and catches up; a failed catch-up is logged, the service goes on. */
  start(): Promise<void>;
  /** Stops and removes the task (service shutdown); a run under way finishes on its own. */
  stop(): Promise<void>;
};

/**
 * The monthly scorecard run. It keeps each ended month once (`ops.scorecards.saveMonthOnce`), so two
 * processes running it, or a request that kept the month first, store nothing twice.
 */
export function createScorecardJob(deps: { ops: OpsStore; clock: Clock; log: Logger; timezone: string }): ScorecardJob {
  const timezone = canonicalTimeZone(deps.timezone);
  if (!timezone) throw new RangeError(`SCORECARD_TIMEZONE=${JSON.stringify(deps.timezone)}: not an IANA time zone (e.g. Asia/Shanghai)`);
  const log = deps.log.child({ job: 'scorecards' });
  let task: ScheduledTask | undefined;

  async function run(trigger: ScorecardTrigger): Promise<ScorecardRun> {
    const now = deps.clock.now();
    const month = lastFinishedMonth(now);
    const kept = await keepMonth(deps.ops, month, now, trigger);
    const result = { month, trigger, isNew: kept.isNew, computedAt: kept.month.computedAt, organisations: kept.month.scorecards.length };
    if (kept.isNew) log.info(result, 'scorecards.month_kept');
    else if (!kept.month.kept) log.info(result, 'scorecards.nothing_to_keep: no carrier, warehouse or courier yet');
    else log.debug({ ...result, keptBy: kept.month.trigger }, 'scorecards.month_already_kept');
    return result;
  }

  return {
    expression: SCORECARD_SCHEDULE,
    timezone,
    get task() {
      return task;
    },
    runMonthly: () => run('cron'),
    catchUp: () => run('catch_up'),
    async start() {
      task = cron.schedule(
        SCORECARD_SCHEDULE,
        async () => {
          try {
            await run('cron');
          } catch (error) {
            log.error({ err: error }, 'scorecards.run_failed: the month is kept on the next run, at the next start, or when someone asks for it');
          }
        },
        {
          name: 'coldchain-scorecards',
          timezone,
          noOverlap: true,
          logger: {
            info: (message) => log.info(message),
            warn: (message) => log.warn(message),
            error: (message, err) => log.error({ err: err ?? message }, 'scorecards.cron_error'),
            debug: (message) => log.debug({ detail: String(message) }, 'scorecards.cron_debug'),
          },
        },
      );
      log.info({ expression: SCORECARD_SCHEDULE, timezone, nextRunAt: task.getNextRun()?.toISOString() ?? null }, 'scorecards.scheduled');
      try {
        await run('catch_up');
      } catch (error) {
        log.error({ err: error }, 'scorecards.catch_up_failed: the month is kept on the next run or when someone asks for it');
      }
    },
    async stop() {
      const scheduled = task;
      task = undefined;
      await scheduled?.destroy();
    },
  };
}
