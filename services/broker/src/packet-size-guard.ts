import type { Socket } from 'node:net';

/**
 * Refuses MQTT packets larger than `maxBytes` (the Remaining Length of the fixed header [MQTT-2.2.3])
 * before they are buffered: aedes's parser (mqtt-packet) would otherwise hold a whole 200 MiB PUBLISH
 * in memory before anyone could look at it. aedes reads the socket with `read()` on 'readable'
 * (aedes lib/client.js, nextBatch), so the check wraps that one method and sees every byte aedes sees,
 * without another stream in between. An oversized packet ends the connection at its header: MQTT 3.1.1
 * has no way to refuse one packet [MQTT-3.3.5-2 is for authorisation; 5.0's Maximum Packet Size needs
 * MQTT 5, which aedes does not speak].
 */
export function guardPacketSize(socket: Socket, maxBytes: number, onOversize: (announcedBytes: number) => void): void {
  let phase: 'type' | 'length' | 'body' = 'type';
  let remaining = 0;
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;

  /** Follows the packet boundaries through one chunk; the announced size of the first oversized packet, else 0. */
  function scan(chunk: Buffer): number {
    let i = 0;
    while (i < chunk.length) {
      if (phase === 'body') {
        const take = Math.min(remaining, chunk.length - i);
        remaining -= take;
        i += take;
        if (remaining === 0) phase = 'type';
        continue;
      }
      if (phase === 'type') {
        i++;
        phase = 'length';
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
        continue;
      }
      const byte = chunk[i++]!;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      lengthBytes++;
      // [MQTT-2.2.3] at most four length bytes; a fifth is malformed: let the parser say so.
      if (byte & 0x80 && lengthBytes < 4) continue;
      if (length > maxBytes) return length;
      remaining = length;
      phase = remaining === 0 ? 'type' : 'body';
    }
    return 0;
  }

  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (chunk === null) return chunk;
    const oversize = scan(chunk);
    if (oversize === 0) return chunk;
    onOversize(oversize);
    socket.destroy();
    return null;
  };
}
