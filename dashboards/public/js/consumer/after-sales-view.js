// @ts-check
/**
 * Where the verdict's "report bad fruit" link lands (`#after-sales`): the report form, and the requests
 * this browser has sent for this box (kept by id per trace code), each in plain words with its history.
 * The page renders again on a language switch: what the consumer typed and the photos chosen live here,
 * outside the elements, so nothing is lost.
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { fetchRequest, forgetRequestId, keepRequestId, keptRequestIds, sendReport } from './after-sales-api.js';
import { checkReport, errorsFromRefusal } from './after-sales-errors.js';
import { renderReportForm } from './after-sales-form.js';
import { renderRequest } from './after-sales-status.js';

/** @typedef {import('./trace-api.js').Trace} Trace */
/** @typedef {import('./after-sales-api.js').PublicRequest} PublicRequest */
/** @typedef {import('./after-sales-form.js').FormState} FormState */

/**
 * @typedef {{
 *   traceCode: string,
 *   form: FormState,
 *   requests: Map<string, PublicRequest>,
 *   ids: string[],
 *   notes: string[],
 *   isLoading: boolean,
 *   refreshing: Set<string>,
 *   isFormOpen: boolean,
 *   section: HTMLElement | undefined,
 *   focusAfterRender: string | undefined,
 * }} AfterSalesState
 */

/** @type {AfterSalesState | undefined} */
let state;

/** @returns {import('./after-sales-api.js').ReportInput} */
const emptyInput = () => ({ badCount: '', totalCount: '', boxes: '1', orderRef: '', photos: [] });

/** @param {string} traceCode */
function stateFor(traceCode) {
  if (state?.traceCode === traceCode) return state;
  const ids = keptRequestIds(traceCode);
  state = {
    traceCode,
    form: { input: emptyInput(), previews: new Map(), errors: {}, isBusy: false, canCancel: false },
    requests: new Map(),
    ids,
    notes: [],
    isLoading: ids.length > 0,
    refreshing: new Set(),
    isFormOpen: ids.length === 0,
    section: undefined,
    focusAfterRender: undefined,
  };
  if (ids.length) loadKept(state);
  // A consumer coming back to the tab sees where an open request stands now.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state?.traceCode === traceCode) refreshOpen(state);
  });
  return state;
}

/** @param {AfterSalesState} s */
async function loadKept(s) {
  await Promise.all(s.ids.map((id) => refresh(s, id, false)));
  s.isLoading = false;
  // Every kept request is gone: the form is what is left to show.
  if (s.ids.length === 0) s.isFormOpen = true;
  update(s);
}

/** @param {AfterSalesState} s */
function refreshOpen(s) {
  for (const request of s.requests.values()) {
    if (['received', 'awaiting_shipper', 'escalated', 'approved'].includes(request.state)) refresh(s, request.id, true);
  }
}

/**
 * @param {AfterSalesState} s
 * @param {string} id
 * @param {boolean} shouldRender
 */
async function refresh(s, id, shouldRender) {
  if (s.refreshing.has(id)) return;
  s.refreshing.add(id);
  if (shouldRender) update(s);
  const result = await fetchRequest(s.traceCode, id);
  s.refreshing.delete(id);
  if (result.kind === 'ok') s.requests.set(id, result.request);
  else if (result.kind === 'gone') {
    forgetRequestId(s.traceCode, id);
    s.ids = s.ids.filter((kept) => kept !== id);
    s.requests.delete(id);
    s.notes.push(t('afterSales.request.gone', { id }));
  } else if (!s.requests.has(id)) s.notes.push(t('afterSales.request.loadFailed', { message: result.message }));
  if (shouldRender) update(s);
}

/** @param {AfterSalesState} s */
function resetForm(s) {
  for (const url of s.form.previews.values()) URL.revokeObjectURL(url);
  s.form = { input: emptyInput(), previews: new Map(), errors: {}, isBusy: false, canCancel: false };
}

