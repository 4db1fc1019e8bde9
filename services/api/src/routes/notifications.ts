import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { NotificationChannel, Silence } from '@coldchain/storage';
import type { OutboxView } from '../api-deps.ts';
import type { RouteContext } from '../app.ts';
import { refusedActorField } from '../auth/actor-field.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { hasRole, isPlatformOrg } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';
import { timeField } from '../time-param.ts';
import { MASK, maskChannel, maskChannelUrl } from './channel-mask.ts';
import { refusedDestination } from './channel-destination.ts';

const channelSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, "_" or "-"'),
    type: z.enum(['webhook', 'dingtalk', 'wecom', 'feishu']),
    // A URL as GET answers it (masked) keeps the one stored for this channel id: see keepStored.
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    secret: z.union([z.literal(MASK), z.string().min(8, 'must be at least 8 characters')]).nullish(),
    lang: z.enum(['zh', 'en']).default('zh'),
  })
  .refine((c) => c.type !== 'webhook' || Boolean(c.secret), { message: 'a webhook channel needs a secret: receivers verify the HMAC-SHA256 signature with it', path: ['secret'] });

type ChannelInput = z.infer<typeof channelSchema>;

/**
 * A channel as sent in a PUT, with what the caller could only send back masked taken from the stored
 * channel of the same id: a console that reads the channels and saves them with one changed does not
 * overwrite the others' URLs and secrets with their masks.
 */
function keepStored(input: ChannelInput, stored: NotificationChannel | undefined, index: number): NotificationChannel {
  const isUrlMasked = stored !== undefined && input.url === maskChannelUrl(stored.url) && input.url !== stored.url;
  const url = isUrlMasked ? stored.url : input.url;
  if (input.url.includes(MASK) && !isUrlMasked) {
    throw new ApiError('request.invalid', `channels.${index}.url: a masked URL (with "${MASK}") keeps the stored one only for an existing channel of the same id; send the whole URL`);
  }
  let secret = input.secret ?? null;
  if (secret === MASK) {
    if (!stored?.secret) throw new ApiError('request.invalid', `channels.${index}.secret: "${MASK}" keeps the stored secret, and channel ${input.id} has none; send the secret`);
    secret = stored.secret;
  }
  return { id: input.id, type: input.type, url, secret, lang: input.lang };
}

/**
 * Notification channels per organisation, silences, and the delivery outbox (issue 12: scoped by the
 * caller's organisation and role; channel URLs and secrets masked in every answer, decision 0020).
 */
