// @ts-check
/**
 * The shapes the dispute view reads from the admin API: `GET /api/v1/shipments/{id}` (shipment-view.ts
 * plus the claims), `.../curve` and `.../chain` (issue 11: the chain checked against the stores now).
 */

/**
 * @typedef {{ zh: string, en: string }} LocalizedText
 * @typedef {import('../console/api-client.js').Alert} Alert
 * @typedef {import('../console/claim-calls.js').LifecycleClaim & { withdrawnAt: number | null, withdrawnReason: LocalizedText | null }} Claim a claim and where it stands in its lifecycle
 * @typedef {{
 *   id: string, traceCode: string, profileId: string, shipperOrgId: string, deviceId: string,
 *   origin: string, destination: string, boxes: number, goodsValueCents: number, freightCents: number,
 *   startedAt: number, deliveredAt: number | null, createdAt: number,
 * }} Shipment
 * @typedef {{
 *   index: number, stage: string, custodianOrgId: string, station: string | null,
 *   startedAt: number, endedAt: number | null, startProbeTempC: number | null,
 *   stageName: LocalizedText, custodian: { id: string, name: string, nameEn: string },
 * }} Leg a custody leg; `startProbeTempC` is the probe reading at the handoff that opened it
 * @typedef {{ direction: 'above' | 'below', thresholdC: number }} Limit
 * @typedef {{ id: string, name: LocalizedText, optimumC: { min: number, max: number }, limits: (Limit & { id: string })[] }} Profile
 * @typedef {{
 *   readingCount: number, unmonitoredMs: number, timeAboveMs: number, timeBelowMs: number,
 *   degreeMinutesAbove: number, degreeMinutesBelow: number, minTempC: number | null, maxTempC: number | null,
 *   meanTempC: number | null, mktC: number | null, shelfLifeConsumedPct: number | null,
 * }} Measures
 * @typedef {{
 *   shipment: Shipment, profile: Profile, legs: Leg[], readingCount: number, lastReadingAt: number | null,
 *   unmonitoredMs: number, alerts: Alert[], verdict: { status: 'ok' | 'excursion' | 'unmonitored', text: LocalizedText },
 *   measures: { total: Measures, legs: { legIndex: number, measures: Measures }[] },
 *   claims: Claim[],
 * }} ShipmentDetail
 * @typedef {{ direction: 'above' | 'below', thresholdC: number, startedAt: number, endedAt: number | null, peakTempC: number, outsideMs: number }} ExcursionSpan
 * @typedef {{ shipmentId: string, points: [number, number][], readingCount: number, limits: Limit[], legs: Leg[], excursions: ExcursionSpan[] }} ShipmentCurve
 * @typedef {{ shipmentId: string, seq: number, hash: string, signedAt: number, keyId: string, headJson: string, signature: string }} SignedHead
 * @typedef {{ seq: number, hash: string, at: number, to: string }} Witness a head handed to a party: when, and to whom
 * @typedef {{ head: SignedHead, witnesses: Witness[], verified: boolean, problems: string[] }} ChainStatus
 */

export {};
