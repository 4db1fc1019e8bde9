import { CLAIM_STATUS_NAMES } from '@coldchain/domain';
import { formatDuration, formatTempC, formatTime, formatYuan, keepUnitsTogether } from './report-format.ts';
import { colon, label } from './report-labels.ts';
import type { ReportLang } from './report-labels.ts';
import { MUTED } from './report-layout.ts';
import type { PageFlow } from './report-layout.ts';
import type { TripReportData } from './trip-report-data.ts';

// The report's tables: legs and handoffs, excursions, claims, corrections (widths in shares of the page).

export function drawLegs(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  flow.heading(label(lang, 'legsSection'), 50);
  const w = flow.width;
  flow.table(
    [
      { header: label(lang, 'legStage'), width: w * 0.13 },
      { header: label(lang, 'legCustodian'), width: w * 0.16 },
      { header: label(lang, 'legStation'), width: w * 0.17 },
      { header: `${label(lang, 'legFrom')} (UTC+8)`, width: w * 0.145 },
      { header: `${label(lang, 'legTo')} (UTC+8)`, width: w * 0.145 },
      { header: label(lang, 'legProbe'), width: w * 0.08, align: 'right' },
      { header: label(lang, 'legOutside'), width: w * 0.1, align: 'right' },
      { header: label(lang, 'legMkt'), width: w * 0.07, align: 'right' },
    ],
    data.legs.map((leg) => ({
      cells: [
        `${leg.index + 1}. ${leg.stage[lang]}`,
        leg.custodian[lang],
        leg.station ?? '–',
        formatTime(leg.startedAt),
        leg.endedAt === null ? label(lang, 'legOpen') : formatTime(leg.endedAt),
        leg.index === 0 && leg.startProbeTempC === null ? '–' : leg.startProbeTempC === null ? label(lang, 'noProbe') : formatTempC(leg.startProbeTempC),
        leg.outsideMs === null ? '–' : formatDuration(leg.outsideMs, lang, { isCompact: true }),
        formatTempC(leg.mktC),
      ],
    })),
  );
}

export function drawExcursions(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  flow.heading(label(lang, 'excursionsSection'), 50);
  if (data.excursions.length === 0) return flow.paragraph(label(lang, 'noExcursions'));
  const w = flow.width;
  flow.table(
    [
      { header: label(lang, 'excLimit'), width: w * 0.12 },
      { header: `${label(lang, 'excOnset')} (UTC+8)`, width: w * 0.15 },
      { header: `${label(lang, 'excCleared')} (UTC+8)`, width: w * 0.15 },
      { header: label(lang, 'excDuration'), width: w * 0.13, align: 'right' },
      { header: label(lang, 'excPeak'), width: w * 0.1, align: 'right' },
      { header: label(lang, 'excDegreeMinutes'), width: w * 0.1, align: 'right' },
      { header: label(lang, 'excLiable'), width: w * 0.25 },
    ],
    data.excursions.map((e) => ({
      cells: [
        `${label(lang, e.direction)} ${formatTempC(e.thresholdC)}`,
        formatTime(e.startedAt),
        e.endedAt === null ? label(lang, 'excOngoing') : formatTime(e.endedAt),
        formatDuration(e.outsideMs, lang, { isCompact: true }),
        formatTempC(e.peakTempC),
        e.degreeMinutes.toFixed(1),
        e.attribution.liable?.[lang] ?? label(lang, 'indeterminate'),
      ],
      detail: keepUnitsTogether(e.attribution.reason[lang]),
    })),
    { detailLabel: `${label(lang, 'attribution')}${colon(lang)}` },
  );
}

export function drawClaims(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  flow.heading(label(lang, 'claimsSection'), 50);
  if (data.claims.length === 0) return flow.paragraph(label(lang, 'noClaims'));
  const w = flow.width;
  flow.table(
    [
      { header: label(lang, 'claimLiable'), width: w * 0.25 },
      { header: label(lang, 'claimAmount'), width: w * 0.27, align: 'right' },
      { header: label(lang, 'claimStatus'), width: w * 0.12 },
      { header: `${label(lang, 'claimFiled')} (UTC+8)`, width: w * 0.18 },
      { header: `${label(lang, 'claimRespondBy')} (UTC+8)`, width: w * 0.18 },
    ],
    data.claims.map((c) => ({
      cells: [
        c.liable[lang],
        `${formatYuan(c.amountCents, lang)}\n${label(lang, 'claimBreakdown', { goods: formatYuan(c.goodsShareCents, lang), freight: formatYuan(c.freightCents, lang) })}`,
        CLAIM_STATUS_NAMES[c.status][lang],
        formatTime(c.filedAt),
        formatTime(c.respondBy),
      ],
      detail: keepUnitsTogether(c.withdrawnReason ? `${c.reason[lang]} · ${label(lang, 'withdrawnReason')}${colon(lang)}${c.withdrawnReason[lang]}${c.withdrawnAt === null ? '' : ` (${formatTime(c.withdrawnAt)})`}` : c.reason[lang]),
    })),
    { detailLabel: `${label(lang, 'claimReason')}${colon(lang)}` },
  );
}

/** Each correction as `field: before → after`, with who, when and why. */
export function drawCorrections(flow: PageFlow, data: TripReportData, lang: ReportLang): void {
  flow.heading(label(lang, 'correctionsSection'), 50);
  if (data.corrections.length === 0) return flow.paragraph(label(lang, 'noCorrections'));
  const w = flow.width;
  const none = '–';
  flow.table(
    [
      { header: `${label(lang, 'corrRecorded')} (UTC+8)`, width: w * 0.17 },
      { header: label(lang, 'corrHandoff'), width: w * 0.2 },
      { header: label(lang, 'corrChange'), width: w * 0.45 },
      { header: label(lang, 'corrBy'), width: w * 0.18 },
    ],
    data.corrections.map((c) => {
      const { original, changes } = c;
      const lines = [
        changes.at === undefined ? null : `${label(lang, 'fieldAt')}${colon(lang)}${formatTime(original.at)} → ${formatTime(changes.at)}`,
        changes.custodian === undefined ? null : `${label(lang, 'fieldCustodian')}${colon(lang)}${original.custodian?.[lang] ?? none} → ${changes.custodian?.[lang] ?? none}`,
        changes.station === undefined ? null : `${label(lang, 'fieldStation')}${colon(lang)}${original.station ?? none} → ${changes.station ?? none}`,
        changes.probeTempC === undefined ? null : `${label(lang, 'fieldProbe')}${colon(lang)}${formatTempC(original.probeTempC)} → ${formatTempC(changes.probeTempC)}`,
      ];
      return {
        cells: [formatTime(c.recordedAt), `${c.stage[lang]}\n${formatTime(original.at)}`, lines.filter((l) => l !== null).join('\n'), c.correctedBy],
        detail: c.reason,
      };
    }),
    { detailLabel: `${label(lang, 'corrReason')}${colon(lang)}` },
  );
  flow.paragraph(label(lang, 'correctionsNote'), { size: 7.5, color: MUTED });
}