/** @param {AfterSalesState} s */
async function submit(s) {
  const form = s.form;
  if (form.isBusy) return; // one report per press, however often it is pressed
  form.errors = checkReport(form.input);
  if (Object.keys(form.errors).length) {
    s.focusAfterRender = firstErrorField(form.errors);
    update(s);
    return;
  }
  form.isBusy = true;
  update(s);
  const outcome = await sendReport(s.traceCode, form.input);
  form.isBusy = false;
  if (outcome.kind === 'ok') {
    const request = outcome.request;
    keepRequestId(s.traceCode, request.id);
    s.ids = [request.id, ...s.ids.filter((id) => id !== request.id)];
    s.requests.set(request.id, request);
    resetForm(s);
    s.isFormOpen = false;
    s.focusAfterRender = `as-state-${request.id}`;
  } else if (outcome.kind === 'network') {
    form.errors = { form: t('afterSales.error.network') };
    s.focusAfterRender = 'after-sales-form';
  } else {
    form.errors = errorsFromRefusal(outcome);
    s.focusAfterRender = firstErrorField(form.errors);
  }
  update(s);
}

/**
 * The id of the element to focus for the first error, in the form's order.
 * @param {import('./after-sales-errors.js').FieldErrors} errors
 */
function firstErrorField(errors) {
  const field = /** @type {const} */ (['badCount', 'totalCount', 'boxes', 'orderRef', 'photos']).find((f) => errors[f]);
  return field ? `as-${field}` : 'after-sales-form';
}

/** @param {AfterSalesState} s */
function renderSection(s) {
  const requests = s.ids.map((id) => s.requests.get(id)).filter((r) => r !== undefined);
  const hasRequests = requests.length > 0;
  const form = s.form;
  form.canCancel = hasRequests;
  return h(
    'section',
    { class: 'card after-sales', id: 'after-sales', 'aria-labelledby': 'after-sales-title', 'data-form': s.isFormOpen ? 'open' : 'closed' },
    h('h2', { id: 'after-sales-title' }, t(hasRequests ? 'afterSales.request.title' : 'afterSales.title')),
    s.notes.map((note) => h('p', { class: 'as-note' }, note)),
    s.isLoading ? h('p', { class: 'as-note' }, t('afterSales.request.loading')) : null,
    hasRequests
      ? h(
          'div',
          { class: 'as-requests' },
          requests.map((request) => renderRequest(request, { isRefreshing: s.refreshing.has(request.id), onRefresh: () => refresh(s, request.id, true) })),
          h('p', { class: 'as-kept' }, t('afterSales.request.kept')),
        )
      : null,
    s.isFormOpen
      ? renderReportForm(form, {
          onInput: (field, value) => {
            form.input[field] = value;
          },
          onPhotos: (files, error) => {
            for (const file of files) if (!form.previews.has(file)) form.previews.set(file, URL.createObjectURL(file));
            form.input.photos = files;
            form.errors = { ...form.errors, photos: error };
            update(s);
          },
          onRemovePhoto: (file) => {
            const url = form.previews.get(file);
            if (url) URL.revokeObjectURL(url);
            form.previews.delete(file);
            form.input.photos = form.input.photos.filter((f) => f !== file);
            form.errors = { ...form.errors, photos: undefined };
            s.focusAfterRender = 'as-photos';
            update(s);
          },
          onSubmit: () => submit(s),
          onCancel: () => {
            resetForm(s);
            s.isFormOpen = false;
            update(s);
          },
        })
      : h(
          'button',
          {
            type: 'button',
            class: 'button button-quiet as-another',
            onclick: () => {
              s.isFormOpen = true;
              s.focusAfterRender = 'as-badCount';
              update(s);
            },
          },
          t('afterSales.request.another'),
        ),
  );
}

/**
 * Draws the section again in place (after a change of state), and moves focus where the change asks.
 * @param {AfterSalesState} s
 */
function update(s) {
  const next = renderSection(s);
  if (s.section?.isConnected) s.section.replaceWith(next);
  s.section = next;
  if (s.focusAfterRender && next.isConnected) {
    const target = document.getElementById(s.focusAfterRender);
    s.focusAfterRender = undefined;
    if (target) {
      if (!target.hasAttribute('tabindex') && !(target instanceof HTMLInputElement || target instanceof HTMLButtonElement)) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  }
}

/** @param {Trace} trace */
export function renderAfterSales(trace) {
  const s = stateFor(trace.traceCode);
  s.section = renderSection(s);
  return s.section;
}
