import type { EvidenceMessage } from './evidence-ports.ts';
import type { AccountStore } from './account-ports.ts';
import type { AfterSalesStore } from './after-sales-ports.ts';
import type { ScorecardStore } from './scorecard-ports.ts';
import type { Attribution, ClaimAction, ClaimActionContext, ClaimHistoryEntry, ClaimRefusal, ClaimStatus, CustodyCorrection, CustodyEvent, CustodyRefusal, LocalizedText, OrgKind, PublicView, Stage, TemperatureSample, Tier } from '@coldchain/domain';

/** A reading as stored: device time, values, and when the server received it. */
export type StoredReading = {
  deviceId: string;
  sampledAt: number;
  tempC: number;
  rhPct: number | null;
  receivedAt: number;
};

/**
 * One bucket of a device's readings at a fixed resolution (a rollup): the extremes with their device
 * times, and the sum and count of the temperatures. `start` is a multiple of the resolution (UTC epoch).
 */
export type ReadingBucket = { start: number; min: number; minAt: number; max: number; maxAt: number; sum: number; count: number };

/** What changeMark answers: an opaque mark and the server time of the change. */
export type ChangeMark = { mark: string; changedAt: number };

/** The rollup resolutions kept, finest first: 1 min, 10 min, 1 h (decision 0014). */
export const ROLLUP_RESOLUTIONS_MS = [60_000, 600_000, 3_600_000] as const;

/** Time-series store of readings. Writes are idempotent on (deviceId, sampledAt). */
export interface TelemetryStore {
  /**
   * Whether this store keeps the accepted messages' bytes (issue 11) given to `insertReadings`, in the
   * same transaction as their readings (SQLite). Otherwise an EvidenceStore keeps them.
   */
  readonly keepsMessages?: boolean;
  /**
   * Stores readings, skipping any already stored for the same (device, time); durable on return. With
   * `messages` (only when `keepsMessages`), the messages they came in are stored in the same commit.
   */
  insertReadings(readings: readonly StoredReading[], messages?: readonly EvidenceMessage[]): Promise<{ inserted: number; duplicates: number }>;
  /** A device's readings with `from <= sampledAt <= to`, in time order, at most `limit`. */
  readingsBetween(deviceId: string, from: number, to: number, limit?: number): Promise<StoredReading[]>;
  /**
   * A device's temperatures with `from <= sampledAt <= to`, in time order, at most `limit`: the
   * readings as the measures need them, read faster than whole readings.
   */
  samplesBetween(deviceId: string, from: number, to: number, limit?: number): Promise<TemperatureSample[]>;
  /**
   * The device's buckets of `resolutionMs` (one of ROLLUP_RESOLUTIONS_MS) whose start lies in
   * [from, to], in time order, only buckets holding readings. Each bucket covers all of its readings,
   * also those after `to`: a caller wanting an exact window reads the edges raw.
   */
  bucketsBetween(deviceId: string, from: number, to: number, resolutionMs: number): Promise<ReadingBucket[]>;
  /**
   * A mark that changes whenever the device's stored readings change (a commit with a new, late or
   * backfilled reading), and when that was (server time), for caches; null when this store cannot tell
   * cheaply or holds nothing of the device.
   */
  changeMark(deviceId: string): Promise<ChangeMark | null>;
  close(): Promise<void>;
}

export type Organisation = {
  id: string;
  name: string;
  nameEn: string;
  kind: OrgKind;
  createdAt: number;
};

export type Device = {
  id: string;
  secretHash: string;
  /** Ed25519 public key (raw 32 bytes, base64url) when the device signs its messages. */
  publicKey: string | null;
  createdAt: number;
  /** The organisation that provisioned the device and may rotate its secret; null: the platform's. */
  ownerOrgId?: string | null;
};

export type Shipment = {
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
  deliveredAt: number | null;
  createdAt: number;
  /** What the public page shows, as the shipper chose (null or absent: city-level fields not yet chosen). */
  publicView?: PublicView | null;
};

/** Which shipments a list holds: those an organisation is a party to (shipper or custodian), only live ones. */
export type ShipmentFilter = { partyOrgId?: string; live?: boolean };

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

/** What raised an alert: a limit breached, a warning before one, or a device gone silent. */
export type AlertKind = 'excursion' | 'warning' | 'no_data';

