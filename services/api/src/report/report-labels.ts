/** The report's languages: Chinese (the default) and English. */
export type ReportLang = 'zh' | 'en';

export const REPORT_LANGS = ['zh', 'en'] as const;

/** Every fixed text of the report, in both languages. */
const LABELS = {
  title: { zh: '冷链运输报告', en: 'Cold-chain trip report' },
  subtitle: { zh: '温度记录、交接与责任认定', en: 'Temperature record, custody and liability' },
  generated: { zh: '生成时间', en: 'Generated' },
  page: { zh: '第 {n} / {m} 页', en: 'Page {n} of {m}' },
  timesNote: { zh: '所有时间均为北京时间 (UTC+8)', en: 'All times are China Standard Time (UTC+8)' },
  scanToView: { zh: '扫码查看温度曲线', en: 'Scan for the curve' },

  shipmentSection: { zh: '运单', en: 'Shipment' },
  shipmentId: { zh: '运单号', en: 'Shipment' },
  traceCode: { zh: '溯源码', en: 'Trace code' },
  product: { zh: '品类', en: 'Product' },
  shipper: { zh: '发货方', en: 'Shipper' },
  route: { zh: '线路', en: 'Route' },
  boxes: { zh: '箱数', en: 'Boxes' },
  goodsValue: { zh: '货值', en: 'Goods value' },
  freight: { zh: '运费', en: 'Freight' },
  device: { zh: '温度记录仪', en: 'Logger' },
  started: { zh: '发运', en: 'Started' },
  delivered: { zh: '签收', en: 'Delivered' },
  notDelivered: { zh: '运输中', en: 'in transit' },
  optimum: { zh: '适宜温度', en: 'Optimum' },
  verdict: { zh: '结论', en: 'Verdict' },

  measuresSection: { zh: '温度指标', en: 'Measures' },
  mkt: { zh: '平均动力学温度 (MKT)', en: 'MKT (mean kinetic)' },
  range: { zh: '最低 / 最高', en: 'Min / max' },
  timeOutside: { zh: '超出适宜范围时长', en: 'Time outside optimum' },
  degreeMinutes: { zh: '超限度·分钟', en: 'Degree-minutes outside' },
  shelfLifeUsed: { zh: '已消耗货架期', en: 'Shelf life used' },
  unmonitored: { zh: '无数据时长', en: 'Unmonitored time' },
  ofBudget: { zh: '占预算 {pct}', en: '{pct} of budget' },
  ofBudgetAtLeast: { zh: '至少占预算 {pct}', en: '≥ {pct} of budget' },
  readings: { zh: '{n} 条读数', en: '{n} readings' },
  none: { zh: '无', en: 'none' },
  notAvailable: { zh: '不适用', en: 'n/a' },

  chartSection: { zh: '温度曲线', en: 'Temperature curve' },
  chartAxisC: { zh: '温度 (°C)', en: 'Temperature (°C)' },
  legendCurve: { zh: '实测温度', en: 'Measured' },
  legendOptimum: { zh: '适宜范围', en: 'Optimum range' },
  legendLimit: { zh: '告警限值', en: 'Alert limits' },
  legendExcursion: { zh: '超标时段', en: 'Excursion' },
  legendProbe: { zh: '交接探针温度', en: 'Handoff probe' },
  limitHigh: { zh: '上限', en: 'high' },
  limitLow: { zh: '下限', en: 'low' },
  peak: { zh: '峰值', en: 'peak' },
  noReadings: { zh: '本运单没有温度读数', en: 'No readings for this shipment' },

  legsSection: { zh: '运输环节与交接', en: 'Legs and handoffs' },
  legStage: { zh: '环节', en: 'Leg' },
  legCustodian: { zh: '承运方', en: 'Custodian' },
  legStation: { zh: '站点', en: 'Station' },
  legFrom: { zh: '开始', en: 'From' },
  legTo: { zh: '结束', en: 'To' },
  legProbe: { zh: '交接探针', en: 'Probe' },
  legOutside: { zh: '超范围', en: 'Outside' },
  legMkt: { zh: 'MKT', en: 'MKT' },
  legOpen: { zh: '进行中', en: 'open' },
  noProbe: { zh: '未测', en: 'not taken' },

  excursionsSection: { zh: '超标事件', en: 'Excursions' },
  noExcursions: { zh: '无超标事件。', en: 'No excursions.' },
  excLimit: { zh: '限值', en: 'Limit' },
  excOnset: { zh: '开始', en: 'Onset' },
  excCleared: { zh: '恢复', en: 'Cleared' },
  excDuration: { zh: '持续', en: 'Duration' },
  excPeak: { zh: '峰值', en: 'Peak' },
  excDegreeMinutes: { zh: '度·分钟', en: '°C·min' },
  excLiable: { zh: '责任方', en: 'Liable' },
  excOngoing: { zh: '仍在超标', en: 'ongoing' },
  above: { zh: '高于', en: 'above' },
  below: { zh: '低于', en: 'below' },
  indeterminate: { zh: '待人工认定', en: 'indeterminate (review)' },
  attribution: { zh: '责任认定', en: 'Attribution' },

  claimsSection: { zh: '理赔', en: 'Claims' },
  noClaims: { zh: '无理赔。', en: 'No claims.' },
  claimLiable: { zh: '索赔对象', en: 'Against' },
  claimAmount: { zh: '金额', en: 'Amount' },
  claimBreakdown: { zh: '货损 {goods}\n+ 运费 {freight}', en: 'goods {goods}\n+ freight {freight}' },
  claimStatus: { zh: '状态', en: 'Status' },
  claimFiled: { zh: '提出', en: 'Filed' },
  claimRespondBy: { zh: '答复期限', en: 'Respond by' },
  claimReason: { zh: '理由', en: 'Reason' },
  withdrawnReason: { zh: '撤回原因', en: 'Withdrawn because' },

  correctionsSection: { zh: '交接更正', en: 'Handoff corrections' },
  noCorrections: { zh: '无更正。', en: 'No corrections.' },
  correctionsNote: {
    zh: '上面的运输环节按更正后的交接计算；原始扫描记录保留在证据链与证据包中。',
    en: 'The legs above follow the corrected handoffs; the original scans stay in the evidence chain and bundle.',
  },
  corrRecorded: { zh: '记录时间', en: 'Recorded' },
  corrHandoff: { zh: '交接', en: 'Handoff' },
  corrChange: { zh: '更正内容', en: 'Change' },
  corrBy: { zh: '更正人', en: 'By' },
  corrReason: { zh: '理由', en: 'Reason' },
  fieldAt: { zh: '时间', en: 'time' },
  fieldCustodian: { zh: '接收方', en: 'custodian' },
  fieldStation: { zh: '站点', en: 'station' },
  fieldProbe: { zh: '探针', en: 'probe' },
  chainSection: { zh: '证据链与验证', en: 'Evidence chain and verification' },
  chainHash: { zh: '链头哈希 (SHA-256)', en: 'Chain head (SHA-256)' },
  chainSeq: { zh: '条目数', en: 'Entries' },
  chainKey: { zh: '签名密钥指纹', en: 'Signing key fingerprint' },
  chainSignedAt: { zh: '签名时间', en: 'Signed at' },
  witnessesHeading: { zh: '已交给各方的链头', en: 'Heads handed to the parties' },
  witnessesNote: {
    zh: '每次交接和签收时，当时的链头已交给相关各方；这些链头必须仍在链中对应位置，服务方无法在不被发现的情况下改写之前的记录（npm run verify -- <bundle.zip> --witness 条目:哈希）。',
    en: 'At each handoff and at delivery the head of the moment went to the parties; each must still be in the chain at its position, so the service cannot rewrite what came before unnoticed (npm run verify -- <bundle.zip> --witness seq:hash).',
  },
  witnessAt: { zh: '时间', en: 'When' },
  witnessTo: { zh: '交给', en: 'Handed over at' },
  witnessSeq: { zh: '条目', en: 'Entry' },
  witnessHash: { zh: '链头哈希', en: 'Head hash' },
  chainUnavailable: { zh: '生成本报告时无法取得证据链头：{problem}', en: 'The chain head could not be read when this report was made: {problem}' },
  howToVerify: { zh: '如何验证', en: 'How to verify' },
  verifyStep1: { zh: '1. 下载证据包（需授权）：', en: '1. Download the evidence bundle (authorised):' },
  verifyStep2: {
    zh: '2. 在任意电脑上离线运行下面的命令。它核对清单中每个文件的 SHA-256、哈希链、每条设备签名与链头签名，并用同一领域代码重新计算超标、责任认定、MKT 与理赔金额；全部一致时退出码为 0，否则指出不一致之处：',
    en: '2. On any computer, offline, run the command below. It checks every file against the manifest (SHA-256), the hash chain, every device signature and the head signature, and recomputes the excursions, attribution, MKT and claim amounts with the same domain code; it exits 0 when all agree, or names what does not:',
  },
  verifyStep3: {
    zh: '3. 服务的公钥（含轮换历史）：链头须由上面指纹的密钥签名，且链头哈希与本报告一致。',
    en: "3. The service's public keys (with their rotation history): the head must be signed by the key with the fingerprint above, and its hash must match this report's.",
  },
} as const;

export type LabelKey = keyof typeof LABELS;

/** The colon after a label: full-width in Chinese. */
export function colon(lang: ReportLang): string {
  return lang === 'zh' ? '：' : ': ';
}

/** A label in `lang`, with `{name}` placeholders filled from `values`. */
export function label(lang: ReportLang, key: LabelKey, values: Record<string, string | number> = {}): string {
  return LABELS[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
