import { isSameToken, verifySecret } from '@coldchain/auth';
import { isValidDeviceId } from '@coldchain/schemas';
import { createCheckQueue, createConnectThrottle, DEFAULT_THROTTLE_SETTINGS } from './connect-throttle.ts';
import type { ThrottleSettings } from './connect-throttle.ts';
import type { GetOrgCredential } from './org-access.ts';
import type { AuthResult, ConnectRefusal, ConnectRequest, Principal } from './principal.ts';
import { ORG_USER_PREFIX, SERVICE_USER_PREFIX } from './principal.ts';

export type { AuthResult, ConnectRefusal, ConnectRequest } from './principal.ts';

/** The stable codes of a refused CONNECT. */
export type AuthFailureCode = ConnectRefusal['code'];

/** What the authenticator needs: the stored secret hashes, the service secret, and optionally settings and a clock. */
export type AuthenticatorDeps = {
  getDeviceSecretHash(deviceId: string): Promise<string | undefined>;
  serviceSecret: string;
  /**
   * Organisations' broker credentials by username (`org-...`, decision 0022). Without it every `org-`
   * username is refused (tools and tests that run devices only).
   */
  getOrgCredential?: GetOrgCredential;
  throttle?: Partial<ThrottleSettings>;
  /** Epoch ms; injected by tests. */
  now?: () => number;
};

/** Client ids with this prefix belong to the internal services (`coldchain-ingest`, `coldchain-rules-pub`, ...). */
export const SERVICE_CLIENT_ID_PREFIX = 'coldchain-';

// CONNACK return codes (MQTT 3.1.1, table 3.1). 2 "identifier rejected" would name a client-id refusal
// more exactly, but the broker maps every refusal to 4 or 5.
const BAD_CREDENTIALS = 4;
// 5 "not authorized" for refusals that never looked at the password: answering 4 there would tell an
// operator the secret is wrong when it was not checked, and tells an attacker nothing either way.
const NOT_AUTHORIZED = 5;

/** A client-supplied string for a log line: quoted, at most 64 characters (MQTT strings reach 64 KiB). */
const quote = (text: string) => JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);

const refuse = (code: AuthFailureCode, reason: string, returnCode: 4 | 5): AuthResult => ({ ok: false, code, reason, returnCode });

/**
 * Builds the broker's credential check: devices by their stored secret hash, internal services
 * (`_svc_ingest`, `_svc_rules`, ...) by the one service secret, organisations' subscribers (`org-...`)
 * by their credential's stored hash (refused once it is revoked).
 *
 * Client id rules, checked before any password, so no login can take over another's session
 * ([MQTT-3.1.4-2]: the broker disconnects an existing client with the same id):
 * - a device's client id must equal its username, the device id ('client_id.mismatch' otherwise), and so
 *   must an organisation credential's; a username starting with `org-` is only ever checked as an
 *   organisation's, never as a device id;
 * - client ids starting with `coldchain-` are reserved to services ('client_id.reserved' for anyone
 *   else, including a device whose id happens to start with it);
 * - a service (`_svc_<name>`) must use a client id starting with `coldchain-` ('client_id.mismatch'
 *   otherwise), so it can never kick a device off.
 *
 * Failed attempts are throttled per source address and per username (connect-throttle.ts): an address
 * over its budget is refused without a password check ('connect.throttled'); a username over its budget
 * is still checked for addresses in good standing, so guessing at a device cannot lock the device out.
 * scrypt checks run at most `maxConcurrentChecks` at once, trusted addresses first.
 */
