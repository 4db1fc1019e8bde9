// @ts-check
/** The public trace call behind the consumer's page: `GET /api/v1/trace/{traceCode}`. */

/**
 * @typedef {{ zh: string, en: string }} LocalizedText
 * @typedef {{ stage: string, stageName: LocalizedText, custodian: { name: string, nameEn: string, ref: number }, startedAt: number, endedAt: number | null }} TraceLeg
 * @typedef {{ direction: 'above' | 'below', thresholdC: number, startedAt: number, endedAt: number | null, peakTempC: number, outsideMs: number }} TraceExcursion
 * @typedef {{
 *   mktC: number | null,
 *   timeAboveMs: number | null,
 *   timeBelowMs: number | null,
 *   minTempC: number | null,
 *   maxTempC: number | null,
 *   shelfLifeConsumedPct: number | null,
 *   unmonitoredMs: number | null,
 *   degreeMinutes?: number,
 *   budget?: { maxOutsideMs: number, maxDegreeMinutes: number },
 * }} TraceMeasures the whole journey's figures; time above and below count against the optimum range, as
 * do the degree-minutes; `budget` is what the product allows outside it (the consumer's answer only)
 * @typedef {'good' | 'neutral' | 'caution' | 'alert'} Tone
 * @typedef {{ outside: Tone, unmonitored: Tone, shelfLife: Tone, excursions: Tone }} FigureTones
 * @typedef {{
 *   situation: 'fine' | 'fine_minor' | 'in_transit' | 'possibly_damaged' | 'unmonitored' | 'no_readings',
 *   tone: Tone,
 *   headline: LocalizedText,
 *   detail: LocalizedText | null,
 *   note: LocalizedText | null,
 *   advice: LocalizedText,
 *   action: 'report' | 'check' | null,
 *   reasons: string[],
 *   figures: FigureTones,
 * }} ConsumerVerdict the plain words and every figure's colour, decided by the server (packages/domain/src/consumer-verdict.ts)
 * @typedef {{
 *   traceCode: string,
 *   product: LocalizedText,
 *   origin: string | null,
 *   destination: string | null,
 *   startedAt: number,
 *   deliveredAt: number | null,
 *   optimumC: { min: number, max: number },
 *   limits: { direction: 'above' | 'below', thresholdC: number }[],
 *   legs: TraceLeg[],
 *   curve: [number, number][],
 *   lastReadingAt: number | null,
 *   unmonitoredMs: number,
 *   excursions: TraceExcursion[],
 *   verdict: { status: 'ok' | 'excursion' | 'unmonitored', text: LocalizedText },
 *   consumerVerdict: ConsumerVerdict,
 *   measures?: TraceMeasures,
 *   evidence?: { seq: number, hash: string, witnessedAt: number } | null,
 * }} Trace `origin` and `destination` are as the shipper chose them for the public page, null when left
 * out (they held personal data); a custodian's name is its kind (承运商, Carrier) when the shipper shows only kinds
 * @typedef {{ kind: 'ok', trace: Trace } | { kind: 'not_found' } | { kind: 'error', message: string }} TraceResult
 */

/** The trace code is the last part of the address: `/t/{traceCode}`. */
export function traceCodeFromLocation() {
  const match = location.pathname.match(/\/t\/([^/]+)\/?$/);
  return match?.[1] ? decodeURIComponent(match[1]) : '';
}

/**
 * Fetches a shipment's trace. A code the server refuses as malformed is as unknown as one it cannot find.
 * @param {string} traceCode
 * @param {number} points the curve's size: a phone needs no more points than it has pixels
 * @returns {Promise<TraceResult>}
 */
export async function fetchTrace(traceCode, points) {
  if (!traceCode) return { kind: 'not_found' };
  try {
    const response = await fetch(`/api/v1/trace/${encodeURIComponent(traceCode)}?points=${points}`, { headers: { accept: 'application/json' } });
    if (response.status === 404 || response.status === 400) return { kind: 'not_found' };
    if (!response.ok) return { kind: 'error', message: `HTTP ${response.status}` };
    return { kind: 'ok', trace: await response.json() };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
