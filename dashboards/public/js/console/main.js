// @ts-check
/**
 * The console (`/console`), one organisation's work on one screen: sign in as yourself, then the alerts
 * your organisation may see as they are pushed (server-sent events, by the session cookie), the shipments
 * it holds now, how many alerts are past their deadline, and the claims against it or filed for it.
 * Operators acknowledge, resolve with a note and silence; the API names the signed-in user as the actor.
 */
import { byId, replaceContent } from '../dom.js';
import { onLangChange, t } from '../i18n.js';
import { mountLangToggle } from '../lang-toggle.js';
import { ApiFailure, createApiClient } from './api-client.js';
import { createAlertActions } from './alert-actions.js';
import { createAfterSalesQueue } from './after-sales-queue.js';
import { createAlertBoard } from './alert-board.js';
import { connectAlertStream } from './alert-stream.js';
import { renderAlertsTable } from './alerts-table.js';
import { createClaimActions } from './claim-actions.js';
import { createClaimCalls } from './claim-calls.js';
import { renderClaimsTable } from './claims-table.js';
import { settings } from './console-settings.js';
import { startDeadlineTicker } from './deadline.js';
import { renderHeldShipments } from './held-shipments.js';
import { createOrgNames } from './org-names.js';
import { createSignIn } from './sign-in.js';
import { renderIdentity, renderSummary } from './workspace-header.js';

/** @typedef {import('./api-client.js').Alert} Alert */
/** @typedef {import('./api-client.js').Session} Session */
/** @typedef {import('./api-client.js').Shipment} Shipment */
/** @typedef {import('./alert-stream.js').StreamState} StreamState */
/** @typedef {import('./alerts-table.js').ActionRight} ActionRight */

const FRESH_MS = 8000;
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
const afterSales = createAfterSalesQueue({ section: byId('after-sales-section'), box: byId('after-sales-queue'), count: byId('after-sales-count'), orgName: (id) => orgs.name(id), onUnauthorized: () => endSession('ended') });
const actions = createAlertActions({ api, board, alertsBox, render: () => session && renderBoard(), showNotice });
// Claims: each party's steps on its turn (claim-actions.js); the row shows the claim as the API answers.
const claimActions = createClaimActions({
  calls: createClaimCalls({ csrfToken: () => session?.csrfToken ?? '', onUnauthorized: () => endSession('ended') }),
  session: () => session,
  upsertClaim: (claim) => board.upsertClaim(claim),
  render: () => session && renderClaims(),
});
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
      busyIds: actions.busyIds,
      isFresh: (id) => board.isFresh(id, now, FRESH_MS),
      silenceOf: (alert) => board.silenceOf(alert, now),
      actionRight,
      onAcknowledge: (alert) => actions.acknowledge(alert),
      onResolve: (alert) => actions.openResolve(alert),
      onSilence: (alert) => actions.silence(alert),
      resolving: actions.resolving,
      onNoteInput: (alert, note) => actions.editNote(alert, note),
      onConfirmResolve: (alert) => actions.resolve(alert),
      onCancelResolve: (alert) => actions.cancelResolve(alert),
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
  renderClaims();
  showSummary();
}

/** The claims table; a redraw (a live event, a step done) keeps the cursor in the claim form being written. */
function renderClaims() {
  const typing = document.activeElement instanceof HTMLElement && claimsBox.contains(document.activeElement) ? document.activeElement : undefined;
  const where = typing?.dataset.field ? `[data-claim-id="${CSS.escape(typing.dataset.claimId ?? '')}"][data-field="${CSS.escape(typing.dataset.field)}"]` : undefined;
  const caret = typing instanceof HTMLInputElement || typing instanceof HTMLTextAreaElement ? [typing.selectionStart, typing.selectionEnd] : undefined;
  replaceContent(claimsBox, renderClaimsTable(board.claims(), { now: Date.now(), orgName: (id) => orgs.name(id), actions: claimActions }));
  const field = where ? claimsBox.querySelector(where) : null;
  if (!(field instanceof HTMLElement)) return;
  field.focus();
  if (caret && (field instanceof HTMLTextAreaElement || (field instanceof HTMLInputElement && field.type === 'text'))) field.setSelectionRange(caret[0], caret[1]);
}

function showSummary() {
  renderSummary({ alerts: board.alerts(false), heldCount: held.length, claimCount: board.claims().length, now: Date.now() });
}

function renderLiveStatus() {
  liveStatus.dataset.state = streamState;
  liveStatus.textContent = t(`console.live.${streamState}`);
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
      // EventSource does not say why it failed: a session that ended (idle, signed out elsewhere) sends the user to sign in.
      if (state === 'lost') {
        api.currentSession().then(
          (current) => {
            if (!current) endSession('ended');
          },
          () => {}, // the network, not the session: the stream keeps retrying
        );
      }
    },
    onEvent: (event) => {
      // The API sends only what the organisation may see.
      if (event.type === 'claim.filed' || event.type === 'claim.updated') board.upsertClaim(event.claim);
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
      afterSales.render();
    },
    () => {},
  );
  renderIdentity(session);
  workspace.hidden = false;
  signOutButton.hidden = false;
  liveStatus.hidden = false;
  listen();
  renderBoard();
  afterSales.start(session);
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
  actions.clear();
  claimActions.clear();
  afterSales.stop();
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
  renderIdentity(session);
  renderBoard();
  afterSales.render();
});
startDeadlineTicker(document);
setInterval(() => {
  if (session) showSummary();
}, 5000);

begin();
