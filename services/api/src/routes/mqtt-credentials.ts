import { randomInt } from 'node:crypto';
import { generateSecret, hashSecret } from '@coldchain/auth';
import { alertsTopic, claimsTopic, ORG_MQTT_USER_PREFIX } from '@coldchain/schemas';
import type { OrgMqttCredential } from '@coldchain/storage';
import { z } from 'zod';
import type { RouteContext } from '../app.ts';
import { principal, SECURITY } from '../auth/authenticate.ts';
import { ApiError } from '../errors.ts';

/**
 * Usernames of organisations' broker credentials start with this; the broker checks any username with
 * it as an organisation's, never as a device id (services/broker ORG_USER_PREFIX, decision 0022).
 */
export { ORG_MQTT_USER_PREFIX };

/** Lowercase letters and digits: the random tail of a username. */
const TAIL_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `org-<orgId>-<6 random characters>`: names the organisation in broker logs, unique by the store's key. */
function newUsername(orgId: string): string {
  let tail = '';
  for (let i = 0; i < 6; i++) tail += TAIL_ALPHABET[randomInt(TAIL_ALPHABET.length)];
  return `${ORG_MQTT_USER_PREFIX}${orgId}-${tail}`;
}

/** The two topics an organisation's credential may subscribe to, and nothing else. */
const topicsOf = (orgId: string) => [alertsTopic(orgId), claimsTopic(orgId)];

/** A credential as answered: never its hash; the password only once, when created. */
const credentialView = (c: OrgMqttCredential) => ({ username: c.username, orgId: c.orgId, topics: topicsOf(c.orgId), createdAt: c.createdAt, createdBy: c.createdBy, revokedAt: c.revokedAt });

/**
 * Organisations' broker credentials (issue 12, item 6; decision 0022): an organisation's administrator
 * creates a username and password with which the organisation's own systems subscribe over MQTT to
 * `coldchain/v1/alerts/{orgId}` and `coldchain/v1/claims/{orgId}`, and nothing else. The client id must
 * equal the username. The password is answered once and kept as a hash.
 */
export function registerMqttCredentialRoutes({ app, ops, auth, scope, audit, clock }: RouteContext): void {
  const accounts = ops.accounts;
  const security = SECURITY;
  const orgParams = z.object({ id: z.string() });

  app.post(
    '/api/v1/organisations/:id/mqtt-credentials',
    {
      preValidation: auth.admin,
      schema: {
        summary:
          "Create broker credentials for the organisation's own systems: they may subscribe to coldchain/v1/alerts/{id} and coldchain/v1/claims/{id} only, with client id = username. The password is answered once; only its hash is kept",
        tags: ['accounts'],
        security,
        params: orgParams,
        body: z.object({ name: z.string().trim().min(1).max(100).optional() }).optional(),
      },
    },
    async (request, reply) => {
      scope.organisation(principal(request), request.params.id);
      const org = await ops.getOrganisation(request.params.id);
      if (!org) throw new ApiError('organisation.unknown', `no organisation ${request.params.id}`);
      const password = generateSecret();
      const secretHash = await hashSecret(password);
      const createdAt = clock.now();
      const createdBy = principal(request).name;
      // 36^6 tails per organisation: a collision is improbable, and answered by drawing again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const credential: OrgMqttCredential = { username: newUsername(org.id), orgId: org.id, secretHash, createdAt, createdBy, revokedAt: null };
        if (!(await accounts.createMqttCredential(credential))) continue;
        // The label goes to the audit trail only (the store keeps no name); never the password.
        await audit(request, 'mqtt_credential.created', `mqtt_credential:${credential.username}`, org.id, { username: credential.username, ...(request.body?.name && { name: request.body.name }) });
        return reply.status(201).send({ ...credentialView(credential), password });
      }
      throw new Error(`no free broker username for organisation ${org.id} after 5 draws`);
    },
  );

  app.get(
    '/api/v1/organisations/:id/mqtt-credentials',
    { preValidation: auth.admin, schema: { summary: "An organisation's broker credentials (never the passwords), revoked ones included", tags: ['accounts'], security, params: orgParams } },
    async (request) => {
      scope.organisation(principal(request), request.params.id);
      const org = await ops.getOrganisation(request.params.id);
      if (!org) throw new ApiError('organisation.unknown', `no organisation ${request.params.id}`);
      return { mqttCredentials: (await accounts.listMqttCredentials(org.id)).map(credentialView) };
    },
  );

  app.delete(
    '/api/v1/mqtt-credentials/:username',
    {
      preValidation: auth.admin,
      schema: {
        summary: 'Revoke broker credentials: refused at their next CONNECT, and a connected subscriber of the embedded broker is disconnected within seconds; kept for the audit trail',
        tags: ['accounts'],
        security,
        params: z.object({ username: z.string() }),
      },
    },
    async (request) => {
      const caller = principal(request);
      const credential = await accounts.getMqttCredential(request.params.username);
      // Another organisation's credential answers as one that does not exist.
      if (!credential || (!caller.isPlatform && credential.orgId !== caller.orgId)) throw new ApiError('mqtt_credential.not_found', `no broker credential ${request.params.username}`);
      const revoked = await accounts.revokeMqttCredential(credential.username, clock.now());
      if (!revoked) return credentialView(credential);
      await audit(request, 'mqtt_credential.revoked', `mqtt_credential:${credential.username}`, credential.orgId, { username: credential.username });
      return credentialView(revoked);
    },
  );
}
