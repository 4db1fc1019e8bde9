// The summary: one row per figure with its goal (issue 10) and whether it is met, and the machine line.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { PhaseResult } from './phase.ts';
import type { EndpointResult } from './sequential.ts';
import { formatMs } from './stats.ts';

export type Row = { metric: string; value: string; goal: string; met: 'yes' | 'no' | '' };

export function machineLine(): string {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  return `${model}, ${cpus().length} cores, node ${process.version}`;
}

const verdict = (isMet: boolean): Row['met'] => (isMet ? 'yes' : 'no');

/** Rows of one endpoint of one shipment: warm and cold p50 / p95, the new-points series, the 304 check. */
export function endpointRows(label: string, result: EndpointResult): Row[] {
  const series = (name: string, s: EndpointResult['warm'], goalMs: number | null): Row => ({
    metric: `${label}, ${name} (n=${s.latency.count}${s.stoppedByBudget ? ', time budget' : ''})`,
    value: `p50 ${formatMs(s.latency.p50)} / p95 ${formatMs(s.latency.p95)}${Object.keys(s.statuses).some((k) => k !== '200') ? ` [${JSON.stringify(s.statuses)}]` : ''}`,
    goal: goalMs === null ? '' : `p95 ≤ ${goalMs} ms`,
    met: goalMs === null ? '' : verdict(s.latency.p95 <= goalMs && s.latency.count > 0 && Object.keys(s.statuses).every((k) => k === '200')),
  });
  const rows = [series('warm', result.warm, 20), series('cold, after a committed new reading', result.cold, 200)];
  if (result.newPoints) rows.push(series('new points value, data unchanged', result.newPoints, null));
  const c = result.conditional;
  rows.push({
    metric: `${label}, If-None-Match with the last ETag`,
    value: c.etag === null ? 'no ETag sent' : `${c.status} in ${formatMs(c.ms ?? NaN)}`,
    goal: '304',
    met: verdict(c.status === 304),
  });
  return rows;
}

export function phaseRows(phase: PhaseResult, rpsGoal: number | null): Row[] {
  const { load } = phase;
  return [
    { metric: `${phase.name}: requests/s`, value: Math.round(phase.requestsPerSecond).toLocaleString('en-US'), goal: rpsGoal === null ? '' : `≥ ${rpsGoal.toLocaleString('en-US')}/s`, met: rpsGoal === null ? '' : verdict(phase.requestsPerSecond >= rpsGoal && load.non2xx === 0) },
    { metric: `${phase.name}: latency`, value: `p50 ${formatMs(load.latency.p50)} / p99 ${formatMs(load.latency.p99)}`, goal: '', met: '' },
    // The load generator shares the cores with the service: what it took of them is part of the figure.
    { metric: `${phase.name}: load generator CPU (same cores)`, value: `${Math.round(((load.cpu.user + load.cpu.system) / 1000 / load.elapsedMs) * 100)} % of one core`, goal: '', met: '' },
    { metric: `${phase.name}: non-2xx (of ${load.requests.toLocaleString('en-US')})`, value: load.non2xx === 0 ? '0' : `${load.non2xx} ${JSON.stringify(load.statuses)}`, goal: '0', met: verdict(load.non2xx === 0) },
    { metric: `${phase.name}: canary PUBACK (commit) (n=${phase.canary.puback.count}, missing ${phase.canary.missing})`, value: `p50 ${formatMs(phase.canary.puback.p50)} / p99 ${formatMs(phase.canary.puback.p99)}`, goal: 'p99 ≤ 100 ms', met: verdict(phase.canary.puback.p99 <= 100 && phase.canary.missing === 0) },
    { metric: `${phase.name}: probe publish → signed webhook (n=${phase.probes.webhook.count}, missing ${phase.probes.missing})`, value: `p50 ${formatMs(phase.probes.webhook.p50)} / p99 ${formatMs(phase.probes.webhook.p99)}`, goal: 'p99 ≤ 250 ms', met: verdict(phase.probes.webhook.p99 <= 250 && phase.probes.missing === 0) },
  ];
}

export function formatTable(rows: readonly Row[]): string {
  const header: Row = { metric: 'metric', value: 'value', goal: 'goal', met: 'met' as Row['met'] };
  const all = [header, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((r) => r[key].length));
  const [m, v, g] = [width('metric'), width('value'), width('goal')];
  const line = (r: Row) => `| ${r.metric.padEnd(m)} | ${r.value.padEnd(v)} | ${r.goal.padEnd(g)} | ${r.met.padEnd(3)} |`;
  const rule = `|${'-'.repeat(m + 2)}|${'-'.repeat(v + 2)}|${'-'.repeat(g + 2)}|-----|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
