// @ts-check
/**
 * The current language and the texts in it (texts.js). The language comes from `?lang=en`, else the
 * last choice made on this device, else Chinese.
 */
import { en, zh } from './texts.js';

/** @typedef {'zh' | 'en'} Lang */

/** @typedef {keyof typeof zh} TextKey */

const STORAGE_KEY = 'coldchain.lang';
const texts = { zh, en };

/** @returns {Lang} */
function readLang() {
  const param = new URLSearchParams(location.search).get('lang');
  if (param === 'en' || param === 'zh') return param;
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** @type {Lang} */
let lang = readLang();
/** @type {Set<(lang: Lang) => void>} */
const listeners = new Set();

/** The language in use. */
export function currentLang() {
  return lang;
}

/** The BCP 47 tag of the language in use, for Intl and `<html lang>`. */
export function langTag() {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

/**
 * Switches language: remembers it, puts it in the address (so a shared link keeps it), and tells the
 * listeners to render again.
 * @param {Lang} next
 */
export function setLang(next) {
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode: the address still carries the choice.
  }
  const url = new URL(location.href);
  if (next === 'zh') url.searchParams.delete('lang');
  else url.searchParams.set('lang', next);
  history.replaceState(null, '', url);
  document.documentElement.lang = langTag();
  for (const listener of listeners) listener(next);
}

/** @param {(lang: Lang) => void} listener */
export function onLangChange(listener) {
  listeners.add(listener);
}

/**
 * A text in the current language, with `{name}` placeholders filled.
 * @param {TextKey} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars = {}) {
  const template = texts[lang][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/**
 * Picks the current language from a `{zh, en}` text the API sends.
 * @param {{ zh: string, en: string }} text
 */
export function pick(text) {
  return text[lang];
}

/**
 * Fills every element with `data-i18n="key"` (its text) or `data-i18n-attr="attr:key"` (an attribute).
 * @param {ParentNode} root
 */
export function applyStaticTexts(root = document) {
  document.documentElement.lang = langTag();
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(/** @type {TextKey} */ (el.getAttribute('data-i18n')));
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    const [attr, key] = (el.getAttribute('data-i18n-attr') ?? '').split(':');
    if (attr && key) el.setAttribute(attr, t(/** @type {TextKey} */ (key)));
  }
}
