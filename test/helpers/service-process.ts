import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: `npm start` runs there, as a user would run it. */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** How the process the tests spawned (npm, npx) ended. */
export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

/**
 * A service started as real processes (`npm start`, `npx tsx ...`) in its own process group: signals
 * can go to the process the user started (npm) or, like a terminal's Ctrl-C or a SIGKILL of a crash,
 * to the whole group.
 */
export type ServiceProcess = {
  readonly name: string;
  /** The process the tests spawned; also the process group id. */
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the spawned process (npm, npx) exits, whether or not the rest of its group did. */
  readonly exited: Promise<ExitStatus>;
  /** The last 64 KiB of stdout and stderr. */
  output(): string;
  /** Whether a JSON log line with this `msg` was printed. */
  hasLogged(msg: string): boolean;
  /** Sends `signal` to the spawned process only (npm), as a supervisor or `kill <pid>` does. */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` to every process of the group, as a terminal's Ctrl-C does (SIGINT to the foreground group). */
  signalGroup(signal: NodeJS.Signals): void;
  /** Live (not zombie) processes of the group, with their command lines. */
  members(): { pid: number; command: string }[];
  /** Waits until no process of the group is left; false after `timeoutMs`. */
  waitGone(timeoutMs: number): Promise<boolean>;
};

const started = new Set<ServiceProcess>();

/** Live processes whose process group is `pgid`, read from /proc (Linux). Zombies are not counted. */
function groupMembers(pgid: number): { pid: number; command: string }[] {
  const members: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may contain spaces and parentheses, so split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== pgid || state === 'Z') continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      members.push({ pid: Number(entry), command });
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

/**
 * Spawns `argv` in the repository root as the leader of a new process group, with a small fixed
 * environment plus `env` (no test runner variables leak into the service).
 */
export function spawnService(name: string, argv: string[], env: Record<string, string>): ServiceProcess {
  const baseEnv: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'CI']) if (process.env[key] !== undefined) baseEnv[key] = process.env[key]!;
  const child = spawn(argv[0]!, argv.slice(1), { cwd: root, env: { ...baseEnv, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${argv.join(' ')}`);
  const pid = child.pid;
  let output = '';
  const logged = new Set<string>();
  let partial = '';
  const collect = (chunk: string) => {
    output = (output + chunk).slice(-65_536);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const msg = (JSON.parse(line) as { msg?: unknown }).msg;
        if (typeof msg === 'string') logged.add(msg);
      } catch {
        // not a log line
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', collect);
  child.stderr!.setEncoding('utf8').on('data', collect);
  const exited = new Promise<ExitStatus>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const service: ServiceProcess = {
    name,
    pid,
    child,
    exited,
    output: () => output,
    hasLogged: (msg) => logged.has(msg),
    signal(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    signalGroup(signal) {
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is gone already
      }
    },
    members: () => groupMembers(pid),
    async waitGone(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (groupMembers(pid).length === 0) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return groupMembers(pid).length === 0;
    },
  };
  started.add(service);
  return service;
}

/** Polls `probe` every 100 ms until it is true; throws when `service` exits first or after `timeoutMs`. */
async function waitReady(service: ServiceProcess, what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(`${service.name} exited (${service.child.exitCode ?? service.child.signalCode}) before ${what}:\n${service.output().slice(-4000)}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${service.name}: no ${what} within ${timeoutMs} ms:\n${service.output().slice(-4000)}`);
}

/** What every spawned service gets: JSON logs at info (for the shutdown lines), FULL sync. */
const serviceEnv = { LOG_LEVEL: 'info', SQLITE_SYNC: 'FULL', HOST: '127.0.0.1' };

/**
 * Starts the whole service exactly as the README says, `npm start` (dependency check, then the
 * all-in-one), without the demo fleet, and waits until `GET /healthz` answers on `httpPort`.
 */
