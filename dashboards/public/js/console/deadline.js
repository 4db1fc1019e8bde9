// @ts-check
/**
 * Response deadlines as countdowns ("剩余 42:07", "已超时 3 小时"), kept ticking every second without
 * re-rendering the tables (which would take focus off a button being pressed).
 */
import { t } from '../i18n.js';
import { formatCountdown } from '../time-format.js';

/**
 * @param {number} deadline epoch ms
 * @param {number} now
 */
export function deadlineText(deadline, now) {
  const left = deadline - now;
  return left >= 0 ? { text: t('console.countdown.left', { time: formatCountdown(left) }), isOverdue: false } : { text: t('console.countdown.overdue', { time: formatCountdown(-left) }), isOverdue: true };
}

/**
 * Fills an element with a deadline's countdown and marks it for the ticker.
 * @param {HTMLElement} el
 * @param {number} deadline
 * @param {number} now
 */
export function showDeadline(el, deadline, now) {
  el.dataset.deadline = String(deadline);
  const { text, isOverdue } = deadlineText(deadline, now);
  el.textContent = text;
  el.classList.toggle('is-overdue', isOverdue);
}

/**
 * Updates every countdown under `root` once a second.
 * @param {ParentNode} root
 * @returns {() => void} stops the ticker
 */
export function startDeadlineTicker(root) {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const el of root.querySelectorAll('[data-deadline]')) {
      if (el instanceof HTMLElement) showDeadline(el, Number(el.dataset.deadline), now);
    }
  }, 1000);
  return () => clearInterval(timer);
}
