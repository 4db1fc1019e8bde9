import { describe, expect, it } from 'vitest';
import { formatDuration, formatPct, formatTempC, formatTime, formatTimeWithOffset, formatYuan, keepUnitsTogether } from './report-format.ts';

const NBSP = '\u00a0';

describe('report formats', () => {
  it('shows times in China time (UTC+8), across the date line', () => {
    const t = Date.UTC(2025, 5, 9, 22, 5); // 06:05 on 10 June in China
    expect(formatTimeWithOffset(t)).toBe('2025-06-10 06:05 UTC+8');
    expect(formatTime(t)).toBe('2025-06-10 06:05');
  });

  it.each([
    [0, '0 min', '0 分钟', '0分钟'],
    [42 * 60_000 + 20_000, '42 min', '42 分钟', '42分钟'],
    [60 * 60_000, '1 h', '1 小时', '1小时'],
    [(3 * 60 + 5) * 60_000, '3 h 05 min', '3 小时 5 分钟', '3小时5分'],
    [(49 * 60 + 59) * 60_000 + 40_000, '50 h', '50 小时', '50小时'],
  ])('formats %d ms as %s / %s / %s', (ms, en, zh, zhCompact) => {
    expect(formatDuration(ms, 'en')).toBe(en);
    expect(formatDuration(ms, 'zh')).toBe(zh);
    expect(formatDuration(ms, 'zh', { isCompact: true })).toBe(zhCompact);
  });

  it('shows money in yuan from cents, with separators', () => {
    expect(formatYuan(4_093_579, 'zh')).toBe('¥40,935.79');
    expect(formatYuan(4_093_579, 'en')).toBe('CNY 40,935.79');
    expect(formatYuan(5, 'zh')).toBe('¥0.05');
    expect(formatYuan(123_456_700, 'en')).toBe('CNY 1,234,567.00');
  });

  it('gives temperatures one decimal and keeps units on the line of their numbers', () => {
    expect(formatTempC(4.75)).toBe(`4.8${NBSP}°C`);
    expect(formatTempC(-0.04)).toBe(`0.0${NBSP}°C`);
    expect(formatTempC(-1.25)).toBe(`-1.2${NBSP}°C`);
    expect(formatTempC(null)).toBe('–');
    expect(formatPct(7.46)).toBe(`7.5${NBSP}%`);
    expect(formatPct(163.4)).toBe(`163${NBSP}%`);
    expect(keepUnitsTogether('above 15 °C, 54 % used')).toBe(`above 15${NBSP}°C, 54${NBSP}% used`);
  });
});
