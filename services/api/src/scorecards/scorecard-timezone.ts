import { z } from 'zod';

/** The zone of the monthly run when SCORECARD_TIMEZONE is unset: the service's users are in China. */
export const DEFAULT_SCORECARD_TIMEZONE = 'Asia/Shanghai';

/** An IANA zone name: letters, then `/`-separated parts (`Asia/Shanghai`, `America/Argentina/Salta`, `Etc/GMT-8`, `UTC`). */
const IANA_NAME = /^[A-Za-z][A-Za-z_]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * The zone's canonical name when `name` is an IANA time zone this runtime knows (`asia/shanghai` →
 * `Asia/Shanghai`), else undefined. Offsets such as `+08:00` are refused: a month's run follows the
 * zone's own calendar, daylight saving included, and an offset has none.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!IANA_NAME.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * `SCORECARD_TIMEZONE`: the zone whose calendar the monthly scorecard run follows (00:10 on the 1st);
 * checked at start, so a typo stops the service naming the setting instead of running at the wrong hour.
 * The months themselves are Beijing-time months whatever this says (decision 0025).
 */
export const scorecardTimezoneSchema = z
  .string()
  .default(DEFAULT_SCORECARD_TIMEZONE)
  .transform((name, context) => {
    const zone = canonicalTimeZone(name.trim());
    if (zone) return zone;
    context.addIssue({
      code: 'custom',
      message: `SCORECARD_TIMEZONE 须为 IANA 时区名，例如 Asia/Shanghai、Europe/Berlin（不接受 +08:00 这类偏移）；must be an IANA time zone such as Asia/Shanghai or Europe/Berlin (not an offset like +08:00)`,
    });
    return z.NEVER;
  });
