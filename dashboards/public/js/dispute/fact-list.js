// @ts-check
/** Label and value pairs (`<dl>`), the dispute view's way of showing a record's fields at any width. */
import { h } from '../dom.js';

/** @typedef {import('../dom.js').Child} Child */
/** @typedef {[key: string, label: string, value: Child | Child[]]} Fact `key` becomes `data-fact`, for tests and styling */

/**
 * @param {(Fact | null | false)[]} facts left-out entries are skipped
 * @param {string} [className]
 */
export function factList(facts, className = '') {
  return h(
    'dl',
    { class: `facts ${className}`.trim() },
    facts.filter((fact) => Boolean(fact)).map((fact) => {
      const [key, label, value] = /** @type {Fact} */ (fact);
      return h('div', { class: 'fact', 'data-fact': key }, h('dt', {}, label), h('dd', {}, value));
    }),
  );
}

/**
 * A temperature with its unit kept on the same line.
 * @param {number | null} tempC
 */
export function formatTempC(tempC) {
  return tempC === null ? '—' : `${tempC.toFixed(1)}\u00a0°C`;
}

/**
 * A reason as a sentence: the rules word reasons to follow a colon ("the excursion began..."); shown on
 * their own they start with a capital.
 * @param {string} text
 */
export function asSentence(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
