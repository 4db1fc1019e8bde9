// The operational data the rules need before a reading can be evaluated: organisations, devices, and one
// lychee shipment per device with its custody (packhouse, then a hub station), written through
// SqliteOpsStore's own methods so the rows are exactly what the API would write.
import { join } from 'node:path';
import { SqliteOpsStore } from '@coldchain/storage';
import type { Organisation } from '@coldchain/storage';
import { deviceId } from './load.ts';

/** The shipper, the station holding the goods (it has the webhook), and the platform (routing, tier 1). */
export const ORGS = {
  shipper: 'bench-lychee-coop',
  station: 'bench-hub-station',
  platform: 'platform',
} as const;

const ORGANISATIONS: ReadonlyArray<Omit<Organisation, 'createdAt'>> = [
  { id: ORGS.shipper, name: '荔枝合作社', nameEn: 'Lychee cooperative', kind: 'shipper' },
  { id: ORGS.station, name: '冷链枢纽站', nameEn: 'Cold-chain hub station', kind: 'warehouse' },
  { id: ORGS.platform, name: '平台运营', nameEn: 'Platform', kind: 'platform' },
];

const HANDOVER_MS = 30 * 60_000;

export type FleetSpec = {
  prefix: string;
  devices: number;
  /** Every shipment starts here (packhouse); the station takes custody 30 min later. */
  startedAt: number;
};

/**
 * Opens `${dir}/ops.db` and writes the organisations and fleets into it, then reopens it with the
 * service's default `synchronous=FULL`. Setup runs with `NORMAL` (one commit per row without an fsync:
 * 100,000 shipments in seconds); the store offers no batch insert, and setup is not what is measured.
 * Returns the store and how long setup took.
 */
export async function openFleetStore(dir: string, fleets: readonly FleetSpec[], now: number): Promise<{ ops: SqliteOpsStore; setupMs: number; shipments: number }> {
  const path = join(dir, 'ops.db');
  const started = performance.now();
  const setup = new SqliteOpsStore(path, 'NORMAL');
  for (const org of ORGANISATIONS) await setup.upsertOrganisation({ ...org, createdAt: now });
  let shipments = 0;
  for (const fleet of fleets) {
    for (let i = 0; i < fleet.devices; i++) {
      const id = deviceId(fleet.prefix, i);
      await setup.createDevice({ id, secretHash: 'unused: the benchmark publishes as a service', publicKey: null, createdAt: now });
      const shipmentId = `LZ-${id}`;
      await setup.createShipment(
        { id: shipmentId, traceCode: `trace-${id}`, profileId: 'lychee', shipperOrgId: ORGS.shipper, deviceId: id, origin: '海南省海口市', destination: '湖北省武汉市', boxes: 10, goodsValueCents: 100_000, freightCents: 15_000, startedAt: fleet.startedAt, deliveredAt: null, createdAt: now },
        { shipmentId, at: fleet.startedAt, stage: 'packhouse', toOrgId: ORGS.shipper, station: null, probeTempC: null, recordedAt: now },
      );
      await setup.appendCustodyEvent({ shipmentId, at: fleet.startedAt + HANDOVER_MS, stage: 'hub', toOrgId: ORGS.station, station: 'bench hub', probeTempC: null, recordedAt: now });
      shipments++;
    }
  }
  await setup.close();
  const setupMs = performance.now() - started;
  return { ops: new SqliteOpsStore(path), setupMs, shipments };
}