export function createAuthenticator(deps: AuthenticatorDeps): (request: ConnectRequest) => Promise<AuthResult> {
  const settings: ThrottleSettings = { ...DEFAULT_THROTTLE_SETTINGS, ...deps.throttle };
  const now = deps.now ?? Date.now;
  const throttle = createConnectThrottle(settings);
  const checks = createCheckQueue(settings);

  const failed = (request: ConnectRequest, countedAs: string | undefined, reason: string): AuthResult => {
    throttle.recordFailure(request.remoteAddress, countedAs, now());
    return refuse('credentials.bad', reason, BAD_CREDENTIALS);
  };
  const succeeded = (request: ConnectRequest, principal: Principal): AuthResult => {
    throttle.recordSuccess(request.remoteAddress, now());
    return { ok: true, principal };
  };

  const authenticateService = (request: ConnectRequest): AuthResult => {
    const { username, clientId } = request;
    if (!clientId.startsWith(SERVICE_CLIENT_ID_PREFIX)) {
      return refuse('client_id.mismatch', `service ${quote(username)} must use a client id starting with ${SERVICE_CLIENT_ID_PREFIX}, not ${quote(clientId)}`, NOT_AUTHORIZED);
    }
    // Only bounded names are counted per username: a username can be 64 KiB long.
    const countedAs = username.length <= 64 ? username : undefined;
    const admission = throttle.admit(request.remoteAddress, countedAs, now());
    if (admission.kind === 'refuse') return refuse('connect.throttled', admission.reason, NOT_AUTHORIZED);
    const name = username.slice(SERVICE_USER_PREFIX.length);
    // The service secret is compared in constant time without scrypt: no check slot needed.
    if (!name || !isSameToken(request.password, deps.serviceSecret)) return failed(request, countedAs, `wrong password for service ${quote(username)}`);
    return succeeded(request, { kind: 'service', name });
  };

  /** Client id rules shared by devices and organisations' subscribers: the client id is the username. */
  const checkBoundClientId = (request: ConnectRequest, what: string): AuthResult | undefined => {
    const { username, clientId } = request;
    if (clientId.startsWith(SERVICE_CLIENT_ID_PREFIX)) {
      return refuse('client_id.reserved', `client ids starting with ${SERVICE_CLIENT_ID_PREFIX} are reserved to services; ${quote(clientId)} used by ${quote(username)}`, NOT_AUTHORIZED);
    }
    if (clientId !== username) {
      return refuse('client_id.mismatch', `${what}'s client id must equal its username: ${quote(clientId)} used by ${quote(username)}`, NOT_AUTHORIZED);
    }
    return undefined;
  };

  /**
   * The throttled, bounded check of a password against a stored hash, shared by devices and
   * organisations. `lookup` answers the stored hash (undefined: unknown) and what to accept as.
   */
  const checkStoredSecret = async (
    request: ConnectRequest,
    countedAs: string | undefined,
    lookup: () => Promise<{ hash: string; accept: () => AuthResult } | undefined>,
    what: { name: string; store: string },
  ): Promise<AuthResult> => {
    const admission = throttle.admit(request.remoteAddress, countedAs, now());
    if (admission.kind === 'refuse') return refuse('connect.throttled', admission.reason, NOT_AUTHORIZED);
    if (countedAs === undefined || !request.password) return failed(request, countedAs, `not a ${what.name}, or no password: ${quote(request.username)}`);

    let found: Awaited<ReturnType<typeof lookup>>;
    try {
      found = await lookup();
    } catch (error) {
      return refuse('auth.unavailable', `${what.store} failed: ${error instanceof Error ? error.message : String(error)}`, NOT_AUTHORIZED);
    }
    // Unknown names cost no hash check (as before): usernames are not secret, and a flood of them stays
    // cheap. Counted against the address only: there is no secret to guess, and a flood of made-up names
    // would otherwise push real devices' failure records out of the bounded map.
    if (!found) return failed(request, undefined, `unknown ${what.name} ${quote(request.username)}`);

    const grant = await checks.acquire(admission.isTrusted);
    if (grant !== 'granted') {
      if (!admission.isTrusted) return refuse('connect.throttled', `password checks are busy and ${request.remoteAddress} has recent failures`, NOT_AUTHORIZED);
      return refuse('auth.unavailable', `password checks are busy (${settings.maxQueuedChecks} waiting)`, NOT_AUTHORIZED);
    }
    let isMatch: boolean;
    try {
      // Attempts from the same address that failed while this one waited may have used up its budget.
      const recheck = throttle.admit(request.remoteAddress, countedAs, now());
      if (recheck.kind === 'refuse') return refuse('connect.throttled', recheck.reason, NOT_AUTHORIZED);
      isMatch = await verifySecret(request.password, found.hash);
    } finally {
      checks.release();
    }
    return isMatch ? found.accept() : failed(request, countedAs, `wrong secret for ${what.name} ${request.username}`);
  };

  const authenticateDevice = async (request: ConnectRequest): Promise<AuthResult> => {
    const deviceId = request.username;
    const clientIdRefusal = checkBoundClientId(request, 'a device');
    if (clientIdRefusal) return clientIdRefusal;
    const countedAs = isValidDeviceId(deviceId) ? deviceId : undefined;
    return checkStoredSecret(
      request,
      countedAs,
      async () => {
        const hash = await deps.getDeviceSecretHash(deviceId);
        return hash ? { hash, accept: () => succeeded(request, { kind: 'device', deviceId }) } : undefined;
      },
      { name: 'device', store: 'device store' },
    );
  };

  const authenticateOrganisation = async (request: ConnectRequest): Promise<AuthResult> => {
    const { username } = request;
    const clientIdRefusal = checkBoundClientId(request, "an organisation's subscriber");
    if (clientIdRefusal) return clientIdRefusal;
    // Generated usernames are `org-` + an organisation id (at most 64) + `-` + 6 characters.
    const countedAs = username.length <= 80 ? username : undefined;
    const getOrgCredential = deps.getOrgCredential;
    return checkStoredSecret(
      request,
      countedAs,
      async () => {
        const credential = await getOrgCredential?.(username);
        if (!credential) return undefined;
        return {
          hash: credential.secretHash,
          // Checked after the password, so only the secret's holder learns the credential was revoked.
          accept: () => {
            if (credential.revokedAt === null) return succeeded(request, { kind: 'organisation', orgId: credential.orgId, username });
            // Counted as a failure: a client retrying a revoked credential forever is throttled like a guesser.
            throttle.recordFailure(request.remoteAddress, countedAs, now());
            return refuse('credentials.revoked', `organisation credential ${quote(username)} of ${credential.orgId} was revoked`, NOT_AUTHORIZED);
          },
        };
      },
      { name: 'organisation credential', store: 'credential store' },
    );
  };

  return async (request) => {
    if (request.username.startsWith(SERVICE_USER_PREFIX)) return authenticateService(request);
    if (request.username.startsWith(ORG_USER_PREFIX)) return authenticateOrganisation(request);
    return authenticateDevice(request);
  };
}
