import type { LocalizedText } from '@coldchain/domain';
import { formatBeijingTime, formatYuan } from './display-values.ts';
import type { NotifyAfterSalesEvent, NotifyAfterSalesType } from './events.ts';
import type { Lang, MessageField, MessageOptions, NotifyMessage, Severity } from './message.ts';

const LABELS = {
  shipment: { zh: '运单', en: 'Shipment' },
  request: { zh: '售后申请', en: 'Request' },
  badFruit: { zh: '坏果', en: 'Bad fruit' },
  remedy: { zh: '补偿方案', en: 'Remedy' },
  photos: { zh: '照片', en: 'Photos' },
  reason: { zh: '原因', en: 'Reason' },
  rule: { zh: '规则', en: 'Rule' },
  claim: { zh: '理赔编号', en: 'Claim' },
  liable: { zh: '责任方', en: 'Liable party' },
  advanced: { zh: '平台先行垫付', en: 'Advanced by the platform' },
  decideBy: { zh: '处理时限', en: 'Decide by' },
  escalateAt: { zh: '逾期升级时间', en: 'Escalated to the platform at' },
  escalatedAt: { zh: '升级时间', en: 'Escalated at' },
  evidence: { zh: '冷链证据', en: 'Cold-chain evidence' },
  openConsole: { zh: '打开控制台处理', en: 'Open the console' },
} satisfies Record<string, LocalizedText>;

/** Titles by step; an approval says whether the rule or a person approved it. */
const TITLES: Readonly<Record<Exclude<NotifyAfterSalesType, 'after_sales.approved' | 'after_sales.paid'>, LocalizedText>> = {
  'after_sales.received': { zh: '【售后·已收到】消费者报告坏果', en: '[After-sales, received] A consumer reports bad fruit' },
  // Fresh fruit: respond within 24 h, close within 48 h (DESIGN.md, after-sales).
  'after_sales.awaiting_shipper': { zh: '【售后·待主播处理】冷链记录未显示物流方责任，请在 24 小时内处理', en: '[After-sales, your decision] The cold-chain record shows no logistics fault: decide within 24 h' },
  'after_sales.decision_due': { zh: '【售后·处理提醒】请在时限前处理该申请', en: '[After-sales, reminder] Decide this request before its deadline' },
  'after_sales.escalated': { zh: '【售后·已升级至平台】主播 48 小时内未处理，由平台处理', en: '[After-sales, escalated] Not decided within 48 h: the platform decides' },
  'after_sales.rejected': { zh: '【售后·已驳回】', en: '[After-sales, rejected] ' },
};

const SEVERITY: Readonly<Record<NotifyAfterSalesType, Severity>> = {
  'after_sales.received': 'info',
  'after_sales.awaiting_shipper': 'minor',
  'after_sales.decision_due': 'major',
  'after_sales.escalated': 'major',
  'after_sales.approved': 'ok',
  'after_sales.rejected': 'info',
  'after_sales.paid': 'ok',
};

/** Reasons are free text (a decision's reason is typed by a person); robot webhooks cap message size. */
const MAX_REASON_CHARS = 600;
const clip = (text: string) => (text.length <= MAX_REASON_CHARS ? text : `${text.slice(0, MAX_REASON_CHARS - 1)}…`);
const beijing = (epochMs: number, lang: Lang) => (lang === 'zh' ? `${formatBeijingTime(epochMs)}（北京时间）` : `${formatBeijingTime(epochMs)} Beijing time`);
const yuan = (cents: number, lang: Lang) => (lang === 'zh' ? `¥${formatYuan(cents)}` : `CNY ${formatYuan(cents)}`);

/** `全额退款 ¥300.00` / `full refund, CNY 300.00`; a resend names what is resent and what it is worth. */
export function describeRemedy(request: NotifyAfterSalesEvent['request'], lang: Lang): string {
  const value = yuan(request.valueCents, lang);
  const resend = request.resend;
  switch (request.remedy) {
    case 'full_refund':
      return lang === 'zh' ? `全额退款 ${value}` : `full refund, ${value}`;
    case 'resend_order': {
      const boxes = resend && 'boxes' in resend ? resend.boxes : request.boxes;
      return lang === 'zh' ? `补发 ${boxes} 箱（价值 ${value}）` : `resend ${boxes} box(es), worth ${value}`;
    }
    case 'resend_bad_count': {
      const fruits = resend && 'fruits' in resend ? resend.fruits : request.badCount;
      return lang === 'zh' ? `补发坏果 ${fruits} 个（价值 ${value}）` : `resend ${fruits} bad fruit(s), worth ${value}`;
    }
    default:
      return lang === 'zh' ? '无需补偿' : 'nothing to compensate';
  }
}

