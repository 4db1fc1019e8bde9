// @ts-check
/**
 * The live alert stream (`/api/v1/alerts/stream`, server-sent events). EventSource reconnects by itself
 * after a dropped connection; when the server refuses it outright (a non-200 answer) it gives up, so
 * this retries after a pause. Each reconnection is reported, so the console can reload what it missed.
 * It is authenticated by the session cookie, which EventSource sends to its own origin: no credential in
 * the address, and the API sends only the events the caller's organisation may see.
 */

/** @typedef {import('./api-client.js').Alert} Alert */
/** @typedef {import('./api-client.js').Claim} Claim */
/**
 * @typedef {{ type: 'alert.opened' | 'alert.cleared' | 'alert.acknowledged' | 'alert.resolved' | 'alert.reminder' | 'alert.escalated', at: number, alert: Alert }
 *   | { type: 'claim.filed', at: number, claim: Claim }
 *   | { type: 'claim.updated', at: number, claim: Claim, step: import('./claim-calls.js').ClaimStep }} FeedEvent a step on a claim, by any party or the timer
 * @typedef {'connecting' | 'live' | 'lost'} StreamState
 */

const EVENT_TYPES = /** @type {const} */ (['alert.opened', 'alert.cleared', 'alert.acknowledged', 'alert.resolved', 'alert.reminder', 'alert.escalated', 'claim.filed', 'claim.updated']);
const RETRY_MS = 5000;

/**
 * @param {{
 *   onEvent: (event: FeedEvent) => void,
 *   onState: (state: StreamState, isReconnect: boolean) => void,
 * }} options
 * @returns {() => void} closes the stream
 */
export function connectAlertStream({ onEvent, onState }) {
  const url = '/api/v1/alerts/stream';
  /** @type {EventSource | undefined} */
  let source;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retry;
  let hasBeenLive = false;
  let isClosed = false;

  const open = () => {
    onState('connecting', false);
    source = new EventSource(url, { withCredentials: true });
    source.addEventListener('open', () => {
      onState('live', hasBeenLive);
      hasBeenLive = true;
    });
    source.addEventListener('error', () => {
      if (isClosed) return;
      onState('lost', false);
      if (source?.readyState === EventSource.CLOSED) {
        source.close();
        retry = setTimeout(open, RETRY_MS);
      }
    });
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        try {
          onEvent(/** @type {FeedEvent} */ (JSON.parse(/** @type {MessageEvent<string>} */ (message).data)));
        } catch {
          // A malformed event is skipped; the next reload shows the stored state anyway.
        }
      });
    }
  };

  open();
  return () => {
    isClosed = true;
    clearTimeout(retry);
    source?.close();
  };
}
