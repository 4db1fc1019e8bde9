import { z } from 'zod';
import { ORG_KINDS } from '@coldchain/domain';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { isPlatformOrg } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';
import { cursorParam, decodeCursor, limitParam, toPage } from '../paging.ts';

const CLAIMS_MAX = 1000;
const DEAD_LETTERS_MAX = 1000;
/** Where a page of claims ended: [filedAt, id] of its last one. */
const claimPosition = z.tuple([z.number().int(), z.string().min(1)]);
/** Where a page of dead letters ended: the id of its last one (ids grow with time). */
const deadLetterPosition = z.number().int().positive();

/** Organisations, claims and dead letters. */
export function registerRecordRoutes({ app, ops, clock, auth, audit }: RouteContext): void {
  const security = SECURITY;

  app.post(
    '/api/v1/organisations',
    {
      preValidation: auth.platform,
      schema: {
        summary: 'Create or update an organisation (shipper, carrier, warehouse, courier): the platform',
        tags: ['organisations'],
        security,
        body: z.object({
          id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/, 'must be 2–64 letters, digits, "_", "." or "-"'),
          name: z.string().min(1).max(200),
          nameEn: z.string().min(1).max(200).optional(),
          kind: z.enum(ORG_KINDS),
        }),
      },
    },
    async (request, reply) => {
      const existing = await ops.getOrganisation(request.body.id);
      const org = { ...request.body, nameEn: request.body.nameEn ?? request.body.name, createdAt: existing?.createdAt ?? clock.now() };
      await ops.upsertOrganisation(org);
      await audit(request, existing ? 'organisation.updated' : 'organisation.created', `organisation:${org.id}`, org.id, { name: org.name, kind: org.kind });
      return reply.status(existing ? 200 : 201).send(org);
    },
  );

  // The directory of organisations (names and kinds, as the public page shows them): a station scanning a
  // handoff names the party it hands to.
  app.get('/api/v1/organisations', { preValidation: auth.viewer, schema: { summary: 'The directory of organisations: id, names and kind', tags: ['organisations'], security } }, async () => ({
    organisations: await ops.listOrganisations(),
  }));

  app.get(
    '/api/v1/claims',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "Claims against the caller's organisation or filed for it (the platform: all), newest first, a page at a time (nextCursor): filed, or withdrawn (when and why) after late data put the excursion on another party; orgId: against one party",
        tags: ['claims'],
        security,
        querystring: z.object({ shipmentId: z.string().optional(), orgId: z.string().optional(), limit: limitParam(CLAIMS_MAX, 500), cursor: cursorParam }),
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const after = decodeCursor(cursor, 'claims', claimPosition);
      const caller = principal(request);
      const visibleTo = isPlatformOrg(caller) ? {} : { visibleTo: caller.orgId };
      const rows = await ops.listClaims({ ...filter, ...visibleTo, limit: limit + 1, ...(after && { after: { filedAt: after[0], id: after[1] } }) });
      const page = toPage(rows, limit, 'claims', (claim) => [claim.filedAt, claim.id]);
      return { claims: page.items, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/dead-letters',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "Messages refused by ingest, with the reason, newest first, a page at a time (nextCursor): the platform's, or one device's of the caller's organisation (deviceId)",
        tags: ['telemetry'],
        security,
        querystring: z.object({ deviceId: z.string().optional(), limit: limitParam(DEAD_LETTERS_MAX, 500), cursor: cursorParam }),
      },
    },
    async (request) => {
      const { cursor, limit, deviceId } = request.query;
      const caller = principal(request);
      if (!isPlatformOrg(caller)) {
        // A device's dead letters are its owner's; without a device, the whole list is the platform's.
        if (!deviceId) throw new ApiError('request.invalid', "deviceId: required (an organisation sees its own devices' dead letters)");
        if ((await ops.getDevice(deviceId))?.ownerOrgId !== caller.orgId) throw new ApiError('device.not_found', `no device ${deviceId}`);
      }
      const beforeId = decodeCursor(cursor, 'dead-letters', deadLetterPosition);
      const rows = await ops.listDeadLetters({ deviceId, limit: limit + 1, beforeId });
      const page = toPage(rows, limit, 'dead-letters', (letter) => letter.id);
      return { deadLetters: page.items, nextCursor: page.nextCursor };
    },
  );
}
