// @ts-check
/**
 * The streamer's after-sales queue in the console (issue 13, item 5), for shippers and the platform:
 * requests waiting for a decision first, the nearest deadline on top, then those decided lately. A
 * decision is one press: approve sends the reason in the box (a default the streamer may edit); reject
 * asks for the streamer's own reason first. The card then shows the new state in place, without moving.
 */
import { h, replaceContent } from '../dom.js';
import { t } from '../i18n.js';
import { ApiFailure } from './api-client.js';
import { createAfterSalesCalls } from './after-sales-calls.js';
import { isOpen, renderAfterSalesCard } from './after-sales-card.js';

/** @typedef {import('./api-client.js').Session} Session */
/** @typedef {import('./after-sales-calls.js').QueueItem} QueueItem */
/** @typedef {import('./after-sales-calls.js').AfterSalesDetail} AfterSalesDetail */

/** Decided requests shown under the open ones: the latest few, for a look back. */
const DECIDED_SHOWN = 20;
/** The queue has no live stream: it is read again this often while the page is in front. */
const RELOAD_MS = 60_000;
const KINDS = new Set(['shipper', 'platform']);
const ACTING_ROLES = new Set(['operator', 'admin']);

/**
 * @param {{ section: HTMLElement, box: HTMLElement, count: HTMLElement, orgName: (id: string) => string, onUnauthorized: () => void }} options
 */
