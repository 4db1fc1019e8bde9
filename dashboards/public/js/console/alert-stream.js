// @ts-check
/**
 * The live alert stream (`/api/v1/alerts/stream`, server-sent events). EventSource reconnects by itself
 * after a dropped connection; when the server refuses it outright (a non-200 answer) it gives up, so
 * this retries after a pause. Each reconnection is reported, so the console can reload what it missed.
 */

/** @typedef {import('./admin-api.js').Alert} Alert */
/** @typedef {import('./admin-api.js').Claim} Claim */
/**
 * @typedef {{ type: 'alert.opened' | 'alert.cleared' | 'alert.acknowledged' | 'alert.resolved' | 'alert.reminder' | 'alert.escalated', at: number, alert: Alert }
 *   | { type: 'claim.filed', at: number, claim: Claim }} FeedEvent
 * @typedef {'connecting' | 'live' | 'lost'} StreamState
 */

const EVENT_TYPES = /** @type {const} */ (['alert.opened', 'alert.cleared', 'alert.acknowledged', 'alert.resolved', 'alert.reminder', 'alert.escalated', 'claim.filed']);
const RETRY_MS = 5000;

/**
 * @param {{
 *   token: string,
 *   orgId: string,
 *   onEvent: (event: FeedEvent) => void,
 *   onState: (state: StreamState, isReconnect: boolean) => void,
 * }} options
 * @returns {() => void} closes the stream
 */
export function connectAlertStream({ token, orgId, onEvent, onState }) {
  const params = new URLSearchParams({ token });
  if (orgId) params.set('orgId', orgId);
  const url = `/api/v1/alerts/stream?${params}`;
  /** @type {EventSource | undefined} */
  let source;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retry;
  let hasBeenLive = false;
  let isClosed = false;

  const open = () => {
    onState('connecting', false);
    source = new EventSource(url);
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
