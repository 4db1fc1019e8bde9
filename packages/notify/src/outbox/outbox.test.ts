import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../channels/webhook.ts';
import { formatDingTalkMessage } from '../channels/dingtalk.ts';
import { sampleAlertEvent, T0 } from '../events.fixture.ts';
import { startReceiver } from './http-receiver.fixture.ts';
import type { ReceivedRequest, Receiver, ReceiverReply } from './http-receiver.fixture.ts';
import { Outbox } from './outbox.ts';
import type { OutboxOptions } from './outbox.ts';

const SECRET = 'whsec_carrier';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A clock the test moves by hand. */
function manualClock(start = T0) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-outbox-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'outbox.db');
}

function openOutbox(path: string, clock: { now: () => number }, options: Partial<OutboxOptions> = {}): Outbox {
  const outbox = new Outbox({ path, now: clock.now, random: () => 0.5, ...options });
  cleanups.push(() => outbox.close());
  return outbox;
}

async function receiver(reply: (request: ReceivedRequest, index: number) => ReceiverReply): Promise<Receiver> {
  const started = await startReceiver(reply);
  cleanups.push(() => started.close());
  return started;
}

/**
 * A carrier's endpoint done right: it refuses a bad signature or a stale timestamp, stores each delivery
 * key once, and answers 200 to a duplicate. `fail(index)` lets a test make it fail some requests.
 */
async function carrierEndpoint(clock: { now: () => number }, fail: (index: number, request: ReceivedRequest) => ReceiverReply | null = () => null) {
  const stored = new Map<string, string>();
  const verdicts: boolean[] = [];
  const endpoint = await receiver((request, index) => {
    const check = verifyWebhookSignature(
      SECRET,
      request.headers['x-coldchain-timestamp'] as string,
      request.body,
      request.headers['x-coldchain-signature'] as string,
      clock.now(),
    );
    verdicts.push(check.ok);
    if (!check.ok) return { status: 401, body: check.code };
    const failure = fail(index, request);
    if (failure) return failure;
    const key = request.headers['x-coldchain-delivery'] as string;
    if (!stored.has(key)) stored.set(key, request.body);
    return { status: 200, body: '{"received":true}' };
  });
  return { endpoint, stored, verdicts };
}

const webhookEntry = (key: string, url: string, payload: object = sampleAlertEvent()) => ({ key, channel: 'webhook' as const, url, secret: SECRET, payload });

/** Runs passes, moving the clock to each next attempt, until nothing is pending (at most `maxPasses`). */
async function deliverUntilSettled(outbox: Outbox, clock: { t: number }, maxPasses = 20): Promise<void> {
  for (let pass = 0; pass < maxPasses; pass++) {
    await outbox.deliverDue();
    const pending = await outbox.list({ status: 'pending' });
    if (pending.length === 0) return;
    // The oldest pending delivery of each URL is the one waiting for its retry; the rest queue behind it.
    const heads = new Map<string, number>();
    for (const d of pending) if (!heads.has(d.url)) heads.set(d.url, d.nextAttemptAt!);
    clock.t = Math.max(clock.t, Math.min(...heads.values()));
  }
  throw new Error(`still pending after ${maxPasses} passes`);
}

