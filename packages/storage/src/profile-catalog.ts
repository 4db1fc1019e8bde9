import { PROFILES } from '@coldchain/domain';
import type { ProductProfile } from '@coldchain/domain';
import type { OpsStore } from './ports.ts';

/**
 * The product profiles in force: the built-in ones (domain, with their sources) with the platform's
 * edits over them. Cached for `ttlMs`, so an edit reaches every service within that time without a
 * read per reading.
 */
export function createProfileCatalog(ops: Pick<OpsStore, 'listProfileOverrides'>, now: () => number, ttlMs = 10_000) {
  let cache: { at: number; byId: Map<string, ProductProfile> } | null = null;

  async function load(): Promise<Map<string, ProductProfile>> {
    if (cache && now() - cache.at < ttlMs) return cache.byId;
    const byId = new Map<string, ProductProfile>(Object.entries(PROFILES));
    for (const override of await ops.listProfileOverrides()) byId.set(override.id, JSON.parse(override.profile) as ProductProfile);
    cache = { at: now(), byId };
    return byId;
  }

  return {
    async get(id: string): Promise<ProductProfile | undefined> {
      return (await load()).get(id);
    },
    async list(): Promise<ProductProfile[]> {
      return [...(await load()).values()];
    },
    /** Forgets the cache, after an edit made by this process. */
    invalidate(): void {
      cache = null;
    },
  };
}

export type ProfileCatalog = ReturnType<typeof createProfileCatalog>;
