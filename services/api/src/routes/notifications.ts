import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OutboxView } from '../api-deps.ts';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { timeField } from '../time-param.ts';

const channelSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, "_" or "-"'),
    type: z.enum(['webhook', 'dingtalk', 'wecom', 'feishu']),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    secret: z.string().min(8, 'must be at least 8 characters').nullish(),
    lang: z.enum(['zh', 'en']).default('zh'),
  })
  .refine((c) => c.type !== 'webhook' || Boolean(c.secret), { message: 'a webhook channel needs a secret: receivers verify the HMAC-SHA256 signature with it', path: ['secret'] });

/** Notification channels per organisation, silences, and the delivery outbox. */
export function registerNotificationRoutes({ app, ops, clock, requireAdmin }: RouteContext, outbox?: OutboxView): void {
  const security = [{ bearer: [] }];

  app.put(
    '/api/v1/organisations/:id/channels',
    {
      preHandler: requireAdmin,
      schema: {
        summary: "Set an organisation's notification channels: signed webhook, DingTalk, WeCom, Feishu robots",
        tags: ['notifications'],
        security,
        params: z.object({ id: z.string() }),
        body: z.object({ channels: z.array(channelSchema).max(20) }),
      },
    },
    async (request) => {
      if (!(await ops.getOrganisation(request.params.id))) throw new ApiError('organisation.not_found', `no organisation ${request.params.id}`);
      const channels = request.body.channels.map((c) => ({ ...c, secret: c.secret ?? null }));
      await ops.setOrgChannels(request.params.id, channels, clock.now());
      return { orgId: request.params.id, channels: channels.map((c) => ({ ...c, secret: c.secret ? '***' : null })) };
    },
  );

  app.get(
    '/api/v1/organisations/:id/channels',
    { preHandler: requireAdmin, schema: { summary: "An organisation's notification channels (secrets hidden)", tags: ['notifications'], security, params: z.object({ id: z.string() }) } },
    async (request) => ({ orgId: request.params.id, channels: (await ops.getOrgChannels(request.params.id)).map((c) => ({ ...c, secret: c.secret ? '***' : null })) }),
  );

  app.post(
    '/api/v1/silences',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Silence alerts for a while (a planned door opening at a hub): no reminders, escalation or notifications while it lasts',
        tags: ['alerts'],
        security,
        body: z
          .object({
            shipmentId: z.string().optional(),
            deviceId: z.string().optional(),
            ruleId: z.string().optional(),
            startsAt: timeField.optional(),
            endsAt: timeField,
            reason: z.string().min(1, 'must say why').max(500),
            by: z.string().min(1).max(200).optional(),
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
      const silence = { id: randomUUID(), shipmentId: body.shipmentId ?? null, deviceId: body.deviceId ?? null, ruleId: body.ruleId ?? null, startsAt, endsAt: body.endsAt, reason: body.reason, createdBy: body.by ?? 'admin', createdAt: now };
      await ops.insertSilence(silence);
      return reply.status(201).send(silence);
    },
  );

  app.get('/api/v1/silences', { preHandler: requireAdmin, schema: { summary: 'Silences active now or to come', tags: ['alerts'], security } }, async () => ({ silences: await ops.listSilences(clock.now()) }));

  app.delete(
    '/api/v1/silences/:id',
    { preHandler: requireAdmin, schema: { summary: 'End a silence now', tags: ['alerts'], security, params: z.object({ id: z.string() }) } },
    async (request) => {
      if (!(await ops.endSilence(request.params.id, clock.now()))) throw new ApiError('not_found', `no active silence ${request.params.id}`);
      return { id: request.params.id, endedAt: clock.now() };
    },
  );

  if (outbox) {
    app.get(
      '/api/v1/notifications',
      {
        preHandler: requireAdmin,
        schema: { summary: 'Notification deliveries in the outbox (secrets and tokens masked)', tags: ['notifications'], security, querystring: z.object({ status: z.enum(['pending', 'delivered', 'dead']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }) },
      },
      async (request) => ({ stats: await outbox.stats(), deliveries: await outbox.list(request.query) }),
    );
  }
}
