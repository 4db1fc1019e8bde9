import type { OrgKind } from './organisations.ts';
import type { LocalizedText } from './text.ts';

/**
 * What a shipment's public page (the consumer's, reached by the QR on the box) shows of the people in it
 * (issue 12, item 8): chosen by the shipper from public fields only.
 */
export type PublicView = {
  /** City-level origin, e.g. "海南 海口". */
  origin: string;
  /** City-level destination. */
  destination: string;
  /** Custodians by their organisation's name, or only by their kind (carrier, warehouse, courier). */
  custodians: 'names' | 'kinds';
  /** When the shipper made this choice (server time, epoch ms): the public answer's Last-Modified moves with it. */
  chosenAt?: number;
};

/** The kinds of personal data refused in public fields. */
export type PersonalDataKind = 'phone' | 'id_number' | 'street_address' | 'email' | 'hidden_characters';

/** Personal data found in a text: its kind and the text that looked like it. */
export type PersonalDataMatch = { kind: PersonalDataKind; match: string };

/** A public field refused, with its name and why (never repeating the personal data it holds). */
export type PublicFieldRefusal = { field: string; kind: PersonalDataKind; reason: LocalizedText };

/** What the public page shows, once the choice (or its absence) is applied: null leaves the field out. */
export type PublicFields = { origin: string | null; destination: string | null; custodians: 'names' | 'kinds' };

/** Chinese numerals, as house numbers are sometimes written (八十八号). */
const ZH_DIGITS = '0-9一二三四五六七八九十百千零〇两';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/** 18 characters: region (6), birth date (8), sequence (3), check (digit or X); spaces after region and date allowed. */
const ID_NUMBER = /(?<![0-9A-Za-z])(\d{6})\s?(\d{8})\s?(\d{3}[0-9Xx])(?![0-9A-Za-z])/g;

/**
 * Mainland mobile numbers: 1, then 3–9, then nine digits (11 in all; numbering plan of the Ministry of
 * Industry and Information Technology), optionally after +86 / 0086 / 86 and written with spaces or
 * dashes (138 1234 5678, 138-1234-5678).
 */
const MOBILE = /(?<!\d)(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/;

/**
 * Fixed lines: a trunk prefix 0 and a 2–3 digit area code (010, 020, 0898), optionally in brackets, then a
 * 7–8 digit local number that does not begin with 0 or 1; or the same after +86 without the 0.
 */
const LANDLINE = /(?<!\d)(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s-]?|(?:\+|00)86[\s-]?\d{2,3}[\s-]?)[2-9]\d{2,3}[\s-]?\d{4}(?!\d)/;

