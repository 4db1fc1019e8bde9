import type { LocalizedText } from './text.ts';

/**
 * Who resolves an alert when its condition goes away by itself (a warning whose forecast no longer holds,
 * a logger reporting again): the alert's `resolvedBy`. Warnings and no-data alerts clear themselves;
 * excursions never do (docs/decisions/0011-alerts-stay-until-seen.md).
 */
export const SYSTEM_ACTOR = 'system';

/**
 * Why the system resolved an alert, in both languages. The alert keeps the stable code (its
 * `resolutionNote` is `system.<code>`), not the words, so every reader shows it in its own language:
 * earlier versions stored English ("system: the trend no longer reaches the limit"), which the Chinese
 * console then showed as it was (issue 12, item 5).
 */
export const SYSTEM_RESOLUTIONS = {
  trend_gone: { zh: '温度趋势已不再指向限值', en: 'the trend no longer reaches the limit' },
  limit_crossed: { zh: '已越过限值，由超温告警接续', en: 'the limit is crossed now: the excursion alert takes over' },
  swings_stopped: { zh: '温度已不再往复波动', en: 'the temperature no longer swings' },
  humidity_back: { zh: '湿度已恢复正常', en: 'humidity back in range' },
  logger_back: { zh: '记录仪已恢复上报', en: 'the logger reports again' },
} as const satisfies Record<string, LocalizedText>;

/** A reason the system resolves an alert for. */
export type SystemResolution = keyof typeof SYSTEM_RESOLUTIONS;

const NOTE_PREFIX = 'system.';

/** The `resolutionNote` the system stores for a resolution: `system.<code>`. */
export function systemResolutionNote(code: SystemResolution): string {
  return `${NOTE_PREFIX}${code}`;
}

/**
 * The words for a resolution note the system wrote, or undefined for a person's note (shown as written).
 * `limit_crossed` names the limit when the alert's is given.
 */
export function describeSystemResolution(note: string | null, limit?: { direction: 'above' | 'below'; thresholdC: number }): LocalizedText | undefined {
  if (!note?.startsWith(NOTE_PREFIX)) return undefined;
  const code = note.slice(NOTE_PREFIX.length);
  if (!Object.hasOwn(SYSTEM_RESOLUTIONS, code)) return undefined;
  if (code === 'limit_crossed' && limit) {
    const side = limit.direction === 'above' ? { zh: '高于', en: 'above' } : { zh: '低于', en: 'below' };
    return { zh: `已${side.zh} ${limit.thresholdC} °C，由超温告警接续`, en: `${side.en} ${limit.thresholdC} °C now: the excursion alert takes over` };
  }
  return SYSTEM_RESOLUTIONS[code as SystemResolution];
}
