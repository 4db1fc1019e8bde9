import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { excursionSpans, loadShipmentContext, loadShipmentView, requireProfile, shipmentVersion } from '../shipment-view.ts';
import type { ShipmentView } from '../shipment-view.ts';

/**
 * The consumer's view of a shipment by its trace code (the QR on the box). Public, so it carries no
 * personal data and nothing commercial: no ids, no goods value, no device.
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
      const { version, lastModified } = await shipmentVersion({ ops, telemetry }, shipment, await requireProfile(profiles, shipment), now);
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
          ...traceAnswer(await loadShipmentView(reads, await loadShipmentContext({ ops, profiles }, shipment), { points, perLeg: false }, now)),
          evidence: witness && { seq: witness.seq, hash: witness.hash, witnessedAt: witness.at },
        }),
      });
    },
  );
}

/** The public answer: no ids, no goods value, no device. */
function traceAnswer(view: ShipmentView) {
  const { shipment } = view;
  return {
    traceCode: shipment.traceCode,
    product: view.profile.name,
    origin: shipment.origin,
    destination: shipment.destination,
    startedAt: shipment.startedAt,
    deliveredAt: shipment.deliveredAt,
    optimumC: view.profile.optimumC,
    limits: view.profile.limits.map(({ direction, thresholdC }) => ({ direction, thresholdC })),
    legs: view.legs.map((leg) => ({
      stage: leg.stage,
      stageName: leg.stageName,
      custodian: { name: leg.custodian.name, nameEn: leg.custodian.nameEn },
      startedAt: leg.startedAt,
      endedAt: leg.endedAt,
    })),
    curve: view.curve,
    lastReadingAt: view.lastReadingAt,
    unmonitoredMs: view.unmonitoredMs,
    excursions: excursionSpans(view.shipment, view.alerts),
    verdict: view.verdict,
    measures: {
      mktC: view.measures.total.mktC,
      timeAboveMs: view.measures.total.timeAboveMs,
      timeBelowMs: view.measures.total.timeBelowMs,
      minTempC: view.measures.total.minTempC,
      maxTempC: view.measures.total.maxTempC,
      shelfLifeConsumedPct: view.measures.total.shelfLifeConsumedPct,
      unmonitoredMs: view.measures.total.unmonitoredMs,
    },
  };
}
