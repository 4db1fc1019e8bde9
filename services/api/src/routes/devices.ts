import { z } from 'zod';
import { generateSecret, hashSecret } from '@coldchain/auth';
import { DEVICE_ID_PATTERN, ORG_MQTT_USER_PREFIX, parseEd25519PublicKey } from '@coldchain/schemas';
import type { RouteContext } from '../app.ts';
import { ApiError } from '../errors.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { isPlatformOrg } from '../auth/principal.ts';
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
  .refine((id) => !id.toLowerCase().startsWith('coldchain-'), 'must not start with "coldchain-" (reserved to the services\' MQTT client ids)')
  // Organisations' broker credentials are named org-… (decision 0022): a device must not take such a name.
  .refine((id) => !id.toLowerCase().startsWith(ORG_MQTT_USER_PREFIX), `must not start with "${ORG_MQTT_USER_PREFIX}" (reserved to organisations' broker credentials)`);

/** Device provisioning and readings. */
export function registerDeviceRoutes({ app, ops, reads, clock, auth, audit }: RouteContext): void {
  const security = SECURITY;

  /** The device if the caller's organisation owns it (the platform: any); 404 otherwise, as one that does not exist. */
  async function ownedDevice(caller: Principal, id: string) {
    const device = await ops.getDevice(id);
    if (!device || (!isPlatformOrg(caller) && device.ownerOrgId !== caller.orgId)) throw new ApiError('device.not_found', `no device ${id}`);
    return device;
  }

  app.post(
    '/api/v1/devices',
    {
      preValidation: auth.admin,
      schema: {
        summary: "Provision a device of the caller's organisation (the platform: of any, ownerOrgId); its MQTT secret is in the answer, shown this once. With publicKey it must sign every message",
        tags: ['devices'],
        security,
        body: z.object({
          id: deviceId,
          ownerOrgId: z.string().min(1).optional(),
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
      const caller = principal(request);
      let ownerOrgId: string | null = isPlatformOrg(caller) ? null : caller.orgId;
      if (request.body.ownerOrgId !== undefined) {
        if (!caller.isPlatform && request.body.ownerOrgId !== caller.orgId) throw new ApiError('auth.forbidden', 'ownerOrgId: only the platform provisions devices for another organisation');
        if (!(await ops.getOrganisation(request.body.ownerOrgId))) throw new ApiError('organisation.not_found', `ownerOrgId: no organisation ${request.body.ownerOrgId}`);
        ownerOrgId = request.body.ownerOrgId === 'platform' ? null : request.body.ownerOrgId;
      }
      const isNew = await ops.createDevice({ id: request.body.id, secretHash: await hashSecret(secret), publicKey, createdAt, ownerOrgId });
      if (!isNew) throw new ApiError('device.exists', `device ${request.body.id} exists; rotate its secret with POST /api/v1/devices/${request.body.id}/secret`);
      await audit(request, 'device.provisioned', `device:${request.body.id}`, ownerOrgId, { signed: publicKey !== null });
      return reply.status(201).send({ id: request.body.id, secret, publicKey, createdAt, ownerOrgId });
    },
  );

  app.post(
    '/api/v1/devices/:id/secret',
    {
      preValidation: auth.admin,
      schema: { summary: "Rotate a device's MQTT secret (its organisation's administrators); the new one is shown this once", tags: ['devices'], security, params: z.object({ id: deviceId }) },
    },
    async (request) => {
      const device = await ownedDevice(principal(request), request.params.id);
      const secret = generateSecret();
      if (!(await ops.setDeviceSecret(device.id, await hashSecret(secret)))) throw new ApiError('device.not_found', `no device ${request.params.id}`);
      await audit(request, 'device.secret_rotated', `device:${device.id}`, device.ownerOrgId ?? null);
      return { id: device.id, secret };
    },
  );

  app.get(
    '/api/v1/devices/:id/readings',
    {
      preValidation: auth.viewer,
      schema: {
        summary: "A device's readings between two device times, oldest first, a page at a time (nextCursor): its organisation's (a shipment's parties read its curve)",
        tags: ['devices'],
        security,
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
      const device = await ownedDevice(principal(request), request.params.id);
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
      preValidation: auth.viewer,
      schema: { summary: "A device's events other than readings: gaps in its message sequence, online/offline, no data (its organisation's)", tags: ['devices'], security, params: z.object({ id: deviceId }) },
    },
    async (request) => {
      const device = await ownedDevice(principal(request), request.params.id);
      return { deviceId: device.id, events: await ops.listDeviceEvents(device.id) };
    },
  );
}
