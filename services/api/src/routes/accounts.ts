import { randomUUID } from 'node:crypto';
import { generateApiKey, hashPassword, hashSecret } from '@coldchain/auth';
import type { ApiKey, User } from '@coldchain/storage';
import { ROLES } from '@coldchain/storage';
import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { ApiError } from '../errors.ts';

const PASSWORD_RULE = 'password: at least 10 characters (a passphrase is best), at most 256';

/** A display name: no control or invisible characters (a direction override makes a name read as another). */
const displayName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), 'must not hold control or invisible characters (such as direction overrides)');

const newUserBody = z.object({
  login: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$/, 'login: 3–64 letters, digits, "_", ".", "@" or "-", starting with a letter or digit'),
  name: displayName,
  password: z.string({ error: PASSWORD_RULE }).min(10, PASSWORD_RULE).max(256, PASSWORD_RULE),
  role: z.enum(ROLES),
});

const newKeyBody = z.object({ name: displayName, role: z.enum(ROLES) });

/** A user as answered: never the password's hash. */
const userView = (u: User) => ({ id: u.id, orgId: u.orgId, login: u.login, name: u.name, role: u.role, createdAt: u.createdAt, createdBy: u.createdBy, disabledAt: u.disabledAt });
/** A key as answered: never its hash; the key itself only once, when created. */
const keyView = (k: ApiKey) => ({ id: k.id, orgId: k.orgId, name: k.name, role: k.role, createdAt: k.createdAt, createdBy: k.createdBy, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt, revokedBy: k.revokedBy });

/** Users and API keys of an organisation (issue 12, item 1), managed by its administrators, and the audit trail. */
export function registerAccountRoutes({ app, ops, auth, scope, audit, clock, passwordKdf }: RouteContext): void {
  const accounts = ops.accounts;
  const security = SECURITY;
  const orgParams = z.object({ id: z.string() });

  async function requireOrg(request: Parameters<typeof principal>[0], orgId: string) {
    scope.organisation(principal(request), orgId);
    const org = await ops.getOrganisation(orgId);
    if (!org) throw new ApiError('organisation.unknown', `no organisation ${orgId}`);
    return org;
  }

  app.post(
    '/api/v1/organisations/:id/users',
    { preValidation: auth.admin, schema: { summary: "Create a user of an organisation (its administrators; the password is hashed with scrypt and never shown again)", tags: ['accounts'], security, params: orgParams, body: newUserBody } },
    async (request, reply) => {
      const org = await requireOrg(request, request.params.id);
      const { login, name, password, role } = request.body;
      if (password.toLowerCase().includes(login.toLowerCase())) throw new ApiError('request.invalid', 'password: must not contain the login');
      const user: User = {
        id: randomUUID(),
        orgId: org.id,
        login,
        name,
        role,
        passwordHash: await hashPassword(password, passwordKdf),
        createdAt: clock.now(),
        createdBy: principal(request).name,
        disabledAt: null,
      };
      if (!(await accounts.createUser(user))) throw new ApiError('user.exists', `login: ${login} is taken`);
      await audit(request, 'user.created', `user:${user.id}`, org.id, { login, name, role });
      return reply.status(201).send(userView(user));
    },
  );

  app.get(
    '/api/v1/organisations/:id/users',
    { preValidation: auth.admin, schema: { summary: "An organisation's users", tags: ['accounts'], security, params: orgParams } },
    async (request) => {
      const org = await requireOrg(request, request.params.id);
      return { users: (await accounts.listUsers(org.id)).map(userView) };
    },
  );

  app.delete(
    '/api/v1/users/:id',
    { preValidation: auth.admin, schema: { summary: 'Disable a user (kept for the audit trail); their sessions end', tags: ['accounts'], security, params: z.object({ id: z.string() }) } },
    async (request) => {
      const user = await accounts.getUser(request.params.id);
      const caller = principal(request);
      if (!user || (!caller.isPlatform && user.orgId !== caller.orgId)) throw new ApiError('user.not_found', `no user ${request.params.id}`);
      const disabled = await accounts.disableUser(user.id, clock.now());
      if (!disabled) return userView(user);
      await audit(request, 'user.disabled', `user:${user.id}`, user.orgId, { login: user.login });
      return userView(disabled);
    },
  );

  app.post(
    '/api/v1/organisations/:id/api-keys',
    {
      preValidation: auth.admin,
      schema: { summary: 'Create an API key for a machine of the organisation: the key is answered once (send it as Authorization: Bearer <key>); only its hash is kept', tags: ['accounts'], security, params: orgParams, body: newKeyBody },
    },
    async (request, reply) => {
      const org = await requireOrg(request, request.params.id);
      const generated = generateApiKey();
      const key: ApiKey = {
        id: generated.id,
        orgId: org.id,
        name: request.body.name,
        role: request.body.role,
        keyHash: await hashSecret(generated.secret),
        createdAt: clock.now(),
        createdBy: principal(request).name,
        lastUsedAt: null,
        revokedAt: null,
        revokedBy: null,
      };
      await accounts.createApiKey(key);
      await audit(request, 'api_key.created', `api_key:${key.id}`, org.id, { name: key.name, role: key.role });
      return reply.status(201).send({ ...keyView(key), key: generated.key });
    },
  );

  app.get(
    '/api/v1/organisations/:id/api-keys',
    { preValidation: auth.admin, schema: { summary: "An organisation's API keys (never the keys themselves), with when each was last used", tags: ['accounts'], security, params: orgParams } },
    async (request) => {
      const org = await requireOrg(request, request.params.id);
      return { apiKeys: (await accounts.listApiKeys(org.id)).map(keyView) };
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { preValidation: auth.admin, schema: { summary: 'Revoke an API key: it stops working at once; kept for the audit trail', tags: ['accounts'], security, params: z.object({ id: z.string() }) } },
    async (request) => {
      const key = await accounts.getApiKey(request.params.id);
      const caller = principal(request);
      if (!key || (!caller.isPlatform && key.orgId !== caller.orgId)) throw new ApiError('api_key.not_found', `no API key ${request.params.id}`);
      const revoked = await accounts.revokeApiKey(key.id, clock.now(), caller.name);
      if (!revoked) return keyView(key);
      await audit(request, 'api_key.revoked', `api_key:${key.id}`, key.orgId, { name: key.name });
      return keyView(revoked);
    },
  );

  app.get(
    '/api/v1/audit',
    {
      preValidation: auth.admin,
      schema: {
        summary: "The audit trail, newest first: who (as authenticated) did what to what; an organisation's administrators see their organisation's",
        tags: ['accounts'],
        security,
        querystring: z.object({ target: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(200), before: z.coerce.number().int().positive().optional() }),
      },
    },
    async (request) => {
      const caller = principal(request);
      const { target, limit, before } = request.query;
      const entries = await accounts.listAudit({ ...(caller.isPlatform ? {} : { orgId: caller.orgId }), ...(target && { target }), limit, ...(before && { beforeSeq: before }) });
      return { entries };
    },
  );
}
