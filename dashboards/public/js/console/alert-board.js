// @ts-check
/**
 * The alerts and claims the console holds, merged from the lists it loads and the events it is pushed.
 * An older copy never replaces a newer one (events and list answers can cross).
 */

import { nextSilenceChangeAt, silenceOf } from './silences.js';

/** @typedef {import('./api-client.js').Alert} Alert */
/** @typedef {import('./api-client.js').Claim} Claim */
/** @typedef {import('./api-client.js').Silence} Silence */

const STATUS_ORDER = { open: 0, acknowledged: 1, resolved: 2 };
const CONDITION_ORDER = { firing: 0, cleared: 1 };

export function createAlertBoard() {
  /** @type {Map<string, Alert>} */
  const alerts = new Map();
  /** @type {Map<string, Claim>} */
  const claims = new Map();
  /** Alerts that arrived live, for the row to stand out for a moment. */
  /** @type {Map<string, number>} */
  const arrivedAt = new Map();
  /** @type {Map<string, Silence>} */
  const silences = new Map();

  return {
    /**
     * Replaces everything with freshly loaded lists.
     * @param {Alert[]} loadedAlerts
     * @param {Claim[]} loadedClaims
     */
    reset(loadedAlerts, loadedClaims) {
      alerts.clear();
      claims.clear();
      for (const alert of loadedAlerts) alerts.set(alert.id, alert);
      for (const claim of loadedClaims) claims.set(claim.id, claim);
    },

    /**
     * @param {Alert} alert
     * @param {{ isLive?: boolean, now?: number }} [options]
     * @returns {boolean} whether the board changed
     */
    upsertAlert(alert, options = {}) {
      const known = alerts.get(alert.id);
      if (known && known.updatedAt > alert.updatedAt) return false;
      alerts.set(alert.id, alert);
      if (!known && options.isLive) arrivedAt.set(alert.id, options.now ?? Date.now());
      return true;
    },

    /** @param {Claim} claim */
    upsertClaim(claim) {
      claims.set(claim.id, claim);
    },

    /**
     * Replaces the silences with a freshly loaded list.
     * @param {Silence[]} loaded
     */
    resetSilences(loaded) {
      silences.clear();
      for (const silence of loaded) silences.set(silence.id, silence);
    },

    /** @param {Silence} silence */
    addSilence(silence) {
      silences.set(silence.id, silence);
    },

    /**
     * The silence muting an alert now, if any.
     * @param {Alert} alert
     * @param {number} now
     */
    silenceOf(alert, now) {
      return silenceOf([...silences.values()], alert, now);
    },

    /**
     * When a silence next starts or ends, so the board can be drawn again then.
     * @param {number} now
     */
    nextSilenceChangeAt(now) {
      return nextSilenceChangeAt([...silences.values()], now);
    },

    /**
     * Most urgent first: open before acknowledged before resolved, then tier 1 first, still out of range
     * before back in range, then the newest.
     * @param {boolean} showResolved
     * @returns {Alert[]}
     */
    alerts(showResolved) {
      return [...alerts.values()]
        .filter((a) => showResolved || a.status !== 'resolved')
        .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.tier - b.tier || CONDITION_ORDER[a.conditionState] - CONDITION_ORDER[b.conditionState] || b.createdAt - a.createdAt);
    },

    /** @returns {Claim[]} newest first */
    claims() {
      return [...claims.values()].sort((a, b) => b.filedAt - a.filedAt);
    },

    /**
     * Whether an alert arrived live within the last `windowMs`.
     * @param {string} id
     * @param {number} now
     * @param {number} windowMs
     */
    isFresh(id, now, windowMs) {
      const at = arrivedAt.get(id);
      return at !== undefined && now - at < windowMs;
    },

    /** Open alerts, for the page title. */
    openCount() {
      let count = 0;
      for (const alert of alerts.values()) if (alert.status === 'open') count += 1;
      return count;
    },
  };
}

/** @typedef {ReturnType<typeof createAlertBoard>} AlertBoard */
