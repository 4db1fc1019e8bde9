// @ts-check
/**
 * The station console (`/console`): sign in with the admin token, pick a station, and work the alerts
 * routed to it as they are pushed (server-sent events): acknowledge, resolve with a note, silence for a
 * while, follow the claims.
 */
import { byId, replaceContent } from '../dom.js';
import { onLangChange, t } from '../i18n.js';
import { mountLangToggle } from '../lang-toggle.js';
import { ApiFailure, createAdminApi } from './admin-api.js';
import { createAlertBoard } from './alert-board.js';
import { connectAlertStream } from './alert-stream.js';
import { renderAlertsTable } from './alerts-table.js';
import { renderClaimsTable } from './claims-table.js';
import { settings } from './console-settings.js';
import { startDeadlineTicker } from './deadline.js';
import { fillOrgPicker, orgDisplayName } from './org-picker.js';
import { SILENCE_MS } from './silences.js';

/** @typedef {import('./admin-api.js').AdminApi} AdminApi */
/** @typedef {import('./admin-api.js').Alert} Alert */
/** @typedef {import('./admin-api.js').Organisation} Organisation */
/** @typedef {import('./admin-api.js').Shipment} Shipment */
/** @typedef {import('./alert-stream.js').StreamState} StreamState */

const FRESH_MS = 8000;
// Stored with the silence and shown to whoever reads it; the API keeps it as given.
const SILENCE_REASON = '站点静默';

const signIn = byId('sign-in');
const signInForm = /** @type {HTMLFormElement} */ (byId('sign-in-form'));
const tokenInput = /** @type {HTMLInputElement} */ (byId('token'));
const signInError = byId('sign-in-error');
const workspace = byId('workspace');
const orgSelect = /** @type {HTMLSelectElement} */ (byId('org'));
const operatorInput = /** @type {HTMLInputElement} */ (byId('operator'));
const showResolvedInput = /** @type {HTMLInputElement} */ (byId('show-resolved'));
const notice = byId('notice');
const liveStatus = byId('live-status');
const signOutButton = /** @type {HTMLButtonElement} */ (byId('sign-out'));
const alertsBox = byId('alerts');
const alertsCount = byId('alerts-count');
const claimsBox = byId('claims');

const board = createAlertBoard();
/** @type {AdminApi | undefined} */
let api;
/** @type {Organisation[]} */
let orgs = [];
/** @type {Map<string, Shipment>} */
let shipments = new Map();
/** @type {Set<string>} */
const busyIds = new Set();
/** Resolve forms open, by alert id: the note being written survives the redraws live events cause. */
/** @type {Map<string, import('./alerts-table.js').ResolveDraft>} */
const resolving = new Map();
/** @type {(() => void) | undefined} */
let closeStream;
/** @type {StreamState} */
let streamState = 'connecting';
/** @type {ReturnType<typeof setTimeout> | undefined} */
let silenceTimer;

/** @param {string} id */
function orgName(id) {
  const org = orgs.find((o) => o.id === id);
  return org ? orgDisplayName(org) : id;
}

/** @param {string} message empty clears the notice */
function showNotice(message) {
  notice.textContent = message;
  notice.hidden = !message;
}

