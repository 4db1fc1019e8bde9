import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { allInOneEnvSchema, buildAllInOne } from '@coldchain/all-in-one';
import type { AllInOneInfo } from '@coldchain/all-in-one';
import { systemClock } from '@coldchain/bus';

/** A running all-in-one on free loopback ports with its own data folder; `restart` keeps the folder. */
export type RunningService = {
  info: AllInOneInfo;
  dataDir: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** Starts the whole service in-process (no demo fleet), as `npm start` would, on port 0. */
export async function startAllInOne(env: Record<string, string> = {}): Promise<RunningService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-test-'));
  const config = allInOneEnvSchema.parse({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', MQTT_PORT: '0', DEMO: '0', SQLITE_SYNC: 'NORMAL', ...env });
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  let service = buildAllInOne(config, { clock: systemClock, log });
  const running: RunningService = {
    info: await service.start(),
    dataDir,
    async restart() {
      await service.stop();
      service = buildAllInOne(config, { clock: systemClock, log });
      running.info = await service.start();
    },
    async stop() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]() {
      return running.stop();
    },
  };
  return running;
}

/**
 * Polls `probe` until it returns a value other than undefined, at most `timeoutMs`; a bounded loop that
 * stops by itself. Throws with `what` when time runs out.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
