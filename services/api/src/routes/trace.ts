import { createHash } from 'node:crypto';
import { consumerVerdict, custodianKindName, findPersonalData, resolvePublicFields } from '@coldchain/domain';
import type { LocalizedText, OrgKind, PublicFields } from '@coldchain/domain';
import type { OpsStore } from '@coldchain/storage';
import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { excursionSpans, loadShipmentContext, loadShipmentView, requireProfile, shipmentVersion } from '../shipment-view.ts';
import type { ShipmentView } from '../shipment-view.ts';

/**
 * The consumer's view of a shipment by its trace code (the QR on the box). Public, so it carries no
 * personal data and nothing commercial: no ids, no goods value, no device. Of what people typed it shows
 * only what the shipper chose for the public page, checked again for personal data (issue 12, item 8;
 * docs/decisions/0021-public-page-personal-data.md): origin and destination, custodians' names (or only
 * their kind), the product's name. Stations, corrections' reasons, notes and operators' names stay out.
 */
export function registerTraceRoutes({ app, ops, telemetry, reads, answers, profiles, clock, evidenceStore }: RouteContext): void {
  app.get(
    '/api/v1/trace/:traceCode',
    {
      // Answers are compressed once, when cached (answer-cache.ts), not per request.
      compress: false,
      schema: {
        summary: "A shipment's temperature curve and verdict by trace code (public). Cached per version: ETag / Last-Modified with 304, Cache-Control public, max-age=15, stale-while-revalidate=60",
        tags: ['consumer'],
        params: z.object({ traceCode: z.string().min(10).max(64) }),
        querystring: z.object({ points: z.coerce.number().int().min(10).max(2000).default(400) }),
      },
    },
    async (request, reply) => {
      const shipment = await ops.getShipmentByTraceCode(request.params.traceCode);
      if (!shipment) throw new ApiError('trace.not_found', 'no shipment has this trace code');
      const now = clock.now();
      const marks = await shipmentVersion({ ops, telemetry }, shipment, await requireProfile(profiles, shipment), now);
      // The shipper's choice is not in the shipment's change mark: it is part of the version here, and
      // the time it was made moves Last-Modified (an If-Modified-Since copy must not outlive a change).
      const publicView = shipment.publicView ?? null;
      const version = `${marks.version}.${publicView ? createHash('sha256').update(JSON.stringify(publicView)).digest('base64url') : '-'}`;
      const lastModified = Math.max(marks.lastModified, publicView?.chosenAt ?? 0);
      // The last head handed to the parties (issue 11): the page shows it, so it is part of the version.
      const witness = (await evidenceStore.witnesses(shipment.id)).at(-1) ?? null;
      const points = request.query.points;
      return answers.send(request, reply, {
        key: `trace:${shipment.id}:${points}`,
        version: `${version}.${witness?.seq ?? 0}`,
        lastModified,
        now,
        // A CDN in front serves a live-stream crowd from its copy, revalidating in the background.
        cacheControl: 'public, max-age=15, stale-while-revalidate=60',
        compute: async () => ({
          ...(await traceAnswer(
            await loadShipmentView(reads, await loadShipmentContext({ ops, profiles }, shipment), { points, perLeg: false }, now),
            resolvePublicFields(shipment),
            custodianKinds(ops),
          )),
          evidence: witness && { seq: witness.seq, hash: witness.hash, witnessedAt: witness.at },
        }),
      });
    },
  );
}

/** An organisation's kind by id, each read once and only when asked (kinds shown, or a name refused). */
function custodianKinds(ops: Pick<OpsStore, 'getOrganisation'>): (orgId: string) => Promise<OrgKind | undefined> {
  const known = new Map<string, OrgKind | undefined>();
  return async (orgId) => {
    if (!known.has(orgId)) known.set(orgId, (await ops.getOrganisation(orgId))?.kind);
    return known.get(orgId);
  };
}

/**
 * A product's name as typed in its profile, unless it holds personal data: then the plain word. The
 * profile is the platform's, but typed all the same.
 */
function publicProductName(name: LocalizedText): LocalizedText {
  return findPersonalData(name.zh) || findPersonalData(name.en) ? { zh: '生鲜', en: 'Fresh produce' } : { zh: name.zh, en: name.en };
}

/** The public answer: no ids, no goods value, no device; people's names and free text only as chosen and checked. */
async function traceAnswer(view: ShipmentView, fields: PublicFields, kindOf: (orgId: string) => Promise<OrgKind | undefined>) {
  const { shipment } = view;
  const total = view.measures.total;
  const excursions = excursionSpans(view.shipment, view.alerts);
  // Custodians in order of first appearance: the page keeps one colour per custodian by this number,
  // which tells two warehouses apart when only kinds are shown.
  const refs = new Map<string, number>();
  const legs = [];
  for (const leg of view.legs) {
    if (!refs.has(leg.custodian.id)) refs.set(leg.custodian.id, refs.size + 1);
    // An organisation's name is typed too: one that holds personal data (a courier registered by a
    // person's phone) is shown by its kind, as when the shipper chose kinds.
    const isNamed = fields.custodians === 'names' && !findPersonalData(leg.custodian.name) && !findPersonalData(leg.custodian.nameEn);
    const name = isNamed ? { zh: leg.custodian.name, en: leg.custodian.nameEn } : custodianKindName(await kindOf(leg.custodian.id));
    legs.push({
      stage: leg.stage,
      stageName: leg.stageName,
      custodian: { name: name.zh, nameEn: name.en, ref: refs.get(leg.custodian.id)! },
      startedAt: leg.startedAt,
      endedAt: leg.endedAt,
    });
  }
  return {
    traceCode: shipment.traceCode,
    product: publicProductName(view.profile.name),
    origin: fields.origin,
    destination: fields.destination,
    startedAt: shipment.startedAt,
    deliveredAt: shipment.deliveredAt,
    optimumC: view.profile.optimumC,
    limits: view.profile.limits.map(({ direction, thresholdC }) => ({ direction, thresholdC })),
    legs,
    curve: view.curve,
    lastReadingAt: view.lastReadingAt,
    unmonitoredMs: view.unmonitoredMs,
    excursions,
    // Written by the system from the stage's name and figures: no typed text.
    verdict: view.verdict,
    // The page's plain words and the colour of each figure, decided once (issue 13, item 2).
    consumerVerdict: consumerVerdict({
      isDelivered: shipment.deliveredAt !== null,
      readingCount: view.readingCount,
      verdict: view.verdict,
      excursionCount: excursions.length,
      outsideMs: total.timeAboveMs + total.timeBelowMs,
      budget: view.measures.budget,
      unmonitoredMs: view.unmonitoredMs,
      shelfLifeConsumedPct: total.shelfLifeConsumedPct,
    }),
    measures: {
      mktC: view.measures.total.mktC,
      timeAboveMs: view.measures.total.timeAboveMs,
      timeBelowMs: view.measures.total.timeBelowMs,
      minTempC: view.measures.total.minTempC,
      maxTempC: view.measures.total.maxTempC,
      shelfLifeConsumedPct: view.measures.total.shelfLifeConsumedPct,
      unmonitoredMs: view.measures.total.unmonitoredMs,
      // °C·min outside the optimum, and what the product's profile allows outside it (budget.ts).
      degreeMinutes: view.measures.budget.degreeMinutes,
      budget: { maxOutsideMs: view.measures.budget.maxOutsideMs, maxDegreeMinutes: view.measures.budget.maxDegreeMinutes },
    },
  };
}