function renderBoard() {
  const now = Date.now();
  const alerts = board.alerts(settings.showResolved);
  // A redraw replaces the rows: keep the operator typing in a note where they were.
  const typing = document.activeElement instanceof HTMLTextAreaElement ? document.activeElement : undefined;
  const typingIn = typing?.dataset.alertId;
  const caret = typing ? [typing.selectionStart, typing.selectionEnd] : undefined;
  replaceContent(
    alertsBox,
    renderAlertsTable(alerts, {
      now,
      orgName,
      shipments,
      busyIds,
      isFresh: (id) => board.isFresh(id, now, FRESH_MS),
      silenceOf: (alert) => board.silenceOf(alert, now),
      onAcknowledge: (alert) => acknowledge(alert),
      onResolve: (alert) => openResolve(alert),
      onSilence: (alert) => silence(alert),
      resolving,
      onNoteInput: (alert, note) => {
        const draft = resolving.get(alert.id);
        if (draft) draft.note = note;
      },
      onConfirmResolve: (alert) => resolve(alert),
      onCancelResolve: (alert) => {
        resolving.delete(alert.id);
        renderBoard();
      },
    }),
  );
  if (typingIn) {
    const field = alertsBox.querySelector(`textarea[data-alert-id="${CSS.escape(typingIn)}"]`);
    if (field instanceof HTMLTextAreaElement) {
      field.focus();
      if (caret) field.setSelectionRange(caret[0], caret[1]);
    }
  }
  // Draw again when a silence starts or runs out, so no row stays marked silenced after it ended.
  clearTimeout(silenceTimer);
  const nextChangeAt = board.nextSilenceChangeAt(now);
  if (nextChangeAt !== undefined) silenceTimer = setTimeout(renderBoard, Math.min(nextChangeAt - now + 100, 2 ** 31 - 1));
  alertsCount.textContent = String(alerts.length);
  replaceContent(claimsBox, renderClaimsTable(board.claims(), { now, orgName }));
  const open = board.openCount();
  document.title = `${open ? `(${open}) ` : ''}${t('console.title')}`;
}

function renderLiveStatus() {
  liveStatus.dataset.state = streamState;
  liveStatus.textContent = t(`console.live.${streamState}`);
}

/**
 * Runs an operator's action on an alert: the alert shows as busy meanwhile, and a failure is shown.
 * @param {Alert} alert
 * @param {(client: NonNullable<typeof api>) => Promise<unknown>} work
 */
async function whileBusy(alert, work) {
  if (!api) return;
  busyIds.add(alert.id);
  renderBoard();
  try {
    await work(api);
    showNotice('');
  } catch (error) {
    showNotice(t('console.action.failed', { message: error instanceof Error ? error.message : String(error) }));
  } finally {
    busyIds.delete(alert.id);
    renderBoard();
  }
}

/** @param {Alert} alert */
async function acknowledge(alert) {
  await whileBusy(alert, async (client) => board.upsertAlert(await client.acknowledge(alert.id, settings.operator)));
}

/**
 * Opens the alert's resolve form: resolving by hand needs a note (what was done or found).
 * @param {Alert} alert
 */
function openResolve(alert) {
  if (!resolving.has(alert.id)) resolving.set(alert.id, { note: '', isRefused: false });
  renderBoard();
  const field = alertsBox.querySelector(`textarea[data-alert-id="${CSS.escape(alert.id)}"]`);
  if (field instanceof HTMLTextAreaElement) field.focus();
}

/**
 * Resolves with the note written; an empty note is refused here, as the API would refuse it.
 * @param {Alert} alert
 */
async function resolve(alert) {
  const draft = resolving.get(alert.id);
  if (!draft) return;
  const note = draft.note.trim();
  if (!note) {
    draft.isRefused = true;
    renderBoard();
    const field = alertsBox.querySelector(`textarea[data-alert-id="${CSS.escape(alert.id)}"]`);
    if (field instanceof HTMLTextAreaElement) field.focus();
    return;
  }
  draft.isRefused = false;
  await whileBusy(alert, async (client) => {
    board.upsertAlert(await client.resolve(alert.id, settings.operator, note));
    resolving.delete(alert.id);
  });
}

/**
 * Silences the alert's rule on its shipment for two hours (no reminders, escalation or notifications).
 * @param {Alert} alert
 */
async function silence(alert) {
  const by = settings.operator;
  await whileBusy(alert, async (client) =>
    board.addSilence(await client.createSilence({ shipmentId: alert.shipmentId, ruleId: alert.ruleId, endsAt: Date.now() + SILENCE_MS, reason: SILENCE_REASON, ...(by ? { by } : {}) })),
  );
}

