import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort } from './helpers/servers.ts';
import { killAllServices, spawnService, stopGroup } from './helpers/service-process.ts';
import type { ServiceProcess } from './helpers/service-process.ts';

/** Every file and folder under `dir` (itself included) with its permission bits, e.g. `ops.db-wal 0600`. */
function modesUnder(dir: string): { path: string; mode: number; isDirectory: boolean }[] {
  const out = [{ path: '.', mode: statSync(dir).mode & 0o777, isDirectory: true }];
  const walk = (folder: string, relative: string) => {
    for (const name of readdirSync(folder)) {
      const full = join(folder, name);
      const entry = lstatSync(full);
      const path = relative ? `${relative}/${name}` : name;
      out.push({ path, mode: entry.mode & 0o777, isDirectory: entry.isDirectory() });
      if (entry.isDirectory()) walk(full, path);
    }
  };
  walk(dir, '');
  return out;
}

const openToOthers = (entries: ReturnType<typeof modesUnder>) => entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.path} 0${e.mode.toString(8)}`);

/** The all-in-one as `npm start` runs it (API thread, embedded broker), on free ports, until the banner. */
async function startAllInOneProcess(dataDir: string, env: Record<string, string> = {}): Promise<{ service: ServiceProcess; apiUrl: string }> {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const service = spawnService('all-in-one', ['node', '--import', 'tsx', 'services/all-in-one/src/main.ts'], {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(httpPort),
    MQTT_PORT: String(mqttPort),
    LOG_LEVEL: 'info',
    ...env,
  });
  const deadline = Date.now() + 60_000;
  while (!service.output().includes('coldchain is running')) {
    if (service.child.exitCode !== null) throw new Error(`the service exited:\n${service.output()}`);
    if (Date.now() > deadline) throw new Error(`no banner within 60 s:\n${service.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { service, apiUrl: `http://127.0.0.1:${httpPort}` };
}

describe('secrets at rest: the data folder and its files are the owner’s only (issue 12, item 7)', () => {
  const root = mkdtempSync(join(tmpdir(), 'coldchain-at-rest-'));
  afterEach(() => killAllServices());
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates DATA_DIR 0700 and every database, -wal, -shm, secret and key file 0600, while running and after the stop', async () => {
    // A folder that does not exist yet, two levels down, as `DATA_DIR=./var/data` on a fresh machine.
    const dataDir = join(root, 'fresh', 'data');
    // The demo fleet runs, so readings, alerts, evidence and notifications are written, not only opened.
    const { service, apiUrl } = await startAllInOneProcess(dataDir, { DEMO: '1', DEMO_SHIPMENTS: '2' });
    // The service's signing key is made when first needed: the public key list makes it.
    expect((await fetch(`${apiUrl}/api/v1/keys`)).status).toBe(200);
    const running = modesUnder(dataDir);
    const names = running.map((e) => e.path);
    for (const expected of ['admin-token', 'service-secret', 'ops.db', 'ops.db-wal', 'ops.db-shm', 'telemetry.db', 'telemetry.db-wal', 'evidence.db', 'outbox.db']) {
      expect(names, `${expected} exists`).toContain(expected);
    }
    expect(names.some((name) => name.startsWith('keys/')), 'the signing keys are under DATA_DIR/keys').toBe(true);
    expect(openToOthers(running)).toEqual([]);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'fresh')).mode & 0o777).toBe(0o700);
    expect(service.output()).not.toMatch(/Warning: the data folder|Note: .* now owner-only/);

    expect((await stopGroup(service)).isClean).toBe(true);
    expect(openToOthers(modesUnder(dataDir))).toEqual([]);
  }, 120_000);

  it('warns, Chinese first, about a 0755 folder the operator supplied without changing it, and tightens the files of an older version', async () => {
    const dataDir = join(root, 'supplied');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    // What an older version left: a readable admin token and a readable folder of keys.
    writeFileSync(join(dataDir, 'admin-token'), 'an-admin-token-left-readable-by-an-older-version\n', { mode: 0o644 });
    chmodSync(join(dataDir, 'admin-token'), 0o644);
    mkdirSync(join(dataDir, 'old-keys'));
    chmodSync(join(dataDir, 'old-keys'), 0o755);

    const { service } = await startAllInOneProcess(dataDir, { DEMO: '0' });
    const output = service.output();
    const warning = output.split('\n').find((line) => line.includes(`chmod 700 ${dataDir}`));
    expect(warning, output).toBeDefined();
    expect(warning).toContain(dataDir);
    expect(warning).toContain('0755');
    // Chinese first, then English.
    expect(warning!.indexOf('警告')).toBeGreaterThanOrEqual(0);
    expect(warning!.indexOf('警告')).toBeLessThan(warning!.indexOf('Warning'));
    // The files it tightened are named once.
    const notes = output.split('\n').filter((line) => line.includes('now owner-only'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('admin-token 0644→0600');
    expect(notes[0]).toContain('old-keys/ 0755→0700');

    // The operator's folder is left as it was; what is inside is owner-only.
    expect(statSync(dataDir).mode & 0o777).toBe(0o755);
    expect(openToOthers(modesUnder(dataDir).filter((e) => e.path !== '.'))).toEqual([]);
    // The banner says where the token is, not what it is.
    expect(output).not.toContain('an-admin-token-left-readable-by-an-older-version');
    expect(output).toContain(`cat ${join(dataDir, 'admin-token')}`);
    expect((await stopGroup(service)).isClean).toBe(true);

    // The operator ran the fix: no warning on the next start.
    chmodSync(dataDir, 0o700);
    const again = await startAllInOneProcess(dataDir, { DEMO: '0' });
    expect(again.service.output()).not.toMatch(/警告|Warning: the data folder|now owner-only/);
    expect((await stopGroup(again.service)).isClean).toBe(true);
  }, 120_000);
});
