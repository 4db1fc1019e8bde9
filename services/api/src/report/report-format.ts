import type { ReportLang } from './report-labels.ts';

/** China Standard Time: UTC+8, no daylight saving. */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const MIN = 60_000;

/** Fields of a time in China time. */
function chinaTime(t: number) {
  const d = new Date(t + CHINA_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, monthDay: `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, hm: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` };
}

/** `2025-05-20 14:05 UTC+8`: a time on its own, with its offset. */
export function formatTimeWithOffset(t: number): string {
  const c = chinaTime(t);
  return `${c.date} ${c.hm} UTC+8`;
}

/** `2025-05-20 14:05`: in tables whose heading or page says UTC+8. */
export function formatTime(t: number): string {
  const c = chinaTime(t);
  return `${c.date} ${c.hm}`;
}

/** `05-20` and `14:05`: the chart's time axis. */
export function formatAxisTime(t: number): { monthDay: string; hm: string } {
  const { monthDay, hm } = chinaTime(t);
  return { monthDay, hm };
}

/** Start of the China-time day of `t`, as epoch ms: ticks align to local hours. */
export function chinaDayStart(t: number): number {
  return Math.floor((t + CHINA_OFFSET_MS) / 86_400_000) * 86_400_000 - CHINA_OFFSET_MS;
}

/** A no-break space: a number and its unit stay on one line. */
const NBSP = '\u00a0';

/** `4.8 °C`, one decimal, number and unit on one line; `–` when unknown. */
export function formatTempC(tempC: number | null): string {
  // `|| 0`: a reading just below zero rounds to 0.0, not -0.0.
  return tempC === null ? '–' : `${(Math.round(tempC * 10) / 10 || 0).toFixed(1)}${NBSP}°C`;
}

/** Text from elsewhere (verdicts, reasons) with its numbers kept on the line of their units. */
export function keepUnitsTogether(text: string): string {
  return text.replace(/(\d) (°C|%)/g, `$1${NBSP}$2`);
}

/**
 * A duration in whole minutes: `42 min` / `3 h 05 min` (en), `42 分钟` / `3 小时 5 分钟` (zh), or in
 * narrow table cells `3小时5分` (zh, compact).
 */
export function formatDuration(ms: number, lang: ReportLang, options: { isCompact?: boolean } = {}): string {
  const minutes = Math.round(ms / MIN);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (lang === 'zh' && options.isCompact) return hours === 0 ? `${rest}分钟` : rest === 0 ? `${hours}小时` : `${hours}小时${rest}分`;
  if (lang === 'zh') return hours === 0 ? `${rest} 分钟` : rest === 0 ? `${hours} 小时` : `${hours} 小时 ${rest} 分钟`;
  return hours === 0 ? `${rest} min` : rest === 0 ? `${hours} h` : `${hours} h ${String(rest).padStart(2, '0')} min`;
}

/** Yuan from cents (fen), with thousands separators: `¥3,400.00` (zh), `CNY 3,400.00` (en). */
export function formatYuan(cents: number, lang: ReportLang): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  const amount = `${yuan}.${String(abs % 100).padStart(2, '0')}`;
  return lang === 'zh' ? `${sign}¥${amount}` : `${sign}CNY ${amount}`;
}

/** A share in %: one decimal below 10 %, whole above. */
export function formatPct(pct: number): string {
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct).toLocaleString('en-US')}${NBSP}%`;
}

/** Degree-minutes with one decimal: `96.0 °C·min`. */
export function formatDegreeMinutes(value: number): string {
  return `${value.toFixed(1)}${NBSP}°C·min`;
}