function describeBadFruit(request: NotifyAfterSalesEvent['request'], lang: Lang): string {
  const share = `${Number(((request.badCount * 100) / request.totalCount).toFixed(1))} %`;
  return lang === 'zh' ? `${request.badCount}/${request.totalCount} 个（${share}），共 ${request.boxes} 箱` : `${request.badCount} of ${request.totalCount} fruits (${share}), ${request.boxes} box(es)`;
}

/** The advance the step recorded (an approval by rule), else what the request carries. */
function advancedCents(event: NotifyAfterSalesEvent): number {
  const recorded = event.step.detail?.['advancedCents'];
  return typeof recorded === 'number' ? recorded : event.request.advancedCents;
}

function title(event: NotifyAfterSalesEvent, lang: Lang): string {
  const { request, step } = event;
  if (event.type === 'after_sales.approved') {
    if (step.ruleId === 'after_sales.attributed_excursion') {
      const advanced = advancedCents(event);
      const tail = advanced > 0 ? (lang === 'zh' ? `，平台先行垫付 ${yuan(advanced, lang)}` : `; the platform advances ${yuan(advanced, lang)}`) : '';
      return lang === 'zh' ? `【售后·已自动批准】冷链记录显示物流方责任，坏果秒赔${tail}` : `[After-sales, approved by rule] The cold-chain record puts the fault on a logistics provider${tail}`;
    }
    const who = step.ruleId.endsWith('_by_platform') ? { zh: '平台', en: 'the platform' } : { zh: '主播', en: 'the streamer' };
    return lang === 'zh' ? `【售后·已批准】${who.zh}已批准：${describeRemedy(request, lang)}` : `[After-sales, approved] Approved by ${who.en}: ${describeRemedy(request, lang)}`;
  }
  if (event.type === 'after_sales.paid') {
    const refund = request.remedy === 'full_refund';
    return lang === 'zh'
      ? `【售后·已赔付】${refund ? `已退款 ${yuan(request.valueCents, lang)}` : `已安排补发，价值 ${yuan(request.valueCents, lang)}`}`
      : `[After-sales, paid] ${refund ? `Refunded ${yuan(request.valueCents, lang)}` : `Resend arranged, worth ${yuan(request.valueCents, lang)}`}`;
  }
  if (event.type === 'after_sales.rejected') return `${TITLES[event.type][lang]}${lang === 'zh' ? describeRemedy(request, lang) : `No ${describeRemedy(request, lang)}`}`;
  return TITLES[event.type][lang];
}

/**
 * The chat message of a step of an after-sales request (issue 13, items 4 and 7): what the consumer
 * reported and the remedy the plan's bands give, then what this step decided and why, the claim and the
 * platform's advance when the cold-chain record settled it, and the streamer's deadline while it waits.
 * Never the consumer's order number (the console shows it to the shipper).
 */
export function describeAfterSales(event: NotifyAfterSalesEvent, options: MessageOptions, lang: Lang): NotifyMessage {
  const { request, step } = event;
  const label = (key: keyof typeof LABELS) => LABELS[key][lang];
  const fields: MessageField[] = [
    { label: label('shipment'), value: options.shipmentLabel ?? request.shipmentId },
    { label: label('request'), value: request.id },
    { label: label('badFruit'), value: options.productName ? `${options.productName[lang]} ${describeBadFruit(request, lang)}` : describeBadFruit(request, lang) },
    { label: label('remedy'), value: describeRemedy(request, lang) },
  ];
  if (event.type === 'after_sales.received') fields.push({ label: label('photos'), value: String(request.photoCount) });
  fields.push({ label: label('reason'), value: clip(step.reason[lang]), isLong: true }, { label: label('rule'), value: step.ruleId });
  if (request.claimId && (event.type === 'after_sales.approved' || event.type === 'after_sales.paid')) {
    fields.push({ label: label('claim'), value: request.claimId });
    if (request.liableOrgId) fields.push({ label: label('liable'), value: options.orgNames?.[request.liableOrgId]?.[lang] ?? request.liableOrgId });
    const advanced = advancedCents(event);
    if (advanced > 0) fields.push({ label: label('advanced'), value: yuan(advanced, lang) });
  }
  const isWaiting = event.type === 'after_sales.awaiting_shipper' || event.type === 'after_sales.decision_due';
  if (isWaiting && request.decideBy !== null) fields.push({ label: label('decideBy'), value: beijing(request.decideBy, lang) });
  if (isWaiting && request.escalateAt !== null) fields.push({ label: label('escalateAt'), value: beijing(request.escalateAt, lang) });
  if (event.type === 'after_sales.escalated') fields.push({ label: label('escalatedAt'), value: beijing(request.escalatedAt ?? event.at, lang) });
  fields.push({ label: label('evidence'), value: event.links.shipment, isLong: true });
  return { lang, title: title(event, lang), severity: SEVERITY[event.type], fields, link: { label: label('openConsole'), url: event.links.console } };
}
