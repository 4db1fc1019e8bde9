import { z } from 'zod';
import { validateProfile } from '@coldchain/domain';
import type { ProductProfile } from '@coldchain/domain';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { refusedActorField } from '../auth/actor-field.ts';
import { ApiError } from '../errors.ts';

const num = z.number().refine(Number.isFinite, 'must be a finite number');
const source = z.string().min(1, 'must cite a source (or say "platform default" and why)');
const durationMs = z.number().int('must be whole milliseconds').nonnegative('must not be negative');
const tier = z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 1, 2 or 3' });

/** The shape of a profile; the rules between fields are validateProfile's (domain). */
const profileSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be 2–40 lowercase letters, digits or "-"'),
  name: z.object({ zh: z.string().min(1), en: z.string().min(1) }),
  optimumC: z.object({ min: num, max: num, source }),
  rhPct: z.object({ min: num, max: num, source }),
  limits: z
    .array(
      z.object({
        id: z.string().min(1),
        direction: z.enum(['above', 'below']),
        thresholdC: num,
        holdForMs: durationMs,
        keepFiringForMs: durationMs,
        hysteresisC: num,
        tier,
        isClaimable: z.boolean(),
        source,
      }),
    )
    .min(1, 'must hold at least one limit'),
  claim: z.object({ minOutsideMs: durationMs, damagedShare: num, source }),
  budget: z.object({ maxOutsideMs: durationMs, maxDegreeMinutes: num, source }),
  shelfLife: z
    .discriminatedUnion('model', [
      z.object({ model: z.literal('q10'), referenceC: num, referenceLifeHours: num, q10: num, source }),
      z.object({ model: z.literal('arrhenius'), referenceC: num, referenceLifeHours: num, eaKjPerMol: num, source }),
    ])
    .nullable(),
  mktDeltaHOverR: num,
  mktDeltaHOverRSource: source,
  maxReadingGapMs: durationMs,
  maxReadingGapSource: source,
  sources: z.array(z.string().min(1)).min(1, 'must list the documents the profile cites'),
  responseMs: z.object({ 1: durationMs.optional(), 2: durationMs.optional(), 3: durationMs.optional() }).partial().optional(),
});

/** Product profiles: read, edited by the platform with validation, every change in an audit trail. */
export function registerProfileRoutes({ app, ops, profiles, clock, auth, audit }: RouteContext): void {
  const security = SECURITY;

  app.get('/api/v1/profiles', { schema: { summary: 'Product profiles in force, every number with its source', tags: ['profiles'] } }, async () => ({ profiles: await profiles.list() }));

  app.get('/api/v1/profiles/:id', { schema: { summary: 'One product profile', tags: ['profiles'], params: z.object({ id: z.string() }) } }, async (request) => {
    const profile = await profiles.get(request.params.id);
    if (!profile) throw new ApiError('profile.not_found', `no profile ${request.params.id}`);
    return profile;
  });

  app.put(
    '/api/v1/profiles/:id',
    {
      preValidation: auth.platform,
      schema: {
        summary: 'Replace a product profile (the platform): validated, kept in the audit trail with who, when, before and after',
        tags: ['profiles'],
        security,
        params: z.object({ id: z.string() }),
        querystring: z.object({ by: refusedActorField('by') }),
        body: profileSchema,
      },
    },
    async (request) => {
      const after = request.body as ProductProfile;
      if (after.id !== request.params.id) throw new ApiError('request.invalid', `body.id: must be ${request.params.id}, the profile in the path`);
      const errors = validateProfile(after);
      if (errors.length > 0) throw new ApiError('request.invalid', errors.join('; '));
      const before = await profiles.get(after.id);
      const change = await ops.saveProfile({ profileId: after.id, changedBy: principal(request).name, changedAt: clock.now(), before: JSON.stringify(before ?? null), after: JSON.stringify(after) });
      profiles.invalidate();
      await audit(request, 'profile.changed', `profile:${after.id}`, null, { seq: change.seq });
      return { profile: after, change: { seq: change.seq, changedBy: change.changedBy, changedAt: change.changedAt } };
    },
  );

  app.get(
    '/api/v1/profiles/:id/audit',
    { preValidation: auth.platform, schema: { summary: "A profile's changes: who, when, before, after", tags: ['profiles'], security, params: z.object({ id: z.string() }) } },
    async (request) => ({
      changes: (await ops.listProfileChanges(request.params.id)).map((c) => ({ ...c, before: JSON.parse(c.before) as unknown, after: JSON.parse(c.after) as unknown })),
    }),
  );

  app.put(
    '/api/v1/organisations/:id/response-times',
    {
      preValidation: auth.platform,
      schema: {
        summary: "An organisation's response deadlines per tier (ms), over the profile's and the defaults (1 h / 4 h / 24 h): set by the platform",
        tags: ['organisations'],
        security,
        params: z.object({ id: z.string() }),
        body: z.object({ 1: durationMs.min(60_000, 'must be at least a minute').optional(), 2: durationMs.min(60_000, 'must be at least a minute').optional(), 3: durationMs.min(60_000, 'must be at least a minute').optional() }),
      },
    },
    async (request) => {
      if (!(await ops.getOrganisation(request.params.id))) throw new ApiError('organisation.not_found', `no organisation ${request.params.id}`);
      await ops.setOrgResponseTimes(request.params.id, request.body);
      await audit(request, 'organisation.response_times_changed', `organisation:${request.params.id}`, request.params.id, request.body);
      return { orgId: request.params.id, responseMs: request.body };
    },
  );
}
