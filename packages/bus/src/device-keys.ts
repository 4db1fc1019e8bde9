import type { KeyObject } from 'node:crypto';
import { parseEd25519PublicKey } from '@coldchain/schemas';
import type { OpsStore } from '@coldchain/storage';

/**
 * Devices' Ed25519 public keys for verifying signed messages, cached for `ttlMs` so a stream of messages
 * does not read the store for each one; a key registered or changed is seen within that time.
 */
export function createDeviceKeyCache(ops: Pick<OpsStore, 'getDevice'>, now: () => number, ttlMs = 30_000) {
  const cache = new Map<string, { key: KeyObject | null; at: number }>();
  return async (deviceId: string): Promise<KeyObject | null> => {
    const hit = cache.get(deviceId);
    if (hit && now() - hit.at < ttlMs) return hit.key;
    const device = await ops.getDevice(deviceId);
    const key = device?.publicKey ? parseEd25519PublicKey(device.publicKey) : null;
    if (cache.size > 100_000) cache.clear();
    cache.set(deviceId, { key, at: now() });
    return key;
  };
}
