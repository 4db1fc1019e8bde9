// @ts-check
/**
 * The after-sales calls of the streamer's queue, as the signed-in user: the session cookie goes by
 * itself; a decision carries the session's CSRF token (as api-client.js sends every change). Kept apart
 * from api-client.js so the queue is one folder of its own; refusals are the same ApiFailure.
 */
import { createSessionCall } from './session-call.js';

/**
 * @typedef {{ zh: string, en: string }} LocalizedText
 * @typedef {'received' | 'approved' | 'awaiting_shipper' | 'rejected' | 'escalated' | 'paid'} AfterSalesState
 * @typedef {{
 *   id: string, shipmentId: string, shipperOrgId: string, badCount: number, totalCount: number, boxes: number,
 *   orderRef: string | null, state: AfterSalesState, stateName: LocalizedText,
 *   remedy: 'full_refund' | 'resend_order' | 'resend_bad_count' | 'none', remedyRuleId: string, valueCents: number,
 *   resend: { boxes: number } | { fruits: number } | null, decisionRuleId: string, decisionReason: LocalizedText,
 *   claimId: string | null, liableOrgId: string | null, advancedCents: number, reportedAt: number,
 *   decideBy: number | null, escalateAt: number | null, escalatedAt: number | null, decidedAt: number | null, paidAt: number | null,
 *   photoCount: number,
 * }} AfterSalesRequest
 * @typedef {AfterSalesRequest & { shipment: { traceCode: string, profileId: string, origin: string, destination: string } | null }} QueueItem
 * @typedef {{ seq: number, at: number, actor: { name: string, orgId: string | null }, action: string, to: AfterSalesState, ruleId: string, reason: LocalizedText }} HistoryStep
 * @typedef {{ id: string, liableOrgId: string, amountCents: number, currency: string, status: string }} ClaimSummary
 * @typedef {{
 *   request: AfterSalesRequest, photos: string[], claim: ClaimSummary | null, history: HistoryStep[],
 *   payout: { kind: string, amountCents: number } | null,
 *   evidence: { curve: string, report: string, bundle: string, alerts: string, claim: string | null },
 * }} AfterSalesDetail
 */

/**
 * @param {{ csrfToken: string, onUnauthorized: () => void }} options
 */
export function createAfterSalesCalls(options) {
  const call = createSessionCall({ csrfToken: () => options.csrfToken, onUnauthorized: options.onUnauthorized });

  return {
    /**
     * The newest requests of the caller's shipments (the platform: all), every state.
     * @returns {Promise<QueueItem[]>}
     */
    async list() {
      return (await call('GET', '/api/v1/after-sales?limit=200')).items;
    },
    /**
     * @param {string} id
     * @returns {Promise<AfterSalesDetail>}
     */
    get(id) {
      return call('GET', `/api/v1/after-sales/${encodeURIComponent(id)}`);
    },
    /**
     * @param {string} id
     * @param {'approve' | 'reject'} decision
     * @param {string} reason shown to the consumer
     * @returns {Promise<{ request: AfterSalesRequest, history: HistoryStep[] }>}
     */
    decide(id, decision, reason) {
      return call('POST', `/api/v1/after-sales/${encodeURIComponent(id)}/decide`, { decision, reason });
    },
  };
}

/** @typedef {ReturnType<typeof createAfterSalesCalls>} AfterSalesCalls */
