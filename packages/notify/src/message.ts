import { CLAIM_STATUS_NAMES, formatMinutes } from '@coldchain/domain';
import type { ClaimAction, LocalizedText, Tier } from '@coldchain/domain';
import type { Alert, Claim } from '@coldchain/storage';
import { formatBeijingTime, formatTempC, formatYuan } from './display-values.ts';
import type { NotifyAlertEvent, NotifyClaimEvent, NotifyClaimTimerEvent, NotifyClaimUpdateEvent, NotifyEvent } from './events.ts';
import { describeAfterSales } from './after-sales-message.ts';
import { describeHandoff } from './handoff-message.ts';
import { isAfterSalesEvent } from './events.ts';

/** Language of a message: Chinese by default (DESIGN.md, interfaces users see), English available. */
export type Lang = 'zh' | 'en';

/** What a formatter needs besides the event: the names users know things by, and where the console is. */
export type MessageOptions = {
  /** Origin of the web console, e.g. `https://coldchain.example.cn`; the message links to `${baseUrl}/console`. */
  baseUrl: string;
  lang?: Lang;
  /** Who holds the goods now: the custodian of the current leg. Shown as "not on record" when unknown. */
  holder?: LocalizedText | null;
  /** Display names of organisations by id (the liable party of a claim). */
  orgNames?: Readonly<Record<string, LocalizedText>>;
  /** The shipment as its users know it (trace code, route); defaults to the shipment id. */
  shipmentLabel?: string;
  /** The commodity, e.g. 荔枝 / Lychee, put before the rule. */
  productName?: LocalizedText | null;
};

/** How alarming a message is; each channel maps it to its own colours. */
export type Severity = 'critical' | 'major' | 'minor' | 'info' | 'ok' | 'claim';

/** One labelled line of a message; `isLong` values (reasons) take a full row where the channel lays out columns. */
export type MessageField = { label: string; value: string; isLong?: boolean };

/** A channel-neutral message: every channel renders this, so all of them say the same thing. */
export type NotifyMessage = {
  lang: Lang;
  title: string;
  severity: Severity;
  fields: MessageField[];
  link: { label: string; url: string };
};

const TIER_NAMES: Readonly<Record<Tier, LocalizedText>> = {
  1: { zh: '一级', en: 'Tier 1' },
  2: { zh: '二级', en: 'Tier 2' },
  3: { zh: '三级', en: 'Tier 3' },
};

const TIER_SEVERITY: Readonly<Record<Tier, Severity>> = { 1: 'critical', 2: 'major', 3: 'minor' };

/** What the alert is about, by kind (storage `AlertKind`). */
const SUBJECTS: Readonly<Record<Alert['kind'], { noun: LocalizedText; subject: LocalizedText }>> = {
  excursion: { noun: { zh: '告警', en: 'alert' }, subject: { zh: '温度超标', en: 'Temperature out of range' } },
  warning: { noun: { zh: '预警', en: 'warning' }, subject: { zh: '冷链风险预警', en: 'Cold-chain risk ahead' } },
  no_data: { noun: { zh: '告警', en: 'alert' }, subject: { zh: '记录仪无数据', en: 'No data from the logger' } },
};

/** The state an event reports, shown in the title's tag; none for a new alert. */
const STATES: Readonly<Record<NotifyAlertEvent['type'], LocalizedText | null>> = {
  'alert.opened': null,
  'alert.cleared': { zh: '已恢复', en: 'cleared' },
  'alert.acknowledged': { zh: '已确认', en: 'acknowledged' },
  'alert.resolved': { zh: '已关闭', en: 'resolved' },
  'alert.reminder': { zh: '待确认提醒', en: 'reminder' },
  'alert.escalated': { zh: '超时已升级', en: 'escalated' },
  'alert.silenced': { zh: '已静默', en: 'silenced' },
};

/** `【一级告警·已确认】温度超标` / `[Tier 1 alert, acknowledged] Temperature out of range`. */
function alertTitle(event: NotifyAlertEvent, lang: Lang): string {
  const { noun, subject } = SUBJECTS[event.alert.kind];
  const tier = TIER_NAMES[event.alert.tier];
  const state = STATES[event.type];
  return lang === 'zh'
    ? `【${tier.zh}${noun.zh}${state ? `·${state.zh}` : ''}】${subject.zh}`
    : `[${tier.en} ${noun.en}${state ? `, ${state.en}` : ''}] ${subject.en}`;
}

