import type { Attribution, CustodyCorrection, CustodyEvent, LocalizedText, ProductProfile, Tier } from '@coldchain/domain';

/**
 * The bodies of chain entries (docs/evidence-format.md). Everything a verifier needs to recompute the
 * shipment's results is in them or in the messages they name; nothing in them is presentation.
 */

/** `shipment`: the shipment as created, with the profile in force (again when either changes). */
export type ShipmentBody = {
  shipment: {
    id: string;
    traceCode: string;
    profileId: string;
    shipperOrgId: string;
    deviceId: string;
    origin: string;
    destination: string;
    boxes: number;
    goodsValueCents: number;
    freightCents: number;
    startedAt: number;
    createdAt: number;
  };
  profile: ProductProfile;
};

/** `device_key`: the key the device's following messages were verified with (null: unsigned). */
export type DeviceKeyBody = { deviceId: string; publicKey: string | null; keyId: string | null };

/** `message`: one accepted telemetry message; its exact bytes are in the bundle's originals. */
export type MessageBody = { messageId: number; deviceId: string; receivedAt: number; sha256: string; bytes: number; firstTs: number; lastTs: number; count: number; signed: boolean };

/** `custody`: a handoff scan as recorded (never edited). */
export type CustodyBody = CustodyEvent;

/** `correction`: a correction of a handoff, as recorded (the original custody entry stays). */
export type CorrectionBody = CustodyCorrection;

/** `alert`: the decision-bearing fields of an alert, again whenever one of them changes. */
export type AlertBody = {
  id: string;
  deviceId: string;
  ruleId: string;
  kind: 'excursion' | 'warning' | 'no_data';
  tier: Tier;
  status: string;
  conditionState: string;
  thresholdC: number;
  direction: 'above' | 'below';
  activeAt: number;
  firedAt: number;
  clearedAt: number | null;
  peakTempC: number;
  outsideMs: number;
  degreeMinutes: number;
  attribution: Attribution;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
};

/** `claim`: a claim, again whenever it changes (withdrawn, …). */
export type ClaimBody = {
  id: string;
  alertId: string;
  liableOrgId: string;
  amountCents: number;
  goodsShareCents: number;
  freightCents: number;
  currency: string;
  status: string;
  reason: LocalizedText;
  filedAt: number;
  respondBy: number;
  withdrawnAt: number | null;
  withdrawnReason: LocalizedText | null;
};

/** `review`: a review of an indeterminate attribution, and its decision. */
export type ReviewBody = { id: string; alertId: string; state: string; reason: LocalizedText; decision: { liableOrgId: string | null; reason: string; decidedBy: string; decidedAt: number; claimId: string | null } | null };
