import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Attribution, Measures } from '@coldchain/domain';
import type { ClaimBody } from './entries.ts';
import { FORMAT_VERSION, sha256Hex } from './format.ts';

/**
 * An evidence bundle (docs/evidence-format.md): one zip file. `manifest.json` lists every other file
 * with its SHA-256 and size, and `manifest.sig` signs the manifest's bytes with the service key named in
 * it; the chain's head is signed on its own (`head.json`, `head.sig`).
 */
export const BUNDLE_FORMAT = 'coldchain-evidence-bundle';

export type ManifestFile = { name: string; sha256: string; bytes: number };
export type Manifest = {
  format: typeof BUNDLE_FORMAT;
  version: typeof FORMAT_VERSION;
  shipmentId: string;
  createdAt: number;
  /** The chain position the bundle is a cut at. */
  chain: { seq: number; hash: string };
  keyId: string;
  files: ManifestFile[];
};

/** One original message, in `originals.jsonl`: the exact bytes received, base64. */
export type OriginalLine = { messageId: number; sha256: string; payload: string };

/** A party of the shipment, in `parties.json`. */
export type Party = { id: string; name: string; nameEn: string; kind: string };

/** An excursion as the service recorded it (its alert), in `results.json`. */
export type ExcursionResult = {
  alertId: string;
  ruleId: string;
  direction: 'above' | 'below';
  thresholdC: number;
  activeAt: number;
  clearedAt: number | null;
  peakTempC: number;
  outsideMs: number;
  degreeMinutes: number;
  attribution: Attribution;
  /** Whether a person at the platform decided the liable party (a review): not recomputable. */
  isDecidedByReview: boolean;
};

export type ClaimResult = Pick<ClaimBody, 'id' | 'alertId' | 'liableOrgId' | 'amountCents' | 'goodsShareCents' | 'freightCents' | 'status' | 'reason' | 'withdrawnReason'>;

/** What the service computed, in `results.json`; the verifier recomputes it from the originals. */
export type BundleResults = {
  computedAt: number;
  /** The end of the measured span: the delivery, or the bundle's time while travelling. */
  measuredTo: number;
  readingCount: number;
  excursions: ExcursionResult[];
  measures: Measures;
  claims: ClaimResult[];
};

export const READINGS_CSV_HEADER = 'device_id,sampled_at_ms,sampled_at_utc,temp_c,rh_pct,received_at_ms';

/** Writes the bundle: `files` plus the manifest and its signature. */
export function writeBundle(input: {
  shipmentId: string;
  createdAt: number;
  chain: { seq: number; hash: string };
  keyId: string;
  files: Record<string, string | Uint8Array>;
  sign: (text: string) => string;
}): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  const listed: ManifestFile[] = [];
  for (const [name, content] of Object.entries(input.files)) {
    const bytes = typeof content === 'string' ? strToU8(content) : content;
    entries[name] = bytes;
    listed.push({ name, sha256: sha256Hex(bytes), bytes: bytes.length });
  }
  const manifest: Manifest = { format: BUNDLE_FORMAT, version: FORMAT_VERSION, shipmentId: input.shipmentId, createdAt: input.createdAt, chain: input.chain, keyId: input.keyId, files: listed };
  const text = JSON.stringify(manifest, null, 2);
  entries['manifest.json'] = strToU8(text);
  entries['manifest.sig'] = strToU8(input.sign(text));
  // Level 6 deflate: the CSV and the originals shrink to a fifth; the zip's own CRCs are not relied on.
  return zipSync(entries, { level: 6, mtime: new Date(input.createdAt) });
}

/** The bundle's files by name; throws a plain message when the bytes are not a zip. */
export function readBundle(bytes: Uint8Array): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new Error(`not a zip file: ${(error as Error).message}`);
  }
  return new Map(Object.entries(files));
}

export const text = (bytes: Uint8Array): string => strFromU8(bytes);
