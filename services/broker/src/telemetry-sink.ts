/**
 * Where the embedded broker hands telemetry before acknowledging it: ingest's pipeline, which the
 * broker does not import (services/ingest satisfies this shape).
 */
export type TelemetrySink = {
  /** Resolves once the message's readings are committed ('stored') or it is refused on record; rejects when it could not be stored. */
  acceptTelemetry(deviceId: string, topic: string, payload: Buffer, flags: { qos: number; retain: boolean }): Promise<'stored' | 'refused'>;
  /** A device's live online/offline status, or its last will. */
  acceptStatus(deviceId: string, payload: Buffer): Promise<void>;
};