const LABELS = {
  shipment: { zh: '运单', en: 'Shipment' },
  rule: { zh: '规则', en: 'Rule' },
  peak: { zh: '峰值', en: 'Peak' },
  outside: { zh: '超标时长', en: 'Time outside' },
  activeAt: { zh: '开始时间', en: 'Began at' },
  holder: { zh: '货物持有方', en: 'Goods held by' },
  attribution: { zh: '责任判定', en: 'Attribution' },
  details: { zh: '详情', en: 'Details' },
  device: { zh: '记录仪', en: 'Logger' },
  reminders: { zh: '提醒次数', en: 'Reminders sent' },
  escalatedAt: { zh: '升级时间', en: 'Escalated at' },
  respondBy: { zh: '响应时限', en: 'Respond by' },
  acknowledgedBy: { zh: '确认人', en: 'Acknowledged by' },
  resolvedBy: { zh: '处理人', en: 'Resolved by' },
  resolutionNote: { zh: '处理说明', en: 'Note' },
  liable: { zh: '责任方', en: 'Liable party' },
  amount: { zh: '索赔金额', en: 'Amount' },
  reason: { zh: '原因', en: 'Reason' },
  answerBy: { zh: '答复时限', en: 'Answer by' },
  claimId: { zh: '理赔编号', en: 'Claim' },
  evidence: { zh: '证据材料', en: 'Evidence' },
  overdue: { zh: '已超时', en: 'overdue' },
  actedBy: { zh: '操作方', en: 'By' },
  status: { zh: '状态', en: 'Status' },
  note: { zh: '说明', en: 'Note' },
  money: { zh: '本次金额', en: 'This amount' },
  advanced: { zh: '已垫付 / 已追偿', en: 'Advanced / recovered' },
  disputeEvidence: { zh: '异议证据', en: 'Dispute evidence' },
  notOnRecord: { zh: '未登记', en: 'not on record' },
  openConsole: { zh: '打开控制台处理', en: 'Open the console' },
} satisfies Record<string, LocalizedText>;

/** Reasons are the only free text; robot webhooks cap message size (WeCom markdown: 4,096 bytes). */
const MAX_REASON_CHARS = 600;

function clip(text: string): string {
  return text.length <= MAX_REASON_CHARS ? text : `${text.slice(0, MAX_REASON_CHARS - 1)}…`;
}

function beijing(epochMs: number, lang: Lang): string {
  const text = formatBeijingTime(epochMs);
  return lang === 'zh' ? `${text}（北京时间）` : `${text} Beijing time`;
}

function consoleUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/console`;
}

/** `高于 15 °C` / `above 15 °C`, with the commodity in front when known. */
export function describeRule(alert: Pick<Alert, 'direction' | 'thresholdC'>, lang: Lang, productName?: LocalizedText | null): string {
  const limit = formatTempC(alert.thresholdC);
  const rule =
    lang === 'zh' ? `${alert.direction === 'above' ? '高于' : '低于'} ${limit}` : `${alert.direction === 'above' ? 'above' : 'below'} ${limit}`;
  return productName ? `${productName[lang]} ${rule}` : rule;
}

function describeAlert(event: NotifyAlertEvent, options: MessageOptions, lang: Lang): NotifyMessage {
  const { alert } = event;
  const label = (key: keyof typeof LABELS) => LABELS[key][lang];
  const fields: MessageField[] = [{ label: label('shipment'), value: options.shipmentLabel ?? alert.shipmentId }];
  if (alert.kind === 'excursion') {
    fields.push(
      { label: label('rule'), value: describeRule(alert, lang, options.productName) },
      { label: label('peak'), value: formatTempC(alert.peakTempC) },
      { label: label('outside'), value: formatMinutes(alert.outsideMs)[lang] },
    );
  }
  if (alert.kind === 'no_data') fields.push({ label: label('device'), value: alert.deviceId });
  // Warnings and no-data alerts say what they are in words (trend, reefer cycling, humidity, silence).
  if (alert.message) fields.push({ label: label('details'), value: clip(alert.message[lang]), isLong: true });
  fields.push({ label: label('activeAt'), value: beijing(alert.activeAt, lang) }, { label: label('holder'), value: options.holder?.[lang] ?? label('notOnRecord') });
  if (alert.kind === 'excursion') fields.push({ label: label('attribution'), value: clip(alert.attribution.reason[lang]), isLong: true });
  // The deadline matters only while nobody has taken the alert on (tier response deadlines, DESIGN.md alerts).
  if (alert.status === 'open') fields.push({ label: label('respondBy'), value: beijing(alert.respondBy, lang) });
  if (event.type === 'alert.reminder') fields.push({ label: label('reminders'), value: String(alert.reminders) });
  if (event.type === 'alert.escalated' && alert.escalatedAt !== null) fields.push({ label: label('escalatedAt'), value: beijing(alert.escalatedAt, lang) });
  if (event.type === 'alert.acknowledged' && alert.acknowledgedAt !== null) {
    fields.push({ label: label('acknowledgedBy'), value: `${alert.acknowledgedBy ?? '-'} · ${beijing(alert.acknowledgedAt, lang)}` });
  }
  if (event.type === 'alert.resolved' && alert.resolvedAt !== null) {
    fields.push({ label: label('resolvedBy'), value: `${alert.resolvedBy ?? '-'} · ${beijing(alert.resolvedAt, lang)}` });
    if (alert.resolutionNote) fields.push({ label: label('resolutionNote'), value: clip(alert.resolutionNote), isLong: true });
  }
  const isOver = event.type === 'alert.cleared' || event.type === 'alert.resolved';
  const isQuiet = event.type === 'alert.acknowledged' || event.type === 'alert.silenced';
  return {
    lang,
    title: alertTitle(event, lang),
    severity: isOver ? 'ok' : isQuiet ? 'info' : TIER_SEVERITY[alert.tier],
    fields,
    link: { label: label('openConsole'), url: consoleUrl(options.baseUrl) },
  };
}

function describeAmount(claim: Claim, lang: Lang): string {
  const total = formatYuan(claim.amountCents);
  const goods = formatYuan(claim.goodsShareCents);
  const freight = formatYuan(claim.freightCents);
  return lang === 'zh' ? `¥${total}（货值 ¥${goods} + 运费 ¥${freight}）` : `CNY ${total} (goods ${goods} + freight ${freight})`;
}

const CLAIM_TITLES: Readonly<Record<(NotifyClaimEvent | NotifyClaimTimerEvent)['type'], LocalizedText>> = {
  'claim.filed': { zh: '【理赔】冷链理赔已提交', en: '[Claim] Cold-chain claim filed' },
  // The carrier has not accepted or disputed yet; its answer is due soon (issue 13, item 1).
  'claim.reminder': { zh: '【理赔·待答复提醒】请在时限前接受或提出异议', en: '[Claim, reminder] Accept or dispute before the deadline' },
  // The deadline passed unanswered: the platform takes the claim on (it may advance the payment).
  'claim.escalated': { zh: '【理赔·超时已升级】承运方未在时限内答复，已升级至平台', en: '[Claim, escalated] No answer by the deadline: escalated to the platform' },
};

function describeClaim(event: NotifyClaimEvent | NotifyClaimTimerEvent, options: MessageOptions, lang: Lang): NotifyMessage {
  const { claim } = event;
  const label = (key: keyof typeof LABELS) => LABELS[key][lang];
  const liable = options.orgNames?.[claim.liableOrgId]?.[lang] ?? claim.liableOrgId;
  const deadline = beijing(claim.respondBy, lang);
  const fields: MessageField[] = [
    { label: label('shipment'), value: options.shipmentLabel ?? claim.shipmentId },
    ...(event.type === 'claim.filed' ? [] : [{ label: label('claimId'), value: claim.id }]),
    { label: label('liable'), value: liable },
    { label: label('amount'), value: describeAmount(claim, lang) },
    { label: label('reason'), value: clip(claim.reason[lang]), isLong: true },
    // The carrier must accept or dispute within the deadline (2 h default; DESIGN.md, claims).
    { label: label('answerBy'), value: event.type === 'claim.escalated' ? (lang === 'zh' ? `${deadline}，${label('overdue')}` : `${deadline}, ${label('overdue')}`) : deadline },
  ];
  if (event.type === 'claim.escalated') fields.push({ label: label('escalatedAt'), value: beijing(claim.escalatedAt ?? event.at, lang) });
  if (event.links) fields.push({ label: label('evidence'), value: [event.links.report, event.links.evidence].join(' '), isLong: true });
  return {
    lang,
    title: CLAIM_TITLES[event.type][lang],
    severity: 'claim',
    fields,
    link: { label: label('openConsole'), url: consoleUrl(options.baseUrl) },
  };
}

/** What a step of a claim says in its title, by action (and, for `decide`, by outcome). */
function stepHeadline(action: ClaimAction, lang: Lang): string {
  const money = 'amountCents' in action ? (lang === 'zh' ? ` ¥${formatYuan(action.amountCents)}` : ` CNY ${formatYuan(action.amountCents)}`) : '';
  const zh: Record<ClaimAction['kind'], string> = {
    acknowledge: '承运方已确认收到理赔',
    accept: '承运方已接受理赔',
    dispute: '承运方对理赔提出异议，待平台裁定',
    decide: action.kind === 'decide' && action.outcome === 'upheld' ? '平台裁定维持理赔，由承运方承担' : '平台裁定撤销理赔，承运方不承担',
    settle: '理赔已结案',
    advance: `平台已垫付${money}`,
    recover: `已向承运方追偿${money}`,
    withdraw: '理赔已撤回',
    escalate: '承运方未在时限内答复，已升级至平台',
    remind: '请在时限前接受或提出异议',
  };
  const en: Record<ClaimAction['kind'], string> = {
    acknowledge: 'The carrier acknowledged the claim',
    accept: 'The carrier accepted the claim',
    dispute: 'The carrier disputes the claim; the platform decides',
    decide: action.kind === 'decide' && action.outcome === 'upheld' ? 'The platform upheld the claim: the carrier pays' : 'The platform overturned the claim: the carrier does not pay',
    settle: 'The claim is settled',
    advance: `The platform advanced${money}`,
    recover: `Recovered${money} from the carrier`,
    withdraw: 'The claim was withdrawn',
    escalate: 'No answer by the deadline: escalated to the platform',
    remind: 'Accept or dispute before the deadline',
  };
  return (lang === 'zh' ? zh : en)[action.kind];
}

function describeClaimUpdate(event: NotifyClaimUpdateEvent, options: MessageOptions, lang: Lang): NotifyMessage {
  const { claim, step } = event;
  const { action } = step;
  const label = (key: keyof typeof LABELS) => LABELS[key][lang];
  const org = options.orgNames?.[step.actor.orgId]?.[lang] ?? step.actor.orgId;
  const fields: MessageField[] = [
    { label: label('shipment'), value: options.shipmentLabel ?? claim.shipmentId },
    { label: label('claimId'), value: claim.id },
    { label: label('actedBy'), value: `${org} · ${step.actor.name} · ${beijing(step.at, lang)}` },
    { label: label('status'), value: `${CLAIM_STATUS_NAMES[step.from][lang]} → ${CLAIM_STATUS_NAMES[step.to][lang]}` },
    { label: label('amount'), value: describeAmount(claim, lang) },
  ];
  if ('reason' in action) fields.push({ label: label('reason'), value: clip(action.reason), isLong: true });
  if ('note' in action && action.note) fields.push({ label: label('note'), value: clip(action.note), isLong: true });
  if (action.kind === 'dispute' && action.evidence?.length) fields.push({ label: label('disputeEvidence'), value: clip(action.evidence.join(' ')), isLong: true });
  if ((claim.advancedCents ?? 0) > 0 || (claim.recoveredCents ?? 0) > 0) {
    fields.push({ label: label('advanced'), value: `¥${formatYuan(claim.advancedCents ?? 0)} / ¥${formatYuan(claim.recoveredCents ?? 0)}` });
  }
  // While the carrier's answer is still due (an acknowledgement does not stop the clock).
  if (step.to === 'filed' || step.to === 'acknowledged') fields.push({ label: label('answerBy'), value: beijing(claim.respondBy, lang) });
  fields.push({ label: label('evidence'), value: [event.links.report, event.links.evidence].join(' '), isLong: true });
  const tag = lang === 'zh' ? `【理赔·${CLAIM_STATUS_NAMES[step.to].zh}】` : `[Claim, ${CLAIM_STATUS_NAMES[step.to].en}] `;
  return { lang, title: `${tag}${stepHeadline(action, lang)}`, severity: 'claim', fields, link: { label: label('openConsole'), url: consoleUrl(options.baseUrl) } };
}

/** Builds the channel-neutral message for an event (pure: no clock, no I/O). */
export function describeEvent(event: NotifyEvent, options: MessageOptions): NotifyMessage {
  const lang = options.lang ?? 'zh';
  if (isAfterSalesEvent(event)) return describeAfterSales(event, options, lang);
  switch (event.type) {
    case 'claim.filed':
    case 'claim.reminder':
    case 'claim.escalated':
      return describeClaim(event, options, lang);
    case 'claim.updated':
      return describeClaimUpdate(event, options, lang);
    case 'custody.handoff':
      return describeHandoff(event, options, lang);
    default:
      return describeAlert(event, options, lang);
  }
}

/** The message as plain lines: `title`, `label：value`..., then the link. */
export function renderPlainText(message: NotifyMessage): string {
  const separator = message.lang === 'zh' ? '：' : ': ';
  return [message.title, ...message.fields.map((f) => `${f.label}${separator}${f.value}`), `${message.link.label}${separator}${message.link.url}`].join('\n');
}
