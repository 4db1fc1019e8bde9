// @ts-check
/**
 * Words the system wrote on an alert, in the language in use. The rules service resolves a warning or
 * no-data alert that clears itself as `resolvedBy: 'system'` with a stable code in `resolutionNote`
 * (`system.<code>`, @coldchain/domain system-resolutions.ts). Alerts stored by earlier versions carry
 * English instead (`resolvedBy: 'system: the trend no longer reaches the limit'`): the known wordings
 * are translated too; anything else is shown as written.
 */
import { t } from '../i18n.js';

/** @typedef {import('./api-client.js').Alert} Alert */

const SYSTEM_ACTOR = 'system';
const LEGACY_PREFIX = 'system: ';
const CODES = new Set(['trend_gone', 'limit_crossed', 'swings_stopped', 'humidity_back', 'logger_back']);

/**
 * @param {string} code
 * @param {Pick<Alert, 'direction' | 'thresholdC'>} limit
 */
function codeText(code, limit) {
  if (code === 'limit_crossed') return t('system.note.limit_crossed', { direction: t(`console.direction.${limit.direction}`, { t: limit.thresholdC }) });
  return t(/** @type {import('../i18n.js').TextKey} */ (`system.note.${code}`));
}

/** English reasons earlier versions stored after "system: ". */
/** @type {[RegExp, (match: RegExpMatchArray) => string][]} */
const LEGACY = [
  [/^the trend no longer reaches the limit$/, () => t('system.note.trend_gone')],
  [/^(above|below) (-?[\d.]+) °C now: the excursion alert takes over$/, (m) => codeText('limit_crossed', { direction: m[1] === 'below' ? 'below' : 'above', thresholdC: Number(m[2]) })],
  [/^the temperature no longer swings$/, () => t('system.note.swings_stopped')],
  [/^humidity back in range$/, () => t('system.note.humidity_back')],
  [/^the logger reports again$/, () => t('system.note.logger_back')],
  [/^back within (-?[\d.]+) °C/, (m) => t('system.note.back_within', { t: m[1] ?? '' })],
];

/**
 * Who resolved the alert and the note, as the reader's language has them.
 * @param {Alert} alert
 * @returns {{ by: string, note: string | null, isSystem: boolean }}
 */
export function describeResolution(alert) {
  const by = alert.resolvedBy ?? '—';
  const note = alert.resolutionNote;
  if (by === SYSTEM_ACTOR) {
    const code = note?.startsWith('system.') ? note.slice('system.'.length) : undefined;
    return { by: t('console.system'), note: code && CODES.has(code) ? codeText(code, alert) : note, isSystem: true };
  }
  if (by.startsWith(LEGACY_PREFIX)) {
    const reason = by.slice(LEGACY_PREFIX.length);
    for (const [pattern, words] of LEGACY) {
      const match = reason.match(pattern);
      if (match) return { by: t('console.system'), note: words(match), isSystem: true };
    }
    return { by: t('console.system'), note: reason, isSystem: true };
  }
  return { by, note, isSystem: false };
}

/**
 * The console's own silence reason is stored in Chinese; shown in the reader's language.
 * @param {string} reason
 */
export function silenceReasonText(reason) {
  return reason === '站点静默' ? t('console.silenceReason') : reason;
}
