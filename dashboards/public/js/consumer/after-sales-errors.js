// @ts-check
/**
 * What the report form says when something is wrong: its own checks before sending (so a consumer on a
 * weak network does not upload photos only to hear a count is missing), and the API's refusals put next
 * to the field the API names. The API words a refusal as `field: English / field：中文` (or English only
 * for a shape check, several joined by "; "); the form shows the part in the page's language, with the
 * field's name in words.
 */
import { currentLang, t } from '../i18n.js';

/** @typedef {'badCount' | 'totalCount' | 'boxes' | 'orderRef' | 'photos' | 'form'} FormField */
/** @typedef {Partial<Record<FormField, string>>} FieldErrors */

export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** The types the API takes, by content; a phone's HEIC may come without a type, so its name counts too. */
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);
const PHOTO_NAME = /\.(jpe?g|png|webp|hei[cf])$/i;
const ORDER_REF = /^[A-Za-z0-9_-]{4,64}$/;
const FORM_FIELDS = new Set(['badCount', 'totalCount', 'boxes', 'orderRef', 'photos']);

/**
 * @param {string} value
 * @param {boolean} isRequired
 * @returns {string | undefined}
 */
function checkCount(value, isRequired) {
  const text = value.trim();
  if (!text) return isRequired ? t('afterSales.error.required') : undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 100_000) return t('afterSales.error.whole');
  return undefined;
}

/**
 * The form's own checks, before anything is sent. Whether the counts fit the shipment (boxes, the
 * plan's bands) is the API's to say.
 * @param {import('./after-sales-api.js').ReportInput} input
 * @returns {FieldErrors}
 */
export function checkReport(input) {
  /** @type {FieldErrors} */
  const errors = {};
  const bad = checkCount(input.badCount, true);
  const total = checkCount(input.totalCount, true);
  const boxes = checkCount(input.boxes, false);
  if (bad) errors.badCount = bad;
  if (total) errors.totalCount = total;
  if (boxes) errors.boxes = boxes;
  if (input.orderRef.trim() && !ORDER_REF.test(input.orderRef.trim())) errors.orderRef = t('afterSales.error.orderRef');
  const photo = input.photos.map(checkPhoto).find(Boolean);
  if (photo) errors.photos = photo;
  else if (input.photos.length > MAX_PHOTOS) errors.photos = t('afterSales.error.photoCount');
  return errors;
}

/**
 * A photo's size and kind, checked as it is chosen.
 * @param {File} file
 * @returns {string | undefined}
 */
export function checkPhoto(file) {
  if (file.size > MAX_PHOTO_BYTES) return t('afterSales.error.photoTooLarge', { name: file.name });
  if (!PHOTO_TYPES.has(file.type.toLowerCase()) && !PHOTO_NAME.test(file.name)) return t('afterSales.error.photoType', { name: file.name });
  return undefined;
}

/**
 * Field names in the API's words replaced by the form's ("badCount" → "坏果数").
 * @param {string} text
 */
function inWords(text) {
  return text.replace(/\b(badCount|totalCount|boxes)\b/g, (name) => t(/** @type {import('../i18n.js').TextKey} */ (`afterSales.field.${name}`)));
}

/**
 * Splits the API's message into the fields it names and what it says of each, in the page's language.
 * @param {string} message
 * @returns {FieldErrors}
 */
export function fieldErrorsFromMessage(message) {
  const halves = message.split(' / ');
  const en = halves[0] ?? message;
  const zh = halves.length === 2 ? (halves[1] ?? '') : '';
  /** @type {FieldErrors} */
  const errors = {};
  const enParts = en.split(/;\s+/);
  const zhParts = zh ? zh.split(/;\s+|；/) : [];
  enParts.forEach((part, i) => {
    const match = part.match(/^([A-Za-z.]+)(?:\[\d+\])?\s*:\s*(.+)$/s);
    const field = match?.[1] && FORM_FIELDS.has(match[1]) ? /** @type {FormField} */ (match[1]) : 'form';
    let text = match?.[2] && field !== 'form' ? match[2] : part;
    const zhPart = zhParts[i];
    if (currentLang() === 'zh' && zhPart) text = zhPart.replace(/^[A-Za-z.]+(?:\[\d+\])?\s*[:：]\s*/, '');
    const said = inWords(text.trim());
    errors[field] = errors[field] ? `${errors[field]}；${said}` : said;
  });
  return errors;
}

/**
 * What a refused report says, and where.
 * @param {{ status: number, code: string, message: string, retryAfterS: number | null }} refusal
 * @returns {FieldErrors}
 */
export function errorsFromRefusal(refusal) {
  if (refusal.code === 'rate_limited') return { form: t('afterSales.error.rateLimited', { minutes: Math.max(1, Math.ceil((refusal.retryAfterS ?? 60) / 60)) }) };
  if (refusal.code === 'trace.not_found') return { form: t('afterSales.error.notFound') };
  if (refusal.status >= 500 || refusal.code === 'http') return { form: t('afterSales.error.server', { message: refusal.message }) };
  return fieldErrorsFromMessage(refusal.message);
}
