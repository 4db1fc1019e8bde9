import multipart from '@fastify/multipart';
import { AFTER_SALES_STATE_NAMES, OPEN_AFTER_SALES_STATES, publicAfterSalesView } from '@coldchain/after-sales';
import type { AfterSalesRefusal } from '@coldchain/after-sales';
import { PROFILES, REASON_MAX_CHARS } from '@coldchain/domain';
import { describeDuplicateKey, findDuplicateKey } from '@coldchain/schemas';
import { AFTER_SALES_STATES } from '@coldchain/storage';
import type { AfterSalesRequest, AfterSalesState } from '@coldchain/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { cleanPhoto, MAX_PHOTO_BYTES, MAX_PHOTOS } from '../after-sales/photos.ts';
import type { CleanPhoto } from '../after-sales/photos.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { isPlatformOrg } from '../auth/principal.ts';
import { ApiError } from '../errors.ts';
import { cursorParam, decodeCursor, limitParam, toPage } from '../paging.ts';

/** Reports one client address may send per hour (on top of the public budget): a family reports a few orders, not dozens. */
export const AFTER_SALES_REPORTS_PER_HOUR = 10;

/**
 * A count as a form sends it ("12", full-width "１２" too) or as JSON (12): decimal digits only, so "0x10",
 * "1e1" or "12.0" are refused rather than read as something the consumer did not type.
 */
const count = (field: string, min: number) =>
  z
    .union([z.number(), z.string()], { error: (issue) => (issue.input === undefined ? `${field}: required` : `${field} must be a whole number`) })
    .transform((value, ctx) => {
      const text = typeof value === 'number' ? String(value) : value.normalize('NFKC').trim();
      if (!/^[0-9]{1,6}$/.test(text)) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a whole number (digits only)` });
        return z.NEVER;
      }
      return Number(text);
    })
    .pipe(z.number().int().min(min, `${field} must be at least ${min}`).max(100_000, `${field} must be at most 100000`));

/** The report's fields, from a form or JSON; anything else is refused with its name. */
const reportFields = z
  .object({
    badCount: count('badCount', 1),
    totalCount: count('totalCount', 1),
    boxes: count('boxes', 1).default(1),
    orderRef: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{4,64}$/, 'orderRef must be the shop order number: 4 to 64 letters, digits, "-" or "_"')
      .optional()
      .or(z.literal('').transform(() => undefined)),
  })
  .strict();

/** Text without spaces and invisible characters: a reason of zero-width spaces says nothing to the consumer. */
const visibleText = (text: string) => text.replace(/[\s\u00ad\u180e\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff]/g, '');

const refusalStatus = (refusal: AfterSalesRefusal) => new ApiError(refusal.code, `${refusal.message.en} / ${refusal.message.zh}`);

/** A multipart part that is a file or a field, as @fastify/multipart gives it. */
type Part = { type: 'file'; fieldname: string; file: { truncated: boolean }; toBuffer(): Promise<Buffer> } | { type: 'field'; fieldname: string; value: unknown };

/** The form's fields and photos; photos checked and cleaned as they come. Limits refuse early, naming the field. */
async function readForm(request: FastifyRequest): Promise<{ fields: Record<string, unknown>; photos: CleanPhoto[] }> {
  const fields: Record<string, unknown> = {};
  const photos: CleanPhoto[] = [];
  try {
    const parts = (request as unknown as { parts(options: object): AsyncIterable<Part> }).parts({
      limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS, fields: 8, fieldSize: 1024, parts: MAX_PHOTOS + 8, headerPairs: 100 },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'photos') throw new ApiError('request.invalid', `${part.fieldname}: unknown file field; photos go in "photos" / 照片请放在 photos 字段`);
        const bytes = await part.toBuffer();
        // The size limit may be reached after the last chunk was handed over: checked here too.
        if (part.file.truncated) throw Object.assign(new Error('file too large'), { code: 'FST_REQ_FILE_TOO_LARGE' });
        const cleaned = await cleanPhoto(bytes, photos.length);
        if ('field' in cleaned) throw new ApiError('after_sales.photo_invalid', `${cleaned.field}: ${cleaned.en} / ${cleaned.zh}`);
        photos.push(cleaned);
      } else {
        if (part.fieldname in fields) throw new ApiError('request.invalid', `${part.fieldname}: given twice / 重复的字段`);
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new ApiError('after_sales.photo_too_large', `photos[${photos.length}]: larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MiB / 照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
    if (code === 'FST_FILES_LIMIT') throw new ApiError('request.invalid', `photos: at most ${MAX_PHOTOS} photos / 最多 ${MAX_PHOTOS} 张照片`);
    if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') throw new ApiError('request.invalid', 'body: too many fields; send badCount, totalCount, boxes, orderRef and up to 3 photos / 字段过多');
    throw new ApiError('request.invalid', `body: not a readable multipart form (${(error as Error).message})`);
  }
  return { fields, photos };
}

