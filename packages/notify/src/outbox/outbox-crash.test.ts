import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../channels/webhook.ts';
import { startReceiver } from './http-receiver.fixture.ts';
import { Outbox } from './outbox.ts';

const fixture = fileURLToPath(new URL('./outbox-crash.fixture.ts', import.meta.url));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('retries a delivery whose process was killed mid-request; the receiver deduplicates on the delivery key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-outbox-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'outbox.db');

  // The receiver stores the first request, then never answers it: the sender dies not knowing.
  const stored = new Map<string, string>();
  const receiver = await startReceiver((request, index) => {
    const check = verifyWebhookSignature('whsec_carrier', request.headers['x-coldchain-timestamp'] as string, request.body, request.headers['x-coldchain-signature'] as string, Date.now());
    if (!check.ok) return { status: 401 };
    const key = request.headers['x-coldchain-delivery'] as string;
    if (!stored.has(key)) stored.set(key, request.body);
    return index === 0 ? 'hang' : { status: 200 };
  });
  cleanups.push(() => receiver.close());

  const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, receiver.url], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  cleanups.push(() => void child.kill('SIGKILL'));
  await receiver.waitForRequests(1, 20_000).catch((error: Error) => {
    throw new Error(`${error.message}; child stderr: ${stderr}`);
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const outbox = new Outbox({ path });
  cleanups.push(() => outbox.close());
  expect(await outbox.attempts('k-crash')).toMatchObject([{ attempt: 1, outcome: 'interrupted' }]);
  await outbox.deliverDue();

  expect(receiver.requests.map((r) => r.headers['x-coldchain-delivery'])).toEqual(['k-crash', 'k-crash']);
  expect(stored.size).toBe(1);
  expect(await outbox.stats()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  expect((await outbox.attempts('k-crash')).map((a) => a.outcome)).toEqual(['interrupted', 'delivered']);
});