/** Loads alerts, claims and silences for the station picked; on sign-in, on a station change and after a lost stream. */
async function reload() {
  if (!api) return;
  const orgId = orgSelect.value;
  try {
    // Without the silences the alerts are still worth showing; the last known silences stay.
    const [alerts, claims, silences] = await Promise.all([api.listAlerts(orgId), api.listClaims(orgId), api.listSilences().catch(() => undefined)]);
    if (orgId !== orgSelect.value) return; // the station changed meanwhile; that load wins
    board.reset(alerts, claims);
    if (silences) board.resetSilences(silences);
    showNotice('');
  } catch (error) {
    if (error instanceof ApiFailure && error.isUnauthorized) return signOut(true);
    showNotice(t('console.load.failed', { message: error instanceof Error ? error.message : String(error) }));
  }
  renderBoard();
}

function listen() {
  closeStream?.();
  const orgId = orgSelect.value;
  closeStream = connectAlertStream({
    token: settings.token,
    orgId,
    onState: (state, isReconnect) => {
      streamState = state;
      renderLiveStatus();
      // Events sent while the stream was down are lost to it; the stored state is not.
      if (isReconnect) reload();
    },
    onEvent: (event) => {
      if (event.type === 'claim.filed') {
        if (orgId && event.claim.liableOrgId !== orgId) return;
        board.upsertClaim(event.claim);
      } else if (!board.upsertAlert(event.alert, { isLive: true, now: Date.now() })) {
        return;
      }
      renderBoard();
    },
  });
}

/**
 * Checks the token by loading the organisations, then opens the workspace.
 * @param {string} token
 */
async function start(token) {
  api = createAdminApi(token);
  try {
    orgs = await api.listOrganisations();
  } catch (error) {
    api = undefined;
    if (error instanceof ApiFailure && error.isUnauthorized) return signOut(true);
    signInError.textContent = t('console.load.failed', { message: error instanceof Error ? error.message : String(error) });
    signInError.hidden = false;
    return;
  }
  settings.token = token;
  signIn.hidden = true;
  workspace.hidden = false;
  signOutButton.hidden = false;
  liveStatus.hidden = false;
  settings.orgId = fillOrgPicker(orgSelect, orgs, settings.orgId);
  api.listShipments().then(
    (list) => {
      shipments = new Map(list.map((s) => [s.id, s]));
      renderBoard();
    },
    () => {}, // the route labels are a nicety; the ids are still shown
  );
  listen();
  await reload();
}

/** @param {boolean} isRefused the token was refused (as opposed to the user signing out) */
function signOut(isRefused) {
  closeStream?.();
  closeStream = undefined;
  api = undefined;
  settings.token = '';
  board.reset([], []);
  board.resetSilences([]);
  resolving.clear();
  workspace.hidden = true;
  signOutButton.hidden = true;
  liveStatus.hidden = true;
  signIn.hidden = false;
  signInError.textContent = isRefused ? t('console.token.invalid') : '';
  signInError.hidden = !isRefused;
  tokenInput.value = '';
  tokenInput.focus();
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (token) start(token);
});
signOutButton.addEventListener('click', () => signOut(false));
orgSelect.addEventListener('change', () => {
  settings.orgId = orgSelect.value;
  listen();
  reload();
});
operatorInput.value = settings.operator;
operatorInput.addEventListener('change', () => (settings.operator = operatorInput.value));
showResolvedInput.checked = settings.showResolved;
showResolvedInput.addEventListener('change', () => {
  settings.showResolved = showResolvedInput.checked;
  renderBoard();
});

mountLangToggle(/** @type {HTMLButtonElement} */ (byId('lang-toggle')));
onLangChange(() => {
  if (orgs.length) fillOrgPicker(orgSelect, orgs, orgSelect.value);
  renderLiveStatus();
  renderBoard();
});
startDeadlineTicker(document);

if (settings.token) start(settings.token);
else tokenInput.focus();
