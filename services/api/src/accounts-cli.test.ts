import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useTestApi } from './test-harness.ts';

/** Runs `npm run accounts -- …` as a user would (tsx), with `stdin` piped in; answers the exit code and output. */
function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/accounts-cli.ts', ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('npm run accounts: users and keys from the command line, with the service\'s settings', () => {
  const api = useTestApi(async (a) => {
    await a.call('POST', '/api/v1/organisations', { id: 'hub', name: '白云冷库', kind: 'warehouse' });
  });

  it('adds a user with the password from stdin (never the command line) and a key printed once, then lists them', async () => {
    const env = { COLDCHAIN_ADMIN_TOKEN: api.adminToken };
    const port = new URL(api.baseUrl).port;
    const user = await runCli(['add-user', 'hub', 'baiyun.ops', 'operator', '--name', '白云仓 值班'], { ...env, PORT: port }, 'a long passphrase\n');
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toContain('created user baiyun.ops (operator) of hub');
    const session = await fetch(`${api.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'baiyun.ops', password: 'a long passphrase' }) });
    expect(session.status).toBe(201);

    const key = await runCli(['add-key', 'hub', 'WMS', 'viewer', '--api', api.baseUrl], env);
    expect(key.code, key.stderr).toBe(0);
    expect(key.stdout.trim()).toMatch(/^cck_\w+_[\w-]{43}$/);
    expect((await api.call('GET', '/api/v1/alerts', undefined, key.stdout.trim())).status).toBe(200);

    const list = await runCli(['list', 'hub', '--api', api.baseUrl], env);
    expect(list.stdout).toMatch(/user baiyun\.ops\toperator\t白云仓 值班/);
    expect(list.stdout).toMatch(/key {2}\w+\tviewer\tWMS\tlast used \d{4}-/);
  });

  it('says what is wrong, without a stack trace: a short password, an unknown organisation, no service', async () => {
    const env = { COLDCHAIN_ADMIN_TOKEN: api.adminToken };
    const short = await runCli(['add-user', 'hub', 'x.short', 'viewer', '--api', api.baseUrl], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password: at least 10 characters');
    const unknown = await runCli(['add-key', 'nowhere', 'k', 'viewer', '--api', api.baseUrl], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('organisation.unknown');
    const down = await runCli(['list', 'hub', '--api', 'http://127.0.0.1:9'], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('does not answer at http://127.0.0.1:9');
    for (const run of [short, unknown, down]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
