import { describe, expect, it } from 'vitest';
import { addressKey, createCheckQueue, createConnectThrottle, DEFAULT_THROTTLE_SETTINGS } from './connect-throttle.ts';
import type { SlotGrant, ThrottleSettings } from './connect-throttle.ts';

const S = 1000;
const T0 = Date.UTC(2026, 6, 1, 8, 0);
const settings: ThrottleSettings = { ...DEFAULT_THROTTLE_SETTINGS, addressBurst: 3, addressRefillMs: 10 * S, usernameBurst: 2, usernameRefillMs: 30 * S, goodStandingMs: 60 * S };

type Step = { atS: number; address: string; username?: string; outcome: 'fail' | 'succeed' | 'admit' };
type Expected = { kind: 'check' | 'refuse'; isTrusted?: boolean };

/** Plays `history` (each step admitted first, then recorded as it says), then asks about `probe`. */
function decide(history: Step[], probe: Omit<Step, 'outcome'>, overrides: Partial<ThrottleSettings> = {}) {
  const throttle = createConnectThrottle({ ...settings, ...overrides });
  for (const step of history) {
    const now = T0 + step.atS * S;
    if (throttle.admit(step.address, step.username, now).kind === 'refuse') continue;
    if (step.outcome === 'fail') throttle.recordFailure(step.address, step.username, now);
    if (step.outcome === 'succeed') throttle.recordSuccess(step.address, now);
  }
  return throttle.admit(probe.address, probe.username, T0 + probe.atS * S);
}

const failures = (count: number, address: string, username: string | undefined, fromS = 0): Step[] =>
  Array.from({ length: count }, (_, i) => ({ atS: fromS + i * 0.1, address, username, outcome: 'fail' as const }));

const FLOOD = '127.0.0.2';
const DEVICE = '127.0.0.1';

describe('createConnectThrottle', () => {
  it.each<{ name: string; history: Step[]; probe: Omit<Step, 'outcome'>; expected: Expected; overrides?: Partial<ThrottleSettings> }>([
    { name: 'a fresh address is checked and trusted', history: [], probe: { atS: 0, address: DEVICE, username: 'logger-1' }, expected: { kind: 'check', isTrusted: true } },
    { name: 'one failure: still checked, no longer trusted', history: failures(1, FLOOD, 'x-1'), probe: { atS: 1, address: FLOOD, username: 'x-2' }, expected: { kind: 'check', isTrusted: false } },
    { name: 'burst used up: the address is refused unchecked', history: failures(3, FLOOD, undefined), probe: { atS: 1, address: FLOOD, username: 'x-9' }, expected: { kind: 'refuse' } },
    { name: 'one refill interval later it gets one more check', history: failures(3, FLOOD, undefined), probe: { atS: 10.3, address: FLOOD, username: 'x-9' }, expected: { kind: 'check', isTrusted: false } },
    { name: 'refused attempts do not count: still one check per interval', history: [...failures(3, FLOOD, undefined), ...Array.from({ length: 50 }, (_, i): Step => ({ atS: 1 + i * 0.1, address: FLOOD, outcome: 'fail' }))], probe: { atS: 10.3, address: FLOOD }, expected: { kind: 'check', isTrusted: false } },
    { name: 'another address is not affected by the flood', history: failures(3, FLOOD, 'logger-1'), probe: { atS: 1, address: DEVICE, username: 'logger-1' }, expected: { kind: 'check', isTrusted: true } },
    { name: 'after goodStandingMs without failures the address is trusted again', history: failures(1, FLOOD, undefined), probe: { atS: 60.1, address: FLOOD }, expected: { kind: 'check', isTrusted: true } },
    {
      name: 'device id over budget: an address with failures is refused unchecked',
      history: [...failures(1, '10.0.0.1', 'logger-1'), ...failures(1, '10.0.0.2', 'logger-1')],
      probe: { atS: 1, address: '10.0.0.1', username: 'logger-1' },
      expected: { kind: 'refuse' },
    },
    {
      name: 'device id over budget: the real device, in good standing, is still checked',
      history: [...failures(1, '10.0.0.1', 'logger-1'), ...failures(1, '10.0.0.2', 'logger-1'), ...failures(1, '10.0.0.3', 'logger-1')],
      probe: { atS: 1, address: DEVICE, username: 'logger-1' },
      expected: { kind: 'check', isTrusted: true },
    },
    {
      name: 'device id over budget does not touch other ids from a suspect address',
      history: [...failures(1, '10.0.0.1', 'logger-1'), ...failures(1, '10.0.0.2', 'logger-1')],
      probe: { atS: 1, address: '10.0.0.1', username: 'logger-2' },
      expected: { kind: 'check', isTrusted: false },
    },
    {
      name: 'a success refills the address budget',
      history: [...failures(3, DEVICE, 'logger-1').slice(0, 2), { atS: 1, address: DEVICE, username: 'logger-1', outcome: 'succeed' }, ...failures(2, DEVICE, 'logger-1', 2)],
      probe: { atS: 3, address: DEVICE, username: 'logger-3' },
      expected: { kind: 'check', isTrusted: false },
    },
    {
      name: 'a success does not restore good standing: a valid login cannot launder guesses at an id over budget',
      history: [...failures(2, FLOOD, 'victim'), { atS: 1, address: FLOOD, username: 'mine', outcome: 'succeed' }],
      probe: { atS: 2, address: FLOOD, username: 'victim' },
      expected: { kind: 'refuse' },
    },
    { name: 'switched off: a flooding address is still checked', history: failures(20, FLOOD, 'logger-1'), probe: { atS: 3, address: FLOOD, username: 'logger-1' }, expected: { kind: 'check', isTrusted: true }, overrides: { isEnabled: false } },
    { name: 'IPv6 addresses share the budget of their /64', history: failures(3, '2001:db8:1:2::a', undefined), probe: { atS: 1, address: '2001:db8:1:2:ffff::9' }, expected: { kind: 'refuse' } },
    { name: 'an IPv4-mapped address is its IPv4 address', history: failures(3, `::ffff:${FLOOD}`, undefined), probe: { atS: 1, address: FLOOD }, expected: { kind: 'refuse' } },
  ])('$name', ({ history, probe, expected, overrides }) => {
    expect(decide(history, probe, overrides)).toMatchObject(expected);
  });

  it('forgets the least recently failed key past maxTrackedKeys, so a wide flood holds bounded memory', () => {
    const throttle = createConnectThrottle({ ...settings, maxTrackedKeys: 100 });
    for (let i = 0; i < 3; i++) throttle.recordFailure('10.9.9.9', 'logger-1', T0);
    for (let i = 0; i < 5000; i++) throttle.recordFailure(`10.0.${i >> 8}.${i & 255}`, `id-${i}`, T0 + i);
    expect(throttle.trackedKeys()).toEqual({ addresses: 100, usernames: 100 });
    // The oldest address was forgotten: it starts afresh (the price of the bound).
    expect(throttle.admit('10.9.9.9', undefined, T0 + 5000).kind).toBe('check');
    // The newest is still throttled after its next two failures.
    throttle.recordFailure('10.0.19.135', undefined, T0 + 5000);
    throttle.recordFailure('10.0.19.135', undefined, T0 + 5000);
    expect(throttle.admit('10.0.19.135', undefined, T0 + 5000).kind).toBe('refuse');
  });
});

