// @ts-check
/**
 * The report form, phone first: bad and total fruit counts, boxes (1 unless said), the order number
 * (optional; only the seller sees it), up to 3 photos with previews, checked for size and kind before
 * anything is uploaded. Nothing personal is asked. Each error sits under its field; a busy form cannot
 * be sent twice.
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { checkPhoto, MAX_PHOTOS } from './after-sales-errors.js';

/** @typedef {import('./after-sales-api.js').ReportInput} ReportInput */
/** @typedef {import('./after-sales-errors.js').FieldErrors} FieldErrors */
/** @typedef {import('./after-sales-errors.js').FormField} FormField */
/** @typedef {import('../i18n.js').TextKey} TextKey */

/**
 * @typedef {{
 *   input: ReportInput,
 *   previews: Map<File, string>,
 *   errors: FieldErrors,
 *   isBusy: boolean,
 *   canCancel: boolean,
 * }} FormState
 * @typedef {{
 *   onInput: (field: 'badCount' | 'totalCount' | 'boxes' | 'orderRef', value: string) => void,
 *   onPhotos: (files: File[], error: string | undefined) => void,
 *   onRemovePhoto: (file: File) => void,
 *   onSubmit: () => void,
 *   onCancel: () => void,
 * }} FormActions
 */

const ACCEPT = 'image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif';

/**
 * The error line under a field, only when there is one (no red anywhere on a page with nothing wrong).
 * @param {FormField} field
 * @param {FieldErrors} errors
 */
function errorLine(field, errors) {
  return errors[field] ? h('p', { class: 'as-field-error', id: `as-error-${field}`, 'data-field': field }, errors[field]) : null;
}

/**
 * A labelled number or text field with its hint and error.
 * @param {FormState} state
 * @param {FormActions} actions
 * @param {{ field: 'badCount' | 'totalCount' | 'boxes' | 'orderRef', label: TextKey, hint?: TextKey, numeric: boolean, required: boolean }} spec
 */
function textField(state, actions, spec) {
  const { field } = spec;
  const hasError = Boolean(state.errors[field]);
  const describedBy = [spec.hint ? `as-hint-${field}` : '', hasError ? `as-error-${field}` : ''].filter(Boolean).join(' ');
  return h(
    'div',
    { class: `as-field as-field-${field}${hasError ? ' has-error' : ''}` },
    h('label', { for: `as-${field}` }, t(spec.label)),
    h('input', {
      id: `as-${field}`,
      name: field,
      type: 'text',
      inputmode: spec.numeric ? 'numeric' : 'text',
      pattern: spec.numeric ? '[0-9]*' : null,
      autocomplete: 'off',
      autocapitalize: 'off',
      spellcheck: 'false',
      maxlength: spec.numeric ? 6 : 64,
      required: spec.required,
      value: state.input[field],
      'aria-invalid': hasError ? 'true' : 'false',
      'aria-describedby': describedBy,
      oninput: (/** @type {Event} */ event) => actions.onInput(field, /** @type {HTMLInputElement} */ (event.target).value),
    }),
    spec.hint ? h('p', { class: 'as-hint', id: `as-hint-${field}` }, t(spec.hint)) : null,
    errorLine(field, state.errors),
  );
}

/**
 * Files chosen, checked one by one: those that fit are added up to 3; the first problem is said.
 * @param {FormState} state
 * @param {FileList | null} list
 * @returns {{ files: File[], error: string | undefined }}
 */
function takePhotos(state, list) {
  const files = [...state.input.photos];
  /** @type {string | undefined} */
  let error;
  for (const file of list ? [...list] : []) {
    const problem = checkPhoto(file);
    if (problem) error ??= problem;
    else if (files.length >= MAX_PHOTOS) error ??= t('afterSales.error.photoCount');
    else files.push(file);
  }
  return { files, error };
}

/**
 * @param {FormState} state
 * @param {FormActions} actions
 */
