import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

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

/** Debian's dynamic-security plugin of Mosquitto (multiarch directory), or its usual path when absent. */
export function dynsecPluginPath(): string {
  const candidates = ['/usr/lib/mosquitto_dynamic_security.so'];
  try {
    for (const entry of readdirSync('/usr/lib')) if (entry.endsWith('-linux-gnu')) candidates.push(`/usr/lib/${entry}/mosquitto_dynamic_security.so`);
  } catch {
    // no /usr/lib: the first candidate is reported as missing
  }
  return candidates.find((path) => existsSync(path)) ?? '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
}

/** A Mosquitto with the dynamic-security plugin, its log captured, administered with mosquitto_ctrl. */
export type DynsecMosquitto = ServerProcess & {
  /** Everything the broker has logged so far (stdout and stderr). */
  log(): string;
  /** Waits (bounded) until the log matches `pattern`; returns the matching text. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Runs `mosquitto_ctrl ... dynsec <args>` as the dynsec admin; rejects when it reports an error. */
  ctrl(...args: string[]): Promise<string>;
};

/**
 * Starts Debian's mosquitto with a shipped configuration file (deploy/mosquitto/mosquitto.conf) on a free
 * loopback port. Only the listener and the paths are rewritten: `listener`, `plugin` (Debian's path),
 * `plugin_opt_config_file`, `persistence_location` and any `log_dest file`; every other line is used as
 * shipped. The dynsec store is created with `mosquitto_ctrl dynsec init` and an `admin` client. A `user`
 * line keeps the broker on the current user: started as root it would otherwise switch to `mosquitto`,
 * which cannot write the dynsec store in the test's private folder.
 */
export async function startMosquittoWithDynsec(configPath: string, binaries = { mosquitto: '/usr/sbin/mosquitto', ctrl: '/usr/bin/mosquitto_ctrl' }): Promise<DynsecMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-dynsec-'));
  const port = await freePort();
  const store = join(dir, 'dynamic-security.json');
  const adminPassword = randomBytes(12).toString('hex');
  await execFileAsync(binaries.ctrl, ['dynsec', 'init', store, 'admin', adminPassword], { timeout: 10_000 }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const rewrites: [RegExp, string][] = [
    [/^listener\s+\d+.*$/, `listener ${port} 127.0.0.1`],
    [/^plugin\s+\S*mosquitto_dynamic_security\.so$/, `plugin ${dynsecPluginPath()}`],
    [/^plugin_opt_config_file\s+.*$/, `plugin_opt_config_file ${store}`],
    [/^persistence_location\s+.*$/, `persistence_location ${dir}/`],
    [/^log_dest\s+file\s+.*$/, `log_dest file ${join(dir, 'mosquitto.log')}`],
  ];
  const used = new Set<number>();
  const lines = readFileSync(configPath, 'utf8').split('\n').map((line) => {
    const index = rewrites.findIndex(([pattern]) => pattern.test(line.trim()));
    if (index < 0) return line;
    used.add(index);
    return rewrites[index]![1];
  });
  for (const required of [0, 1, 2, 3]) {
    if (used.has(required)) continue;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${configPath}: no line matching ${rewrites[required]![0]} to rewrite for the test`);
  }
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, [`user ${userInfo().username}`, ...lines, ''].join('\n'));

  let logText = '';
  const url = `mqtt://127.0.0.1:${port}`;
  const isListening = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
  const launch = () => {
    const child = spawn(binaries.mosquitto, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (logText += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (logText += chunk.toString()));
    return child;
  };
  const server = await supervise('mosquitto (dynamic security)', dir, port, url, launch, isListening).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${error instanceof Error ? error.message : String(error)}; its log:\n${logText}`);
  });
  return Object.assign(server, {
    log: () => logText,
    async waitForLog(pattern: RegExp, timeoutMs = 5000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(logText);
        if (match) return match[0];
        if (Date.now() > deadline) throw new Error(`mosquitto did not log ${pattern} within ${timeoutMs} ms; its log:\n${logText}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async ctrl(...args: string[]): Promise<string> {
      const { stdout, stderr } = await execFileAsync(binaries.ctrl, ['-h', '127.0.0.1', '-p', String(port), '-u', 'admin', '-P', adminPassword, 'dynsec', ...args], { timeout: 10_000 });
      // mosquitto_ctrl exits 0 even when the broker refuses a command ("createClient: Error: Client already exists").
      const output = `${stdout}${stderr}`;
      if (/\berror\b/i.test(output)) throw new Error(`mosquitto_ctrl dynsec ${args[0]}: ${output.trim()}`);
      return stdout;
    },
  });
}
