import type { Client } from 'aedes';
import type { Socket } from 'node:net';

/**
 * How far the embedded broker reads ahead of the commits: per connection, at most `messages` telemetry
 * messages (and `bytes` of their payloads) handed to ingest and not yet acknowledged; in all, at most
 * `totalBytes`. Past a bound the connection is not read until some of them settle, so the device's
 * next packets wait in its socket (TCP backpressure), never in the broker's memory.
 */
export type ReadAheadLimits = { messages: number; bytes: number; totalBytes: number };

/** Generous for a logger's in-flight window (mqtt.js and loggers keep tens) and for 1 MiB messages. */
export const DEFAULT_READ_AHEAD: ReadAheadLimits = { messages: 256, bytes: 4 * 1024 * 1024, totalBytes: 64 * 1024 * 1024 };

type Connection = {
  client: Client;
  pending: number;
  bytes: number;
  /** Settles when this connection's latest message has been answered: PUBACKs leave in arrival order. */
  lastAnswered: Promise<void>;
  readScheduled: boolean;
};

/** aedes's reader of a connection (lib/client.js nextBatch): reads the socket and parses what it got. */
type ReadingClient = Client & { _nextBatch(): void; closed: boolean };

/**
 * Bounds how far the embedded broker reads a connection ahead of its messages' commits, keeps its
 * PUBACKs in order, and reads on as soon as a message is handed to ingest (decision 0027).
 *
 * aedes reads a connection again when every packet of its last read has been handled and also on every
 * 'readable' event (lib/client.js, `nextBatch`), so new packets were read, parsed and handed to ingest
 * however many of the connection's messages were still waiting for their commit: a device that does not
 * wait for its PUBACKs, or a rate-limited one (its messages are held, decision 0009), could make the
 * broker hold any number of messages. And each PUBACK left when its own message settled, so a message
 * refused at once (a dead letter) was acknowledged before an earlier one still committing, against
 * [MQTT-4.6.0-2].
 *
 * Here each PUBACK waits for its own message's commit (unchanged) and for the answer to the
 * connection's previous message, so PUBACKs leave in the order the PUBLISHes came. The bound gates the
 * socket's `read()`, which aedes calls from its reader: over the bound it answers "nothing to read", the
 * packets wait in the socket (TCP backpressure slows the device), and a settled message reopens the gate
 * and asks aedes to read again. Reading again right after a hand-off lets packets that are already
 * buffered join the next group commit instead of waiting for this one.
 */
export function createReadAhead(limits: ReadAheadLimits = DEFAULT_READ_AHEAD) {
  const connections = new WeakMap<Socket, Connection>();
  let totalBytes = 0;

  // A connection with nothing pending is always read (one chunk at a time, as aedes does by itself):
  // every gated connection has a message that will settle and read it again, so none waits forever.
  const isOpen = (connection: Connection) =>
    connection.pending === 0 || (connection.pending < limits.messages && connection.bytes < limits.bytes && totalBytes < limits.totalBytes);

  /** Asks aedes to read the connection again, once the current parse has returned (never inside it). */
  function readSoon(connection: Connection): void {
    if (connection.readScheduled) return;
    connection.readScheduled = true;
    setImmediate(() => {
      connection.readScheduled = false;
      const client = connection.client as ReadingClient;
      if (!client.closed && isOpen(connection)) client._nextBatch();
    });
  }

  return {
    /** Gates a new connection's reads; call before aedes handles the socket. */
    gate(socket: Socket): void {
      const read = socket.read.bind(socket);
      socket.read = (size?: number) => {
        const connection = connections.get(socket);
        return connection && !isOpen(connection) ? null : (read(size) as Buffer | null);
      };
    },

    /**
     * A telemetry message of `client` goes to ingest: `outcome` resolves (never rejects) when it is
     * committed or refused on record (null), or could not be stored (the error). `answer` (aedes's callback: PUBACK, or close on an error) runs after that and after the
     * connection's previous message was answered; then the connection may be read further.
     */
    handOff(client: Client, payloadBytes: number, outcome: Promise<Error | null>, answer: (error: Error | null) => void): void {
      const socket = client.conn as Socket;
      let connection = connections.get(socket);
      if (!connection) {
        connection = { client, pending: 0, bytes: 0, lastAnswered: Promise.resolve(), readScheduled: false };
        connections.set(socket, connection);
      }
      const own = connection;
      own.pending++;
      own.bytes += payloadBytes;
      totalBytes += payloadBytes;
      const previous = own.lastAnswered;
      own.lastAnswered = Promise.all([outcome, previous]).then(([error]) => {
        own.pending--;
        own.bytes -= payloadBytes;
        totalBytes -= payloadBytes;
        try {
          answer(error);
        } finally {
          readSoon(own);
        }
      });
      readSoon(own);
    },

    /** Bytes of telemetry read ahead and not yet answered, in all (for tests and metrics). */
    pendingBytes: () => totalBytes,
  };
}