/** An alert: one per (shipment, rule) while open; it carries its excursion's measures and attribution. */
export type Alert = {
  id: string;
  shipmentId: string;
  deviceId: string;
  ruleId: string;
  kind: AlertKind;
  /** What the alert says, for warnings and no-data alerts (excursions say it with their measures). */
  message: LocalizedText | null;
  tier: Tier;
  status: AlertStatus;
  /** Whether the excursion is still going on (`firing`) or back inside its limit (`cleared`). */
  conditionState: 'firing' | 'cleared';
  thresholdC: number;
  direction: 'above' | 'below';
  /** Device time of the onset, of firing, and of clearing. */
  activeAt: number;
  firedAt: number;
  clearedAt: number | null;
  peakTempC: number;
  outsideMs: number;
  degreeMinutes: number;
  attribution: Attribution;
  routedTo: string[];
  /** Server time by which the station must respond (tier deadline). */
  respondBy: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  /** What the person who resolved the alert did or found (required when resolving by hand). */
  resolutionNote: string | null;
  /** Server time the platform was added for a missed response deadline. */
  escalatedAt: number | null;
  /** Server time of the last notification (first one or reminder). */
  lastNotifiedAt: number | null;
  /** Reminders sent while nobody acknowledged. */
  reminders: number;
  createdAt: number;
  updatedAt: number;
};

export type Claim = {
  id: string;
  shipmentId: string;
  alertId: string;
  liableOrgId: string;
  amountCents: number;
  goodsShareCents: number;
  freightCents: number;
  currency: 'CNY';
  /**
   * Where the claim stands in its lifecycle (issue 13; packages/domain claim-lifecycle.ts): `filed`, then
   * acknowledged, accepted or disputed (then upheld or overturned), escalated past the response deadline,
   * advanced and recovered by the platform, settled; or `withdrawn` (a re-judgement on late data or a
   * custody correction put the excursion on another party, or the platform or shipper withdrew it). A
   * claim is never deleted; its history is kept (`listClaimEvents`).
   */
  status: ClaimStatus;
  /** Why this party is liable, in both languages (the attribution's reason). */
  reason: LocalizedText;
  filedAt: number;
  respondBy: number;
  /** When the claim was withdrawn, or null while it stands. */
  withdrawnAt: number | null;
  /** Why it was withdrawn, in both languages, or null while it stands. */
  withdrawnReason: LocalizedText | null;
  /** When the carrier accepted or disputed (its response clock stopped). */
  answeredAt?: number | null;
  remindedAt?: number | null;
  escalatedAt?: number | null;
  /** When it was settled or withdrawn. */
  closedAt?: number | null;
  /** Money the platform advanced, and recovered from the carrier (cents). */
  advancedCents?: number;
  recoveredCents?: number;
};

/** One transition in a claim's history, as stored. */
export type ClaimEvent = ClaimHistoryEntry & { seq: number; claimId: string };

/** What applying an action to a claim did: applied (the claim after it and its history line), refused with the rule, or no such claim. */
export type ClaimTransitionOutcome =
  | { status: 'applied'; claim: Claim; event: ClaimEvent }
  | { status: 'refused'; refusal: ClaimRefusal }
  | { status: 'not_found' };

/** What the platform decided on a review: who is liable (null: nobody), why, who decided, and when. */
export type ReviewDecision = {
  liableOrgId: string | null;
  reason: string;
  decidedBy: string;
  decidedAt: number;
  /** The claim the decision filed, if one was due. */
  claimId: string | null;
};

/**
 * An excursion whose attribution is indeterminate (a gap in the data over a handoff or the onset): no
 * automatic claim; a person at the platform decides who is liable. One per alert.
 */
export type Review = {
  id: string;
  shipmentId: string;
  alertId: string;
  /** Why the attribution could not be made, in both languages (the attribution's reason). */
  reason: LocalizedText;
  state: 'open' | 'decided';
  createdAt: number;
  decision: ReviewDecision | null;
};

/** What deciding a review did: decided now (with the claim filed, if any), decided before, or no such review. */
export type ReviewOutcome =
  | { status: 'decided'; review: Review; claim: { claim: Claim; isNew: boolean } | null }
  | { status: 'already_decided'; review: Review }
  | { status: 'not_found' };

