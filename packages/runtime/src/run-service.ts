import type { Logger } from 'pino';
import { restrictUmask, secureDataDir } from './data-dir.ts';
import { createLogger } from './logger.ts';

/** A service `runService` started: how to stop it, and what its shutdown log line should carry. */
export type StartedService = {
  /** Stops the service and closes what it opened (connections, stores). */
  stop(): Promise<void>;
  /** Fields added to the `shutdown` log line, e.g. messages still in flight. */
  stats?(): Record<string, unknown>;
};

/** How to run one service process: see `runService`. */
export type ServiceOptions<C extends { LOG_LEVEL: string; DATA_DIR?: string }> = {
  /** The program name: the logger's name and the prefix of every line written to stderr, e.g. `coldchain-api`. */
  name: string;
  /** Parses the environment once, e.g. `() => parseEnv(schema, process.env)`; main.ts stays the only reader of process.env. */
  loadConfig: () => C;
  /** Opens what the service needs and starts it; throws a StartupError for a cause the operator can fix. */
  start: (config: C, log: Logger) => Promise<StartedService>;
};

/**
 * A cause the operator can fix (a port in use, a broker refusing the service's login): `runService`
 * prints its message as one line, without a stack, and exits 1. Clean up what was opened before throwing.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * @coldchain/schemas' ConfigError, recognised by name: this package does not depend on schemas, and
 * the error's message already names the variable and hides secrets.
 */
function isConfigError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ConfigError';
}

/**
 * Runs a service as a process: sets an owner-only umask, parses the configuration, creates the logger,
 * secures DATA_DIR when the configuration has one (created 0700; a wider folder given by the operator is
 * warned about on stderr, the files inside tightened: see secureDataDir), starts the service, and stops it on SIGINT or SIGTERM (exit 0, or 1 when stopping fails). A ConfigError or StartupError
 * exits 1 with one line `<name>: <message>` on stderr; any other error exits 1 with its stack.
 */
export function runService<C extends { LOG_LEVEL: string; DATA_DIR?: string }>({ name, loadConfig, start }: ServiceOptions<C>): void {
  const fail = (message: string): never => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(1);
  };
  const run = async () => {
    // Before anything opens a file: what the service creates is the owner's only (decision 0020).
    restrictUmask();
    let config: C;
    try {
      config = loadConfig();
    } catch (error) {
      if (isConfigError(error)) fail(error.message);
      throw error;
    }
    const log = createLogger(config.LOG_LEVEL, name);
    if (config.DATA_DIR !== undefined) {
      let warnings: string[];
      try {
        ({ warnings } = secureDataDir(config.DATA_DIR));
      } catch (error) {
        return fail(`cannot prepare the data folder DATA_DIR=${config.DATA_DIR}: ${(error as Error).message}`);
      }
      // On stderr whatever LOG_LEVEL says: the operator has to read it.
      for (const warning of warnings) process.stderr.write(`${name}: ${warning}\n`);
    }
    // Signals are heard from the start: one that arrives while the service starts stops it once started
    // (the default action would end the process at once, in the middle of opening its stores).
    let signalled: string | undefined;
    let onSignal: (signal: string) => void = (signal) => {
      signalled ??= signal;
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    let service: StartedService;
    try {
      service = await start(config, log);
    } catch (error) {
      if (error instanceof StartupError) fail(error.message);
      throw error;
    }
    onSignal = stopOnce(service, log);
    if (signalled) onSignal(signalled);
  };
  run().catch((error: unknown) => fail(`failed to start: ${(error as Error).stack ?? String(error)}`));
}

/** A stop that takes longer than this ends the process anyway (exit 1); nothing acknowledged depends on it. */
const STOP_TIMEOUT_MS = 20_000;

function stopOnce(service: StartedService, log: Logger): (signal: string) => void {
  // Signals can arrive twice (from the terminal and again from npm, which relays them): the first one
  // stops the service, later ones must not cut that short.
  let isStopping = false;
  return (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info({ signal, ...service.stats?.() }, 'shutdown');
    setTimeout(() => {
      log.error({ timeoutMs: STOP_TIMEOUT_MS }, 'shutdown.timeout: exiting before the stop finished');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    service.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown.failed');
        process.exit(1);
      },
    );
  };
}