export async function startNpmService(options: { dataDir: string; httpPort: number; mqttPort: number; env?: Record<string, string>; readyTimeoutMs?: number }): Promise<ServiceProcess> {
  const env = { ...serviceEnv, DATA_DIR: options.dataDir, PORT: String(options.httpPort), MQTT_PORT: String(options.mqttPort), DEMO: '0', ...options.env };
  const service = spawnService('npm start', ['npm', 'start'], env);
  await waitReady(service, 'answer on GET /healthz', async () => (await fetch(`http://127.0.0.1:${options.httpPort}/healthz`)).ok, options.readyTimeoutMs ?? 45_000);
  return service;
}

/**
 * Starts ingest on its own as deploy/README.md runs it (`npx tsx services/ingest/src/main.ts`) against
 * `mqttUrl`, and waits for its `ingest.started` line (it has no HTTP port).
 */
export async function startIngestProcess(options: { dataDir: string; mqttUrl: string; env?: Record<string, string>; readyTimeoutMs?: number }): Promise<ServiceProcess> {
  const env = { ...serviceEnv, DATA_DIR: options.dataDir, MQTT_URL: options.mqttUrl, ...options.env };
  const service = spawnService('ingest', ['npx', 'tsx', 'services/ingest/src/main.ts'], env);
  await waitReady(service, "'ingest.started' log line", async () => service.hasLogged('ingest.started'), options.readyTimeoutMs ?? 45_000);
  return service;
}

/**
 * Starts rules on their own as docker-compose.yml runs them (`node --import tsx services/rules/src/main.ts`)
 * against `mqttUrl`, and waits for its `rules.started` line (it has no HTTP port).
 */
export async function startRulesProcess(options: { dataDir: string; mqttUrl: string; env?: Record<string, string>; readyTimeoutMs?: number }): Promise<ServiceProcess> {
  const env = { ...serviceEnv, DATA_DIR: options.dataDir, MQTT_URL: options.mqttUrl, ...options.env };
  const service = spawnService('rules', ['node', '--import', 'tsx', 'services/rules/src/main.ts'], env);
  await waitReady(service, "'rules.started' log line", async () => service.hasLogged('rules.started'), options.readyTimeoutMs ?? 45_000);
  return service;
}

/**
 * Starts the API on its own as docker-compose.yml runs it (`node --import tsx services/api/src/main.ts`)
 * against `mqttUrl` on `httpPort`, and waits until `GET /healthz` answers.
 */
export async function startApiProcess(options: { dataDir: string; mqttUrl: string; httpPort: number; env?: Record<string, string>; readyTimeoutMs?: number }): Promise<ServiceProcess> {
  const env = { ...serviceEnv, DATA_DIR: options.dataDir, MQTT_URL: options.mqttUrl, PORT: String(options.httpPort), ...options.env };
  const service = spawnService('api', ['node', '--import', 'tsx', 'services/api/src/main.ts'], env);
  await waitReady(service, 'answer on GET /healthz', async () => (await fetch(`http://127.0.0.1:${options.httpPort}/healthz`)).ok, options.readyTimeoutMs ?? 45_000);
  return service;
}

/**
 * Stops a service the way a terminal's Ctrl-C does (the signal to every process of the group) and
 * waits; SIGKILLs the group after `timeoutMs`. Says whether it stopped by itself.
 */
export async function stopGroup(service: ServiceProcess, signal: NodeJS.Signals = 'SIGINT', timeoutMs = 15_000): Promise<{ isClean: boolean }> {
  if (service.members().length === 0) return { isClean: true };
  service.signalGroup(signal);
  const isClean = await service.waitGone(timeoutMs);
  if (!isClean) {
    service.signalGroup('SIGKILL');
    await service.waitGone(5_000);
  }
  return { isClean };
}

/** SIGKILLs every process group spawned here that still has a process (afterEach, also after a failure). */
export async function killAllServices(): Promise<void> {
  for (const service of started) {
    if (service.members().length > 0) {
      service.signalGroup('SIGKILL');
      await service.waitGone(5_000);
    }
    started.delete(service);
  }
}
