// @ts-check
/**
 * What an operator does to an alert from the console: acknowledge, resolve with a note, silence for two
 * hours. The API names the signed-in user as the actor; the console sends no name. While an action runs
 * its alert shows as busy; a refusal (403: another station's goods, a viewer's role) is shown in words.
 */
import { t } from '../i18n.js';
import { ApiFailure } from './api-client.js';
import { SILENCE_MS } from './silences.js';

/** @typedef {import('./api-client.js').Alert} Alert */
/** @typedef {import('./api-client.js').ApiClient} ApiClient */
/** @typedef {import('./alert-board.js').AlertBoard} AlertBoard */
/** @typedef {import('./alerts-table.js').ResolveDraft} ResolveDraft */

// Stored with the silence; the console shows it in the reader's language (system-texts.js).
const SILENCE_REASON = '站点静默';

/** @param {unknown} error */
function failureText(error) {
  if (error instanceof ApiFailure && error.isForbidden) return t('console.action.forbidden');
  return t('console.action.failed', { message: error instanceof Error ? error.message : String(error) });
}

/**
 * @param {{
 *   api: ApiClient,
 *   board: AlertBoard,
 *   alertsBox: HTMLElement,
 *   render: () => void,
 *   showNotice: (message: string) => void,
 * }} deps
 */
export function createAlertActions({ api, board, alertsBox, render, showNotice }) {
  /** @type {Set<string>} */
  const busyIds = new Set();
  /** Resolve forms open, by alert id: the note being written survives the redraws live events cause. */
  /** @type {Map<string, ResolveDraft>} */
  const resolving = new Map();

  /** @param {Alert} alert */
  function focusNote(alert) {
    const field = alertsBox.querySelector(`textarea[data-alert-id="${CSS.escape(alert.id)}"]`);
    if (field instanceof HTMLTextAreaElement) field.focus();
  }

  /**
   * @param {Alert} alert
   * @param {() => Promise<unknown>} work
   */
  async function whileBusy(alert, work) {
    busyIds.add(alert.id);
    render();
    try {
      await work();
      showNotice('');
    } catch (error) {
      // A lost session has already sent the user back to the sign-in form.
      if (!(error instanceof ApiFailure && error.isUnauthorized)) showNotice(failureText(error));
    } finally {
      busyIds.delete(alert.id);
      render();
    }
  }

  return {
    busyIds,
    resolving,
    /** Forgets the busy alerts and open notes (signing out). */
    clear() {
      busyIds.clear();
      resolving.clear();
    },
    /** @param {Alert} alert */
    acknowledge(alert) {
      return whileBusy(alert, async () => board.upsertAlert(await api.acknowledge(alert.id)));
    },
    /**
     * Opens the alert's resolve form: resolving by hand needs a note (what was done or found).
     * @param {Alert} alert
     */
    openResolve(alert) {
      if (!resolving.has(alert.id)) resolving.set(alert.id, { note: '', isRefused: false });
      render();
      focusNote(alert);
    },
    /**
     * @param {Alert} alert
     * @param {string} note
     */
    editNote(alert, note) {
      const draft = resolving.get(alert.id);
      if (draft) draft.note = note;
    },
    /** @param {Alert} alert */
    cancelResolve(alert) {
      resolving.delete(alert.id);
      render();
    },
    /**
     * Resolves with the note written; an empty note is refused here, as the API would refuse it.
     * @param {Alert} alert
     */
    async resolve(alert) {
      const draft = resolving.get(alert.id);
      if (!draft) return;
      const note = draft.note.trim();
      if (!note) {
        draft.isRefused = true;
        render();
        focusNote(alert);
        return;
      }
      draft.isRefused = false;
      await whileBusy(alert, async () => {
        board.upsertAlert(await api.resolve(alert.id, note));
        resolving.delete(alert.id);
      });
    },
    /**
     * Silences the alert's rule on its shipment for two hours (no reminders, escalation or notifications).
     * @param {Alert} alert
     */
    silence(alert) {
      return whileBusy(alert, async () => board.addSilence(await api.createSilence({ shipmentId: alert.shipmentId, ruleId: alert.ruleId, endsAt: Date.now() + SILENCE_MS, reason: SILENCE_REASON })));
    },
  };
}
