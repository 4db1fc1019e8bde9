// @ts-check
/**
 * The console (`/console`), one organisation's work on one screen: sign in as yourself, then the alerts
 * your organisation may see as they are pushed (server-sent events, by the session cookie), the shipments
 * it holds now, how many alerts are past their deadline, and the claims against it or filed for it.
 * Operators acknowledge, resolve with a note and silence; the API names the signed-in user as the actor.
 */
import { byId, replaceContent } from '../dom.js';
import { currentLang, onLangChange, t } from '../i18n.js';
import { mountLangToggle } from '../lang-toggle.js';
import { ApiFailure, createApiClient } from './api-client.js';
import { createAlertBoard } from './alert-board.js';
import { connectAlertStream } from './alert-stream.js';
import { renderAlertsTable } from './alerts-table.js';
import { renderClaimsTable } from './claims-table.js';
import { settings } from './console-settings.js';
import { startDeadlineTicker } from './deadline.js';
import { renderHeldShipments } from './held-shipments.js';
import { createOrgNames, orgDisplayName } from './org-names.js';
import { createSignIn } from './sign-in.js';
import { SILENCE_MS } from './silences.js';

/** @typedef {import('./api-client.js').Alert} Alert */
/** @typedef {import('./api-client.js').Session} Session */
/** @typedef {import('./api-client.js').Shipment} Shipment */
/** @typedef {import('./alert-stream.js').StreamState} StreamState */
/** @typedef {import('./alerts-table.js').ActionRight} ActionRight */

const FRESH_MS = 8000;
// Stored with the silence; the console shows it in the reader's language (system-texts.js).
const SILENCE_REASON = '站点静默';
const ACTING_ROLES = new Set(['operator', 'admin']);

const loading = byId('loading');
const workspace = byId('workspace');
const showResolvedInput = /** @type {HTMLInputElement} */ (byId('show-resolved'));
const notice = byId('notice');
const liveStatus = byId('live-status');
const signOutButton = /** @type {HTMLButtonElement} */ (byId('sign-out'));
const alertsBox = byId('alerts');
const alertsCount = byId('alerts-count');
const heldBox = byId('held');
const claimsBox = byId('claims');
const claimsTitle = byId('claims-title');

const api = createApiClient({ onUnauthorized: () => endSession('ended') });
const signIn = createSignIn({ api, onSignedIn: () => begin() });
const board = createAlertBoard();
const orgs = createOrgNames();
/** @type {Session | undefined} */
let session;
/** @type {Shipment[]} */
let held = [];
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

/** @param {string} message empty clears the notice */
function showNotice(message) {
  notice.textContent = message;
  notice.hidden = !message;
}

/**
 * Whether the signed-in user may act on an alert, as the API decides it (auth/scope.ts): an operator or
 * administrator of the platform, or of the organisation holding the goods now or when the alert was
 * raised (the custodian it was routed to, or the one it is attributed to). A shipper not holding the
 * goods sees the alert and leaves it to the station. Where this guesses wrong, the API's 403 is shown.
 * @param {Alert} alert
 * @returns {ActionRight}
 */
function actionRight(alert) {
  if (!session || !ACTING_ROLES.has(session.role)) return 'view-only';
  if (session.orgKind === 'platform') return 'act';
  if (held.some((s) => s.id === alert.shipmentId)) return 'act';
  if (alert.attribution.orgId === session.orgId) return 'act';
  if (session.orgKind !== 'shipper' && alert.routedTo.includes(session.orgId)) return 'act';
  return 'not-ours';
}

function renderIdentity() {
  if (!session) return;
  byId('who-name').textContent = session.name;
  const org = { id: session.orgId, name: session.orgName, nameEn: session.orgNameEn };
  const kind = t(`console.orgKind.${session.orgKind}`);
  byId('who-org').textContent = currentLang() === 'zh' ? `${orgDisplayName(org)}（${kind}）` : `${orgDisplayName(org)} (${kind})`;
  byId('who-role').textContent = t(`console.role.${session.role}`);
  // A shipper's claims are filed for it; a custodian's are against it; the platform sees them all.
  claimsTitle.textContent = session.orgKind === 'platform' ? t('console.claims.title') : session.orgKind === 'shipper' ? t('console.claims.title.for') : t('console.claims.title.against');
}

/** The counts at the top; the overdue count moves with the clock, so it is redrawn every few seconds too. */
function renderSummary() {
  const now = Date.now();
  const open = board.alerts(false).filter((a) => a.status === 'open');
  byId('count-open').textContent = String(open.length);
  const overdue = open.filter((a) => a.respondBy < now).length;
  byId('count-overdue').textContent = String(overdue);
  byId('count-overdue').parentElement?.classList.toggle('is-overdue', overdue > 0);
  byId('count-held').textContent = String(held.length);
  byId('count-claims').textContent = String(board.claims().length);
  document.title = `${open.length ? `(${open.length}) ` : ''}${t('console.title')}`;
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
      orgName: (id) => orgs.name(id),
      shipments,
      busyIds,
      isFresh: (id) => board.isFresh(id, now, FRESH_MS),
      silenceOf: (alert) => board.silenceOf(alert, now),
      actionRight,
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
  replaceContent(heldBox, renderHeldShipments(held));
  replaceContent(claimsBox, renderClaimsTable(board.claims(), { now, orgName: (id) => orgs.name(id) }));
  renderSummary();
}

function renderLiveStatus() {
  liveStatus.dataset.state = streamState;
  liveStatus.textContent = t(`console.live.${streamState}`);
}

