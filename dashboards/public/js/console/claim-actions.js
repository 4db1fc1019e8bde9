// @ts-check
/**
 * What each party does to a claim from the console, on its turn (issue 13, item 1): the carrier
 * acknowledges, accepts or disputes; the platform decides, advances and recovers; the shipper or the
 * platform settles or withdraws. Operators and administrators only, as for alerts (alert-actions.js); the
 * API names the signed-in user as the actor. A step that needs words (a reason, an amount) opens a form in
 * the row, kept across the redraws live events cause; the input is checked here as the API checks it, and
 * a refusal from the API is shown in the row in words, the claim read again so the row shows where it is.
 */
import { t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { advanceLeftCents, claimActionsFor, outstandingCents, partyOf } from '../claim-turns.js';
import { ApiFailure } from './api-client.js';

/** @typedef {import('./claim-calls.js').ClaimCalls} ClaimCalls */
/** @typedef {import('./claim-calls.js').LifecycleClaim} LifecycleClaim */
/** @typedef {import('./claim-calls.js').ClaimStepBody} ClaimStepBody */
/** @typedef {import('./api-client.js').Session} Session */
/** @typedef {import('../claim-turns.js').ClaimActionKind} ClaimActionKind */
/** @typedef {import('../claim-turns.js').ClaimParty} ClaimParty */
/** @typedef {import('../i18n.js').TextKey} TextKey */
/**
 * @typedef {{
 *   kind: ClaimActionKind, reason: string, evidence: string, outcome: '' | 'upheld' | 'overturned', amount: string, note: string,
 *   problems: Partial<Record<'reason' | 'evidence' | 'outcome' | 'amount', string>>,
 * }} ClaimDraft a step being written: its fields as typed, and what is wrong with them
 * @typedef {{ party: ClaimParty | null, actions: ClaimActionKind[], isViewer: boolean }} ClaimRights
 */

const ACTING_ROLES = new Set(['operator', 'admin']);
/** Steps taken at one press: nothing to write. */
const ONE_PRESS = new Set(['acknowledge']);
const EVIDENCE_MAX_ITEMS = 10;
const REFUSAL_CODES = new Set(['claim.not_your_turn', 'claim.invalid_transition', 'claim.amount_over_cap', 'claim.not_found', 'request.invalid', 'auth.forbidden']);

/**
 * Yuan as typed ("1200", "1,200.5", "1200.50") in whole fen, or null when it is not an amount above 0.
 * @param {string} text
 */
export function parseYuan(text) {
  const match = text.trim().replace(/[,，\s]/g, '').replace(/^[¥￥]/, '').match(/^(\d{1,9})(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 ? cents : null;
}

/** @param {number} cents */
const asYuan = (cents) => (cents / 100).toFixed(2);

/**
 * A refusal in words in the language in use, with the API's own message (English, naming the rule) after.
 * @param {unknown} error
 */
export function refusalText(error) {
  if (!(error instanceof ApiFailure)) return t('claims.refused.detail', { text: t('claims.refused.other'), message: error instanceof Error ? error.message : String(error) });
  const key = REFUSAL_CODES.has(error.code) ? /** @type {TextKey} */ (`claims.refused.${error.code}`) : 'claims.refused.other';
  return t('claims.refused.detail', { text: t(key), message: error.message });
}

/**
 * @param {{
 *   calls: ClaimCalls,
 *   session: () => Session | undefined,
 *   upsertClaim: (claim: LifecycleClaim) => void,
 *   render: () => void,
 * }} deps
 */
export function createClaimActions({ calls, session, upsertClaim, render }) {
  /** @type {Set<string>} */
  const busyIds = new Set();
  /** @type {Map<string, ClaimDraft>} */
  const drafts = new Map();
  /** The last refusal per claim, shown in its row until the next step on it. */
  /** @type {Map<string, string>} */
  const refusals = new Map();

  /**
   * Sends a step; on success the row shows the claim as the API answered it, on a refusal the words and
   * the claim read again (another party may just have moved it).
   * @param {LifecycleClaim} claim
   * @param {ClaimActionKind} kind
   * @param {ClaimStepBody} body
   */
  async function send(claim, kind, body) {
    busyIds.add(claim.id);
    refusals.delete(claim.id);
    render();
    try {
      const answer = await calls.act(claim.id, kind, body);
      upsertClaim(answer.claim);
      drafts.delete(claim.id);
    } catch (error) {
      // A lost session has already sent the user back to the sign-in form.
      if (error instanceof ApiFailure && error.isUnauthorized) return;
      refusals.set(claim.id, refusalText(error));
      if (error instanceof ApiFailure && (error.status === 403 || error.status === 409)) {
        await calls.get(claim.id).then((detail) => upsertClaim(detail.claim), () => {});
      }
    } finally {
      busyIds.delete(claim.id);
      render();
    }
  }

  /**
   * The body of a drafted step, or the problems with it (as the API would refuse them).
   * @param {LifecycleClaim} claim
   * @param {ClaimDraft} draft
   * @returns {{ body: ClaimStepBody } | { problems: ClaimDraft['problems'] }}
   */
  function bodyOf(claim, draft) {
    /** @type {ClaimDraft['problems']} */
    const problems = {};
    const reason = draft.reason.trim();
    const note = draft.note.trim();
    const needsReason = draft.kind === 'dispute' || draft.kind === 'decide' || draft.kind === 'withdraw';
    if (needsReason && !reason) problems.reason = t('claims.form.reasonRequired');
    if (draft.kind === 'decide' && !draft.outcome) problems.outcome = t('claims.form.outcomeRequired');
    const evidence = draft.evidence.split('\n').map((line) => line.trim()).filter(Boolean);
    if (draft.kind === 'dispute') {
      const bad = evidence.findIndex((link) => !/^https?:\/\/[^\s/]+/i.test(link));
      if (bad >= 0) problems.evidence = t('claims.form.evidenceInvalid', { n: bad + 1 });
      else if (evidence.length > EVIDENCE_MAX_ITEMS) problems.evidence = t('claims.form.evidenceTooMany', { n: EVIDENCE_MAX_ITEMS });
    }
    let amountCents = 0;
    if (draft.kind === 'advance' || draft.kind === 'recover') {
      const capCents = draft.kind === 'advance' ? advanceLeftCents(claim) : outstandingCents(claim);
      amountCents = parseYuan(draft.amount) ?? 0;
      if (!amountCents) problems.amount = t('claims.form.amountInvalid');
      else if (amountCents > capCents) problems.amount = t('claims.form.amountOverCap', { amount: formatMoney(capCents, claim.currency) });
    }
    if (Object.keys(problems).length) return { problems };
    const withNote = note ? { note } : {};
    switch (draft.kind) {
      case 'dispute':
        return { body: evidence.length ? { reason, evidence } : { reason } };
      case 'decide':
        return { body: { outcome: draft.outcome === 'upheld' ? 'upheld' : 'overturned', reason } };
      case 'withdraw':
        return { body: { reason } };
      case 'advance': case 'recover':
        return { body: { amountCents, ...withNote } };
      case 'settle':
        return { body: withNote };
      default:
        return { body: {} };
    }
  }

  return {
    busyIds,
    drafts,
    refusals,
    /** Forgets the busy claims, drafts and refusals (signing out). */
    clear() {
      busyIds.clear();
      drafts.clear();
      refusals.clear();
    },
    /**
     * What the signed-in user may do to a claim now: nothing for a viewer, else its party's turns.
     * @param {LifecycleClaim} claim
     * @returns {ClaimRights}
     */
    rightsOf(claim) {
      const current = session();
      if (!current) return { party: null, actions: [], isViewer: true };
      const party = partyOf(current, claim);
      if (!ACTING_ROLES.has(current.role)) return { party, actions: [], isViewer: true };
      return { party, actions: claimActionsFor(party, claim), isViewer: false };
    },
    /**
     * A button pressed: a one-press step is sent, any other opens its form (an amount prefilled with what
     * is left to move).
     * @param {LifecycleClaim} claim
     * @param {ClaimActionKind} kind
     */
    start(claim, kind) {
      if (ONE_PRESS.has(kind)) return send(claim, kind, {});
      const amountCents = kind === 'advance' ? advanceLeftCents(claim) : kind === 'recover' ? outstandingCents(claim) : 0;
      drafts.set(claim.id, { kind, reason: '', evidence: '', outcome: '', amount: amountCents ? asYuan(amountCents) : '', note: '', problems: {} });
      refusals.delete(claim.id);
      render();
      return Promise.resolve();
    },
    /**
     * @param {LifecycleClaim} claim
     * @param {'reason' | 'evidence' | 'outcome' | 'amount' | 'note'} field
     * @param {string} value
     */
    edit(claim, field, value) {
      const draft = drafts.get(claim.id);
      if (!draft) return;
      if (field === 'outcome') draft.outcome = value === 'upheld' || value === 'overturned' ? value : '';
      else draft[field] = value;
    },
    /** @param {LifecycleClaim} claim */
    cancel(claim) {
      drafts.delete(claim.id);
      render();
    },
    /**
     * Sends the drafted step, or marks what is missing or wrong.
     * @param {LifecycleClaim} claim
     */
    async submit(claim) {
      const draft = drafts.get(claim.id);
      if (!draft) return;
      const checked = bodyOf(claim, draft);
      draft.problems = 'problems' in checked ? checked.problems : {};
      if ('problems' in checked) return render();
      await send(claim, draft.kind, checked.body);
    },
  };
}

/** @typedef {ReturnType<typeof createClaimActions>} ClaimActions */
