import type { OpsStore } from '@coldchain/storage';

/** Payloads are kept as text up to this size; the byte count says how large the original was. */
const MAX_KEPT_BYTES = 4096;

/** Keeps a refused message with its reason, so the device's owner can see why it was not accepted. */
export async function recordDeadLetter(
  ops: Pick<OpsStore, 'insertDeadLetter'>,
  letter: { deviceId: string | null; topic: string; code: string; reason: string; payload: Buffer; receivedAt: number },
): Promise<void> {
  await ops.insertDeadLetter({
    deviceId: letter.deviceId,
    topic: letter.topic,
    code: letter.code,
    reason: letter.reason,
    payload: letter.payload.subarray(0, MAX_KEPT_BYTES).toString('utf8'),
    payloadBytes: letter.payload.byteLength,
    receivedAt: letter.receivedAt,
  });
}
