/** Beijing time (UTC+8, no daylight saving), as the stations and the dashboards read it: `2024-06-01 14:30`. */
export function formatBeijingTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A temperature to one decimal, without a trailing `.0`: `15 °C`, `18.4 °C`, `-0.5 °C`. */
export function formatTempC(tempC: number): string {
  const rounded = Math.round(tempC * 10) / 10;
  return `${Object.is(rounded, -0) ? 0 : rounded} °C`;
}

/** An amount in fen as yuan with thousands separators and two decimals: `123456` → `1,234.56`. */
export function formatYuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}
