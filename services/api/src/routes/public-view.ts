import { checkPublicFields, checkPublicView, resolvePublicFields } from '@coldchain/domain';
import type { PublicView } from '@coldchain/domain';
import type { Shipment } from '@coldchain/storage';
import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { ApiError } from '../errors.ts';

/**
 * The first of the named public fields (shown to anyone with the QR code) that looks like personal data,
 * as the API answers it: the field and an English message naming it; null when all may be shown.
 */
export function publicTextRefusal(fields: Readonly<Record<string, string | null | undefined>>): { field: string; message: string } | null {
  const refusal = checkPublicFields(fields);
  return refusal && { field: refusal.field, message: refusal.reason.en };
}

/** Throws 422 `public.personal_data`, naming the field, when a public field looks like personal data. */
export function assertPublicText(fields: Readonly<Record<string, string | null | undefined>>): void {
  const refusal = publicTextRefusal(fields);
  if (refusal) throw new ApiError('public.personal_data', refusal.message);
}

const PLACE_RULE = 'city-level place, 1–100 characters (e.g. 海南 海口)';

const publicViewBody = z.object({
  origin: z.string({ error: `origin: ${PLACE_RULE}` }).trim().min(1, `origin: ${PLACE_RULE}`).max(100, `origin: ${PLACE_RULE}`),
  destination: z.string({ error: `destination: ${PLACE_RULE}` }).trim().min(1, `destination: ${PLACE_RULE}`).max(100, `destination: ${PLACE_RULE}`),
  custodians: z.enum(['names', 'kinds'], { error: 'custodians: "names" or "kinds"' }),
});

/** The choice as answered, and what the public page shows because of it (null: left out). */
function publicViewAnswer(shipment: Shipment) {
  const chosen = shipment.publicView ?? null;
  return {
    chosen: chosen && { origin: chosen.origin, destination: chosen.destination, custodians: chosen.custodians, chosenAt: chosen.chosenAt ?? null },
    shown: resolvePublicFields(shipment),
  };
}

/**
 * What a shipment's public page shows of the people in it (issue 12, item 8): the shipper chooses
 * city-level origin and destination and whether custodians are named or only their kind given. Without a
 * choice the page shows the creation fields that hold no personal data, custodians by name
 * (docs/decisions/0021-public-page-personal-data.md).
 */
export function registerPublicViewRoutes({ app, ops, auth, scope, audit, clock }: RouteContext): void {
  const security = SECURITY;
  const params = z.object({ id: z.string() });

  app.get(
    '/api/v1/shipments/:id/public-view',
    { preValidation: auth.viewer, schema: { summary: "What the shipment's public page (the QR on the box) shows: the shipper's choice and its effect", tags: ['shipments'], security, params } },
    async (request) => publicViewAnswer(await scope.shipment(principal(request), request.params.id)),
  );

  app.put(
    '/api/v1/shipments/:id/public-view',
    {
      preValidation: auth.operator,
      schema: {
        summary: "Choose what the public page shows: city-level origin and destination, custodians by name or only by kind (the shipper's operators and administrators); personal data is refused with 422 public.personal_data",
        tags: ['shipments'],
        security,
        params,
        body: publicViewBody,
      },
    },
    async (request) => {
      const caller = principal(request);
      const shipment = await scope.shipment(caller, request.params.id);
      if (!caller.isPlatform && shipment.shipperOrgId !== caller.orgId) {
        throw new ApiError('auth.forbidden', "only the shipment's shipper chooses what its public page shows");
      }
      const refusal = checkPublicView(request.body);
      if (refusal) throw new ApiError('public.personal_data', refusal.reason.en);
      const view: PublicView = { ...request.body, chosenAt: clock.now() };
      if (!(await ops.setShipmentPublicView(shipment.id, view))) throw new ApiError('shipment.not_found', `no shipment ${shipment.id}`);
      await audit(request, 'shipment.public_view_changed', `shipment:${shipment.id}`, shipment.shipperOrgId, { custodians: view.custodians });
      return publicViewAnswer({ ...shipment, publicView: view });
    },
  );
}
