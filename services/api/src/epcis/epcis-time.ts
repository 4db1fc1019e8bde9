import type { LocalizedText } from '@coldchain/domain';

/**
 * Event times are UTC instants; eventTimeZoneOffset (required in every EPCIS 2.0 event) says where they
 * happened: every station of this service keeps Beijing time (UTC+8, no daylight saving).
 */
export const TIME_ZONE_OFFSET = '+08:00';

/** An epoch-ms time as an ISO 8601 date-time in UTC. */
export function iso(t: number): string {
  return new Date(t).toISOString();
}

/** Text in Chinese and English as JSON-LD language-tagged values. */
export function languageTagged(text: LocalizedText): { '@value': string; '@language': string }[] {
  return [
    { '@value': text.zh, '@language': 'zh' },
    { '@value': text.en, '@language': 'en' },
  ];
}
