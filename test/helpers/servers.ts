import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a missing server must fail the run (CI) instead of skipping visibly (a user's machine). */
export const isCi = process.env.CI === 'true';

/**
 * Decides whether tests needing `what` run: true when `binary` exists; otherwise, outside CI, warns and
 * returns false (the caller skips); in CI, throws so the run fails.
 */
export function requireServer(what: string, binary: string, installHint: string): boolean {
  if (existsSync(binary)) return true;
  const message = `${what} not found at ${binary}: ${installHint}`;
  if (isCi) throw new Error(`CI=true and ${message}`);
  console.warn(`SKIPPED: tests needing ${message}`);
  return false;
}

/** A free loopback port (bound and released at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A server process the tests started, with its own data folder. */
export type ServerProcess = {
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
  /** Stops the server (SIGTERM), keeping its data, for an outage. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
};

async function waitUntil(what: string, probe: () => Promise<boolean>, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Runs a server with `launch`, restartable on the same port and data folder. */
async function supervise(what: string, dir: string, port: number, url: string, launch: () => ChildProcess, isReady: () => Promise<boolean>): Promise<ServerProcess> {
  const start = async () => {
    const child = launch();
    await waitUntil(what, isReady, child);
    return child;
  };
  const server: ServerProcess = {
    url,
    port,
    process: await start(),
    async stop() {
      await terminate(server.process);
      rmSync(dir, { recursive: true, force: true });
    },
    async pause() {
      await terminate(server.process);
    },
    async resume() {
      server.process = await start();
    },
  };
  return server;
}

/** Starts Debian's victoria-metrics on a free loopback port, deduplicating identical samples. */
export async function startVictoriaMetrics(binary = '/usr/bin/victoria-metrics'): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-vm-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, '-retentionPeriod=100y', '-dedup.minScrapeInterval=1ms', '-loggerLevel=ERROR'];
  return supervise('victoria-metrics', dir, port, url, () => spawn(binary, args, { stdio: 'ignore' }), async () => (await fetch(`${url}/health`)).ok);
}

/** Starts Debian's mosquitto on a free loopback port with the given extra configuration lines. */
export async function startMosquitto(extraConfig: string[] = [], binary = '/usr/sbin/mosquitto'): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-mosquitto-'));
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', `persistence_location ${dir}/`, ...extraConfig, ''].join('\n'));
  const url = `mqtt://127.0.0.1:${port}`;
  const isListening = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
  return supervise('mosquitto', dir, port, url, () => spawn(binary, ['-c', config], { stdio: 'ignore' }), isListening);
}
