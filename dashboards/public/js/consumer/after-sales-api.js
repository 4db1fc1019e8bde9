// @ts-check
/**
 * The consumer's after-sales calls (public, no account): `POST /api/v1/trace/{traceCode}/after-sales`
 * (multipart: the counts, an optional order number, up to 3 photos) and `GET …/after-sales/{id}` to
 * follow it. The request ids are kept in this browser per trace code, so a consumer who comes back sees
 * how the request is going; nothing else about them is kept.
 */

/**
 * @typedef {{ zh: string, en: string }} LocalizedText
 * @typedef {'received' | 'approved' | 'awaiting_shipper' | 'rejected' | 'escalated' | 'paid'} AfterSalesState
 * @typedef {'full_refund' | 'resend_order' | 'resend_bad_count' | 'none'} Remedy
 * @typedef {{ at: number, state: AfterSalesState, stateName: LocalizedText, action: string, reason: LocalizedText }} HistoryStep
 * @typedef {{
 *   id: string, state: AfterSalesState, stateName: LocalizedText, badCount: number, totalCount: number, boxes: number,
 *   remedy: Remedy, valueCents: number, currency: string, resend: { boxes: number } | { fruits: number } | null,
 *   decision: { ruleId: string, reason: LocalizedText }, reportedAt: number, decideBy: number | null, escalateAt: number | null,
 *   decidedAt: number | null, paidAt: number | null, photoCount: number, history: HistoryStep[],
 * }} PublicRequest the request as the consumer may see it (packages/after-sales `publicAfterSalesView`)
 * @typedef {{ badCount: string, totalCount: string, boxes: string, orderRef: string, photos: File[] }} ReportInput
 * @typedef {{ kind: 'ok', request: PublicRequest }
 *   | { kind: 'refused', status: number, code: string, message: string, retryAfterS: number | null }
 *   | { kind: 'network', message: string }} ReportOutcome
 */

const STORAGE_PREFIX = 'coldchain.afterSales.';
/** More than a household reports on one box's code: the oldest are let go. */
const KEEP_MAX = 10;

/** @param {string} traceCode */
const base = (traceCode) => `/api/v1/trace/${encodeURIComponent(traceCode)}/after-sales`;

/**
 * Sends a report. Refusals come back with the API's code and message (which names the field).
 * @param {string} traceCode
 * @param {ReportInput} input
 * @returns {Promise<ReportOutcome>}
 */
export async function sendReport(traceCode, input) {
  const form = new FormData();
  form.append('badCount', input.badCount.trim());
  form.append('totalCount', input.totalCount.trim());
  form.append('boxes', input.boxes.trim() || '1');
  if (input.orderRef.trim()) form.append('orderRef', input.orderRef.trim());
  for (const photo of input.photos) form.append('photos', photo, photo.name);
  let response;
  try {
    response = await fetch(base(traceCode), { method: 'POST', body: form, headers: { accept: 'application/json' } });
  } catch (error) {
    return { kind: 'network', message: error instanceof Error ? error.message : String(error) };
  }
  const payload = await response.json().catch(() => ({}));
  if (response.status === 201) return { kind: 'ok', request: payload };
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    kind: 'refused',
    status: response.status,
    code: payload?.error?.code ?? 'http',
    message: payload?.error?.message ?? `HTTP ${response.status}`,
    retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  };
}

/**
 * Follows a request: its state, decision and history; `gone` when the API no longer knows it.
 * @param {string} traceCode
 * @param {string} id
 * @returns {Promise<{ kind: 'ok', request: PublicRequest } | { kind: 'gone' } | { kind: 'error', message: string }>}
 */
export async function fetchRequest(traceCode, id) {
  try {
    const response = await fetch(`${base(traceCode)}/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (response.status === 404) return { kind: 'gone' };
    if (!response.ok) return { kind: 'error', message: `HTTP ${response.status}` };
    return { kind: 'ok', request: await response.json() };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The request ids kept for this trace code, newest first.
 * @param {string} traceCode
 * @returns {string[]}
 */
export function keptRequestIds(traceCode) {
  try {
    const ids = JSON.parse(localStorage.getItem(STORAGE_PREFIX + traceCode) ?? '[]');
    return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string' && /^[\w-]{1,64}$/.test(id)) : [];
  } catch {
    return [];
  }
}

/**
 * @param {string} traceCode
 * @param {string[]} ids
 */
function writeKept(traceCode, ids) {
  try {
    if (ids.length) localStorage.setItem(STORAGE_PREFIX + traceCode, JSON.stringify(ids.slice(0, KEEP_MAX)));
    else localStorage.removeItem(STORAGE_PREFIX + traceCode);
  } catch {
    // Private mode or full storage: the request still stands; only the way back to it is not kept.
  }
}

/**
 * @param {string} traceCode
 * @param {string} id
 */
export function keepRequestId(traceCode, id) {
  writeKept(traceCode, [id, ...keptRequestIds(traceCode).filter((kept) => kept !== id)]);
}

/**
 * @param {string} traceCode
 * @param {string} id
 */
export function forgetRequestId(traceCode, id) {
  writeKept(traceCode, keptRequestIds(traceCode).filter((kept) => kept !== id));
}
