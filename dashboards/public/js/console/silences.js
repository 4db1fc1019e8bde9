// @ts-check
/**
 * Whether an alert is silenced, decided as the server decides it (storage's `isSilencing`): a silence's
 * null fields match any alert, and it counts from `startsAt` until `endsAt`. Silenced is derived from the
 * silences each time, never stored on the alert.
 */

/** @typedef {import('./api-client.js').Alert} Alert */
/** @typedef {import('./api-client.js').Silence} Silence */

/** How long the console's silence lasts: long enough for a planned door opening or a reload of the van. */
export const SILENCE_MS = 2 * 3_600_000;

/**
 * @param {Silence} silence
 * @param {Pick<Alert, 'shipmentId' | 'deviceId' | 'ruleId'>} alert
 * @param {number} now
 */
export function isSilencing(silence, alert, now) {
  return (
    silence.startsAt <= now &&
    now < silence.endsAt &&
    (silence.shipmentId === null || silence.shipmentId === alert.shipmentId) &&
    (silence.deviceId === null || silence.deviceId === alert.deviceId) &&
    (silence.ruleId === null || silence.ruleId === alert.ruleId)
  );
}

/**
 * The silence muting an alert now, the one lasting longest when several do.
 * @param {readonly Silence[]} silences
 * @param {Alert} alert
 * @param {number} now
 * @returns {Silence | undefined}
 */
export function silenceOf(silences, alert, now) {
  /** @type {Silence | undefined} */
  let longest;
  for (const silence of silences) {
    if (isSilencing(silence, alert, now) && (!longest || silence.endsAt > longest.endsAt)) longest = silence;
  }
  return longest;
}

/**
 * The next time a silence starts or ends after `now`, when the board must be drawn again.
 * @param {readonly Silence[]} silences
 * @param {number} now
 * @returns {number | undefined}
 */
export function nextSilenceChangeAt(silences, now) {
  let next = Infinity;
  for (const silence of silences) {
    if (silence.startsAt > now) next = Math.min(next, silence.startsAt);
    else if (silence.endsAt > now) next = Math.min(next, silence.endsAt);
  }
  return Number.isFinite(next) ? next : undefined;
}
