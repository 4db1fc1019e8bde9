// @ts-check
/**
 * Times as users read them. The goods travel in China, so every time is shown in Asia/Shanghai
 * whatever the phone's own zone.
 */
import { langTag, t } from './i18n.js';

export const TIME_ZONE = 'Asia/Shanghai';

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * @param {string} name
 * @param {Intl.DateTimeFormatOptions} options
 */
function format(name, options) {
  const key = `${langTag()}:${name}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(langTag(), { timeZone: TIME_ZONE, hourCycle: 'h23', ...options });
    formats.set(key, f);
  }
  return f;
}

/**
 * Month, day, hours and minutes: "11月24日 14:30" / "Nov 24, 14:30".
 * @param {number} ms epoch milliseconds
 */
export function formatDateTime(ms) {
  return format('datetime', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(ms);
}

/**
 * Hours and minutes: "14:30".
 * @param {number} ms
 */
export function formatClock(ms) {
  return format('clock', { hour: '2-digit', minute: '2-digit' }).format(ms);
}

/**
 * Month and day: "11月24日" / "Nov 24".
 * @param {number} ms
 */
export function formatDay(ms) {
  return format('day', { month: 'short', day: 'numeric' }).format(ms);
}

/**
 * The calendar day in Shanghai, to tell whether two times fall on the same day there.
 * @param {number} ms
 */
export function dayKey(ms) {
  return format('daykey', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/**
 * A duration in words: "45 分钟", "5 小时 20 分钟", "2 天 3 小时".
 * @param {number} ms
 */
export function formatDuration(ms) {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return t('duration.minutes', { m: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return t('duration.days', { d: Math.floor(hours / 24), h: hours % 24 });
  const rest = minutes % 60;
  return rest ? t('duration.hoursMinutes', { h: hours, m: rest }) : t('duration.hours', { h: hours });
}

/**
 * How long ago: "3 分钟前".
 * @param {number} ms
 * @param {number} now
 */
export function formatAgo(ms, now) {
  const minutes = Math.floor((now - ms) / 60_000);
  if (minutes < 1) return t('time.ago.now');
  if (minutes < 60) return t('time.ago.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('time.ago.hours', { n: hours });
  return t('time.ago.days', { n: Math.floor(hours / 24) });
}

/**
 * A countdown to a deadline: "42:07" under an hour, else "3 小时 5 分钟".
 * @param {number} ms a non-negative span
 */
export function formatCountdown(ms) {
  const seconds = Math.floor(ms / 1000);
  if (seconds >= 3600) return formatDuration(ms);
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}
