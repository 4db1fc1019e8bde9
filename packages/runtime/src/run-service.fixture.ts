import { z } from 'zod';
// The real parseEnv, so the tests also hold runService to how it recognises schemas' ConfigError.
import { parseEnv } from '../../schemas/src/env.ts';
import { portSchema } from './common-env.ts';
import { runService, StartupError } from './run-service.ts';

/** A service process for run-service.test.ts; FIXTURE_SCENARIO picks how it starts and stops. */
const fixtureEnvSchema = z.object({
  LOG_LEVEL: z.enum(['info', 'silent']).default('info'),
  PORT: portSchema(8080),
  FIXTURE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  FIXTURE_SCENARIO: z.enum(['runs', 'port-in-use', 'bug', 'stop-fails']),
});

runService({
  name: 'coldchain-fixture',
  loadConfig: () => parseEnv(fixtureEnvSchema, process.env),
  async start(config, log) {
    if (config.FIXTURE_SCENARIO === 'port-in-use') throw new StartupError(`HTTP port ${config.PORT} is already in use. Set PORT to another port.`);
    if (config.FIXTURE_SCENARIO === 'bug') throw new Error('a bug in start');
    // Stands in for the server a real service listens with: it keeps the process alive until stopped.
    const serving = setInterval(() => {}, 60_000);
    // Logged once runService has taken the signals (it does after start returns), so the test's signal
    // never meets Node's default handler.
    setImmediate(() => log.info({ port: config.PORT }, 'fixture.started'));
    return {
      stats: () => ({ inFlight: 3 }),
      async stop() {
        // Long enough for the test to send a second signal while the first one is being handled.
        await new Promise((resolve) => setTimeout(resolve, 500));
        clearInterval(serving);
        log.info('fixture.stopped');
        if (config.FIXTURE_SCENARIO === 'stop-fails') throw new Error('the store was already closed');
      },
    };
  },
});
