/**
 * The evidence store (issue 11): every accepted telemetry message's exact bytes, and each shipment's
 * hash chain of entries. Append-only. The chain's format lives in @coldchain/evidence; this store keeps
 * lines and hashes as given.
 */

/** A telemetry message as ingest accepted it: the exact payload and the key that verified it, if any. */
export type EvidenceMessage = {
  deviceId: string;
  receivedAt: number;
  /** Device times of the first and last reading stored from it, and how many. */
  firstTs: number;
  lastTs: number;
  count: number;
  payload: Uint8Array;
  /** The device's Ed25519 public key (raw, base64url) that verified the signature; null if unsigned. */
  publicKey: string | null;
};

/** A stored message without its bytes: what a chain entry records of it. */
export type MessageMeta = Omit<EvidenceMessage, 'payload'> & { id: number; sha256: string; bytes: number };

/** One entry of a shipment's chain, as stored. `ref` names what it records (e.g. `alert:<id>`). */
export type ChainRow = { seq: number; kind: string; ref: string; fingerprint: string | null; line: string; hash: string };

/** Where a shipment's chain stands with the messages: the last message id looked at, and the window. */
export type ChainProgress = { messageCursor: number; window: string };

/** What an append sees, read inside its transaction. */
export interface ChainTransaction {
  /** The last entry, or undefined for an empty chain. */
  tip(): { seq: number; hash: string } | undefined;
  /** The fingerprint and line of the last entry recording `ref`, or undefined if none does. */
  last(ref: string): { fingerprint: string | null; line: string } | undefined;
  progress(): ChainProgress | undefined;
  /** Messages of the device with id > afterId whose readings reach into [from, to], in id order. */
  messagesAfter(deviceId: string, afterId: number, from: number, to: number): MessageMeta[];
}

/** What an append adds: entries in order (their lines built on the transaction's tip) and the new progress. */
export type ChainAppend = { entries: ChainRow[]; progress: ChainProgress };

export type ServiceKey = { keyId: string; publicKey: string; createdAt: number; retiredAt: number | null };

export type Witness = { seq: number; hash: string; at: number; to: string };

export interface EvidenceStore {
  /**
   * Stores accepted messages with the SHA-256 of their bytes; durable on return. A message sent again
   * (its PUBACK lost in a crash) is stored again: chains record the same bytes once (decision 0017).
   */
  recordMessages(messages: readonly EvidenceMessage[]): Promise<void>;
  /** Messages' exact bytes by id. */
  messagePayloads(ids: readonly number[]): Promise<Map<number, Buffer>>;
  /**
   * Appends to a shipment's chain in one write transaction: `plan` runs inside it (synchronously) and
   * sees the chain as it is, so appenders in other processes never fork the chain.
   */
  appendChain(shipmentId: string, plan: (txn: ChainTransaction) => ChainAppend): Promise<ChainRow[]>;
  /** The chain's entries 1…upTo (all when upTo is undefined), in order. */
  chain(shipmentId: string, upTo?: number): Promise<ChainRow[]>;
  recordWitness(shipmentId: string, witness: Witness): Promise<void>;
  witnesses(shipmentId: string): Promise<Witness[]>;
  listServiceKeys(): Promise<ServiceKey[]>;
  /** Adds a key, retiring the current one at the same time. */
  addServiceKey(key: Omit<ServiceKey, 'retiredAt'>): Promise<void>;
  close(): Promise<void>;
}
