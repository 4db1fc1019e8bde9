// @ts-check
/**
 * The calls the console and the dispute view make, as the signed-in user: the session cookie (HttpOnly,
 * SameSite=Strict) goes with every same-origin request by itself, and every request that changes
 * something carries the session's CSRF token in X-CSRF-Token. No credential is kept by the page or put
 * in an address.
 */

// The lists are paged (at most 1000 a page, nextCursor for more): the board shows the newest page of
// each; the live stream adds what comes after.
const BOARD_PAGE = '1000';
const CSRF_HEADER = 'x-csrf-token';

/**
 * @typedef {{ zh: string, en: string }} LocalizedText
 * @typedef {'platform' | 'shipper' | 'carrier' | 'warehouse' | 'courier'} OrgKind
 * @typedef {'admin' | 'operator' | 'viewer'} Role
 * @typedef {{ id: string, name: string, nameEn: string, kind: OrgKind }} Organisation
 * @typedef {{
 *   kind: string, id: string, name: string, login: string | null, role: Role, isPlatform: boolean,
 *   orgId: string, orgName: string, orgNameEn: string, orgKind: OrgKind, csrfToken: string | null,
 * }} Session who is signed in (`GET /api/v1/session`)
 * @typedef {{ id: string, origin: string, destination: string, traceCode: string, shipperOrgId?: string, startedAt?: number, deliveredAt?: number | null }} Shipment
 * @typedef {{
 *   id: string, shipmentId: string, deviceId: string, ruleId: string, tier: 1 | 2 | 3,
 *   kind: 'excursion' | 'warning' | 'no_data', message: LocalizedText | null,
 *   status: 'open' | 'acknowledged' | 'resolved', conditionState: 'firing' | 'cleared',
 *   thresholdC: number, direction: 'above' | 'below', activeAt: number, firedAt: number, clearedAt: number | null,
 *   peakTempC: number, outsideMs: number, degreeMinutes: number,
 *   attribution: { status: 'attributed' | 'indeterminate', orgId: string | null, legIndex: number | null, reason: LocalizedText },
 *   routedTo: string[], respondBy: number,
 *   acknowledgedAt: number | null, acknowledgedBy: string | null, resolvedAt: number | null, resolvedBy: string | null,
 *   resolutionNote: string | null,
 *   escalatedAt: number | null, lastNotifiedAt: number | null, reminders: number,
 *   createdAt: number, updatedAt: number,
 * }} Alert
 * @typedef {{
 *   id: string, shipmentId: string | null, deviceId: string | null, ruleId: string | null,
 *   startsAt: number, endsAt: number, reason: string, createdBy: string, createdAt: number,
 * }} Silence null fields match any alert
 * @typedef {{
 *   id: string, shipmentId: string, alertId: string, liableOrgId: string, amountCents: number,
 *   goodsShareCents: number, freightCents: number, currency: 'CNY', status: string, reason: LocalizedText,
 *   filedAt: number, respondBy: number,
 * }} Claim
 */

/** A refused or failed call, with the API's error code and message when it sent them. */
export class ApiFailure extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {number | null} [retryAfterS] seconds to wait, when the API said (429)
   */
  constructor(status, code, message, retryAfterS = null) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.retryAfterS = retryAfterS;
  }

  /** The session has ended (or there is none): sign in again. */
  get isUnauthorized() {
    return this.status === 401;
  }

  /** Allowed to see, not to do (another station's alert, a viewer's role). */
  get isForbidden() {
    return this.status === 403 && this.code !== 'auth.csrf';
  }
}

/** @param {string} text a filename as a header gives it, percent-encoded or not */
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** @param {Record<string, string>} params */
const query = (params) => {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  return search.size ? `?${search}` : '';
};

/**
 * A client for the signed-in user. `onUnauthorized` is told once per refused call when the session has
 * ended, so the page can go back to its sign-in form wherever the call was made.
 * @param {{ onUnauthorized?: (failure: ApiFailure) => void }} [options]
 */
