import { describe, expect, it } from 'vitest';
import { describeSystemResolution, SYSTEM_RESOLUTIONS, systemResolutionNote } from './system-resolutions.ts';
import type { SystemResolution } from './system-resolutions.ts';

describe('system resolutions', () => {
  it.each(Object.keys(SYSTEM_RESOLUTIONS) as SystemResolution[])('%s is stored as a code and read back in both languages', (code) => {
    const note = systemResolutionNote(code);
    expect(note).toBe(`system.${code}`);
    const words = describeSystemResolution(note);
    expect(words).toEqual(SYSTEM_RESOLUTIONS[code]);
    // Chinese first: the Chinese words are Chinese, not the English ones copied.
    expect(words!.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(words!.en).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('names the limit the excursion alert took over from', () => {
    expect(describeSystemResolution('system.limit_crossed', { direction: 'above', thresholdC: 15 })).toEqual({ zh: '已高于 15 °C，由超温告警接续', en: 'above 15 °C now: the excursion alert takes over' });
    expect(describeSystemResolution('system.limit_crossed', { direction: 'below', thresholdC: 1 })!.zh).toBe('已低于 1 °C，由超温告警接续');
  });

  it.each<[string | null]>([[null], ['冷库空调已修复，抽检果温 4 °C'], ['system.no_such_code'], ['system.toString'], ['system: the trend no longer reaches the limit']])('leaves %j to be shown as written', (note) => {
    expect(describeSystemResolution(note)).toBeUndefined();
  });
});
