// One MQTT 3.1.1 CONNECT over a raw socket bound to a chosen loopback address (mqtt.js cannot bind its
// local address), timed from the TCP connect to the CONNACK. Shared by the device and flood children.
import { connect } from 'node:net';

export type ConnectOutcome = { ms: number; returnCode: number | 'timeout' | 'closed' };

const utf8 = (text: string) => {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/** [MQTT-3.1] CONNECT: protocol "MQTT" level 4, clean session, username and password flags, keep alive 30 s. */
export function encodeConnect(clientId: string, username: string, password: string): Buffer {
  const variableHeader = Buffer.concat([utf8('MQTT'), Buffer.from([4, 0b1100_0010, 0, 30])]);
  const body = Buffer.concat([variableHeader, utf8(clientId), utf8(username), utf8(password)]);
  // Remaining Length, variable-length encoded [MQTT-2.2.3].
  const remaining: number[] = [];
  let n = body.length;
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    remaining.push(digit);
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x10, ...remaining]), body]);
}

const DISCONNECT = Buffer.from([0xe0, 0x00]);

/** Connects, sends CONNECT, waits for the CONNACK (or close, or the timeout), then disconnects. */
export function connectOnce(options: { port: number; localAddress: string; packet: Buffer; timeoutMs: number }): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ port: options.port, host: '127.0.0.1', localAddress: options.localAddress });
    let isDone = false;
    const finish = (returnCode: ConnectOutcome['returnCode']) => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, returnCode });
      if (returnCode === 0) socket.end(DISCONNECT);
      else socket.destroy();
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs);
    let received = Buffer.alloc(0);
    socket.on('connect', () => socket.write(options.packet));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      // CONNACK: 0x20, remaining length 2, session present, return code [MQTT-3.2].
      if (received.length >= 4 && received[0] === 0x20) finish(received[3]!);
    });
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
  });
}