function parseFields(raw: unknown) {
  const parsed = reportFields.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues
    .map((issue) => (issue.code === 'unrecognized_keys' ? `${issue.keys.join(', ')}: not a field of a report (badCount, totalCount, boxes, orderRef, photos)` : `${issue.path.join('.') || 'body'}: ${issue.message}`))
    .join('; ');
  return new ApiError('request.invalid', message);
}

/** Whether the caller may see a request: its shipper, or the platform. */
function maySee(request: FastifyRequest, asr: AfterSalesRequest): boolean {
  const caller = principal(request);
  return isPlatformOrg(caller) || caller.orgId === asr.shipperOrgId;
}

const statesParam = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    if (value === 'open') return [...OPEN_AFTER_SALES_STATES];
    const states = value.split(',').map((s) => s.trim());
    const unknown = states.filter((s) => !AFTER_SALES_STATES.includes(s as AfterSalesState));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown state ${unknown.join(', ')}: use open or any of ${AFTER_SALES_STATES.join(', ')}` });
    return states as AfterSalesState[];
  })
  .describe('`open` (received, awaiting_shipper, escalated, approved) or states separated by commas');

const position = z.object({ reportedAt: z.number(), id: z.string() });

/**
 * After-sales (issue 13, items 3 to 5; decision 0024): a consumer reports bad fruit on the trace page
 * (public, rate limited, no account) and follows the request; the streamer's queue and decision; the
 * shipper's compensation thresholds. The workflow (judging, the platform's advance, payouts) is
 * @coldchain/after-sales, shared with the rules service's timers.
 */
export function registerAfterSalesRoutes(context: RouteContext): void {
  const { app, ops, clock, auth, audit, afterSales, profiles } = context;

  void app.register(async (scoped: FastifyInstance) => {
    const inner = scoped.withTypeProvider<ZodTypeProvider>();
    await inner.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS } });
    // JSON reports: a key given twice is refused, naming it, not read as its last value (as for devices).
    inner.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_request, body, done) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (error) {
        done(new ApiError('request.invalid', `body: not valid JSON (${(error as Error).message})`), undefined);
        return;
      }
      const duplicate = findDuplicateKey(body as Buffer);
      if (duplicate) done(new ApiError('request.invalid', `body.${describeDuplicateKey(duplicate)} / 字段重复`), undefined);
      else done(null, parsed);
    });
    const limiter = typeof inner.createRateLimit === 'function'
      ? inner.createRateLimit({ max: AFTER_SALES_REPORTS_PER_HOUR, timeWindow: 60 * 60_000, keyGenerator: (request: FastifyRequest) => `after-sales:${request.ip}` } as Parameters<FastifyInstance['createRateLimit']>[0])
      : null;

    inner.post(
      '/api/v1/trace/:traceCode/after-sales',
      {
        bodyLimit: MAX_PHOTOS * MAX_PHOTO_BYTES + 64 * 1024,
        schema: {
          summary:
            'A consumer reports bad fruit (public, no account; rate limited per address). multipart/form-data (or JSON without photos): badCount, totalCount (fruits), boxes (default 1), orderRef (optional, seen by the shipper only), photos (0 to 3 files, JPEG/PNG/WebP/HEIC by content, 8 MiB each, stored without metadata). Answers 201 with the request id and its state.',
          tags: ['consumer'],
          params: z.object({ traceCode: z.string().min(10).max(64) }),
        },
      },
      async (request, reply) => {
        if (limiter) {
          const result = await limiter(request);
          if (!result.isAllowed && result.isExceeded) {
            const retryAfterS = Math.max(1, result.ttlInSeconds);
            request.log.warn({ clientIp: request.ip, retryAfterS }, 'after_sales.rate_limited');
            return reply
              .code(429)
              .header('retry-after', String(retryAfterS))
              .send({ error: { code: 'rate_limited', message: `售后申请提交过于频繁，请 ${Math.ceil(retryAfterS / 60)} 分钟后再试。Too many reports from this address; try again in ${Math.ceil(retryAfterS / 60)} min.` } });
          }
        }
        const shipment = await ops.getShipmentByTraceCode(request.params.traceCode);
        if (!shipment) throw new ApiError('trace.not_found', 'no shipment has this trace code / 没有此溯源码的货物');
        const now = clock.now();
        if (shipment.startedAt > now) throw new ApiError('after_sales.before_pickup', 'the goods have not been picked up yet: reports are taken after pickup / 货物尚未揽收，揽收后才能申请售后');
        const { fields, photos } = request.isMultipart() ? await readForm(request) : { fields: request.body, photos: [] };
        const parsed = parseFields(fields);
        if (parsed instanceof ApiError) throw parsed;
        const outcome = await afterSales.report({ shipment, badCount: parsed.badCount, totalCount: parsed.totalCount, boxes: parsed.boxes, orderRef: parsed.orderRef ?? null, photos });
        if (!outcome.ok) throw refusalStatus(outcome);
        const view = publicAfterSalesView(outcome.request, await ops.afterSales.listEvents(outcome.request.id));
        return reply
          .code(201)
          .header('cache-control', 'no-store')
          .header('location', `/api/v1/trace/${encodeURIComponent(shipment.traceCode)}/after-sales/${outcome.request.id}`)
          .send(view);
      },
    );
  });

  app.get(
    '/api/v1/trace/:traceCode/after-sales/:id',
    {
      schema: {
        summary: 'A consumer follows a report: its state, what was decided and why, and its history (public, by trace code and request id; no order number, no names)',
        tags: ['consumer'],
        params: z.object({ traceCode: z.string().min(10).max(64), id: z.string().max(64) }),
      },
    },
    async (request, reply) => {
      const shipment = await ops.getShipmentByTraceCode(request.params.traceCode);
      const asr = shipment && (await ops.afterSales.get(request.params.id));
      if (!shipment || !asr || asr.shipmentId !== shipment.id) throw new ApiError('after_sales.not_found', `no after-sales request ${request.params.id} for this trace code / 没有此售后申请`);
      reply.header('cache-control', 'no-store');
      return publicAfterSalesView(asr, await ops.afterSales.listEvents(asr.id));
    },
  );

  app.get(
    '/api/v1/after-sales',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "The streamer's after-sales queue: requests on the caller's shipments (the platform: all), newest first, with deadlines; `state=open` for those still waiting",
        tags: ['after-sales'],
        security: SECURITY,
        querystring: z.object({ state: statesParam, shipmentId: z.string().optional(), limit: limitParam(500, 100), cursor: cursorParam }),
      },
    },
    async (request) => {
      const caller = principal(request);
      const { state, shipmentId, limit, cursor } = request.query;
      const after = decodeCursor(cursor, 'after-sales', position);
      const rows = await ops.afterSales.list({ shipperOrgId: isPlatformOrg(caller) ? undefined : caller.orgId, shipmentId, states: state, limit: limit + 1, after });
      const page = toPage(rows, limit, 'after-sales', (r) => ({ reportedAt: r.reportedAt, id: r.id }));
      const shipments = new Map<string, { traceCode: string; profileId: string; origin: string; destination: string } | null>();
      for (const r of page.items) {
        if (!shipments.has(r.shipmentId)) {
          const s = await ops.getShipment(r.shipmentId);
          shipments.set(r.shipmentId, s ? { traceCode: s.traceCode, profileId: s.profileId, origin: s.origin, destination: s.destination } : null);
        }
      }
      const claims = new Map<string, { id: string; status: string; liableOrgId: string; amountCents: number; advancedCents: number } | null>();
      for (const r of page.items) {
        if (r.claimId && !claims.has(r.claimId)) {
          const c = await ops.getClaim(r.claimId);
          claims.set(r.claimId, c ? { id: c.id, status: c.status, liableOrgId: c.liableOrgId, amountCents: c.amountCents, advancedCents: c.advancedCents ?? 0 } : null);
        }
      }
      return {
        items: page.items.map((r) => ({
          ...r,
          stateName: AFTER_SALES_STATE_NAMES[r.state],
          shipment: shipments.get(r.shipmentId),
          claim: r.claimId ? (claims.get(r.claimId) ?? null) : null,
          photos: Array.from({ length: r.photoCount }, (_, i) => `/api/v1/after-sales/${r.id}/photos/${i}`),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  async function visible(request: FastifyRequest, id: string): Promise<AfterSalesRequest> {
    const asr = await ops.afterSales.get(id);
    if (!asr || !maySee(request, asr)) throw new ApiError('after_sales.not_found', `no after-sales request ${id}`);
    return asr;
  }

  app.get(
    '/api/v1/after-sales/:id',
    {
      preValidation: auth.viewer,
      schema: { summary: 'One after-sales request for its shipper (or the platform): the report, order number, photos, decision with its rule and evidence, payout, history', tags: ['after-sales'], security: SECURITY, params: z.object({ id: z.string().max(64) }) },
    },
    async (request) => {
      const asr = await visible(request, request.params.id);
      const shipment = await ops.getShipment(asr.shipmentId);
      const base = `/api/v1/shipments/${encodeURIComponent(asr.shipmentId)}`;
      return {
        request: { ...asr, stateName: AFTER_SALES_STATE_NAMES[asr.state] },
        shipment: shipment && { id: shipment.id, traceCode: shipment.traceCode, profileId: shipment.profileId, boxes: shipment.boxes, goodsValueCents: shipment.goodsValueCents },
        photos: Array.from({ length: asr.photoCount }, (_, i) => `/api/v1/after-sales/${asr.id}/photos/${i}`),
        payout: (await ops.afterSales.getPayout(asr.id)) ?? null,
        claim: asr.claimId ? ((await ops.getClaim(asr.claimId)) ?? null) : null,
        history: await ops.afterSales.listEvents(asr.id),
        evidence: { curve: `${base}/curve`, report: `${base}/report.pdf`, bundle: `${base}/evidence`, alerts: `/api/v1/alerts?shipmentId=${encodeURIComponent(asr.shipmentId)}`, claim: asr.claimId ? `/api/v1/claims/${asr.claimId}` : null },
      };
    },
  );

  app.get(
    '/api/v1/after-sales/:id/photos/:idx',
    {
      preValidation: auth.viewer,
      schema: { summary: "A request's photo (JPEG, metadata stripped when it was received), for its shipper or the platform", tags: ['after-sales'], security: SECURITY, params: z.object({ id: z.string().max(64), idx: z.coerce.number().int().min(0).max(MAX_PHOTOS - 1) }) },
    },
    async (request, reply) => {
      const asr = await visible(request, request.params.id);
      const photo = await ops.afterSales.getPhoto(asr.id, request.params.idx);
      if (!photo) throw new ApiError('after_sales.not_found', `request ${asr.id} has no photo ${request.params.idx}`);
      return reply.header('content-type', photo.contentType).header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff').send(photo.bytes);
    },
  );

  app.post(
    '/api/v1/after-sales/:id/decide',
    {
      preValidation: auth.operator,
      schema: {
        summary: 'The streamer (or, once escalated, the platform) approves or rejects a request waiting for a person; the reason is shown to the consumer',
        tags: ['after-sales'],
        security: SECURITY,
        params: z.object({ id: z.string().max(64) }),
        body: z
          .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().max(REASON_MAX_CHARS).optional() })
          .strict()
          .refine((b) => b.decision === 'approve' || visibleText(b.reason ?? '') !== '', { path: ['reason'], message: 'required to reject: say why (the consumer reads it) / 驳回须说明理由' }),
      },
    },
    async (request) => {
      const asr = await visible(request, request.params.id);
      const caller = principal(request);
      const party = isPlatformOrg(caller) ? 'platform' : 'shipper';
      // Approving is one click: without a reason the consumer reads that it was approved.
      const reason = request.body.reason || (party === 'shipper' ? '同意赔付 / approved' : '平台同意赔付 / approved by the platform');
      const outcome = await afterSales.decide(asr.id, { decision: request.body.decision, reason }, { name: caller.name, orgId: caller.orgId }, party);
      if (!outcome.ok) throw refusalStatus(outcome);
      await audit(request, `after_sales.${request.body.decision}`, `after-sales:${asr.id}`, asr.shipperOrgId, { reason });
      return { request: { ...outcome.request, stateName: AFTER_SALES_STATE_NAMES[outcome.request.state] }, history: await ops.afterSales.listEvents(asr.id) };
    },
  );

  const settingsParams = z.object({ id: z.string() });
  const percent = (field: string) => z.number({ error: `${field} must be a number of percent` }).min(0, `${field} must be 0 to 100`).max(100, `${field} must be 0 to 100`).multipleOf(0.01, `${field}: at most two decimals`);

  app.get(
    '/api/v1/organisations/:id/compensation-settings',
    { preValidation: auth.viewer, schema: { summary: "A shipper's compensation thresholds: for all its products (`*`) and per product, and the plan's defaults", tags: ['after-sales'], security: SECURITY, params: settingsParams } },
    async (request) => {
      const caller = principal(request);
      if (!isPlatformOrg(caller) && caller.orgId !== request.params.id) throw new ApiError('organisation.unknown', `no organisation ${request.params.id}`);
      const ids = ['*', ...(await profiles.list()).map((p) => p.id)];
      const settings = [];
      for (const profileId of ids) {
        const t = await ops.afterSales.getCompensationSettings(request.params.id, profileId);
        if (t) settings.push({ profileId, fullRefundAbovePercent: t.fullRefundAboveBp / 100, resendFromPercent: t.resendFromBp / 100 });
      }
      return { defaults: { fullRefundAbovePercent: 10, resendFromPercent: 5 }, settings };
    },
  );

  app.put(
    '/api/v1/organisations/:id/compensation-settings',
    {
      preValidation: auth.admin,
      schema: {
        summary: "Sets a shipper's compensation thresholds for one product or all (`*`): more than fullRefundAbovePercent bad → full refund; from resendFromPercent → resend the order; below → resend the bad count",
        tags: ['after-sales'],
        security: SECURITY,
        params: settingsParams,
        body: z.object({ profileId: z.string().min(1), fullRefundAbovePercent: percent('fullRefundAbovePercent'), resendFromPercent: percent('resendFromPercent') }).strict(),
      },
    },
    async (request) => {
      const caller = principal(request);
      const org = await ops.getOrganisation(request.params.id);
      if (!org || (!isPlatformOrg(caller) && caller.orgId !== org.id)) throw new ApiError('organisation.unknown', `no organisation ${request.params.id}`);
      if (org.kind !== 'shipper') throw new ApiError('request.invalid', `id: ${org.id} is not a shipper; compensation thresholds are a shipper's / 只有发货方（主播）可设置赔付阈值`);
      const { profileId, fullRefundAbovePercent, resendFromPercent } = request.body;
      if (profileId !== '*' && !(await profiles.get(profileId)) && !(profileId in PROFILES)) throw new ApiError('profile.not_found', `profileId: no product profile ${profileId}; use * for all products`);
      if (resendFromPercent > fullRefundAbovePercent) throw new ApiError('request.invalid', 'resendFromPercent: must not be more than fullRefundAbovePercent / 补发阈值不能高于全额退款阈值');
      const thresholds = { fullRefundAboveBp: Math.round(fullRefundAbovePercent * 100), resendFromBp: Math.round(resendFromPercent * 100) };
      await ops.afterSales.setCompensationSettings(org.id, profileId, thresholds, caller.name, clock.now());
      await audit(request, 'compensation.set', `organisation:${org.id}`, org.id, { ...request.body });
      return { profileId, fullRefundAbovePercent, resendFromPercent };
    },
  );
}
