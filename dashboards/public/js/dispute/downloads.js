// @ts-check
/**
 * The downloads: the trip report PDF (Chinese, English) and the evidence bundle. They are fetched as the
 * signed-in user (the session cookie) and saved through a Blob URL, so a failure can be shown in the
 * page rather than as a browser error page.
 */
import { h, replaceContent } from '../dom.js';
import { t } from '../i18n.js';
import { ApiFailure } from '../console/api-client.js';

/** @typedef {import('../console/api-client.js').ApiClient} ApiClient */
/** @typedef {import('../i18n.js').TextKey} TextKey */
/** @typedef {{ id: string, label: TextKey, shortLabel: TextKey, path: string, filename: string, kind: 'pdf' | 'zip' }} DownloadItem */

// Long enough for the browser to have taken the bytes; the URL is useless after.
const REVOKE_AFTER_MS = 60_000;

/** @param {string} shipmentId */
function downloadItems(shipmentId) {
  const base = `/api/v1/shipments/${encodeURIComponent(shipmentId)}`;
  /** @type {DownloadItem[]} */
  const items = [
    { id: 'report-zh', label: 'dispute.downloads.pdfZh', shortLabel: 'dispute.downloads.pdfZhShort', path: `${base}/report.pdf?lang=zh`, filename: `${shipmentId}-report-zh.pdf`, kind: 'pdf' },
    { id: 'report-en', label: 'dispute.downloads.pdfEn', shortLabel: 'dispute.downloads.pdfEnShort', path: `${base}/report.pdf?lang=en`, filename: `${shipmentId}-report-en.pdf`, kind: 'pdf' },
    { id: 'evidence', label: 'dispute.downloads.bundle', shortLabel: 'dispute.downloads.bundleShort', path: `${base}/evidence`, filename: `${shipmentId}-evidence.zip`, kind: 'zip' },
  ];
  return items;
}

/**
 * Hands bytes to the browser as a file download.
 * @param {Blob} blob
 * @param {string} filename
 */
function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/**
 * The download buttons and the line saying how the last download went; it keeps its state across the
 * page's re-renders (a language switch mid-download).
 * @param {ApiClient} api
 * @param {string} shipmentId
 */
export function createDownloads(api, shipmentId) {
  const items = downloadItems(shipmentId);
  const root = h('div', { class: 'downloads', 'data-section': 'downloads' });
  /** @type {Set<string>} */
  const busy = new Set();
  /** @type {{ isError: boolean, text: () => string } | undefined} */
  let message;

  /** @param {DownloadItem} item */
  async function download(item) {
    busy.add(item.id);
    message = undefined;
    render();
    try {
      const { blob, filename } = await api.downloadFile(item.path);
      const name = filename ?? item.filename;
      saveBlob(blob, name);
      message = { isError: false, text: () => t('dispute.downloads.saved', { name }) };
    } catch (error) {
      const isMissing = error instanceof ApiFailure && (error.status === 404 || error.status === 501 || error.status === 503);
      const reason = isMissing ? t('dispute.downloads.notReady') : error instanceof Error ? error.message : String(error);
      message = { isError: true, text: () => t('dispute.downloads.failed', { message: reason }) };
    } finally {
      busy.delete(item.id);
      render();
    }
  }

  function render() {
    replaceContent(
      root,
      h('h2', { class: 'downloads-title' }, t('dispute.downloads.title')),
      h(
        'div',
        { class: 'download-buttons' },
        items.map((item) =>
          h(
            'button',
            {
              type: 'button',
              class: `button download-button download-${item.kind}`,
              'data-download': item.id,
              'aria-label': t(item.label),
              disabled: busy.has(item.id),
              'aria-busy': busy.has(item.id) ? 'true' : 'false',
              onclick: () => download(item),
            },
            h('span', { class: 'download-icon', 'aria-hidden': 'true' }, '↓'),
            // A phone shows the short label, in the bar kept at the bottom of the screen (dispute.css).
            busy.has(item.id) ? t('dispute.downloads.busy') : [h('span', { class: 'label-full' }, t(item.label)), h('span', { class: 'label-short' }, t(item.shortLabel))],
          ),
        ),
      ),
      message
        ? h('p', { class: message.isError ? 'download-message error' : 'download-message', role: message.isError ? 'alert' : 'status', 'data-role': 'download-message' }, message.text())
        : h('p', { class: 'download-message hint' }, t('dispute.downloads.hint')),
    );
    return root;
  }

  return { render };
}