describe('outbox delivery over real HTTP', () => {
  it('retries a 503 with backoff under the same delivery key; the receiver verifies each attempt and stores once', async () => {
    const clock = manualClock();
    const { endpoint, stored, verdicts } = await carrierEndpoint(clock, (index) => (index < 2 ? { status: 503, body: 'busy' } : null));
    const outbox = openOutbox(tempPath(), clock);
    const event = sampleAlertEvent();
    expect(await outbox.enqueue(webhookEntry('alert.opened:al-1@carrier', endpoint.url, event))).toMatchObject({ ok: true, isNew: true });

    expect(await outbox.deliverDue()).toBe(1);
    const [afterFirst] = await outbox.list({ status: 'pending' });
    // 1 s doubling, equal jitter at random 0.5: 750 ms, then 1,500 ms
    expect(afterFirst).toMatchObject({ attempts: 1, lastHttpStatus: 503, lastError: 'HTTP 503: busy', nextAttemptAt: T0 + 750 });
    expect(await outbox.deliverDue()).toBe(0); // not due yet
    clock.t = T0 + 750;
    await outbox.deliverDue();
    expect((await outbox.get('alert.opened:al-1@carrier'))?.nextAttemptAt).toBe(T0 + 750 + 1_500);
    clock.t = T0 + 2_250;
    await outbox.deliverDue();

    expect(endpoint.requests).toHaveLength(3);
    expect(new Set(endpoint.requests.map((r) => r.headers['x-coldchain-delivery']))).toEqual(new Set(['alert.opened:al-1@carrier']));
    expect(endpoint.requests.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
    expect(verdicts).toEqual([true, true, true]);
    expect([...stored.values()].map((body) => JSON.parse(body))).toEqual([event]);
    expect(await outbox.stats()).toEqual({ pending: 0, delivered: 1, dead: 0 });
    expect((await outbox.attempts('alert.opened:al-1@carrier')).map((a) => [a.outcome, a.httpStatus])).toEqual([
      ['retry', 503],
      ['retry', 503],
      ['delivered', 200],
    ]);
  });

  it('sends again when the reply was lost after the receiver stored it; the receiver keeps one copy', async () => {
    const clock = manualClock();
    let isFirst = true;
    const { endpoint, stored } = await carrierEndpoint(clock, (_, request) => {
      if (!isFirst) return null;
      isFirst = false;
      stored.set(request.headers['x-coldchain-delivery'] as string, request.body);
      return 'reset';
    });
    const outbox = openOutbox(tempPath(), clock);
    await outbox.enqueue(webhookEntry('k-lost-reply', endpoint.url));
    await deliverUntilSettled(outbox, clock);
    expect(endpoint.requests).toHaveLength(2);
    expect(stored.size).toBe(1);
    const [first] = await outbox.attempts('k-lost-reply');
    expect(first).toMatchObject({ outcome: 'retry', httpStatus: null, error: expect.stringContaining('fetch failed') });
  });

  it('marks a 400 dead at once, keeps it with its error, and does not send it again', async () => {
    const clock = manualClock();
    const endpoint = await receiver(() => ({ status: 400, body: '{"error":"unknown shipment"}' }));
    const outbox = openOutbox(tempPath(), clock);
    await outbox.enqueue(webhookEntry('k-400', endpoint.url));
    await outbox.deliverDue();
    clock.t += 3_600_000;
    await outbox.deliverDue();
    expect(endpoint.requests).toHaveLength(1);
    expect(await outbox.stats()).toEqual({ pending: 0, delivered: 0, dead: 1 });
    expect(await outbox.list({ status: 'dead' })).toMatchObject([
      { key: 'k-400', attempts: 1, lastHttpStatus: 400, lastError: 'HTTP 400: {"error":"unknown shipment"}', deadAt: T0, nextAttemptAt: null },
    ]);
  });

  it('gives up after the maximum age, marking the delivery dead with the last error; a requeue sends it again', async () => {
    const clock = manualClock();
    const refused = await startReceiver(() => ({ status: 200 }));
    const closedUrl = refused.url;
    await refused.close(); // nothing listens there any more: connection refused
    const outbox = openOutbox(tempPath(), clock, { maxAgeMs: 60_000 });
    await outbox.enqueue(webhookEntry('k-unreachable', closedUrl));
    await deliverUntilSettled(outbox, clock);
    const [dead] = await outbox.list({ status: 'dead' });
    expect(dead).toMatchObject({ key: 'k-unreachable', status: 'dead', lastHttpStatus: null });
    expect(dead!.lastError).toMatch(/^gave up after \d+ attempts: fetch failed: ECONNREFUSED$/);
    expect(dead!.deadAt! - T0).toBeGreaterThanOrEqual(60_000);
    const attempts = await outbox.attempts('k-unreachable');
    expect(attempts.length).toBe(dead!.attempts);
    expect(attempts.slice(0, -1).every((a) => a.outcome === 'retry' && a.error === 'fetch failed: ECONNREFUSED')).toBe(true);
    expect(attempts.at(-1)?.outcome).toBe('dead');

    expect(await outbox.requeue('k-unreachable')).toBe(true);
    expect(await outbox.requeue('k-unreachable')).toBe(false); // no longer dead
    expect(await outbox.stats()).toEqual({ pending: 1, delivered: 0, dead: 0 });
  });

  it('delivers a pending message after the outbox is closed and reopened on the same file', async () => {
    const clock = manualClock();
    const { endpoint, stored } = await carrierEndpoint(clock, (index) => (index === 0 ? { status: 503 } : null));
    const path = tempPath();
    const first = openOutbox(path, clock);
    await first.enqueue(webhookEntry('k-restart', endpoint.url));
    await first.deliverDue();
    await first.close();

    clock.t += 10_000;
    const second = openOutbox(path, clock);
    expect(await second.stats()).toEqual({ pending: 1, delivered: 0, dead: 0 });
    await second.deliverDue();
    expect(await second.stats()).toEqual({ pending: 0, delivered: 1, dead: 0 });
    expect(stored.size).toBe(1);
    expect((await second.attempts('k-restart')).map((a) => a.outcome)).toEqual(['retry', 'delivered']);
  });

  it('retries after a restart an attempt cut off by close, under the same key', async () => {
    const clock = manualClock();
    const { endpoint, stored } = await carrierEndpoint(clock, (index) => (index === 0 ? 'hang' : null));
    const path = tempPath();
    const first = openOutbox(path, clock);
    await first.enqueue(webhookEntry('k-in-flight', endpoint.url));
    const pass = first.deliverDue();
    await endpoint.waitForRequests(1);
    await first.close();
    await pass;

    const second = openOutbox(path, clock);
    await second.deliverDue();
    expect(endpoint.requests.map((r) => r.headers['x-coldchain-delivery'])).toEqual(['k-in-flight', 'k-in-flight']);
    expect(stored.size).toBe(1);
    expect((await second.attempts('k-in-flight')).map((a) => a.outcome)).toEqual(['interrupted', 'delivered']);
  });

  it('makes the same key enqueued twice one delivery, before and after it is sent', async () => {
    const clock = manualClock();
    const { endpoint } = await carrierEndpoint(clock);
    const outbox = openOutbox(tempPath(), clock);
    expect(await outbox.enqueue(webhookEntry('k-once', endpoint.url))).toMatchObject({ ok: true, isNew: true });
    expect(await outbox.enqueue(webhookEntry('k-once', endpoint.url))).toMatchObject({ ok: true, isNew: false, delivery: { status: 'pending' } });
    await outbox.deliverDue();
    expect(await outbox.enqueue(webhookEntry('k-once', endpoint.url))).toMatchObject({ ok: true, isNew: false, delivery: { status: 'delivered' } });
    await outbox.deliverDue();
    expect(endpoint.requests).toHaveLength(1);
    expect(await outbox.stats()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it('keeps order per destination: a failing message holds back the later ones to its URL, not other URLs', async () => {
    const clock = manualClock();
    let failuresLeft = 2;
    const seq = (r: ReceivedRequest) => (JSON.parse(r.body) as { seq: number }).seq;
    const first = await receiver((r) => {
      if (seq(r) === 0) return { status: 410, body: 'gone' }; // a dead head must not block the queue
      if (seq(r) === 1 && failuresLeft-- > 0) return { status: 503 };
      return { status: 200 };
    });
    const second = await receiver(() => ({ status: 200 }));
    const outbox = openOutbox(tempPath(), clock, { concurrency: 2 });
    for (const n of [0, 1, 2, 3]) await outbox.enqueue({ key: `a-${n}`, channel: 'wecom', url: first.url, payload: { seq: n } });
    await outbox.enqueue({ key: 'b-0', channel: 'wecom', url: second.url, payload: { seq: 0 } });

    await outbox.deliverDue();
    expect(first.requests.map(seq)).toEqual([0, 1]);
    expect(second.requests.map(seq)).toEqual([0]);
    await deliverUntilSettled(outbox, clock);
    expect(first.requests.map(seq)).toEqual([0, 1, 1, 1, 2, 3]);
    expect(await outbox.stats()).toEqual({ pending: 0, delivered: 4, dead: 1 });
  });

  it('retries a DingTalk robot that answers HTTP 200 with a nonzero errcode, signing each attempt afresh', async () => {
    const clock = manualClock();
    const robotSecret = 'SECrobot';
    const robot = await receiver((request, index) => {
      const query = new URL(request.path, 'http://x').searchParams;
      const timestamp = query.get('timestamp')!;
      const expected = createHmac('sha256', robotSecret).update(`${timestamp}\n${robotSecret}`).digest('base64');
      if (query.get('sign') !== expected || query.get('access_token') !== 'tok') return { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' };
      return index === 0 ? { status: 200, body: '{"errcode":130101,"errmsg":"send too fast"}' } : { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
    });
    const outbox = openOutbox(tempPath(), clock);
    const payload = formatDingTalkMessage(sampleAlertEvent(), { baseUrl: 'https://cc.example.cn' });
    await outbox.enqueue({ key: 'k-ding', channel: 'dingtalk', url: `${robot.url}?access_token=tok`, secret: robotSecret, payload });
    await deliverUntilSettled(outbox, clock);
    expect(robot.requests).toHaveLength(2);
    const timestamps = robot.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('timestamp'));
    expect(timestamps).toEqual([String(T0), String(T0 + 750)]);
    expect(JSON.parse(robot.requests[1]!.body)).toEqual(payload);
    expect((await outbox.attempts('k-ding')).map((a) => a.error)).toEqual(['dingtalk code 130101: send too fast', null]);
    // The API shows neither the robot's access token nor its secret.
    const [shown] = await outbox.list();
    expect(shown!.url).toBe(`${robot.url}?access_token=***`);
    expect(JSON.stringify(shown)).not.toContain(robotSecret);
  });

  it('refuses a bad entry naming the field, and keeps what was accepted', async () => {
    const outbox = openOutbox(tempPath(), manualClock());
    await outbox.enqueue({ key: 'ok-1', channel: 'wecom', url: 'http://127.0.0.1:9/hook', payload: {} });
    expect(await outbox.enqueue({ key: 'k', channel: 'webhook', url: 'http://127.0.0.1:9/hook', payload: {} })).toMatchObject({ ok: false, field: 'secret' });
    expect(await outbox.stats()).toEqual({ pending: 1, delivered: 0, dead: 0 });
  });
});

describe('outbox worker', () => {
  it('drives retries with the injected timer until delivered', async () => {
    const clock = manualClock();
    const { endpoint, stored } = await carrierEndpoint(clock, (index) => (index < 2 ? { status: 503 } : null));
    const slept: number[] = [];
    // Virtual time: each nap moves the clock by what was asked, after 1 ms of real time.
    const sleep = (ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          slept.push(ms);
          clock.t += ms;
          resolve();
        }, 1);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    const outbox = openOutbox(tempPath(), clock, { sleep });
    await outbox.enqueue(webhookEntry('k-worker', endpoint.url));
    outbox.start();
    await endpoint.waitForRequests(3);
    await outbox.close();
    expect(stored.size).toBe(1);
    expect(slept.slice(0, 2)).toEqual([750, 1_500]);
  });

  it('wakes on enqueue instead of waiting for its next poll', async () => {
    const { endpoint } = await carrierEndpoint({ now: Date.now });
    const outbox = openOutbox(tempPath(), { now: Date.now }, { idlePollMs: 60_000 });
    outbox.start();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the worker is asleep on an empty queue
    await outbox.enqueue(webhookEntry('k-wake', endpoint.url));
    await endpoint.waitForRequests(1, 2_000);
    await outbox.close();
  });
});
