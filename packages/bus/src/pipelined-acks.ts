import type { Duplex } from 'node:stream';
import type { IPublishPacket, MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';

/**
 * Tells mqtt.js to go on to the next packet without sending a PUBACK: its QoS 1 handler treats an error
 * from handleMessage as "do not acknowledge" and carries on parsing (mqtt 5.x, handlers/publish.js).
 */
const ACK_LATER = new Error('acknowledged later by handleMessages (pipelined-acks.ts)');

type Entry = { messageId: number | undefined; stream: Duplex; state: 'pending' | 'done' | 'failed' };

/**
 * How every service consumes QoS 1 messages: nothing is acknowledged before its handler has resolved,
 * and up to `maxUnacked` messages are handled at once (1: one at a time, as the rules service does).
 *
 * mqtt.js alone parses a connection's next PUBLISH only after the PUBACK of the one before, which waits
 * for the handler, so a consumer that acknowledges after a durable write pays one write per message. Here
 * `handleMessage` lets mqtt.js go on at once, up to `maxUnacked` messages whose handlers have not
 * resolved (then it holds mqtt.js, and TCP pushes back on the broker). Each PUBACK is written by this
 * module once its handler has resolved, in the order the PUBLISH packets arrived [MQTT-4.6.0-2], and
 * all those ready in one turn of the event loop go out in one socket write. So a handler may batch:
 * ingest stores every message that arrives during one commit in the next commit.
 *
 * A message whose handler rejects is not acknowledged (the broker sends it again on the next session).
 * A message that arrived on a connection that has since dropped is not
 * acknowledged on the new one: the broker redelivers it, and the handler must be idempotent (ingest
 * deduplicates on device and device time).
 */
export function handleMessages(
  client: MqttClient,
  handle: (topic: string, payload: Buffer, packet: IPublishPacket) => Promise<void>,
  onError: (error: unknown, topic: string) => void,
  maxUnacked: number,
): void {
  const unacked: Entry[] = [];
  let resume: (() => void) | undefined;
  let isFlushScheduled = false;

  function flush(): void {
    isFlushScheduled = false;
    const acks: Buffer[] = [];
    let stream: Duplex | undefined;
    while (unacked.length > 0 && unacked[0]!.state !== 'pending') {
      const entry = unacked.shift()!;
      if (entry.state !== 'done' || entry.messageId === undefined || entry.stream !== client.stream || !client.connected) continue;
      stream = entry.stream;
      acks.push(mqttPacket.generate({ cmd: 'puback', messageId: entry.messageId }, { protocolVersion: client.options.protocolVersion ?? 4 }));
    }
    if (stream && acks.length > 0) stream.write(acks.length === 1 ? acks[0] : Buffer.concat(acks));
    if (resume && unacked.length < maxUnacked) {
      const next = resume;
      resume = undefined;
      next();
    }
  }

  function settle(entry: Entry, state: 'done' | 'failed'): void {
    entry.state = state;
    if (isFlushScheduled) return;
    isFlushScheduled = true;
    // After the microtasks of this turn: every handler a group commit settled is acknowledged at once.
    setImmediate(flush);
  }

  client.handleMessage = (packet, callback) => {
    const entry: Entry = { messageId: packet.qos > 0 ? packet.messageId : undefined, stream: client.stream, state: 'pending' };
    unacked.push(entry);
    handle(packet.topic, packet.payload as Buffer, packet).then(
      () => settle(entry, 'done'),
      (error: unknown) => {
        onError(error, packet.topic);
        settle(entry, 'failed');
      },
    );
    const next = () => callback(ACK_LATER);
    if (unacked.length < maxUnacked) next();
    else resume = next;
  };
}
