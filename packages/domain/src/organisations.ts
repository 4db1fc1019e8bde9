/** Kinds of organisation. Carriers, warehouses and couriers are logistics providers. */
export const ORG_KINDS = ['platform', 'shipper', 'carrier', 'warehouse', 'courier'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** Whether an organisation of this kind can be the liable party of a claim. */
export function isLogisticsProvider(kind: OrgKind): boolean {
  return kind === 'carrier' || kind === 'warehouse' || kind === 'courier';
}

/** The platform operator's organisation id; created at first start. */
export const PLATFORM_ORG_ID = 'platform';
