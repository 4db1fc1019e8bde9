import { describe, expect, it } from 'vitest';
import { formatMinutes } from './text.ts';

const MIN = 60_000;

describe('formatMinutes', () => {
  it.each<{ ms: number; zh: string; en: string }>([
    { ms: 0, zh: '0 分钟', en: '0 min' },
    { ms: 29_999, zh: '0 分钟', en: '0 min' },
    { ms: 30_000, zh: '1 分钟', en: '1 min' },
    { ms: 45 * MIN, zh: '45 分钟', en: '45 min' },
    { ms: 119 * MIN, zh: '119 分钟', en: '119 min' },
    { ms: 120 * MIN, zh: '2 小时', en: '2 h' },
    { ms: 135 * MIN, zh: '2 小时 15 分钟', en: '2 h 15 min' },
    { ms: 26 * 60 * MIN, zh: '26 小时', en: '26 h' },
  ])('$ms ms → $en', ({ ms, zh, en }) => {
    expect(formatMinutes(ms)).toEqual({ zh, en });
  });
});
