import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { loadShipmentView } from '../shipment-view.ts';

/**
 * The consumer's view of a shipment by its trace code (the QR on the box). Public, so it carries no
 * personal data and nothing commercial: no ids, no goods value, no device.
 */
export function registerTraceRoutes({ app, ops, telemetry, profiles, clock }: RouteContext): void {
  app.get(
    '/api/v1/trace/:traceCode',
    {
      schema: {
        summary: "A shipment's temperature curve and verdict by trace code (public)",
        tags: ['consumer'],
        params: z.object({ traceCode: z.string().min(10).max(64) }),
        querystring: z.object({ points: z.coerce.number().int().min(10).max(2000).default(400) }),
      },
    },
    async (request, reply) => {
      const shipment = await ops.getShipmentByTraceCode(request.params.traceCode);
      if (!shipment) throw new ApiError('trace.not_found', 'no shipment has this trace code');
      const view = await loadShipmentView({ ops, telemetry, profiles }, shipment, request.query.points, clock.now());
      reply.header('cache-control', 'public, max-age=15');
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
        excursions: view.alerts.filter((alert) => alert.kind === 'excursion').map((alert) => ({
          direction: alert.direction,
          thresholdC: alert.thresholdC,
          startedAt: alert.activeAt,
          endedAt: alert.clearedAt,
          peakTempC: alert.peakTempC,
          outsideMs: alert.outsideMs,
        })),
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
    },
  );
}
