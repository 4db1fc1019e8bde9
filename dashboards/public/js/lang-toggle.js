// @ts-check
/** The visible language switch: one button that flips between Chinese and English. */
import { applyStaticTexts, currentLang, onLangChange, setLang, t } from './i18n.js';

/**
 * Wires a button to switch language, and keeps the page's static texts in step.
 * @param {HTMLButtonElement} button
 */
export function mountLangToggle(button) {
  const label = () => {
    button.textContent = t('lang.switch');
    button.setAttribute('aria-label', t('lang.switchLabel'));
    button.lang = currentLang() === 'zh' ? 'en' : 'zh';
  };
  button.addEventListener('click', () => setLang(currentLang() === 'zh' ? 'en' : 'zh'));
  onLangChange(() => {
    applyStaticTexts();
    label();
  });
  applyStaticTexts();
  label();
}
