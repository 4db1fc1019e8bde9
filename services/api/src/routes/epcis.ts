import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { buildEpcisDocument } from '../epcis/epcis-document.ts';
import { loadEpcisInput } from '../epcis/load-epcis-input.ts';

/** GS1 EPCIS 2.0 export: GET /api/v1/shipments/{id}/epcis (issue 11, item 8; docs/epcis-export.md). */
export function registerEpcisRoutes({ app, ops, telemetry, profiles, clock, auth, scope }: RouteContext): void {
  app.get(
    '/api/v1/shipments/:id/epcis',
    {
      preValidation: auth.viewer,
      schema: {
        summary: 'The shipment as a GS1 EPCIS 2.0 document (JSON-LD): an ObjectEvent per handoff, hourly temperature sensor reports per leg, the excursions',
        tags: ['shipments'],
        security: SECURITY,
        params: z.object({ id: z.string() }),
      },
    },
    async (request, reply) => {
      const shipment = await scope.exportableShipment(principal(request), request.params.id);
      const input = await loadEpcisInput({ ops, telemetry, profiles }, shipment, clock.now());
      // Serialized here: the document is JSON-LD, sent as such, and has no response schema to pass.
      return reply.type('application/ld+json; charset=utf-8').send(JSON.stringify(buildEpcisDocument(input)));
    },
  );
}