export type DeadLetter = {
  id: number;
  deviceId: string | null;
  topic: string;
  code: string;
  reason: string;
  /** The message as received, as text, cut at 4 KiB. */
  payload: string;
  payloadBytes: number;
  receivedAt: number;
};

/** Something that happened to a device other than a reading (server time). */
export type DeviceEvent = { id: number; deviceId: string; kind: 'seq_gap' | 'online' | 'offline' | 'no_data' | 'data_resumed'; detail: string; at: number };

/** Mutes the alerts it matches (null fields match any) from `startsAt` to `endsAt` (server time). */
export type Silence = {
  id: string;
  shipmentId: string | null;
  deviceId: string | null;
  ruleId: string | null;
  startsAt: number;
  endsAt: number;
  reason: string;
  createdBy: string;
  createdAt: number;
};

/** Whether a silence mutes an alert at time `now`. */
export function isSilencing(silence: Silence, alert: Pick<Alert, 'shipmentId' | 'deviceId' | 'ruleId'>, now: number): boolean {
  return (
    silence.startsAt <= now &&
    now < silence.endsAt &&
    (silence.shipmentId === null || silence.shipmentId === alert.shipmentId) &&
    (silence.deviceId === null || silence.deviceId === alert.deviceId) &&
    (silence.ruleId === null || silence.ruleId === alert.ruleId)
  );
}

/** A rule's streaming state for one device on one shipment, as the rules service keeps it (JSON). */
export type RuleStateRow = { key: string; deviceId: string; shipmentId: string; ruleId: string; state: string | null; updatedAt: number };

/** Where an organisation is notified. `secret` signs (webhook: required; DingTalk, Feishu: the robot's). */
export type NotificationChannel = {
  id: string;
  type: 'webhook' | 'dingtalk' | 'wecom' | 'feishu';
  url: string;
  secret: string | null;
  lang: 'zh' | 'en';
};

/** One change of a profile: who, when, what it was before and after (JSON). */
export type ProfileChange = { seq: number; profileId: string; changedBy: string; changedAt: number; before: string; after: string };

export type NewCustodyEvent = Omit<CustodyEvent, 'id' | 'seq'>;

/** A correction as the API asks to append it: the store gives it its id and recording order. */
export type NewCustodyCorrection = Omit<CustodyCorrection, 'id' | 'seq'>;

/** What appending a correction did: stored (with the effective events after it), refused, or no such shipment. */
export type CorrectionOutcome =
  | { status: 'stored'; correction: CustodyCorrection; effective: CustodyEvent[] }
  | { status: 'refused'; refusal: CustodyRefusal }
  | { status: 'shipment_not_found' };

export type AlertFilter = {
  /** Alerts of shipments this organisation is a party to (shipper or custodian, as scanned or corrected). */
  partyOrgId?: string;
  orgId?: string; status?: AlertStatus; shipmentId?: string; kind?: AlertKind; limit?: number };

/** Operational state: organisations, devices, shipments, custody, alerts, claims, dead letters. */
export interface OpsStore {
  /** Users, API keys, sessions, the audit trail, broker credentials of organisations. */
  readonly accounts: AccountStore;
  /** Consumers' after-sales requests, photos, history, payouts and compensation settings (issue 13). */
  readonly afterSales: AfterSalesStore<ClaimTransitionOutcome>;
  /** Monthly scorecards as computed (issue 13, item 6). */
  readonly scorecards: ScorecardStore;

  upsertOrganisation(org: Organisation): Promise<void>;
  getOrganisation(id: string): Promise<Organisation | undefined>;
  listOrganisations(): Promise<Organisation[]>;

  /** Creates a device; false when the id is taken. */
  createDevice(device: Device): Promise<boolean>;
  getDevice(id: string): Promise<Device | undefined>;
  setDeviceSecret(id: string, secretHash: string): Promise<boolean>;

