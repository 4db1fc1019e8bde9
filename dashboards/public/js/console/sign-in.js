// @ts-check
/**
 * The console's sign-in form: login and password, sent once to `POST /api/v1/session`, which sets the
 * session cookie. A wrong password and a throttled login (429, Retry-After) are told apart in words;
 * the password field is emptied after every attempt and nothing is kept in this browser.
 */
import { byId } from '../dom.js';
import { t } from '../i18n.js';
import { ApiFailure } from './api-client.js';

/** @typedef {import('./api-client.js').ApiClient} ApiClient */

/**
 * @param {{ api: ApiClient, onSignedIn: () => void }} options
 */
export function createSignIn({ api, onSignedIn }) {
  const section = byId('sign-in');
  const form = /** @type {HTMLFormElement} */ (byId('sign-in-form'));
  const loginInput = /** @type {HTMLInputElement} */ (byId('login'));
  const passwordInput = /** @type {HTMLInputElement} */ (byId('password'));
  const submit = /** @type {HTMLButtonElement} */ (byId('sign-in-submit'));
  const error = byId('sign-in-error');
  /** The message shown, as a function, so a language switch rewords it. */
  /** @type {(() => string) | undefined} */
  let message;
  let isBusy = false;

  function relabel() {
    error.textContent = message?.() ?? '';
    error.hidden = !message;
    submit.textContent = t(isBusy ? 'console.signIn.busy' : 'console.signIn.submit');
  }

  /** @param {(() => string) | undefined} next */
  function say(next) {
    message = next;
    relabel();
  }

  /** @param {unknown} failure */
  function explain(failure) {
    if (failure instanceof ApiFailure && failure.status === 429) {
      const seconds = failure.retryAfterS;
      return () => (seconds ? t('console.signIn.throttled', { s: seconds }) : t('console.signIn.throttledLater'));
    }
    if (failure instanceof ApiFailure && failure.status === 401) return () => t('console.signIn.wrong');
    const text = failure instanceof Error ? failure.message : String(failure);
    return () => t('console.signIn.failed', { message: text });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy) return;
    const login = loginInput.value.trim();
    const password = passwordInput.value;
    if (!login) return loginInput.focus();
    if (!password) return passwordInput.focus();
    isBusy = true;
    submit.disabled = true;
    say(undefined);
    try {
      await api.signIn(login, password);
      passwordInput.value = '';
      onSignedIn();
    } catch (failure) {
      passwordInput.value = '';
      say(explain(failure));
      passwordInput.focus();
    } finally {
      isBusy = false;
      submit.disabled = false;
      relabel();
    }
  });

  return {
    /**
     * Shows the form, with a message (a session that ended) or none.
     * @param {() => string} [text] the message in the language in use
     */
    show(text) {
      section.hidden = false;
      say(text);
      (loginInput.value ? passwordInput : loginInput).focus();
    },
    hide() {
      section.hidden = true;
      say(undefined);
    },
    relabel,
  };
}
