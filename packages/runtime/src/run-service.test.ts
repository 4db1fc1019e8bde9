import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./run-service.fixture.ts', import.meta.url));

type Exit = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/**
 * Runs run-service.fixture.ts as its own process; `onLine` sees each stdout line (JSON logs, stdout is
 * not a terminal) and may signal the process.
 */
function runFixture(env: Record<string, string>, onLine: (entry: { msg?: string }, kill: (signal: NodeJS.Signals) => void) => void = () => {}): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { PATH: process.env.PATH, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (stdout.slice(stdout.lastIndexOf('\n') + 1) + chunk).split('\n').slice(0, -1);
    stdout += chunk;
    for (const line of lines) onLine(JSON.parse(line) as { msg?: string }, (signal) => child.kill(signal));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const messages = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('runService', () => {
  it('stops a bad configuration with exit 1 and one line naming each variable, a secret named but not shown', async () => {
    const exit = await runFixture({ FIXTURE_SCENARIO: 'runs', PORT: '99999', FIXTURE_TOKEN: 'short-secret' });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/^coldchain-fixture: invalid configuration: [^\n]*\n$/);
    expect(exit.stderr).toContain('PORT="99999": must be 0–65535');
    expect(exit.stderr).toContain('FIXTURE_TOKEN=(hidden)');
    expect(exit.stderr).not.toContain('short-secret');
    expect(exit.stdout).toBe('');
  });

  it('stops on a StartupError with exit 1 and its message on one line, without a stack', async () => {
    const exit = await runFixture({ FIXTURE_SCENARIO: 'port-in-use', PORT: '8181' });
    expect(exit).toMatchObject({ code: 1, stderr: 'coldchain-fixture: HTTP port 8181 is already in use. Set PORT to another port.\n' });
  });

  it('reports any other error in start with its stack, exit 1', async () => {
    const exit = await runFixture({ FIXTURE_SCENARIO: 'bug' });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/^coldchain-fixture: failed to start: Error: a bug in start\n\s+at /);
  });

  it('stops the service once on SIGTERM, a second SIGTERM not cutting the stop short, and exits 0', async () => {
    const exit = await runFixture({ FIXTURE_SCENARIO: 'runs' }, (entry, kill) => {
      if (entry.msg === 'fixture.started' || entry.msg === 'shutdown') kill('SIGTERM');
    });
    expect(exit).toMatchObject({ code: 0, signal: null, stderr: '' });
    const logged = messages(exit.stdout);
    // Sorted: pino writes stdout asynchronously and flushes what is queued at exit, so the last two lines
    // can swap.
    expect(logged.map((entry) => entry.msg).sort()).toEqual(['fixture.started', 'fixture.stopped', 'shutdown', 'stopped']);
    expect(logged.find((entry) => entry.msg === 'shutdown')).toMatchObject({ name: 'coldchain-fixture', signal: 'SIGTERM', inFlight: 3 });
  });

  it('exits 1 when stopping fails, logging why', async () => {
    const exit = await runFixture({ FIXTURE_SCENARIO: 'stop-fails' }, (entry, kill) => {
      if (entry.msg === 'fixture.started') kill('SIGINT');
    });
    expect(exit.code).toBe(1);
    const failed = messages(exit.stdout).find((entry) => entry.msg === 'shutdown.failed');
    expect(failed).toMatchObject({ err: { message: 'the store was already closed' } });
  });
});
