import { z } from 'zod';
import { ORG_KINDS } from '@coldchain/domain';
import type { RouteContext } from '../app.ts';

/** Organisations, claims and dead letters. */
export function registerRecordRoutes({ app, ops, clock, requireAdmin }: RouteContext): void {
  const security = [{ bearer: [] }];

  app.post(
    '/api/v1/organisations',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Create or update an organisation (shipper, carrier, warehouse, courier)',
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
      return reply.status(existing ? 200 : 201).send(org);
    },
  );

  app.get('/api/v1/organisations', { preHandler: requireAdmin, schema: { summary: 'Organisations', tags: ['organisations'], security } }, async () => ({
    organisations: await ops.listOrganisations(),
  }));

  app.get(
    '/api/v1/claims',
    { preHandler: requireAdmin, schema: { summary: 'Claims, newest first: filed, or withdrawn (when and why) after late data put the excursion on another party', tags: ['claims'], security, querystring: z.object({ shipmentId: z.string().optional(), orgId: z.string().optional() }) } },
    async (request) => ({ claims: await ops.listClaims(request.query) }),
  );

  app.get(
    '/api/v1/dead-letters',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Messages refused by ingest, with the reason, newest first',
        tags: ['telemetry'],
        security,
        querystring: z.object({ deviceId: z.string().optional(), limit: z.coerce.number().int().min(1).max(5000).default(500) }),
      },
    },
    async (request) => ({ deadLetters: await ops.listDeadLetters(request.query) }),
  );
}
