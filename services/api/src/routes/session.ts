import { generateSecret, hashPassword, verifyPassword } from '@coldchain/auth';
import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY, SESSION_COOKIE, SESSION_MAX_MS, sessionTokenHash, userActorName } from '../auth/authenticate.ts';
import { ApiError } from '../errors.ts';

const loginBody = z.object({
  login: z.string().trim().min(1, 'login: required').max(64),
  password: z.string().min(1, 'password: required').max(256),
});

/**
 * Signing in and out (issue 12, item 1): a user gets an HttpOnly, SameSite=Strict session cookie and a
 * CSRF token to send back in X-CSRF-Token with every request that changes something.
 */
export function registerSessionRoutes({ app, ops, auth, audit, clock, loginThrottle }: RouteContext): void {
  const accounts = ops.accounts;
  // A hash to check unknown logins against, so an unknown login takes as long as a wrong password.
  const decoy = hashPassword(generateSecret());
  decoy.catch(() => undefined);

  app.post(
    '/api/v1/session',
    { schema: { summary: 'Sign in with a login and password: sets the session cookie; answers who you are and the CSRF token', tags: ['accounts'], body: loginBody } },
    async (request, reply) => {
      const { login, password } = request.body;
      const wait = loginThrottle.check(login, request.ip);
      if (wait > 0) {
        throw new ApiError('auth.throttled', `too many failed sign-ins for this login or from this address; try again in ${wait} s`, { 'retry-after': String(wait) });
      }
      const user = await accounts.getUserByLogin(login);
      const isValid = user && user.disabledAt === null ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await decoy), false);
      if (!user || !isValid) {
        loginThrottle.fail(login, request.ip);
        request.log.info({ login }, 'auth.sign_in_failed');
        throw new ApiError('auth.invalid', 'the login or the password is wrong');
      }
      loginThrottle.succeed(login);
      const now = clock.now();
      const token = generateSecret();
      const csrfToken = generateSecret();
      await accounts.createSession({ tokenHash: sessionTokenHash(token), userId: user.id, csrfToken, createdAt: now, expiresAt: now + SESSION_MAX_MS, lastSeenAt: now });
      void accounts.deleteExpiredSessions(now);
      await accounts.appendAudit({ at: now, actorKind: 'user', actorId: user.id, actorName: userActorName(user), actorOrgId: user.orgId, action: 'session.signed_in', target: `user:${user.id}`, orgId: user.orgId, detail: null });
      const org = await ops.getOrganisation(user.orgId);
      void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/', maxAge: SESSION_MAX_MS / 1000 });
      return reply.status(201).send({
        user: { id: user.id, login: user.login, name: user.name, role: user.role, orgId: user.orgId, orgName: org?.name ?? user.orgId, orgNameEn: org?.nameEn ?? user.orgId, orgKind: org?.kind ?? null },
        csrfToken,
        expiresAt: now + SESSION_MAX_MS,
      });
    },
  );

  app.get(
    '/api/v1/session',
    { preValidation: auth.viewer, schema: { summary: 'Who is calling: the signed-in user (with the CSRF token) or the API key', tags: ['accounts'], security: SECURITY } },
    async (request) => {
      const caller = principal(request);
      const org = await ops.getOrganisation(caller.orgId);
      let csrfToken: string | null = null;
      const cookie = request.cookies[SESSION_COOKIE];
      if (caller.kind === 'user' && cookie) csrfToken = (await accounts.getSession(sessionTokenHash(cookie)))?.csrfToken ?? null;
      const user = caller.kind === 'user' ? await accounts.getUser(caller.id) : undefined;
      return {
        kind: caller.kind,
        id: caller.id,
        name: user?.name ?? caller.name,
        login: user?.login ?? null,
        role: caller.role,
        isPlatform: caller.isPlatform,
        orgId: caller.orgId,
        orgName: org?.name ?? caller.orgId,
        orgNameEn: org?.nameEn ?? caller.orgId,
        orgKind: caller.orgKind,
        csrfToken,
      };
    },
  );

  app.delete(
    '/api/v1/session',
    { preValidation: auth.viewer, schema: { summary: 'Sign out: ends the session and clears the cookie (needs X-CSRF-Token)', tags: ['accounts'], security: [{ session: [] as string[] }] } },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (principal(request).kind !== 'user' || !cookie) throw new ApiError('request.invalid', 'there is no session to end: API keys are revoked with DELETE /api/v1/api-keys/{id}');
      await accounts.deleteSession(sessionTokenHash(cookie));
      await audit(request, 'session.signed_out', `user:${principal(request).id}`, principal(request).orgId);
      void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/' });
      return reply.status(204).send();
    },
  );
}