/** Addresses below the district: a numbered house on a road, lane or village, a building, unit or room. */
const STREET_ADDRESS: readonly RegExp[] = [
  // 人民路88号, 龙昆南路 12 号, 长乐路123弄4号, 红旗村3组
  new RegExp(`[路街道巷弄里]\\s*[${ZH_DIGITS}]+\\s*[号號弄巷]`),
  new RegExp(`村\\s*[${ZH_DIGITS}]+\\s*[组組号號]`),
  // 3栋, 2单元, 501室, 5号楼, 十二幢, 8楼 (floors only with digits: 千层 is a cake)
  new RegExp(`[${ZH_DIGITS}]+\\s*(?:号楼|號樓|栋|棟|幢|单元|單元|室)`),
  /\d+\s*(?:楼|樓|层|層)/,
  // 88 Renmin Road, 12 Longkun South Rd., 5 Baker St
  /(?<![\w-])\d+[A-Za-z]?,?\s+(?:[A-Za-z][A-Za-z.'-]*\s+){0,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Alley|Lu|Jie|Xiang|Hutong)\b\.?/i,
  // No. 88, Room 501, Apt 3, Flat 2, Suite 10, Building 5
  /\bNo\.\s*\d+/i,
  /\b(?:Room|Rm|Apt|Apartment|Flat|Suite|Building|Bldg|Floor)\.?\s*#?\d+/i,
];

/** GB 11643-1999, 5.2: weights W(i) = 2^(i-1) mod 11 for positions 18 down to 2, the check is (12 - Σ mod 11) mod 11, 10 written X. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Whether 18 characters are a citizen identity number whose check character and birth date hold (GB 11643-1999). */
export function isResidentIdNumber(value: string): boolean {
  if (!/^\d{17}[0-9Xx]$/.test(value)) return false;
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(value[i]), 0);
  if (ID_CHECK[sum % 11] !== value[17]!.toUpperCase()) return false;
  // The birth date (positions 7–14, GB 11643-1999 5.1.2) must be a real day of 1800–2099.
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  if (year < 1800 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The first personal data in a text: an e-mail address, a resident ID number (check character verified,
 * GB 11643-1999), a mainland mobile or fixed-line number, or a street address (Chinese or English); null
 * when there is none. City- and district-level places ("广东省广州市", "上海浦东新区", "Haikou, Hainan")
 * and numbers that are not phone-shaped (15 °C, batch B2026-12) pass. Full-width characters are read as
 * their ASCII forms (１３８…).
 */
export function findPersonalData(text: string): PersonalDataMatch | null {
  // Invisible characters (zero-width spaces, soft hyphens, word joiners, direction overrides) have no place
  // in a city name and would hide a number from the patterns below while it shows plainly on a screen.
  const hidden = /\p{Cf}/u.exec(text);
  if (hidden) return { kind: 'hidden_characters', match: `U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` };
  const normal = text.normalize('NFKC');
  const email = EMAIL.exec(normal);
  if (email) return { kind: 'email', match: email[0] };
  // Digits kept apart by any separators (138.1234.5678, 138/1234/5678, 1 3 8 …, en dashes) are read joined too.
  const joined = normal.replace(/(?<=\d)[\s\p{P}\p{S}]{1,3}(?=\d)/gu, '');
  for (const form of [normal, joined]) {
    for (const found of form.matchAll(ID_NUMBER)) {
      if (isResidentIdNumber(`${found[1]}${found[2]}${found[3]}`)) return { kind: 'id_number', match: found[0] };
    }
    const phone = MOBILE.exec(form) ?? LANDLINE.exec(form);
    if (phone) return { kind: 'phone', match: phone[0] };
  }
  for (const pattern of STREET_ADDRESS) {
    const address = pattern.exec(normal);
    if (address) return { kind: 'street_address', match: address[0] };
  }
  return null;
}

const KIND_WORDS: Record<PersonalDataKind, LocalizedText> = {
  phone: { zh: '电话号码', en: 'a phone number' },
  id_number: { zh: '身份证号', en: 'an ID number' },
  street_address: { zh: '详细地址（门牌、楼栋或房间）', en: 'a street address' },
  email: { zh: '电子邮箱', en: 'an e-mail address' },
  hidden_characters: { zh: '不可见的控制字符', en: 'invisible control characters' },
};

/** Why a public field is refused, naming it, in both languages; the personal data itself is not repeated. */
export function publicFieldReason(field: string, kind: PersonalDataKind): LocalizedText {
  const what = KIND_WORDS[kind];
  if (kind === 'hidden_characters') {
    return { zh: `${field}：含有${what.zh}（如零宽空格、方向控制符）；请只填城市（如 海南 海口）`, en: `${field}: holds ${what.en} (such as zero-width spaces or direction overrides); give the city only (e.g. 海南 海口)` };
  }
  return {
    zh: `${field}：看起来是${what.zh}；公开字段任何扫码的人都能看到，只填城市（如 海南 海口）`,
    en: `${field}: looks like ${what.en}; public fields are shown to anyone with the QR code — give the city only (e.g. 海南 海口)`,
  };
}

/**
 * The first of the named fields that holds personal data, in the order given, or null when all may be
 * shown to anyone. Absent (null, undefined) fields pass.
 */
export function checkPublicFields(fields: Readonly<Record<string, string | null | undefined>>): PublicFieldRefusal | null {
  for (const [field, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    const found = findPersonalData(value);
    if (found) return { field, kind: found.kind, reason: publicFieldReason(field, found.kind) };
  }
  return null;
}

/** Whether a public view may be shown: the first refused field (origin, then destination), or null. */
export function checkPublicView(view: Pick<PublicView, 'origin' | 'destination'>): PublicFieldRefusal | null {
  return checkPublicFields({ origin: view.origin, destination: view.destination });
}

/**
 * What the public page shows of a shipment: the shipper's choice when made; without one, the origin and
 * destination as typed at creation only when they hold no personal data (older shipments were created
 * before the check), custodians by name. A stored choice is checked again, so a rule added later also
 * covers it.
 */
export function resolvePublicFields(shipment: { origin: string; destination: string; publicView?: PublicView | null }): PublicFields {
  const chosen = shipment.publicView ?? null;
  const origin = chosen?.origin ?? shipment.origin;
  const destination = chosen?.destination ?? shipment.destination;
  return {
    origin: findPersonalData(origin) ? null : origin,
    destination: findPersonalData(destination) ? null : destination,
    custodians: chosen?.custodians ?? 'names',
  };
}

const KIND_NAMES: Record<OrgKind, LocalizedText> = {
  shipper: { zh: '发货方', en: 'Shipper' },
  carrier: { zh: '承运商', en: 'Carrier' },
  warehouse: { zh: '仓库', en: 'Warehouse' },
  courier: { zh: '快递', en: 'Courier' },
  platform: { zh: '平台', en: 'Platform' },
};

/** A custodian as the public page names it when only kinds are shown (承运商 / Carrier); unknown: 经手方 / Handler. */
export function custodianKindName(kind: OrgKind | null | undefined): LocalizedText {
  return (kind && KIND_NAMES[kind]) || { zh: '经手方', en: 'Handler' };
}