function photosField(state, actions) {
  const photos = state.input.photos;
  const isFull = photos.length >= MAX_PHOTOS;
  const hasError = Boolean(state.errors.photos);
  const picker = h('input', {
    id: 'as-photos',
    class: 'visually-hidden',
    type: 'file',
    name: 'photos',
    accept: ACCEPT,
    multiple: true,
    disabled: isFull || state.isBusy,
    'aria-describedby': hasError ? 'as-hint-photos as-error-photos' : 'as-hint-photos',
    'aria-invalid': hasError ? 'true' : 'false',
    onchange: (/** @type {Event} */ event) => {
      const input = /** @type {HTMLInputElement} */ (event.target);
      const { files, error } = takePhotos(state, input.files);
      input.value = '';
      actions.onPhotos(files, error);
    },
  });
  return h(
    'div',
    { class: `as-field as-field-photos${hasError ? ' has-error' : ''}` },
    h('span', { class: 'as-label', id: 'as-photos-label' }, t('afterSales.photos')),
    h('p', { class: 'as-hint', id: 'as-hint-photos' }, t('afterSales.photosHint')),
    h(
      'ul',
      { class: 'as-previews', 'aria-labelledby': 'as-photos-label' },
      photos.map((file, i) =>
        h(
          'li',
          { class: 'as-preview' },
          h('img', {
            src: state.previews.get(file) ?? '',
            alt: file.name,
            // HEIC does not show in most browsers: the photo is still sent, and says so.
            onerror: (/** @type {Event} */ event) => /** @type {HTMLElement} */ (event.target).replaceWith(h('span', { class: 'as-no-preview' }, t('afterSales.photoNoPreview'))),
          }),
          h('span', { class: 'as-preview-name' }, file.name),
          h(
            'button',
            { type: 'button', class: 'as-preview-remove', disabled: state.isBusy, 'aria-label': t('afterSales.photoRemoveLabel', { n: i + 1 }), onclick: () => actions.onRemovePhoto(file) },
            t('afterSales.photoRemove'),
          ),
        ),
      ),
    ),
    picker,
    h('label', { for: 'as-photos', class: `button button-quiet as-photos-add${isFull || state.isBusy ? ' is-disabled' : ''}` }, t(isFull ? 'afterSales.photosFull' : 'afterSales.photosAdd')),
    errorLine('photos', state.errors),
  );
}

/**
 * @param {FormState} state
 * @param {FormActions} actions
 */
export function renderReportForm(state, actions) {
  return h(
    'form',
    {
      class: 'as-form',
      id: 'after-sales-form',
      novalidate: true,
      'aria-busy': state.isBusy ? 'true' : 'false',
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        actions.onSubmit();
      },
    },
    h('p', { class: 'as-intro' }, t('afterSales.intro')),
    h(
      'fieldset',
      { class: 'as-fieldset', disabled: state.isBusy },
      h(
        'div',
        { class: 'as-counts' },
        textField(state, actions, { field: 'badCount', label: 'afterSales.badCount', numeric: true, required: true }),
        textField(state, actions, { field: 'totalCount', label: 'afterSales.totalCount', numeric: true, required: true }),
      ),
      textField(state, actions, { field: 'boxes', label: 'afterSales.boxes', hint: 'afterSales.boxesHint', numeric: true, required: false }),
      textField(state, actions, { field: 'orderRef', label: 'afterSales.orderRef', hint: 'afterSales.orderRefHint', numeric: false, required: false }),
    ),
    photosField(state, actions),
    state.errors.form ? h('p', { class: 'as-form-error', role: 'alert', 'data-field': 'form' }, state.errors.form) : null,
    h(
      'div',
      { class: 'as-submit-row' },
      h('button', { type: 'submit', class: 'button as-submit', disabled: state.isBusy, 'aria-disabled': state.isBusy ? 'true' : 'false' }, state.isBusy ? h('span', { class: 'as-spinner', 'aria-hidden': 'true' }) : null, t(state.isBusy ? 'afterSales.submitting' : 'afterSales.submit')),
      state.canCancel ? h('button', { type: 'button', class: 'button button-quiet', disabled: state.isBusy, onclick: actions.onCancel }, t('afterSales.cancelAnother')) : null,
    ),
    h('p', { class: 'as-privacy' }, t('afterSales.privacy')),
  );
}