export function createAfterSalesQueue(options) {
  const { section, box, count } = options;
  /** @type {Session | undefined} */
  let session;
  /** @type {ReturnType<typeof createAfterSalesCalls> | undefined} */
  let calls;
  /** @type {QueueItem[]} */
  let items = [];
  /** @type {Map<string, AfterSalesDetail>} */
  const details = new Map();
  /** @type {Map<string, string>} Reasons being typed, by request: kept across redraws. */
  const reasons = new Map();
  /** @type {Map<string, string>} */
  const reasonErrors = new Map();
  /** @type {Map<string, string>} */
  const failures = new Map();
  /** @type {Map<string, 'approve' | 'reject'>} */
  const busy = new Map();
  /** Requests decided in this page: kept where they were until the next load. */
  const decidedHere = new Set();
  let loadError = '';
  let isLoaded = false;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;
  const dialog = createPhotoDialog();

  function canDecide(/** @type {QueueItem} */ item) {
    // The streamer decides while the request waits for it (and still once escalated); the platform only once escalated.
    const turn = session?.orgKind === 'platform' ? item.state === 'escalated' : item.state === 'awaiting_shipper' || item.state === 'escalated';
    return Boolean(session && ACTING_ROLES.has(session.role) && turn);
  }

  /** Open first, the nearest deadline on top (an escalated request has passed its own), then decided. */
  function ordered() {
    const deadline = (/** @type {QueueItem} */ item) => (item.state === 'escalated' ? 0 : (item.decideBy ?? item.reportedAt));
    const open = items.filter((item) => isOpen(item) || decidedHere.has(item.id)).sort((a, b) => deadline(a) - deadline(b));
    const decided = items.filter((item) => !isOpen(item) && !decidedHere.has(item.id)).slice(0, DECIDED_SHOWN);
    return { open, decided };
  }

  function render() {
    if (!session) return;
    const now = Date.now();
    const typing = document.activeElement instanceof HTMLTextAreaElement && box.contains(document.activeElement) ? document.activeElement : undefined;
    const typingIn = typing?.dataset.requestId;
    const caret = typing ? [typing.selectionStart, typing.selectionEnd] : undefined;
    const { open, decided } = ordered();
    const card = (/** @type {QueueItem} */ item) =>
      renderAfterSalesCard(item, {
        now,
        detail: details.get(item.id),
        canDecide: canDecide(item),
        isViewer: session?.role === 'viewer',
        reason: reasons.get(item.id) ?? t('afterSales.queue.approveReason'),
        reasonError: reasonErrors.get(item.id) ?? '',
        busy: busy.get(item.id),
        failure: failures.get(item.id) ?? '',
        orgName: options.orgName,
        onReason: (text) => {
          reasons.set(item.id, text);
          if (text.trim()) reasonErrors.delete(item.id);
        },
        onDecide: (decision) => decide(item, decision),
        onPhoto: (src, alt) => dialog.open(src, alt),
      });
    replaceContent(
      box,
      loadError ? h('p', { class: 'error asq-load-error', role: 'alert' }, loadError) : null,
      h('h3', { class: 'asq-group' }, t('afterSales.queue.open'), ' ', h('span', { class: 'count' }, String(open.filter(isOpen).length))),
      open.length ? h('div', { class: 'asq-list', 'data-group': 'open' }, open.map(card)) : h('p', { class: 'empty-note' }, t(isLoaded ? 'afterSales.queue.emptyOpen' : 'console.loading')),
      decided.length ? [h('h3', { class: 'asq-group' }, t('afterSales.queue.done')), h('div', { class: 'asq-list', 'data-group': 'decided' }, decided.map(card))] : null,
    );
    count.textContent = String(open.filter(isOpen).length);
    if (typingIn) {
      const field = box.querySelector(`textarea[data-request-id="${CSS.escape(typingIn)}"]`);
      if (field instanceof HTMLTextAreaElement) {
        field.focus();
        if (caret) field.setSelectionRange(caret[0], caret[1]);
      }
    }
  }

  async function load() {
    if (!session || !calls) return;
    const started = session;
    try {
      const list = await calls.list();
      if (session !== started) return;
      items = list;
      loadError = '';
      isLoaded = true;
      decidedHere.clear();
      render();
      // The photos' addresses, the claim and its state come with each request's detail.
      const { open, decided } = ordered();
      await Promise.all(
        [...open, ...decided].map(async (item) => {
          const detail = await calls?.get(item.id).catch(() => undefined);
          if (detail && session === started) details.set(item.id, detail);
        }),
      );
      if (session === started) render();
    } catch (error) {
      if (error instanceof ApiFailure && error.isUnauthorized) return;
      loadError = t('afterSales.queue.loadFailed', { message: error instanceof Error ? error.message : String(error) });
      render();
    }
  }

  /**
   * @param {QueueItem} item
   * @param {'approve' | 'reject'} decision
   */
  async function decide(item, decision) {
    if (!calls || busy.has(item.id)) return;
    const typed = (reasons.get(item.id) ?? t('afterSales.queue.approveReason')).trim();
    // A rejection is the streamer's own words: the approval's default text is no reason to reject.
    if (decision === 'reject' && (!typed || typed === t('afterSales.queue.approveReason'))) {
      reasons.set(item.id, '');
      reasonErrors.set(item.id, t('afterSales.queue.reasonRequired'));
      render();
      const field = box.querySelector(`textarea[data-request-id="${CSS.escape(item.id)}"]`);
      if (field instanceof HTMLTextAreaElement) field.focus();
      return;
    }
    // Approving is one press: an emptied field (after a reject asked for a reason) takes the default text.
    const reason = typed || t('afterSales.queue.approveReason');
    busy.set(item.id, decision);
    failures.delete(item.id);
    reasonErrors.delete(item.id);
    render();
    try {
      const answer = await calls.decide(item.id, decision, reason);
      items = items.map((it) => (it.id === item.id ? { ...it, ...answer.request } : it));
      decidedHere.add(item.id);
      reasons.delete(item.id);
      const detail = details.get(item.id);
      if (detail) details.set(item.id, { ...detail, request: answer.request, history: answer.history });
    } catch (error) {
      if (error instanceof ApiFailure && error.isUnauthorized) return;
      failures.set(item.id, t('afterSales.queue.decideFailed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      busy.delete(item.id);
    }
    render();
  }

  return {
    /**
     * Shows the queue to shippers and the platform, and reads it.
     * @param {Session} signedIn
     */
    start(signedIn) {
      session = signedIn;
      if (!KINDS.has(signedIn.orgKind)) {
        section.hidden = true;
        return;
      }
      calls = createAfterSalesCalls({ csrfToken: signedIn.csrfToken ?? '', onUnauthorized: options.onUnauthorized });
      section.hidden = false;
      render();
      load();
      clearInterval(timer);
      timer = setInterval(() => {
        if (document.visibilityState === 'visible' && busy.size === 0) load();
      }, RELOAD_MS);
    },
    /** Forgets everything of the organisation's (sign-out). */
    stop() {
      clearInterval(timer);
      session = undefined;
      calls = undefined;
      items = [];
      isLoaded = false;
      loadError = '';
      for (const map of [details, reasons, reasonErrors, failures, busy]) map.clear();
      decidedHere.clear();
      dialog.close();
      replaceContent(box);
      count.textContent = '';
      section.hidden = true;
    },
    render,
    reload: load,
  };
}

/** A larger view of a photo, in a modal dialog the Escape key and a click outside close. */
function createPhotoDialog() {
  const image = h('img', { class: 'asq-dialog-image', alt: '' });
  const closeButton = h('button', { type: 'button', class: 'button button-quiet asq-dialog-close' });
  const dialog = h('dialog', { class: 'asq-dialog' }, closeButton, image);
  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.body.append(dialog);
  return {
    /**
     * @param {string} src
     * @param {string} alt
     */
    open(src, alt) {
      image.src = src;
      image.alt = alt;
      closeButton.textContent = t('afterSales.queue.photoClose');
      dialog.setAttribute('aria-label', alt);
      if (!dialog.open) dialog.showModal();
    },
    close() {
      if (dialog.open) dialog.close();
      image.removeAttribute('src');
    },
  };
}
