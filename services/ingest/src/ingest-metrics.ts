import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { TelemetryStore } from '@coldchain/storage';

/** Ingest's Prometheus metrics, registered in the process's registry. */
export function createIngestMetrics(registry: Registry, telemetry: TelemetryStore) {
  const registers = [registry];
  const spooled = telemetry as Partial<{ depth: number; bound: number }>;
  if (typeof spooled.depth === 'number') {
    new Gauge({ name: 'coldchain_spool_depth', help: 'Readings in the local spool waiting for the telemetry store', registers, collect() { this.set(spooled.depth ?? 0); } });
    new Gauge({ name: 'coldchain_spool_bound', help: 'Most readings the spool holds before ingest stops acknowledging', registers, collect() { this.set(spooled.bound ?? 0); } });
  }
  return {
    messages: new Counter({ name: 'coldchain_messages_total', help: 'Telemetry messages received by ingest', registers }),
    messagesRejected: new Counter({ name: 'coldchain_messages_rejected_total', help: 'Telemetry messages refused whole, by reason', labelNames: ['reason'] as const, registers }),
    messagesHeld: new Counter({ name: 'coldchain_messages_rate_held_total', help: 'Telemetry messages held (acknowledgement delayed) because their device was over its rate limit', registers }),
    readingsAccepted: new Counter({ name: 'coldchain_readings_accepted_total', help: 'Readings stored', registers }),
    readingsDuplicate: new Counter({ name: 'coldchain_readings_duplicate_total', help: 'Readings already stored for the same device and time', registers }),
    readingsRejected: new Counter({ name: 'coldchain_readings_rejected_total', help: 'Readings refused, by reason', labelNames: ['reason'] as const, registers }),
    seqGaps: new Counter({ name: 'coldchain_seq_gaps_total', help: 'Gaps in a device message sequence', registers }),
    writeSeconds: new Histogram({ name: 'coldchain_store_write_seconds', help: 'Time to store one message durably', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
