// @ts-check
/**
 * A claim row's actions: the buttons of the caller's turn, or why there are none (a read-only account,
 * another party's turn, closed); the form of a step being written; the last refusal in words. Every
 * field carries `data-claim-id` and `data-field`, so a redraw can put the cursor back where it was.
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { advanceLeftCents, nextParty, outstandingCents } from '../claim-turns.js';

/** @typedef {import('./claim-calls.js').LifecycleClaim} LifecycleClaim */
/** @typedef {import('./claim-actions.js').ClaimActions} ClaimActions */
/** @typedef {import('./claim-actions.js').ClaimDraft} ClaimDraft */
/** @typedef {import('../claim-turns.js').ClaimActionKind} ClaimActionKind */
/** @typedef {import('../i18n.js').TextKey} TextKey */

/** The step that moves the claim on is the main button; the others are quiet. */
const PRIMARY = new Set(['acknowledge', 'accept', 'decide', 'settle']);

/**
 * @param {LifecycleClaim} claim
 * @param {{ actions: ClaimActions, orgName: (id: string) => string }} context
 */
export function claimActionCell(claim, context) {
  const { actions } = context;
  const rights = actions.rightsOf(claim);
  const isBusy = actions.busyIds.has(claim.id);
  const draft = actions.drafts.get(claim.id);
  const refusal = actions.refusals.get(claim.id);
  const refusalLine = refusal ? h('p', { class: 'error claim-refusal', role: 'alert', 'data-role': 'claim-refusal' }, refusal) : null;
  if (rights.isViewer) return [h('span', { class: 'sub no-action', 'data-role': 'no-action' }, t('claims.action.viewOnly')), refusalLine];
  if (draft && rights.actions.includes(draft.kind)) return [claimForm(claim, draft, isBusy, context), refusalLine];
  if (!rights.actions.length) {
    const waitingFor = nextParty(claim.status);
    const why = waitingFor ? t('claims.action.waiting', { party: t(/** @type {TextKey} */ (`claims.party.${waitingFor}`)) }) : t('claims.action.closed');
    return [h('span', { class: 'sub no-action', 'data-role': 'no-action' }, why), refusalLine];
  }
  return [
    h(
      'div',
      { class: 'action-buttons claim-buttons' },
      rights.actions.map((kind) =>
        h(
          'button',
          { type: 'button', class: `button${PRIMARY.has(kind) ? '' : ' button-quiet'}`, 'data-action': kind, disabled: isBusy, onclick: () => actions.start(claim, kind) },
          t(/** @type {TextKey} */ (`claims.action.${kind}`)),
        ),
      ),
    ),
    refusalLine,
  ];
}

/**
 * @param {LifecycleClaim} claim
 * @param {ClaimDraft} draft
 * @param {boolean} isBusy
 * @param {{ actions: ClaimActions, orgName: (id: string) => string }} context
 */
function claimForm(claim, draft, isBusy, { actions, orgName }) {
  const idBase = `claim-${claim.id}-${draft.kind}`;
  /**
   * @param {'reason' | 'evidence' | 'amount' | 'note'} field
   * @param {TextKey} label
   * @param {{ rows?: number, placeholder?: string, hint?: string, inputmode?: string }} [options]
   */
  const textField = (field, label, options = {}) => {
    const problem = field === 'note' ? undefined : draft.problems[field];
    const errorId = `${idBase}-${field}-error`;
    const attrs = {
      name: field,
      'data-claim-id': claim.id,
      'data-field': field,
      maxlength: field === 'amount' ? 16 : field === 'evidence' ? 20_000 : 2000,
      placeholder: options.placeholder,
      inputmode: options.inputmode,
      'aria-invalid': problem ? 'true' : 'false',
      'aria-describedby': problem ? errorId : undefined,
      oninput: (/** @type {Event} */ event) => actions.edit(claim, field, /** @type {HTMLInputElement} */ (event.target).value),
    };
    return [
      h(
        'label',
        { class: 'field' },
        options.hint ? [t(label), h('span', { class: 'sub' }, options.hint)] : t(label),
        options.rows ? h('textarea', { ...attrs, rows: options.rows }, draft[field]) : h('input', { ...attrs, type: 'text', value: draft[field] }),
      ),
      problem ? h('span', { class: 'error', id: errorId, role: 'alert' }, problem) : null,
    ];
  };
  /** @type {import('../dom.js').Child[]} */
  const fields = [];
  if (draft.kind === 'accept') {
    fields.push(h('p', { class: 'claim-form-hint' }, t('claims.form.acceptHint', { org: orgName(claim.liableOrgId), amount: formatMoney(claim.amountCents, claim.currency) })));
  }
  if (draft.kind === 'decide') fields.push(outcomeField(claim, draft, actions));
  if (draft.kind === 'dispute' || draft.kind === 'decide' || draft.kind === 'withdraw') {
    fields.push(...textField('reason', 'claims.form.reason', { rows: 2, placeholder: draft.kind === 'dispute' ? t('claims.form.disputeReasonHint') : undefined }));
  }
  if (draft.kind === 'dispute') fields.push(...textField('evidence', 'claims.form.evidence', { rows: 2, placeholder: 'https://' }));
  if (draft.kind === 'advance' || draft.kind === 'recover') {
    const capCents = draft.kind === 'advance' ? advanceLeftCents(claim) : outstandingCents(claim);
    fields.push(...textField('amount', 'claims.form.amount', { inputmode: 'decimal', hint: t('claims.form.amountLeft', { amount: formatMoney(capCents, claim.currency) }) }));
  }
  if (draft.kind === 'advance' || draft.kind === 'recover' || draft.kind === 'settle') fields.push(...textField('note', 'claims.form.note', { rows: 2 }));
  return h(
    'form',
    {
      class: 'claim-form resolve-form',
      'data-role': 'claim-form',
      'data-kind': draft.kind,
      novalidate: true,
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        actions.submit(claim);
      },
    },
    h('strong', { class: 'claim-form-title' }, t(/** @type {TextKey} */ (`claims.action.${draft.kind}`))),
    fields,
    h(
      'span',
      { class: 'resolve-buttons' },
      h('button', { type: 'submit', class: 'button', 'data-role': 'claim-submit', disabled: isBusy }, draft.kind === 'accept' ? t('claims.form.confirmAccept') : t('claims.form.submit')),
      h('button', { type: 'button', class: 'button button-quiet', 'data-role': 'claim-cancel', disabled: isBusy, onclick: () => actions.cancel(claim) }, t('claims.form.cancel')),
    ),
  );
}

/**
 * The platform's decision: upheld (the claim stands) or overturned (it falls).
 * @param {LifecycleClaim} claim
 * @param {ClaimDraft} draft
 * @param {ClaimActions} actions
 */
function outcomeField(claim, draft, actions) {
  const problem = draft.problems.outcome;
  return h(
    'fieldset',
    { class: 'claim-outcome', 'aria-invalid': problem ? 'true' : 'false' },
    h('legend', {}, t('claims.form.outcome')),
    /** @type {const} */ (['upheld', 'overturned']).map((outcome) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'radio',
          name: `outcome-${claim.id}`,
          value: outcome,
          checked: draft.outcome === outcome,
          'data-claim-id': claim.id,
          'data-field': `outcome-${outcome}`,
          onchange: () => actions.edit(claim, 'outcome', outcome),
        }),
        h('span', {}, t(/** @type {TextKey} */ (`claims.form.outcome.${outcome}`))),
      ),
    ),
    problem ? h('span', { class: 'error', role: 'alert' }, problem) : null,
  );
}
