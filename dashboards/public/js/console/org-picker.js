// @ts-check
/** The station picker: every organisation by name and kind, or all of them. */
import { h, replaceContent } from '../dom.js';
import { currentLang, t } from '../i18n.js';

/** @typedef {import('./admin-api.js').Organisation} Organisation */

/**
 * @param {Organisation} org
 */
export function orgDisplayName(org) {
  return currentLang() === 'zh' ? org.name : org.nameEn;
}

/**
 * Fills the select; a remembered station that no longer exists falls back to "all".
 * @param {HTMLSelectElement} select
 * @param {Organisation[]} orgs
 * @param {string} selectedId
 */
export function fillOrgPicker(select, orgs, selectedId) {
  const hasSelected = orgs.some((o) => o.id === selectedId);
  replaceContent(
    select,
    h('option', { value: '' }, t('console.org.all')),
    orgs.map((org) => {
      const kind = t(`console.orgKind.${org.kind}`);
      return h('option', { value: org.id }, currentLang() === 'zh' ? `${orgDisplayName(org)}（${kind}）` : `${orgDisplayName(org)} (${kind})`);
    }),
  );
  select.value = hasSelected ? selectedId : '';
  return select.value;
}
