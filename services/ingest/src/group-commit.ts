import type { EvidenceMessage, StoredReading } from '@coldchain/storage';

/**
 * Group commit: one commit runs at a time, and every write that arrives while it runs goes into the
 * next one together, so many messages share one transaction (and one fsync). Each caller's promise
 * settles when the commit holding its readings (and its message, kept as evidence) has, so nothing is
 * acknowledged early.
 */
export function createGroupCommitter(commit: (readings: StoredReading[], messages: EvidenceMessage[]) => Promise<unknown>) {
  type Waiter = { readings: readonly StoredReading[]; message: EvidenceMessage | undefined; resolve: () => void; reject: (error: unknown) => void };
  let waiting: Waiter[] = [];
  let isScheduled = false;
  let isCommitting = false;
  let idleWaiters: (() => void)[] = [];

  async function flush(): Promise<void> {
    isScheduled = false;
    if (isCommitting) return;
    if (waiting.length === 0) {
      for (const resolve of idleWaiters.splice(0)) resolve();
      return;
    }
    isCommitting = true;
    const group = waiting;
    waiting = [];
    try {
      const messages: EvidenceMessage[] = [];
      for (const w of group) if (w.message) messages.push(w.message);
      await commit(group.flatMap((w) => w.readings), messages);
      for (const w of group) w.resolve();
    } catch (error) {
      for (const w of group) w.reject(error);
    } finally {
      isCommitting = false;
    }
    void flush();
  }

  const write = (readings: readonly StoredReading[], message?: EvidenceMessage): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ readings, message, resolve, reject });
      if (isScheduled || isCommitting) return;
      isScheduled = true;
      // After the I/O callbacks of this turn: messages parsed from the sockets meanwhile join in.
      setImmediate(() => void flush());
    });
  /** Resolves once every write handed over so far has been committed or has failed. */
  const idle = (): Promise<void> =>
    isCommitting || isScheduled || waiting.length > 0 ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve();
  return Object.assign(write, { idle });
}
