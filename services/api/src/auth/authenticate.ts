import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { isSameToken, parseApiKey, verifySecret } from '@coldchain/auth';
import { PLATFORM_ORG_ID } from '@coldchain/domain';
import type { OrgKind } from '@coldchain/domain';
import type { OpsStore, Role, User } from '@coldchain/storage';
import { ApiError } from '../errors.ts';
import type { Principal } from './principal.ts';
import { hasRole } from './principal.ts';

/** The session cookie's name. */
export const SESSION_COOKIE = 'cc_session';
/** The header that carries a session's CSRF token on every request that changes something. */
export const CSRF_HEADER = 'x-csrf-token';
/** A session ends this long after sign-in whatever happens (a work shift and a half). */
export const SESSION_MAX_MS = 12 * 3_600_000;
/** A session unused this long ends (a phone left on a counter). */
export const SESSION_IDLE_MS = 2 * 3_600_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The actor the audit trail names for the bootstrap admin token. */
export const ADMIN_TOKEN_ACTOR = 'platform admin token 平台管理令牌';

/** sha256 of a session token, as stored: a copy of ops.db does not hold live sessions. */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** The name the audit trail writes for a user. */
export function userActorName(user: Pick<User, 'name' | 'login'>): string {
  return `${user.name} (${user.login})`;
}

/** Who is calling, from the request's credentials; each preHandler below checks what its routes need. */
export function createAuthenticator(deps: { ops: OpsStore; adminToken: string; now: () => number }) {
  const accounts = deps.ops.accounts;
  const orgKinds = new Map<string, { kind: OrgKind; at: number }>();

  async function orgKind(orgId: string): Promise<OrgKind | undefined> {
    const cached = orgKinds.get(orgId);
    if (cached && deps.now() - cached.at < 30_000) return cached.kind;
    const org = await deps.ops.getOrganisation(orgId);
    if (!org) return undefined;
    orgKinds.set(orgId, { kind: org.kind, at: deps.now() });
    return org.kind;
  }

  async function principalOf(kind: Principal['kind'], id: string, name: string, orgId: string, role: Role): Promise<Principal | undefined> {
    const k = await orgKind(orgId);
    if (!k) return undefined;
    return { kind, id, name, orgId, orgKind: k, role, isPlatform: k === 'platform' && role === 'admin' };
  }

  async function fromBearer(token: string): Promise<Principal> {
    if (isSameToken(token, deps.adminToken)) {
      return { kind: 'token', id: 'admin-token', name: ADMIN_TOKEN_ACTOR, orgId: PLATFORM_ORG_ID, orgKind: 'platform', role: 'admin', isPlatform: true };
    }
    const parts = parseApiKey(token);
    const key = parts && (await accounts.getApiKey(parts.id));
    if (!parts || !key || key.revokedAt !== null || !(await verifySecret(parts.secret, key.keyHash))) {
      throw new ApiError('auth.invalid', 'the bearer token is not a valid API key (revoked, mistyped or unknown)');
    }
    const principal = await principalOf('api-key', key.id, `API key ${key.name} (${key.orgId})`, key.orgId, key.role);
    if (!principal) throw new ApiError('auth.invalid', 'the API key belongs to no organisation');
    void accounts.touchApiKey(key.id, deps.now());
    return principal;
  }

  async function fromSession(request: FastifyRequest, token: string): Promise<Principal> {
    const hash = sessionTokenHash(token);
    const session = await accounts.getSession(hash);
    const now = deps.now();
    if (!session || session.expiresAt <= now || session.lastSeenAt + SESSION_IDLE_MS <= now) {
      throw new ApiError('auth.required', 'the session has ended: sign in again (POST /api/v1/session)');
    }
    const user = await accounts.getUser(session.userId);
    if (!user || user.disabledAt !== null) throw new ApiError('auth.required', 'the session has ended: sign in again (POST /api/v1/session)');
    if (!SAFE_METHODS.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      const a = Buffer.from(typeof given === 'string' ? given : '');
      const b = Buffer.from(session.csrfToken);
      if (a.length !== b.length || !timingSafeEqual(a, b)) {
        throw new ApiError('auth.csrf', `a request that changes something with a session cookie needs the session's CSRF token in the ${CSRF_HEADER} header (from POST or GET /api/v1/session)`);
      }
    }
    const principal = await principalOf('user', user.id, userActorName(user), user.orgId, user.role);
    if (!principal) throw new ApiError('auth.required', 'the session has ended: sign in again (POST /api/v1/session)');
    void accounts.touchSession(hash, now);
    return principal;
  }

  /** The caller, or undefined when the request carries no credential. Throws for a bad one. */
  async function authenticate(request: FastifyRequest): Promise<Principal | undefined> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new ApiError('auth.invalid', 'Authorization: only "Bearer <API key or admin token>" is accepted');
      return fromBearer(match[1]!);
    }
    const cookie = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
    if (cookie) return fromSession(request, cookie);
    return undefined;
  }

  /** A preHandler that lets through callers with at least `role` (and, with `platform`, only the platform's administrators). */
  function require(role: Role | 'platform') {
    return async (request: FastifyRequest): Promise<void> => {
      const principal = await authenticate(request);
      if (!principal) throw new ApiError('auth.required', 'this call needs a credential: sign in (session cookie) or send Authorization: Bearer <API key>');
      if (role === 'platform' ? !principal.isPlatform : !hasRole(principal, role)) {
        throw new ApiError('auth.forbidden', role === 'platform' ? 'only a platform administrator may do this' : `this needs the role ${role} or above; yours is ${principal.role}`);
      }
      request.principal = principal;
    };
  }

  return {
    authenticate,
    /** Any signed-in caller (viewer and above). */
    viewer: require('viewer'),
    /** Operators and administrators: act on alerts and claims. */
    operator: require('operator'),
    /** An organisation's administrators: users, keys, channels, settings. */
    admin: require('admin'),
    /** The platform's administrators (and the bootstrap token). */
    platform: require('platform'),
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth preHandlers (auth/authenticate.ts). */
    principal?: Principal;
  }
}

/** The caller as the route's preHandler established it. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('no principal: the route has no auth preHandler');
  return request.principal;
}

/** The OpenAPI security of routes for signed-in users and API keys alike. */
export const SECURITY: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
