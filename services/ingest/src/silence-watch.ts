import type { Logger } from 'pino';
import type { Clock } from '@coldchain/bus';
import type { OpsStore } from '@coldchain/storage';

/**
 * Device liveness as ingest sees it: the last message of each device (server time), `no_data` when a
 * device falls silent for longer than `noDataAfterMs` (checked by a timer, so no new data is needed to
 * notice), `data_resumed` when it speaks again, and the online/offline statuses devices publish.
 */
export function createSilenceWatch(deps: { ops: Pick<OpsStore, 'recordDeviceEvent'>; clock: Clock; log: Logger; noDataAfterMs: number }) {
  const { ops, clock, log, noDataAfterMs } = deps;
  const lastHeardAt = new Map<string, number>();
  const silent = new Set<string>();

  return {
    async heard(deviceId: string, at: number): Promise<void> {
      lastHeardAt.set(deviceId, at);
      if (silent.delete(deviceId)) await ops.recordDeviceEvent({ deviceId, kind: 'data_resumed', detail: 'messages arrive again', at });
    },

    async check(): Promise<void> {
      const now = clock.now();
      for (const [deviceId, at] of lastHeardAt) {
        if (silent.has(deviceId) || now - at < noDataAfterMs) continue;
        silent.add(deviceId);
        log.warn({ deviceId, lastHeardAt: at }, 'ingest.no_data');
        await ops.recordDeviceEvent({ deviceId, kind: 'no_data', detail: `no message for ${Math.round((now - at) / 60_000)} min (last at ${new Date(at).toISOString()})`, at: now });
      }
    },

    /** A live status change (not a retained copy replayed at subscribe). */
    async status(deviceId: string, payload: Buffer): Promise<void> {
      const status = payload.toString('utf8').trim();
      if (status !== 'online' && status !== 'offline') return;
      await ops.recordDeviceEvent({ deviceId, kind: status, detail: status === 'offline' ? 'the device went offline (last will or clean goodbye)' : 'the device connected', at: clock.now() });
    },
  };
}
