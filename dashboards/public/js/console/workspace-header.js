// @ts-check
/**
 * The top of the workspace: who is signed in (name, organisation and its kind, role), and the
 * organisation's work at a glance: open alerts, how many are past their deadline, shipments held now,
 * claims. The claims' title says whose they are: against a custodian, filed for a shipper.
 */
import { byId } from '../dom.js';
import { currentLang, t } from '../i18n.js';
import { orgDisplayName } from './org-names.js';

/** @typedef {import('./api-client.js').Session} Session */
/** @typedef {import('./api-client.js').Alert} Alert */

/** @param {Session} session */
export function renderIdentity(session) {
  byId('who-name').textContent = session.name;
  const org = { id: session.orgId, name: session.orgName, nameEn: session.orgNameEn };
  const kind = t(`console.orgKind.${session.orgKind}`);
  byId('who-org').textContent = currentLang() === 'zh' ? `${orgDisplayName(org)}（${kind}）` : `${orgDisplayName(org)} (${kind})`;
  byId('who-role').textContent = t(`console.role.${session.role}`);
  byId('claims-title').textContent =
    session.orgKind === 'platform' ? t('console.claims.title') : session.orgKind === 'shipper' ? t('console.claims.title.for') : t('console.claims.title.against');
}

/**
 * The counts; the overdue count moves with the clock, so the console redraws them every few seconds too.
 * @param {{ alerts: Alert[], heldCount: number, claimCount: number, now: number }} work alerts not resolved
 */
export function renderSummary({ alerts, heldCount, claimCount, now }) {
  const open = alerts.filter((a) => a.status === 'open');
  const overdue = open.filter((a) => a.respondBy < now).length;
  byId('count-open').textContent = String(open.length);
  byId('count-overdue').textContent = String(overdue);
  byId('count-overdue').parentElement?.classList.toggle('is-overdue', overdue > 0);
  byId('count-held').textContent = String(heldCount);
  byId('count-claims').textContent = String(claimCount);
  document.title = `${open.length ? `(${open.length}) ` : ''}${t('console.title')}`;
}
