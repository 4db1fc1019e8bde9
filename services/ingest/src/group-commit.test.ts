import { describe, expect, it } from 'vitest';
import type { StoredReading } from '@coldchain/storage';
import { createGroupCommitter } from './group-commit.ts';

const reading = (deviceId: string, sampledAt: number): StoredReading => ({ deviceId, sampledAt, tempC: 4, rhPct: null, receivedAt: sampledAt });

describe('group commit', () => {
  it('puts writes made in one turn into one commit, and settles each only after it', async () => {
    const commits: StoredReading[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const write = createGroupCommitter(async (readings) => {
      commits.push(readings);
      await gate;
      return { inserted: readings.length, duplicates: 0 };
    });
    const settled: string[] = [];
    const a = write([reading('a', 1)]).then(() => settled.push('a'));
    const b = write([reading('b', 1), reading('b', 2)]).then(() => settled.push('b'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits).toHaveLength(1);
    expect(commits[0]).toHaveLength(3);
    expect(settled).toEqual([]);
    // A write while the first commit runs waits for the next one.
    const c = write([reading('c', 1)]).then(() => settled.push('c'));
    release();
    await Promise.all([a, b, c]);
    expect(commits.map((group) => group.length)).toEqual([3, 1]);
    expect(settled.sort()).toEqual(['a', 'b', 'c']);
  });

  it('fails every write of a failed commit, so none of their messages is acknowledged', async () => {
    const write = createGroupCommitter(async () => {
      throw new Error('disk full');
    });
    const results = await Promise.allSettled([write([reading('a', 1)]), write([reading('b', 1)])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('runs one commit at a time, and says when every write handed over is done', async () => {
    let running = 0;
    let most = 0;
    const write = createGroupCommitter(async (readings) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return { inserted: readings.length, duplicates: 0 };
    });
    let settled = 0;
    for (let i = 0; i < 10; i++) {
      void write([reading('a', i)]).then(() => settled++);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await write.idle();
    expect(settled).toBe(10);
    expect(most).toBe(1);
    await write.idle();
  });
});
