import type { KeyObject } from 'node:crypto';
import { parseEd25519PublicKey } from '@coldchain/schemas';
import type { OpsStore } from '@coldchain/storage';

/** A device's registered key: parsed for verifying, and as registered (raw, base64url) for the record. */
export type DeviceKey = { key: KeyObject; raw: string };

/**
 * Devices' Ed25519 public keys for verifying signed messages, cached for `ttlMs` so a stream of messages
 * does not read the store for each one; a key registered or changed is seen within that time. The
 * function answers the parsed key; `.entry` answers it with its registered text.
 */
export function createDeviceKeyCache(ops: Pick<OpsStore, 'getDevice'>, now: () => number, ttlMs = 30_000) {
  const cache = new Map<string, { entry: DeviceKey | null; at: number }>();
  async function entry(deviceId: string): Promise<DeviceKey | null> {
    const hit = cache.get(deviceId);
    if (hit && now() - hit.at < ttlMs) return hit.entry;
    const device = await ops.getDevice(deviceId);
    const key = device?.publicKey ? parseEd25519PublicKey(device.publicKey) : null;
    const found = key && device?.publicKey ? { key, raw: device.publicKey } : null;
    if (cache.size > 100_000) cache.clear();
    cache.set(deviceId, { entry: found, at: now() });
    return found;
  }
  return Object.assign(async (deviceId: string): Promise<KeyObject | null> => (await entry(deviceId))?.key ?? null, { entry });
}
