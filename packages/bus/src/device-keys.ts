import type { KeyObject } from 'node:crypto';
import { parseEd25519PublicKey } from '@coldchain/schemas';
import type { OpsStore } from '@coldchain/storage';

/**
 * Devices' Ed25519 public keys for verifying signed messages, cached for `ttlMs` so a stream of messages
 * does not read the store for each one; a key registered or changed is seen within that time.
 */
export function createDeviceKeyCache(ops: Pick<OpsStore, 'getDevice'>, now: () => number, ttlMs = 30_000) {
  const cache = new Map<string, { key: KeyObject | null; at: number }>();
  /** The key when it is cached and fresh (null: the device signs nothing); undefined when it must be read. */
  const cached = (deviceId: string): KeyObject | null | undefined => {
    const hit = cache.get(deviceId);
    return hit && now() - hit.at < ttlMs ? hit.key : undefined;
  };
  const read = async (deviceId: string): Promise<KeyObject | null> => {
    const hit = cached(deviceId);
    if (hit !== undefined) return hit;
    const device = await ops.getDevice(deviceId);
    const key = device?.publicKey ? parseEd25519PublicKey(device.publicKey) : null;
    if (cache.size > 100_000) cache.clear();
    cache.set(deviceId, { key, at: now() });
    return key;
  };
  return Object.assign(read, { cached });
}
