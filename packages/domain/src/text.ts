/** User-facing text in both languages the product speaks: Chinese (the default) and English. */
export type LocalizedText = { zh: string; en: string };

/** Formats a duration in whole minutes as Chinese and English words, for reasons and verdicts. */
export function formatMinutes(ms: number): LocalizedText {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return { zh: `${minutes} 分钟`, en: `${minutes} min` };
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return {
    zh: rest ? `${hours} 小时 ${rest} 分钟` : `${hours} 小时`,
    en: rest ? `${hours} h ${rest} min` : `${hours} h`,
  };
}
