/**
 * A shipment's evidence chain as the API hands it to its parties: the head (last entry) signed with the
 * service's Ed25519 key. `headJson` is the exact signed text; `signature` is base64 over its UTF-8 bytes.
 * The format is in docs/evidence-format.md.
 */
export type SignedHead = {
  shipmentId: string;
  /** Entries in the chain (the head is entry `seq`, counted from 1); 0 for an empty chain. */
  seq: number;
  /** SHA-256 (hex) of the head entry's line. */
  hash: string;
  /** Server time of the signature. */
  signedAt: number;
  /** Fingerprint of the signing key: the first 16 hex digits of SHA-256 over the raw 32-byte public key. */
  keyId: string;
  headJson: string;
  signature: string;
};

/** When and to whom a head was handed (a handoff answer, a webhook event, the consumer page). */
export type Witness = { seq: number; hash: string; at: number; to: string };

/** What the routes use of the evidence chain (services/api/src/evidence/). */
export interface EvidenceService {
  /** Brings the shipment's chain up to date with the stores and answers its signed head. */
  head(shipmentId: string): Promise<SignedHead>;
  /** The head, recorded as witnessed by `to` (e.g. `handoff:<eventId>`, `delivery`). */
  witness(shipmentId: string, to: string): Promise<SignedHead>;
  /** The heads handed out so far, oldest first. */
  witnesses(shipmentId: string): Promise<Witness[]>;
}
