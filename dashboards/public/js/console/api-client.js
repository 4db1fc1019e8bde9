// @ts-check
/** The admin calls the console makes, with the bearer token. */

// The lists are paged (at most 1000 a page, nextCursor for more): the board shows the newest page of
// each, as it showed the newest 500 before; the live stream adds what comes after.
const BOARD_PAGE = '1000';

/**
 * @typedef {{ zh: string, en: string }} LocalizedText
 * @typedef {{ id: string, name: string, nameEn: string, kind: 'platform' | 'shipper' | 'carrier' | 'warehouse' | 'courier' }} Organisation
 * @typedef {{ id: string, origin: string, destination: string, traceCode: string }} Shipment
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
   */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
  }

  get isUnauthorized() {
    return this.status === 401;
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

/** @param {string} token */
export function createAdminApi(token) {
  /**
   * Sends an authenticated request: the token goes in the Authorization header, never in the address.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {string} [accept]
   */
  async function send(method, path, body, accept = 'application/json') {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${token}`, accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiFailure(0, 'network', error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) {
      const payload = await response.json().catch(() => ({}));
      throw new ApiFailure(response.status, payload?.error?.code ?? 'http', payload?.error?.message ?? `HTTP ${response.status}`);
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
    return response.json().catch(() => ({}));
  }

  /** @param {Record<string, string>} params */
  const query = (params) => {
    const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
    return search.size ? `?${search}` : '';
  };

  return {
    /** @returns {Promise<Organisation[]>} */
    async listOrganisations() {
      return (await call('GET', '/api/v1/organisations')).organisations;
    },
    /** @returns {Promise<Shipment[]>} the newest page (route labels for the board) */
    async listShipments() {
      return (await call('GET', `/api/v1/shipments${query({ limit: BOARD_PAGE })}`)).shipments;
    },
    /**
     * @param {string} orgId empty for every organisation
     * @returns {Promise<Alert[]>}
     */
    async listAlerts(orgId) {
      return (await call('GET', `/api/v1/alerts${query({ orgId, limit: BOARD_PAGE })}`)).alerts;
    },
    /**
     * @param {string} orgId empty for every organisation; else the claims where it is liable
     * @returns {Promise<Claim[]>}
     */
    async listClaims(orgId) {
      return (await call('GET', `/api/v1/claims${query({ orgId, limit: BOARD_PAGE })}`)).claims;
    },
    /**
     * @param {string} id
     * @param {string} by the operator's name, or empty
     * @returns {Promise<Alert>}
     */
    acknowledge(id, by) {
      return call('POST', `/api/v1/alerts/${encodeURIComponent(id)}/ack`, by ? { by } : {});
    },
    /**
     * @param {string} id
     * @param {string} by
     * @param {string} note what was done or found (the API refuses an empty one)
     * @returns {Promise<Alert>}
     */
    resolve(id, by, note) {
      return call('POST', `/api/v1/alerts/${encodeURIComponent(id)}/resolve`, by ? { by, note } : { note });
    },
    /** @returns {Promise<Silence[]>} silences active now or to come */
    async listSilences() {
      return (await call('GET', '/api/v1/silences')).silences;
    },
    /**
     * @param {{ shipmentId: string, ruleId: string, endsAt: number, reason: string, by?: string }} silence
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
     * A file the API makes (report, bundle), as bytes: fetched with the token in the header, so it can
     * be saved through a Blob URL with no token in any address.
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

/** @typedef {ReturnType<typeof createAdminApi>} AdminApi */