/** @param {unknown} error */
function failureText(error) {
  if (error instanceof ApiFailure && error.isForbidden) return t('console.action.forbidden');
  return t('console.action.failed', { message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs an action on an alert: the alert shows as busy meanwhile, and a refusal is shown in words.
 * @param {Alert} alert
 * @param {() => Promise<unknown>} work
 */
async function whileBusy(alert, work) {
  busyIds.add(alert.id);
  renderBoard();
  try {
    await work();
    showNotice('');
  } catch (error) {
    // A lost session has already sent the user back to the sign-in form.
    if (!(error instanceof ApiFailure && error.isUnauthorized)) showNotice(failureText(error));
  } finally {
    busyIds.delete(alert.id);
    if (session) renderBoard();
  }
}

/** @param {Alert} alert */
async function acknowledge(alert) {
  await whileBusy(alert, async () => board.upsertAlert(await api.acknowledge(alert.id)));
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
  await whileBusy(alert, async () => {
    board.upsertAlert(await api.resolve(alert.id, note));
    resolving.delete(alert.id);
  });
}

/**
 * Silences the alert's rule on its shipment for two hours (no reminders, escalation or notifications).
 * @param {Alert} alert
 */
async function silence(alert) {
  await whileBusy(alert, async () => board.addSilence(await api.createSilence({ shipmentId: alert.shipmentId, ruleId: alert.ruleId, endsAt: Date.now() + SILENCE_MS, reason: SILENCE_REASON })));
}

/** Loads the organisation's alerts, claims, shipments held and silences: at sign-in and after a lost stream. */
async function reload() {
  if (!session) return;
  const started = session;
  try {
    // Without the silences or the route labels the alerts are still worth showing.
    const [alerts, claims, heldNow, silences, recent] = await Promise.all([
      api.listAlerts(),
      api.listClaims(),
      api.listHeldShipments(),
      api.listSilences().catch(() => undefined),
      api.listShipments().catch(() => undefined),
    ]);
    if (session !== started) return; // signed out meanwhile
    board.reset(alerts, claims);
    if (silences) board.resetSilences(silences);
    held = heldNow;
    shipments = new Map([...(recent ?? []), ...heldNow].map((s) => [s.id, s]));
    showNotice('');
  } catch (error) {
    if (error instanceof ApiFailure && error.isUnauthorized) return;
    showNotice(t('console.load.failed', { message: error instanceof Error ? error.message : String(error) }));
  }
  if (session === started) renderBoard();
}

function listen() {
  closeStream?.();
  closeStream = connectAlertStream({
    onState: (state, isReconnect) => {
      streamState = state;
      renderLiveStatus();
      // Events sent while the stream was down are lost to it; the stored state is not.
      if (isReconnect) reload();
    },
    onEvent: (event) => {
      // The API sends only what the organisation may see.
      if (event.type === 'claim.filed') board.upsertClaim(event.claim);
      else if (!board.upsertAlert(event.alert, { isLive: true, now: Date.now() })) return;
      renderBoard();
    },
  });
}

/** Asks who is signed in: the workspace if someone is, the sign-in form if not. */
async function begin() {
  try {
    session = await api.currentSession();
  } catch (error) {
    loading.hidden = true;
    const message = error instanceof Error ? error.message : String(error);
    signIn.show(() => t('console.load.failed', { message }));
    return;
  }
  loading.hidden = true;
  if (!session) {
    signIn.show();
    return;
  }
  signIn.hide();
  orgs.learn([{ id: session.orgId, name: session.orgName, nameEn: session.orgNameEn }]);
  // Other organisations' names, where the API lets this user list them; ids otherwise.
  api.listOrganisations().then(
    (list) => {
      orgs.learn(list);
      if (session) renderBoard();
    },
    () => {},
  );
  renderIdentity();
  workspace.hidden = false;
  signOutButton.hidden = false;
  liveStatus.hidden = false;
  listen();
  renderBoard();
  await reload();
}

/**
 * Back to the sign-in form, with why: the user signed out, or the session ended under them.
 * @param {'signed-out' | 'ended'} why
 */
function endSession(why) {
  if (!session && why === 'ended') return;
  closeStream?.();
  closeStream = undefined;
  session = undefined;
  held = [];
  shipments = new Map();
  board.reset([], []);
  board.resetSilences([]);
  resolving.clear();
  busyIds.clear();
  showNotice('');
  // Nothing of the organisation's stays in the page for the next person at this screen.
  replaceContent(alertsBox);
  replaceContent(heldBox);
  replaceContent(claimsBox);
  workspace.hidden = true;
  signOutButton.hidden = true;
  liveStatus.hidden = true;
  document.title = t('console.title');
  signIn.show(why === 'ended' ? () => t('console.signIn.ended') : undefined);
}

signOutButton.addEventListener('click', async () => {
  signOutButton.disabled = true;
  try {
    await api.signOut();
    endSession('signed-out');
  } catch (error) {
    if (!(error instanceof ApiFailure && error.isUnauthorized)) showNotice(t('console.signOut.failed', { message: error instanceof Error ? error.message : String(error) }));
  } finally {
    signOutButton.disabled = false;
  }
});
showResolvedInput.checked = settings.showResolved;
showResolvedInput.addEventListener('change', () => {
  settings.showResolved = showResolvedInput.checked;
  renderBoard();
});

mountLangToggle(/** @type {HTMLButtonElement} */ (byId('lang-toggle')));
onLangChange(() => {
  signIn.relabel();
  renderLiveStatus();
  if (!session) return;
  renderIdentity();
  renderBoard();
});
startDeadlineTicker(document);
setInterval(() => {
  if (session) renderSummary();
}, 5000);

begin();