describe('addressKey', () => {
  it.each([
    ['127.0.0.2', '127.0.0.2'],
    ['::ffff:127.0.0.2', '127.0.0.2'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['', 'unknown'],
  ])('%s -> %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});

describe('createCheckQueue', () => {
  /** Records what each acquire resolved to, by label, once the microtasks have run. */
  function harness(maxConcurrentChecks: number, maxQueuedChecks: number) {
    const queue = createCheckQueue({ maxConcurrentChecks, maxQueuedChecks });
    const grants: Record<string, SlotGrant> = {};
    const acquire = (label: string, isTrusted: boolean) => void queue.acquire(isTrusted).then((grant) => (grants[label] = grant));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    return { queue, grants, acquire, settle };
  }

  it('runs at most maxConcurrentChecks at once and hands a released slot to the next', async () => {
    const { queue, grants, acquire, settle } = harness(2, 10);
    ['a', 'b', 'c'].forEach((label) => acquire(label, true));
    await settle();
    expect(grants).toEqual({ a: 'granted', b: 'granted' });
    expect(queue.load()).toEqual({ running: 2, queued: 1 });
    queue.release();
    await settle();
    expect(grants.c).toBe('granted');
    expect(queue.load()).toEqual({ running: 2, queued: 0 });
  });

  it('gives a trusted waiter the next slot ahead of suspect ones queued before it', async () => {
    const { queue, grants, acquire, settle } = harness(1, 10);
    acquire('running', false);
    acquire('suspect-1', false);
    acquire('suspect-2', false);
    acquire('device', true);
    await settle();
    queue.release();
    await settle();
    expect(grants).toEqual({ running: 'granted', device: 'granted' });
  });

  it('when full, refuses a suspect newcomer and lets a trusted one displace the newest suspect', async () => {
    const { grants, acquire, settle } = harness(1, 2);
    acquire('running', true);
    acquire('suspect-1', false);
    acquire('suspect-2', false);
    acquire('suspect-3', false);
    acquire('device', true);
    await settle();
    expect(grants).toEqual({ running: 'granted', 'suspect-3': 'queue_full', 'suspect-2': 'displaced' });
  });

  it('refuses a trusted newcomer only when every waiter is trusted', async () => {
    const { grants, acquire, settle } = harness(1, 1);
    acquire('running', true);
    acquire('device-1', true);
    acquire('device-2', true);
    await settle();
    expect(grants).toEqual({ running: 'granted', 'device-2': 'queue_full' });
  });
});
