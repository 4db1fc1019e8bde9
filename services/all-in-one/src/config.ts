import { z } from 'zod';
import { scorecardTimezoneSchema } from '@coldchain/api';
import { commonEnvShape } from '@coldchain/runtime';

/** The all-in-one process's environment. */
export const allInOneEnvSchema = z.object({
  ...commonEnvShape,
  DEMO: z.enum(['0', '1'], { error: 'must be 1 (run the demo fleet) or 0' }).default('1'),
  DEMO_SPEED: z.coerce.number({ error: 'must be a number' }).min(1, 'must be at least 1').max(100_000, 'must be at most 100000').default(720),
  DEMO_SHIPMENTS: z.coerce.number().int().min(1).max(500).default(20),
  /**
   * 1: the HTTP API runs in its own thread, so readers never queue in front of the broker, ingest and
   * rules (decision 0014); 0: on the main event loop (tools and tests that move the clock).
   */
  API_THREAD: z.enum(['0', '1'], { error: 'must be 1 (the API in its own thread) or 0 (on the main event loop)' }).default('1'),
  /** The zone of the monthly scorecard run (00:10 on the 1st); months are Beijing months (decision 0025). */
  SCORECARD_TIMEZONE: scorecardTimezoneSchema,
});

export type AllInOneConfig = z.infer<typeof allInOneEnvSchema>;