  /** Creates a shipment and its first custody event; false when the id is taken. */
  createShipment(shipment: Shipment, firstLeg: NewCustodyEvent): Promise<boolean>;
  getShipment(id: string): Promise<Shipment | undefined>;
  getShipmentByTraceCode(traceCode: string): Promise<Shipment | undefined>;
  /**
   * Shipments, newest start first (ties in id order), at most `limit` (default 500), those after the
   * position `after` (the last one of the page before): a keyset page, done in the database.
   */
  listShipments(limit?: number, after?: { startedAt: number; id: string }, filter?: ShipmentFilter): Promise<Shipment[]>;
  /** Whether an organisation is a party to a shipment: its shipper, or named as a custodian by a scan or a correction. */
  isShipmentParty(shipmentId: string, orgId: string): Promise<boolean>;
  /** Sets what the shipment's public page shows (issue 12, item 8); false when there is no such shipment. */
  setShipmentPublicView(id: string, view: PublicView | null): Promise<boolean>;
  /**
   * Shipments not yet delivered, in id order, the first `limit` after `afterId` (null: from the start):
   * a keyset page, so a scan of every live shipment holds one page at a time and skips none.
   */
  listLiveShipmentsAfter(afterId: string | null, limit: number): Promise<Shipment[]>;
  /** The shipment a device was with at device time `at`. */
  findShipmentForDevice(deviceId: string, at: number): Promise<Shipment | undefined>;
  /** A shipment of this device not delivered by `from` (it would overlap an open-ended one starting then). */
  findShipmentOverlapping(deviceId: string, from: number): Promise<Shipment | undefined>;

  appendCustodyEvent(event: NewCustodyEvent): Promise<CustodyEvent>;
  /** The custody events as they were recorded (the evidence), in time order: corrections not applied. */
  listCustodyEvents(shipmentId: string): Promise<CustodyEvent[]>;
  /**
   * The custody events with their corrections applied (domain `applyCorrections`), in time order: what
   * legs, attribution, measures and routing are computed from.
   */
  listEffectiveCustodyEvents(shipmentId: string): Promise<CustodyEvent[]>;
  /**
   * Appends a correction of a custody event (issue 11, item 6), judged in the same transaction against
   * the effective events (domain `validateCorrection`): stored, and when it corrects the delivery's time
   * the shipment's `deliveredAt` follows; or refused with the reason. Corrections are never edited.
   */
  appendCorrection(correction: NewCustodyCorrection): Promise<CorrectionOutcome>;
  /** A shipment's corrections, in recording order. */
  listCorrections(shipmentId: string): Promise<CustodyCorrection[]>;
  /** Corrections of any shipment recorded after `afterSeq` (0: from the first), in recording order, at most `limit`. */
  listCorrectionsAfter(afterSeq: number, limit: number): Promise<CustodyCorrection[]>;

  /**
   * A mark that changes whenever anything of the shipment's view in this store changes (its alerts, its
   * custody events and their corrections, its custodians' names), read cheaply on every request to version cached answers.
   */
  shipmentChangeMark(shipmentId: string): Promise<ChangeMark>;

  /**
   * The alert of (shipment, rule) whose condition is still firing and that nobody resolved, if any: an
   * alert's identity. An alert that cleared and awaits acknowledgement is not it: a new excursion of the
   * same rule is an alert of its own.
   */
  findUnresolvedAlert(shipmentId: string, ruleId: string): Promise<Alert | undefined>;
  insertAlert(alert: Alert): Promise<void>;
  updateAlert(alert: Alert): Promise<void>;
  getAlert(id: string): Promise<Alert | undefined>;
  /**
   * Alerts, newest first (ties in id order), at most `limit` (default 500), those after the position
   * `after` (the last one of the page before): a keyset page, done in the database.
   */
  listAlerts(filter?: AlertFilter & { after?: { createdAt: number; id: string } }): Promise<Alert[]>;
  /**
   * Alerts in one status (and kind), in id order, the first `limit` after `afterId` (null: from the
   * start): a keyset page for scans of every open alert (the timers). Updating an alert does not move
   * it, so a scan that updates what it reads sees each alert once.
   */
  listAlertsAfter(afterId: string | null, filter: { status: AlertStatus; kind?: AlertKind; limit: number }): Promise<Alert[]>;