export function createApiClient(options = {}) {
  let csrfToken = '';

  /**
   * Sends a request with the session cookie; a request that changes something carries the CSRF token.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {string} [accept]
   */
  async function send(method, path, body, accept = 'application/json') {
    /** @type {Record<string, string>} */
    const headers = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers[CSRF_HEADER] = csrfToken;
    let response;
    try {
      response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiFailure(0, 'network', error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) {
      const payload = await response.json().catch(() => ({}));
      const retryAfter = Number(response.headers.get('retry-after'));
      const failure = new ApiFailure(
        response.status,
        payload?.error?.code ?? 'http',
        payload?.error?.message ?? `HTTP ${response.status}`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      );
      // Signing in with a wrong password is a 401 too; it is the form's to explain, not a lost session.
      if (failure.isUnauthorized && path !== '/api/v1/session') options.onUnauthorized?.(failure);
      throw failure;
    }
    return response;
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async function call(method, path, body) {
    const response = await send(method, path, body);
    return response.status === 204 ? {} : response.json().catch(() => ({}));
  }

  return {
    /**
     * Who is signed in, or undefined when nobody is (401).
     * @returns {Promise<Session | undefined>}
     */
    async currentSession() {
      try {
        /** @type {Session} */
        const session = await call('GET', '/api/v1/session');
        csrfToken = session.csrfToken ?? '';
        return session;
      } catch (error) {
        if (error instanceof ApiFailure && error.isUnauthorized) return undefined;
        throw error;
      }
    },
    /**
     * Signs in: the API sets the session cookie; the answer carries the CSRF token.
     * @param {string} login
     * @param {string} password
     */
    async signIn(login, password) {
      const answer = await call('POST', '/api/v1/session', { login, password });
      csrfToken = answer.csrfToken ?? '';
    },
    /** Ends the session (the API clears the cookie). */
    async signOut() {
      try {
        await call('DELETE', '/api/v1/session');
      } finally {
        csrfToken = '';
      }
    },
    /** @returns {Promise<Organisation[]>} the organisations the caller may name (may be refused: names are a nicety) */
    async listOrganisations() {
      return (await call('GET', '/api/v1/organisations')).organisations;
    },
    /** @returns {Promise<Shipment[]>} the newest page of the caller's shipments (route labels for the board) */
    async listShipments() {
      return (await call('GET', `/api/v1/shipments${query({ limit: BOARD_PAGE })}`)).shipments;
    },
    /** @returns {Promise<Shipment[]>} the shipments the caller's organisation holds now (not delivered, current custodian) */
    async listHeldShipments() {
      return (await call('GET', `/api/v1/shipments${query({ held: 'now', limit: BOARD_PAGE })}`)).shipments;
    },
    /** @returns {Promise<Alert[]>} the alerts the caller's organisation may see */
    async listAlerts() {
      return (await call('GET', `/api/v1/alerts${query({ limit: BOARD_PAGE })}`)).alerts;
    },
    /** @returns {Promise<Claim[]>} claims against the caller's organisation (a custodian) or filed for it (a shipper) */
    async listClaims() {
      return (await call('GET', `/api/v1/claims${query({ limit: BOARD_PAGE })}`)).claims;
    },
    /**
     * Acknowledges as the signed-in user (the API names the actor from the session).
     * @param {string} id
     * @returns {Promise<Alert>}
     */
    acknowledge(id) {
      return call('POST', `/api/v1/alerts/${encodeURIComponent(id)}/ack`, {});
    },
    /**
     * @param {string} id
     * @param {string} note what was done or found (the API refuses an empty one)
     * @returns {Promise<Alert>}
     */
    resolve(id, note) {
      return call('POST', `/api/v1/alerts/${encodeURIComponent(id)}/resolve`, { note });
    },
    /** @returns {Promise<Silence[]>} silences active now or to come */
    async listSilences() {
      return (await call('GET', '/api/v1/silences')).silences;
    },
    /**
     * @param {{ shipmentId: string, ruleId: string, endsAt: number, reason: string }} silence
     * @returns {Promise<Silence>}
     */
    createSilence(silence) {
      return call('POST', '/api/v1/silences', silence);
    },
    /**
     * A shipment with its legs, alerts, measures, verdict and claims.
     * @param {string} id
     * @returns {Promise<import('../dispute/dispute-types.js').ShipmentDetail>}
     */
    getShipment(id) {
      return call('GET', `/api/v1/shipments/${encodeURIComponent(id)}`);
    },
    /**
     * @param {string} id
     * @param {number} points
     * @returns {Promise<import('../dispute/dispute-types.js').ShipmentCurve>}
     */
    getShipmentCurve(id, points) {
      return call('GET', `/api/v1/shipments/${encodeURIComponent(id)}/curve${query({ points: String(points) })}`);
    },
    /**
     * The shipment's evidence chain, checked against the stores now.
     * @param {string} id
     * @returns {Promise<import('../dispute/dispute-types.js').ChainStatus>}
     */
    getShipmentChain(id) {
      return call('GET', `/api/v1/shipments/${encodeURIComponent(id)}/chain`);
    },
    /**
     * A month's scorecards, ranked (the last ended month without `month`): kept, or live for the month under way.
     * @param {string} [month] YYYY-MM
     * @returns {Promise<import('../scorecards/scorecard-types.js').MonthScorecards>}
     */
    getScorecards(month) {
      return call('GET', `/api/v1/scorecards${query({ month: month ?? '' })}`);
    },
    /**
     * Each organisation's kept score over `months` months ending with `to`.
     * @param {string} to YYYY-MM
     * @param {number} months
     * @returns {Promise<import('../scorecards/scorecard-types.js').ScorecardTrend>}
     */
    getScorecardTrend(to, months) {
      return call('GET', `/api/v1/scorecards/trend${query({ to, months: String(months) })}`);
    },
    /**
     * A file the API makes (report, bundle), as bytes, saved through a Blob URL.
     * @param {string} path
     * @returns {Promise<{ blob: Blob, filename: string | undefined }>}
     */
    async downloadFile(path) {
      const response = await send('GET', path, undefined, '*/*');
      const disposition = response.headers.get('content-disposition') ?? '';
      const filename = disposition.match(/filename\*=UTF-8''([^;]+)/i)?.[1] ?? disposition.match(/filename="?([^";]+)"?/i)?.[1];
      return { blob: await response.blob(), filename: filename ? safeDecode(filename) : undefined };
    },
  };
}

/** @typedef {ReturnType<typeof createApiClient>} ApiClient */