export function registerNotificationRoutes({ app, ops, clock, auth, scope, audit }: RouteContext, outbox?: OutboxView): void {
  app.put(
    '/api/v1/organisations/:id/channels',
    {
      preValidation: auth.admin,
      schema: {
        summary: "Set an organisation's notification channels: signed webhook, DingTalk, WeCom, Feishu robots (its administrators or the platform). The answer masks URLs and secrets; a masked URL or secret sent back keeps the stored one",
        tags: ['notifications'],
        security: SECURITY,
        params: z.object({ id: z.string() }),
        body: z.object({ channels: z.array(channelSchema).max(20) }),
      },
    },
    async (request) => {
      const orgId = request.params.id;
      scope.organisation(principal(request), orgId);
      if (!(await ops.getOrganisation(orgId))) throw new ApiError('organisation.unknown', `no organisation ${orgId}`);
      const stored = new Map((await ops.getOrgChannels(orgId)).map((c) => [c.id, c]));
      const channels = request.body.channels.map((c, i) => keepStored(c, stored.get(c.id), i));
      if (!principal(request).isPlatform) {
        for (const [i, channel] of channels.entries()) {
          const refusal = await refusedDestination(channel.url);
          if (refusal) throw new ApiError('request.invalid', `channels.${i}.url: ${refusal}; a channel must point at a public internet destination (the platform's administrators may set internal ones)`);
        }
      }
      await ops.setOrgChannels(orgId, channels, clock.now());
      // What changed, never the URLs or secrets: the audit trail is read by more people than the channels.
      await audit(request, 'channels.changed', `organisation:${orgId}`, orgId, { ids: channels.map((c) => c.id), types: channels.map((c) => c.type) });
      return { orgId, channels: channels.map(maskChannel) };
    },
  );

  app.get(
    '/api/v1/organisations/:id/channels',
    {
      preValidation: auth.admin,
      schema: { summary: "An organisation's notification channels, URLs' credentials and secrets masked (its administrators or the platform)", tags: ['notifications'], security: SECURITY, params: z.object({ id: z.string() }) },
    },
    async (request) => {
      scope.organisation(principal(request), request.params.id);
      return { orgId: request.params.id, channels: (await ops.getOrgChannels(request.params.id)).map(maskChannel) };
    },
  );

  /**
   * Whether the caller may set or end a silence on this shipment or device: the platform's operators; for
   * a shipment, an operator of the organisation holding the goods now (as for acting on its alerts); for a
   * device alone, an operator of the organisation that provisioned it. Someone else's object is 404.
   */
  async function checkSilenceTarget(request: FastifyRequest, target: { shipmentId: string | null; deviceId: string | null }): Promise<void> {
    const caller = principal(request);
    // The platform's operators may silence anything, a shipment about to be created included.
    if (isPlatformOrg(caller) && hasRole(caller, 'operator')) return;
    if (target.shipmentId !== null) {
      await scope.shipment(caller, target.shipmentId);
      if (!(await scope.canActOnShipment(caller, target.shipmentId))) {
        throw new ApiError('auth.forbidden', `silences on shipment ${target.shipmentId} are for the organisation holding the goods now, with the role operator or above`);
      }
      return;
    }
    const device = target.deviceId === null ? undefined : await ops.getDevice(target.deviceId);
    if (!device || device.ownerOrgId !== caller.orgId) throw new ApiError('device.not_found', `no device ${target.deviceId}`);
  }

  /** Whether the caller sees a silence: the platform all; others those on shipments they are a party to or devices they own. */
  async function isSilenceVisible(caller: Principal, silence: Silence): Promise<boolean> {
    if (isPlatformOrg(caller)) return true;
    if (silence.shipmentId !== null) {
      const shipment = await ops.getShipment(silence.shipmentId);
      return shipment !== undefined && (await scope.isParty(caller, shipment));
    }
    return silence.deviceId !== null && (await ops.getDevice(silence.deviceId))?.ownerOrgId === caller.orgId;
  }

  app.post(
    '/api/v1/silences',
    {
      preValidation: auth.operator,
      schema: {
        summary: 'Silence alerts for a while (a planned door opening at a hub): no reminders, escalation or notifications while it lasts. For the organisation holding the shipment now (operators), recorded as the signed-in caller',
        tags: ['alerts'],
        security: SECURITY,
        body: z
          .object({
            shipmentId: z.string().optional(),
            deviceId: z.string().optional(),
            ruleId: z.string().optional(),
            startsAt: timeField.optional(),
            endsAt: timeField,
            reason: z.string().min(1, 'must say why').max(500),
            by: refusedActorField('by'),
          })
          .refine((s) => s.shipmentId || s.deviceId, { message: 'name a shipmentId or a deviceId: a silence never covers everything', path: ['shipmentId'] }),
      },
    },
    async (request, reply) => {
      const now = clock.now();
      const body = request.body;
      const startsAt = body.startsAt ?? now;
      if (body.endsAt <= startsAt) throw new ApiError('request.invalid', 'endsAt: must be after startsAt');
      if (body.endsAt - startsAt > 7 * 86_400_000) throw new ApiError('request.invalid', 'endsAt: a silence lasts at most 7 days');
      const target = { shipmentId: body.shipmentId ?? null, deviceId: body.deviceId ?? null };
      await checkSilenceTarget(request, target);
      const silence: Silence = { id: randomUUID(), ...target, ruleId: body.ruleId ?? null, startsAt, endsAt: body.endsAt, reason: body.reason, createdBy: principal(request).name, createdAt: now };
      await ops.insertSilence(silence);
      await audit(request, 'silence.created', `silence:${silence.id}`, principal(request).orgId, { shipmentId: silence.shipmentId, deviceId: silence.deviceId, ruleId: silence.ruleId, startsAt, endsAt: silence.endsAt });
      return reply.status(201).send(silence);
    },
  );

  app.get(
    '/api/v1/silences',
    { preValidation: auth.viewer, schema: { summary: "Silences active now or to come, on the shipments and devices the caller's organisation may see", tags: ['alerts'], security: SECURITY } },
    async (request) => {
      const caller = principal(request);
      const silences: Silence[] = [];
      for (const silence of await ops.listSilences(clock.now())) if (await isSilenceVisible(caller, silence)) silences.push(silence);
      return { silences };
    },
  );

  app.delete(
    '/api/v1/silences/:id',
    { preValidation: auth.operator, schema: { summary: 'End a silence now (whoever may set it may end it)', tags: ['alerts'], security: SECURITY, params: z.object({ id: z.string() }) } },
    async (request) => {
      const now = clock.now();
      const silence = (await ops.listSilences(now)).find((s) => s.id === request.params.id);
      const notFound = new ApiError('not_found', `no active silence ${request.params.id}`);
      if (!silence || !(await isSilenceVisible(principal(request), silence))) throw notFound;
      await checkSilenceTarget(request, silence);
      if (!(await ops.endSilence(silence.id, now))) throw notFound;
      await audit(request, 'silence.ended', `silence:${silence.id}`, principal(request).orgId, { shipmentId: silence.shipmentId, deviceId: silence.deviceId });
      return { id: silence.id, endedAt: now };
    },
  );

  if (outbox) {
    app.get(
      '/api/v1/notifications',
      {
        preValidation: auth.platform,
        schema: {
          summary: "Notification deliveries in the outbox, every organisation's (the platform's administrators; secrets and URLs' tokens masked)",
          tags: ['notifications'],
          security: SECURITY,
          querystring: z.object({ status: z.enum(['pending', 'delivered', 'dead']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
        },
      },
      async (request) => ({ stats: await outbox.stats(), deliveries: await outbox.list(request.query) }),
    );
  }
}