  /**
   * Files a claim unless one stands (not withdrawn) for (shipment, liable party); returns the stored one and
   * whether it is new. A party whose claim was withdrawn can be claimed again (a later custody correction).
   */
  fileClaimOnce(claim: Claim): Promise<{ claim: Claim; isNew: boolean }>;
  /**
   * Claims, newest filed first (ties in id order), all of them unless `limit`, those after the position
   * `after` (the last one of the page before): a keyset page, done in the database.
   */
  listClaims(filter?: { shipmentId?: string; orgId?: string; visibleTo?: string; limit?: number; after?: { filedAt: number; id: string } }): Promise<Claim[]>;
  getClaim(id: string): Promise<Claim | undefined>;
  /**
   * Withdraws a standing claim on a re-judgement (kept, with when and why, and a history line by the
   * system); returns it, or undefined when it was not standing (withdrawn, settled or overturned already).
   */
  withdrawClaim(id: string, withdrawnAt: number, reason: LocalizedText): Promise<Claim | undefined>;
  /**
   * Applies an action to a claim (issue 13, item 1): judged by the domain's state machine against the
   * claim as stored, and stored with its history line in the same transaction; or refused with the rule.
   */
  applyClaimAction(id: string, action: ClaimAction, context: ClaimActionContext): Promise<ClaimTransitionOutcome>;
  /** A claim's history, oldest first. */
  listClaimEvents(claimId: string): Promise<ClaimEvent[]>;
  /**
   * Claims whose response clock runs (filed, acknowledged) and whose reminder or deadline falls at or
   * before `until`, in deadline order, at most `limit`: what the timers act on.
   */
  listClaimsAnswerDue(until: number, limit: number): Promise<Claim[]>;

  /** Opens the review of an alert unless it has one; returns the stored one and whether it is new. */
  openReviewOnce(review: Review): Promise<{ review: Review; isNew: boolean }>;
  getReview(id: string): Promise<Review | undefined>;
  getReviewForAlert(alertId: string): Promise<Review | undefined>;
  /** Reviews, newest first. */
  listReviews(filter?: { state?: Review['state']; shipmentId?: string; limit?: number }): Promise<Review[]>;
  /**
   * Decides an open review and, in the same transaction, files `claim` unless one exists for (shipment,
   * liable party): a review is decided once, and a claim never without its decision.
   */
  decideReview(id: string, decision: Omit<ReviewDecision, 'claimId'>, claim: Claim | null): Promise<ReviewOutcome>;

  insertDeadLetter(letter: Omit<DeadLetter, 'id'>): Promise<DeadLetter>;
  /** Dead letters, newest first, at most `limit` (default 500), those older than the one of id `beforeId` (a keyset page). */
  listDeadLetters(filter?: { deviceId?: string; limit?: number; beforeId?: number }): Promise<DeadLetter[]>;

  insertSilence(silence: Silence): Promise<void>;
  /** Silences not yet ended at `now` (active or future). */
  listSilences(now: number): Promise<Silence[]>;
  /** Ends a silence at `now`; false when there is none. */
  endSilence(id: string, now: number): Promise<boolean>;

  /** Saves (or, with state null, deletes) rule states of the rules service, in one transaction. */
  saveRuleStates(rows: readonly RuleStateRow[]): Promise<void>;
  loadRuleStates(): Promise<RuleStateRow[]>;

  setOrgChannels(orgId: string, channels: readonly NotificationChannel[], now: number): Promise<void>;
  getOrgChannels(orgId: string): Promise<NotificationChannel[]>;

  /** Profiles the platform edited (JSON), over the built-in ones. */
  listProfileOverrides(): Promise<{ id: string; profile: string }[]>;
  /** Stores an edited profile and its audit record in one transaction. */
  saveProfile(change: Omit<ProfileChange, 'seq'>): Promise<ProfileChange>;
  listProfileChanges(profileId: string): Promise<ProfileChange[]>;
  setOrgResponseTimes(orgId: string, responseMs: Partial<Record<Tier, number>>): Promise<void>;
  /** How long the organisation has to answer a claim against it (issue 13: per organisation); null: the 2 h default. */
  setOrgClaimResponseMs(orgId: string, responseMs: number | null): Promise<void>;
  getOrgClaimResponseMs(orgId: string): Promise<number | null>;
  getOrgResponseTimes(orgId: string): Promise<Partial<Record<Tier, number>> | undefined>;

  recordDeviceEvent(event: Omit<DeviceEvent, 'id'>): Promise<DeviceEvent>;
  listDeviceEvents(deviceId: string, limit?: number): Promise<DeviceEvent[]>;

  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  close(): Promise<void>;
}

/** Stages, re-exported for adapters that validate stored values. */
export type { Stage };
