// @ts-check
/**
 * The shipment's evidence chain as the service checks it now: verified or not (with the problems), the
 * signed head (hash, entry count, key fingerprint, when signed) and when and to whom heads were handed
 * (the witnesses that keep the service from rewriting history unnoticed). The chain is read on its own:
 * when it cannot be read the rest of the page stands, and this section says so.
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatDateTime } from '../time-format.js';
import { factList } from './fact-list.js';

/** @typedef {import('./dispute-types.js').ChainStatus} ChainStatus */
/** @typedef {import('./dispute-types.js').Witness} Witness */
/** @typedef {{ kind: 'loading' } | { kind: 'ok', chain: ChainStatus } | { kind: 'error', message: string }} ChainState */

const COPIED_MS = 2000;
/** Witness kinds the service names (`handoff:<eventId>`, `delivery`, ...), as people read them. */
const WITNESS_KEYS = /** @type {const} */ ({ handoff: 'dispute.chain.to.handoff', delivery: 'dispute.chain.to.delivery', consumer: 'dispute.chain.to.consumer', webhook: 'dispute.chain.to.webhook' });

/**
 * `3f9a2c41d7…09be44f1`: enough to compare by eye; the copy button gives the whole hash.
 * @param {string} hash
 */
export function shortHash(hash) {
  return hash.length > 20 ? `${hash.slice(0, 10)}…${hash.slice(-8)}` : hash;
}

/** @param {string} to */
function witnessName(to) {
  const kind = to.split(':')[0] ?? '';
  const key = WITNESS_KEYS[/** @type {keyof typeof WITNESS_KEYS} */ (kind)];
  return key ? t(key) : to;
}

/**
 * Copies text, through the Clipboard API where the page may use it, else a selected textarea.
 * @param {string} text
 */
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = h('textarea', { class: 'visually-hidden', readonly: true }, text);
  document.body.append(area);
  area.select();
  const isCopied = document.execCommand('copy');
  area.remove();
  if (!isCopied) throw new Error('copy refused');
}

/** @param {string} hash */
function copyButton(hash) {
  const button = h('button', { type: 'button', class: 'button button-quiet button-small', 'data-role': 'copy-hash', 'aria-label': `${t('dispute.chain.copy')} ${t('dispute.chain.head')}` }, t('dispute.chain.copy'));
  button.addEventListener('click', () => {
    copyText(hash).then(
      () => (button.textContent = t('dispute.chain.copied')),
      () => (button.textContent = t('dispute.chain.copyFailed')),
    );
    setTimeout(() => (button.textContent = t('dispute.chain.copy')), COPIED_MS);
  });
  return button;
}

/** @param {Witness[]} witnesses oldest first */
function witnessedValue(witnesses) {
  const latest = witnesses.at(-1);
  if (!latest) return h('span', { class: 'muted' }, t('dispute.chain.witnessedNone'));
  const line = (/** @type {Witness} */ w) => t('dispute.chain.witnessAt', { time: formatDateTime(w.at), to: witnessName(w.to), seq: w.seq });
  return [
    h('span', { class: 'sub' }, t('dispute.chain.witnessedCount', { n: witnesses.length })),
    h('ol', { class: 'witnesses', reversed: true }, witnesses.slice(-3).reverse().map((w) => h('li', { title: w.hash }, line(w)))),
  ];
}

/** @param {ChainStatus} chain */
function statusBlock(chain) {
  if (chain.verified) {
    return h(
      'div',
      { class: 'chain-status is-verified', 'data-role': 'chain-status', 'data-verified': 'true' },
      h('span', { class: 'chain-icon', 'aria-hidden': 'true' }, '✓'),
      h('div', {}, h('p', { class: 'chain-headline' }, t('dispute.chain.verified')), h('p', {}, t('dispute.chain.verifiedBody'))),
    );
  }
  return h(
    'div',
    { class: 'chain-status is-failed', 'data-role': 'chain-status', 'data-verified': 'false', role: 'alert' },
    h('span', { class: 'chain-icon', 'aria-hidden': 'true' }, '✗'),
    h('div', {}, h('p', { class: 'chain-headline' }, t('dispute.chain.failed')), h('p', {}, t('dispute.chain.failedBody')), h('ul', { class: 'problems' }, chain.problems.map((p) => h('li', {}, p)))),
  );
}

/**
 * @param {ChainState} state
 * @param {() => void} onRetry
 */
export function renderChain(state, onRetry) {
  const title = h('h2', { id: 'chain-title' }, t('dispute.chain.title'));
  const hint = h('p', { class: 'hint chain-hint' }, t('dispute.chain.verifyHint'));
  if (state.kind === 'loading') return [title, h('p', { class: 'muted', 'data-role': 'chain-status', 'data-state': 'loading' }, t('dispute.chain.loading'))];
  if (state.kind === 'error') {
    return [
      title,
      h(
        'div',
        { class: 'chain-status is-unavailable', 'data-role': 'chain-status', 'data-state': 'unavailable' },
        h('span', { class: 'chain-icon', 'aria-hidden': 'true' }, '?'),
        h(
          'div',
          {},
          h('p', { class: 'chain-headline' }, t('dispute.chain.unavailable')),
          h('p', {}, t('dispute.chain.unavailableBody', { message: state.message })),
          h('button', { type: 'button', class: 'button button-quiet button-small', onclick: onRetry }, t('dispute.retry')),
        ),
      ),
      hint,
    ];
  }
  const { head, witnesses } = state.chain;
  return [
    title,
    statusBlock(state.chain),
    factList(
      [
        ['head', t('dispute.chain.head'), h('span', { class: 'hash-row' }, h('code', { class: 'hash', title: head.hash, 'data-role': 'head-hash' }, shortHash(head.hash)), copyButton(head.hash))],
        ['seq', t('dispute.chain.seq'), String(head.seq)],
        ['key', t('dispute.chain.keyId'), h('code', { class: 'hash' }, head.keyId)],
        ['signed', t('dispute.chain.signedAt'), formatDateTime(head.signedAt)],
        ['witnessed', t('dispute.chain.witnessed'), witnessedValue(witnesses)],
      ],
      'chain-facts',
    ),
    hint,
  ];
}
