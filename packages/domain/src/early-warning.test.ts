import { describe, expect, it } from 'vitest';
import { DEFAULT_WARNINGS, detectCycling, forecastCrossing, pushToWindow, warningSettingsFor, windowOf } from './early-warning.ts';
import { LYCHEE } from './profiles.ts';

const MIN = 60_000;
const high = LYCHEE.limits.find((l) => l.id === 'high')!;
const low = LYCHEE.limits.find((l) => l.id === 'low')!;
const series = (temps: number[], stepMs = 5 * MIN) => windowOf(temps.map((tempC, i) => ({ sampledAt: i * stepMs, tempC })));

describe('forecastCrossing: "will cross 15 °C in about N minutes"', () => {
  it.each([
    // [name, temperatures every 5 min, expected minutes (or null)]
    ['steady at 4 °C: nothing', [4, 4.1, 3.9, 4, 4.1, 4, 4], null],
    ['warming 0.5 °C per 5 min, now 10 °C: crosses in about 50 min', [7, 7.5, 8, 8.5, 9, 9.5, 10], 50],
    ['warming 0.5 °C per 5 min, now 8 °C: 70 min away, beyond the hour', [5, 5.5, 6, 6.5, 7, 7.5, 8], null],
    ['warming fast, 1 °C per 5 min from 12 °C: about 15 min', [6, 7, 8, 9, 10, 11, 12], 15],
    ['warming slowly, 0.1 °C per 5 min: beyond the hour, nothing', [8, 8.1, 8.2, 8.3, 8.4, 8.5, 8.6], null],
    ['cooling: nothing', [12, 11, 10, 9, 8, 7, 6], null],
    ['already above 15 °C: the excursion rule has it, nothing', [13, 14, 15, 16, 17, 18, 19], null],
    ['too few readings in the window: nothing', [10, 12], null],
  ])('%s', (_name, temps, expectedMinutes) => {
    const forecast = forecastCrossing(series(temps), high, DEFAULT_WARNINGS.trend);
    if (expectedMinutes === null) expect(forecast.willCross).toBe(false);
    else {
      expect(forecast.willCross).toBe(true);
      if (forecast.willCross) expect(forecast.inMs / MIN).toBeCloseTo(expectedMinutes, 0);
    }
  });

  it('uses only the window before the last reading', () => {
    // An old rise, then flat for 40 min: the recent trend is flat.
    const temps = [2, 4, 6, 8, 10, 10, 10, 10, 10, 10, 10, 10, 10];
    expect(forecastCrossing(series(temps), high, DEFAULT_WARNINGS.trend).willCross).toBe(false);
  });

  it('forecasts a fall towards the low limit', () => {
    const forecast = forecastCrossing(series([4, 3.7, 3.4, 3.1, 2.8, 2.5, 2.2]), low, DEFAULT_WARNINGS.trend);
    expect(forecast.willCross).toBe(true);
  });
});

describe('detectCycling: reefer start-stop', () => {
  const cycle = (n: number) => Array.from({ length: n }, (_, i) => (i % 6 < 3 ? 3 + (i % 6) * 0.6 : 3 + (6 - (i % 6)) * 0.6));

  it('flags repeated swings of more than 0.8 °C within 3 h', () => {
    const result = detectCycling(series(cycle(36)), DEFAULT_WARNINGS.cycling);
    expect(result.isCycling).toBe(true);
    expect(result.swings).toBeGreaterThanOrEqual(4);
    expect(result.amplitudeC).toBeGreaterThan(0.8);
  });

  it('does not flag sensor noise around a steady set point', () => {
    const noise = Array.from({ length: 36 }, (_, i) => 4 + ((i * 37) % 7) / 20 - 0.15);
    expect(detectCycling(series(noise), DEFAULT_WARNINGS.cycling).isCycling).toBe(false);
  });

  it('does not flag one door opening (up once, down once)', () => {
    const door = [4, 4, 4, 5.5, 6, 5, 4.2, 4, 4, 4, 4, 4];
    const result = detectCycling(series(door), DEFAULT_WARNINGS.cycling);
    expect(result.swings).toBe(2);
    expect(result.isCycling).toBe(false);
  });

  it('forgets swings older than the window', () => {
    const old = [...cycle(24), ...Array.from({ length: 40 }, () => 4)];
    expect(detectCycling(series(old), DEFAULT_WARNINGS.cycling).isCycling).toBe(false);
  });
});

describe('the sample window', () => {
  it('keeps only the readings within its span, oldest first', () => {
    const window = windowOf([]);
    for (let i = 0; i < 50; i++) pushToWindow(window, i * 5 * MIN, i, 60 * MIN);
    expect(window.t).toHaveLength(13);
    expect(window.t[0]).toBe(37 * 5 * MIN);
    expect(window.v.at(-1)).toBe(49);
  });
});

describe('warning settings', () => {
  it('warns lychee on low humidity, other produce not by default', () => {
    expect(warningSettingsFor('lychee').lowHumidity).toMatchObject({ belowPct: 85 });
    expect(warningSettingsFor('apple').lowHumidity).toBeNull();
    expect(warningSettingsFor('__proto__')).toBe(DEFAULT_WARNINGS);
  });
});
