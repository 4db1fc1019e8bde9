// @ts-check
/** Money as users read it: "¥40,800.00" in the language in use. */
import { langTag } from './i18n.js';

/**
 * @param {number} cents fen
 * @param {string} currency ISO 4217, `CNY` for every claim today
 */
export function formatMoney(cents, currency) {
  return new Intl.NumberFormat(langTag(), { style: 'currency', currency }).format(cents / 100);
}
