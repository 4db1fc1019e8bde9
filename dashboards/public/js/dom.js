// @ts-check
/**
 * A small element builder. Text is always set as text, never parsed as HTML, so names and reasons from
 * the API cannot inject markup.
 */

/** @typedef {string | number | Node | null | undefined | false} Child */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | EventListener | null | undefined>} [attrs]
 *   `class`, `style` and other attributes; `on<event>` functions become listeners; false/null are left out.
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} parent
 * @param {(Child | Child[])[]} children
 */
function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

/**
 * Replaces an element's content.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function replaceContent(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * The element with this id; a missing one is a bug in the page.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @returns {E}
 */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return /** @type {E} */ (el);
}
