import { isSameToken, verifySecret } from '@coldchain/auth';
import { isValidDeviceId } from '@coldchain/schemas';
import type { Principal } from './principal.ts';
import { SERVICE_USER_PREFIX } from './principal.ts';

/**
 * Builds the broker's credential check: devices by their stored secret hash, internal services
 * (`_svc_ingest`, `_svc_rules`, ...) by the one service secret.
 */
export function createAuthenticator(deps: {
  getDeviceSecretHash: (deviceId: string) => Promise<string | undefined>;
  serviceSecret: string;
}) {
  return async (username: string, password: string): Promise<Principal | null> => {
    if (username.startsWith(SERVICE_USER_PREFIX)) {
      const name = username.slice(SERVICE_USER_PREFIX.length);
      return name && isSameToken(password, deps.serviceSecret) ? { kind: 'service', name } : null;
    }
    if (!isValidDeviceId(username) || !password) return null;
    const hash = await deps.getDeviceSecretHash(username);
    if (!hash || !(await verifySecret(password, hash))) return null;
    return { kind: 'device', deviceId: username };
  };
}
