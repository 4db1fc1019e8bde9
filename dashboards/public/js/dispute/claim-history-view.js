// @ts-check
/**
 * A claim's history under it (`GET /api/v1/claims/{id}`): every step in order, with who took it (the
 * signed-in user the API named, their organisation and their party to the claim, or the system's timer),
 * when, what, and the words they gave: a reason, a note, an amount, evidence links, the platform's ruling.
 */
import { h } from '../dom.js';
import { pick, t } from '../i18n.js';
import { formatMoney } from '../money-format.js';
import { formatDateTime } from '../time-format.js';
import { claimStatusName } from '../console/claim-answer.js';

/** @typedef {import('../console/claim-calls.js').ClaimStep} ClaimStep */
/** @typedef {import('../console/claim-calls.js').LifecycleClaim} LifecycleClaim */
/** @typedef {import('../i18n.js').TextKey} TextKey */
/** @typedef {{ kind: 'ok', history: ClaimStep[] } | { kind: 'error', message: string } | { kind: 'loading' }} ClaimHistoryState */

const KINDS = new Set(['acknowledge', 'accept', 'dispute', 'decide', 'advance', 'recover', 'settle', 'withdraw', 'escalate', 'remind']);
const PARTIES = new Set(['carrier', 'shipper', 'platform', 'system']);

/**
 * Who took the step: the system's timer or re-judgement by that name; a person by name, organisation and party.
 * @param {ClaimStep} step
 * @param {(id: string) => string} orgName
 */
function whoText(step, orgName) {
  if (step.party === 'system') return t('claims.party.system');
  const party = PARTIES.has(step.party) ? t(/** @type {TextKey} */ (`claims.party.${step.party}`)) : step.party;
  const org = step.actor.orgId ? orgName(step.actor.orgId) : '';
  return t('claims.history.who', { actor: org && org !== step.actor.name ? `${step.actor.name} · ${org}` : step.actor.name, party });
}

/** @param {ClaimStep} step */
function whatText(step) {
  const kind = step.action.kind;
  const name = KINDS.has(kind) ? t(/** @type {TextKey} */ (`claims.history.kind.${kind}`)) : kind;
  if (kind === 'decide' && (step.action.outcome === 'upheld' || step.action.outcome === 'overturned')) return `${name} · ${t(`claims.history.outcome.${step.action.outcome}`)}`;
  return name;
}

/**
 * The words of a step. The system withdraws on a re-judgement with the claim's reason, kept in both
 * languages on the claim; its history line keeps it in English only.
 * @param {ClaimStep} step
 * @param {LifecycleClaim} claim
 */
function detailLines(step, claim) {
  const { action } = step;
  const reason = step.party === 'system' && action.kind === 'withdraw' && claim.withdrawnReason ? pick(claim.withdrawnReason) : action.reason;
  return [
    typeof action.amountCents === 'number' ? h('p', { 'data-role': 'step-amount' }, t('claims.history.amount', { amount: formatMoney(action.amountCents, claim.currency) })) : null,
    reason ? h('p', { class: 'step-words', 'data-role': 'step-reason' }, t('claims.history.reason', { text: reason })) : null,
    action.note ? h('p', { class: 'step-words', 'data-role': 'step-note' }, t('claims.history.note', { text: action.note })) : null,
    action.evidence?.length
      ? h(
          'div',
          { class: 'step-evidence', 'data-role': 'step-evidence' },
          h('span', { class: 'sub' }, t('claims.history.evidence')),
          h(
            'ul',
            {},
            action.evidence.map((item) =>
              h('li', {}, /^https?:\/\//i.test(item) ? h('a', { href: item, rel: 'noopener noreferrer nofollow', target: '_blank' }, item) : h('code', {}, item)),
            ),
          ),
        )
      : null,
  ];
}

/**
 * @param {ClaimHistoryState} state
 * @param {LifecycleClaim} claim
 * @param {(id: string) => string} orgName
 */
export function renderClaimHistory(state, claim, orgName) {
  const title = h('h3', { class: 'claim-history-title' }, t('claims.history.title'));
  if (state.kind === 'loading') return h('section', { class: 'claim-history', 'data-role': 'claim-history' }, title, h('p', { class: 'sub' }, t('claims.history.loading')));
  if (state.kind === 'error') return h('section', { class: 'claim-history', 'data-role': 'claim-history' }, title, h('p', { class: 'sub' }, t('claims.history.failed', { message: state.message })));
  const steps = [...state.history].sort((a, b) => a.seq - b.seq);
  return h(
    'section',
    { class: 'claim-history', 'data-role': 'claim-history' },
    title,
    steps.length
      ? h(
          'ol',
          { class: 'history-steps' },
          steps.map((step) =>
            h(
              'li',
              { class: 'history-step', 'data-role': 'history-step', 'data-action': step.action.kind, 'data-seq': step.seq },
              h(
                'div',
                { class: 'history-head' },
                h('time', { class: 'history-at', datetime: new Date(step.at).toISOString() }, formatDateTime(step.at)),
                h('strong', { class: 'history-what', 'data-role': 'step-what' }, whatText(step)),
                h('span', { class: 'history-who', 'data-role': 'step-who' }, whoText(step, orgName)),
              ),
              h('p', { class: 'history-move sub', 'data-role': 'step-move' }, t('claims.history.step', { from: claimStatusName(step.from), to: claimStatusName(step.to) })),
              detailLines(step, claim),
            ),
          ),
        )
      : h('p', { class: 'sub' }, t('claims.history.empty')),
  );
}
