// The service under test: the real all-in-one process (broker, ingest, rules and API in one process, as
// `npm start` runs it), started as a child on free loopback ports over the seeded DATA_DIR.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type Service = {
  baseUrl: string;
  mqttUrl: string;
  pid: number;
  /** The last 16 KiB the process printed. */
  output(): string;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; says whether it stopped by itself. */
  stop(graceMs?: number): Promise<{ isClean: boolean; code: number | null; signal: string | null }>;
};

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node --import tsx services/all-in-one/src/main.ts` and waits until GET /healthz answers 200. */
export async function startService(options: { dataDir: string; adminToken: string; env: Record<string, string>; readyTimeoutMs: number }): Promise<Service> {
  const [port, mqttPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[key] !== undefined) env[key] = process.env[key]!;
  Object.assign(env, {
    DATA_DIR: options.dataDir,
    DEMO: '0',
    HOST: '127.0.0.1',
    PORT: String(port),
    MQTT_PORT: String(mqttPort),
    LOG_LEVEL: 'warn',
    COLDCHAIN_ADMIN_TOKEN: options.adminToken,
    ...options.env,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/all-in-one/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-16_384));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const baseUrl = `http://127.0.0.1:${port}`;
  const service: Service = {
    baseUrl,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    pid: child.pid!,
    output: () => output,
    isRunning,
    async stop(graceMs = 20_000) {
      if (!isRunning()) return { isClean: true, ...(await exited) };
      child.kill('SIGTERM');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        child.kill('SIGKILL');
        return { isClean: false, ...(await exited) };
      }
      return { isClean: true, ...(await exited) };
    },
  };
  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (!isRunning()) throw new Error(`the service exited before answering /healthz:\n${output.slice(-4000)}`);
    const ok = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return service;
    if (Date.now() > deadline) {
      await service.stop(5_000);
      throw new Error(`no answer on /healthz within ${options.readyTimeoutMs} ms:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
