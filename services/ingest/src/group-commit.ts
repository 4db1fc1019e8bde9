import type { StoredReading } from '@coldchain/storage';

/**
 * Group commit: writes that arrive while one commit runs (from other MQTT connections of a shared
 * subscription) go into the next commit together, so several messages share one fsync. Each caller's
 * promise settles when the commit holding its readings has, so nothing is acknowledged early.
 */
export function createGroupCommitter(commit: (readings: StoredReading[]) => Promise<{ inserted: number; duplicates: number }>) {
  type Waiter = { readings: readonly StoredReading[]; resolve: () => void; reject: (error: unknown) => void };
  let waiting: Waiter[] = [];
  let isScheduled = false;

  async function flush(): Promise<void> {
    isScheduled = false;
    const group = waiting;
    waiting = [];
    try {
      await commit(group.flatMap((w) => w.readings));
      for (const w of group) w.resolve();
    } catch (error) {
      for (const w of group) w.reject(error);
    }
  }

  return (readings: readonly StoredReading[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ readings, resolve, reject });
      if (isScheduled) return;
      isScheduled = true;
      // After the I/O callbacks of this turn: messages parsed from several sockets meanwhile join in.
      setImmediate(() => void flush());
    });
}
