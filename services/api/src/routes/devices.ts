import { z } from 'zod';
import { generateSecret, hashSecret } from '@coldchain/auth';
import { DEVICE_ID_PATTERN, parseEd25519PublicKey } from '@coldchain/schemas';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { cursorParam, decodeCursor, limitParam, toPage } from '../paging.ts';
import { timeParam } from '../time-param.ts';

const READINGS_MAX = 10_000;
/** Where a page of readings ended: the device time of its last one. */
const readingPosition = z.number().int().nonnegative();

const deviceId = z
  .string()
  .regex(DEVICE_ID_PATTERN, 'must be 3–64 letters, digits, "_", "." or "-", starting with a letter or digit')
  // A device's MQTT client id is its id, and client ids starting with coldchain- belong to the services
  // (decision 0008): such a device could never connect.
  .refine((id) => !id.toLowerCase().startsWith('coldchain-'), 'must not start with "coldchain-" (reserved to the services\' MQTT client ids)');

/** Device provisioning and readings. */
export function registerDeviceRoutes({ app, ops, reads, clock, requireAdmin }: RouteContext): void {
  app.post(
    '/api/v1/devices',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Provision a device; its MQTT secret is in the answer, shown this once. With publicKey it must sign every message',
        tags: ['devices'],
        security: [{ bearer: [] }],
        body: z.object({
          id: deviceId,
          publicKey: z
            .string()
            .refine((key) => parseEd25519PublicKey(key) !== null, 'must be a raw 32-byte Ed25519 public key in base64 or base64url')
            .optional(),
        }),
      },
    },
    async (request, reply) => {
      const secret = generateSecret();
      const createdAt = clock.now();
      const publicKey = request.body.publicKey ? parseEd25519PublicKey(request.body.publicKey)!.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64url') : null;
      const isNew = await ops.createDevice({ id: request.body.id, secretHash: await hashSecret(secret), publicKey, createdAt });
      if (!isNew) throw new ApiError('device.exists', `device ${request.body.id} exists; rotate its secret with POST /api/v1/devices/${request.body.id}/secret`);
      return reply.status(201).send({ id: request.body.id, secret, publicKey, createdAt });
    },
  );

  app.post(
    '/api/v1/devices/:id/secret',
    {
      preHandler: requireAdmin,
      schema: { summary: "Rotate a device's MQTT secret; the new one is shown this once", tags: ['devices'], security: [{ bearer: [] }], params: z.object({ id: deviceId }) },
    },
    async (request) => {
      const secret = generateSecret();
      if (!(await ops.setDeviceSecret(request.params.id, await hashSecret(secret)))) {
        throw new ApiError('device.not_found', `no device ${request.params.id}`);
      }
      return { id: request.params.id, secret };
    },
  );

  app.get(
    '/api/v1/devices/:id/readings',
    {
      preHandler: requireAdmin,
      schema: {
        summary: "A device's readings between two device times, oldest first, a page at a time (nextCursor)",
        tags: ['devices'],
        security: [{ bearer: [] }],
        params: z.object({ id: deviceId }),
        querystring: z.object({
          from: timeParam.optional(),
          to: timeParam.optional(),
          limit: limitParam(READINGS_MAX, 10_000),
          cursor: cursorParam,
        }),
      },
    },
    async (request) => {
      const device = await ops.getDevice(request.params.id);
      if (!device) throw new ApiError('device.not_found', `no device ${request.params.id}`);
      const { from = 0, to = Number.MAX_SAFE_INTEGER, limit, cursor } = request.query;
      // A device has one reading per device time (the store skips duplicates), so the time of the last
      // reading given is a position: the next page starts just after it.
      const lastSampledAt = decodeCursor(cursor, `readings:${device.id}`, readingPosition);
      const start = lastSampledAt === undefined ? from : Math.max(from, lastSampledAt + 1);
      const rows = await reads.readings({ deviceId: device.id, from: start, to, limit: limit + 1 });
      const page = toPage(rows, limit, `readings:${device.id}`, (reading) => reading.sampledAt);
      return {
        deviceId: device.id,
        readings: page.items.map(({ sampledAt, tempC, rhPct, receivedAt }) => ({ sampledAt, tempC, rhPct, receivedAt })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/api/v1/devices/:id/events',
    {
      preHandler: requireAdmin,
      schema: { summary: "A device's events other than readings: gaps in its message sequence, online/offline, no data", tags: ['devices'], security: [{ bearer: [] }], params: z.object({ id: deviceId }) },
    },
    async (request) => ({ deviceId: request.params.id, events: await ops.listDeviceEvents(request.params.id) }),
  );
}
