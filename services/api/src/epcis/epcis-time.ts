/**
 * Event times are UTC instants; eventTimeZoneOffset (required in every EPCIS 2.0 event) says where they
 * happened: every station of this service keeps Beijing time (UTC+8, no daylight saving).
 */
export const TIME_ZONE_OFFSET = '+08:00';

/** An epoch-ms time as an ISO 8601 date-time in UTC. */
export function iso(t: number): string {
  return new Date(t).toISOString();
}
