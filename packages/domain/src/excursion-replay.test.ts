import { describe, expect, it } from 'vitest';
import type { TemperatureLimit } from './profiles.ts';
import { replayLimit } from './excursion-replay.ts';

const MIN = 60_000;
const high: TemperatureLimit = { id: 'high', direction: 'above', thresholdC: 15, holdForMs: 10 * MIN, keepFiringForMs: 15 * MIN, hysteresisC: 0.5, tier: 1, isClaimable: true, source: 'test' };
const series = (temps: number[]) => temps.map((tempC, i) => ({ sampledAt: i * 5 * MIN, tempC }));

describe('replayLimit', () => {
  it.each([
    { name: 'nothing beyond the limit', temps: [4, 5, 6, 5], episodes: [] as { activeAt: number; cleared: boolean }[], final: 'inactive' },
    { name: 'breached shorter than the hold-for', temps: [4, 16, 4, 4], episodes: [], final: 'inactive' },
    { name: 'one excursion still going on', temps: [4, 16, 17, 18, 18], episodes: [{ activeAt: 5 * MIN, cleared: false }], final: 'firing' },
    { name: 'one excursion that cleared', temps: [4, 16, 17, 18, 4, 4, 4, 4, 4], episodes: [{ activeAt: 5 * MIN, cleared: true }], final: 'inactive' },
    { name: 'two excursions', temps: [4, 16, 17, 18, 4, 4, 4, 4, 16, 16, 16], episodes: [{ activeAt: 5 * MIN, cleared: true }, { activeAt: 40 * MIN, cleared: false }], final: 'firing' },
  ])('$name', ({ temps, episodes, final }) => {
    const replay = replayLimit(high, series(temps), 30 * MIN);
    expect(replay.state.state).toBe(final);
    expect(replay.episodes.map((e) => ({ activeAt: e.fired.activeAt, cleared: e.cleared !== null }))).toEqual(episodes);
  });

  it('keeps the most time outside an excursion reached, and its last measures', () => {
    const [episode] = replayLimit(high, series([4, 16, 17, 18, 18, 4, 4, 4, 4]), 30 * MIN).episodes;
    expect(episode!.maxOutsideMs).toBe(episode!.last.outsideMs);
    expect(episode!.maxOutsideMs).toBeGreaterThanOrEqual(15 * MIN);
    expect(episode!.fired.previousReadingAt).toBe(0);
  });
});
