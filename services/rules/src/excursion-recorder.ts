import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  attributeByReview,
  attributeExcursion,
  buildLegs,
  claimResponseMsFor,
  claimWithdrawalReason,
  correctionWithdrawalReason,
  currentLeg,
  decideClaim,
  isClaimStanding,
  responseMsFor,
  legAt,
  filedClaimFields,
  PLATFORM_ORG_ID,
  routeAlert,
  STAGE_NAMES,
} from '@coldchain/domain';
import type { Attribution, CustodyCorrection, LocalizedText, ProductProfile, RuleState, TemperatureLimit } from '@coldchain/domain';
import type { AlertEventType, Clock } from '@coldchain/bus';
import type { EventSink } from './event-sink.ts';
import type { Alert, OpsStore, Shipment } from '@coldchain/storage';
import type { Episode } from '@coldchain/domain';

/** Who closes a review that a re-judgement on late data settled (`decidedBy`). */
export const LATE_DATA_DECIDER = 'system: late data';
/** Who closes a review that a custody correction settled (`decidedBy`). */
export const CORRECTION_DECIDER = 'system: custody correction';

/** The excursion a rule's state machine is tracking, as the recorder needs it. */
export type ExcursionUpdate = {
  shipment: Shipment;
  deviceId: string;
  profile: ProductProfile;
  limit: TemperatureLimit;
  state: RuleState;
  /** The alert already recorded for this excursion, if any. */
  alertId: string | null;
};

/**
 * Carries out what the state machine decided: opens the alert (one per shipment and rule), keeps its
 * measures current, files the claim once the excursion crosses the profile's threshold, and marks
 * the alert's condition cleared when the excursion ends (a person resolves it). Publishes each change on the bus.
 */
export function createExcursionRecorder(deps: {
  ops: OpsStore;
  events: EventSink;
  clock: Clock;
  log: Logger;
  /** Demo only: claim answer times are divided by this (DEMO_SPEED); 1 otherwise. */
  deadlineSpeed?: number;
}) {
  const { ops, clock, log } = deps;

  async function orgNames(): Promise<Record<string, LocalizedText>> {
    const orgs = await ops.listOrganisations();
    return Object.fromEntries(orgs.map((o) => [o.id, { zh: o.name, en: o.nameEn }]));
  }

  async function publishAlert(type: AlertEventType, alert: Alert) {
    await deps.events.alert({ type, at: clock.now(), alert });
  }

  /** Opens the alert for a newly firing excursion, or adopts the unresolved one for the same identity. */
  async function open(update: ExcursionUpdate, isFromLateData = false): Promise<Alert> {
    const { shipment, profile, limit, state } = update;
    const now = clock.now();
    const existing = await ops.findUnresolvedAlert(shipment.id, limit.id);
    if (existing) {
      // Identity (shipment, rule): a repeat trigger updates the open alert, never a duplicate.
      const updated = { ...existing, ...measures(state), conditionState: 'firing' as const, clearedAt: null, updatedAt: now };
      await ops.updateAlert(updated);
      return updated;
    }
    const activeAt = state.activeAt ?? state.lastReadingAt!;
    // A replay after a restart meets an excursion whose alert it raised before (same rule, same onset):
    // that alert is taken up, never a second one for the same excursion.
    const same = (await ops.listAlerts({ shipmentId: shipment.id, kind: 'excursion', limit: 1000 })).find((a) => a.ruleId === limit.id && a.activeAt === activeAt && a.status !== 'resolved');
    if (same) return same;
    const legs = buildLegs(await ops.listEffectiveCustodyEvents(shipment.id));
    const attribution = attributeExcursion({
      legs,
      limit,
      activeAt,
      previousReadingAt: state.previousReadingAt,
      maxGapMs: profile.maxReadingGapMs,
      orgNames: await orgNames(),
    });
    const custodian = legAt(legs, state.firedAt ?? activeAt) ?? currentLeg(legs);
    const alert: Alert = {
      id: randomUUID(),
      shipmentId: shipment.id,
      deviceId: update.deviceId,
      ruleId: limit.id,
      kind: 'excursion',
      // Onset (device time) vs when the server learnt of it: a buffered upload can be hours late.
      message: isFromLateData ? lateNote(activeAt, now) : null,
      escalatedAt: null,
      lastNotifiedAt: now,
      reminders: 0,
      tier: limit.tier,
      status: 'open',
      conditionState: 'firing',
      thresholdC: limit.thresholdC,
      direction: limit.direction,
      activeAt,
      firedAt: state.firedAt ?? activeAt,
      clearedAt: null,
      ...measures(state),
      attribution,
      routedTo: routeAlert({
        tier: limit.tier,
        custodianOrgId: custodian?.custodianOrgId ?? null,
        shipperOrgId: shipment.shipperOrgId,
        platformOrgId: PLATFORM_ORG_ID,
      }),
      respondBy: now + responseMsFor(limit.tier, profile, custodian ? await ops.getOrgResponseTimes(custodian.custodianOrgId) : undefined),
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      resolutionNote: null,
      createdAt: now,
      updatedAt: now,
    };
    await ops.insertAlert(alert);
    log.info({ alertId: alert.id, shipmentId: shipment.id, ruleId: limit.id, tier: alert.tier, routedTo: alert.routedTo, attribution: attribution.status }, 'alert.opened');
    await publishAlert('alert.opened', alert);
    if (attribution.status === 'indeterminate') await openReview(alert, now);
    return alert;
  }

  /**
   * The data could not place the onset (DESIGN.md: a gap over a handoff or the onset): no automatic
   * claim; the excursion waits in the platform's review queue (`GET /api/v1/reviews`), where a person
   * decides who is liable, if anyone, and why.
   */
  async function openReview(alert: Alert, now: number): Promise<void> {
    const { review, isNew } = await ops.openReviewOnce({ id: randomUUID(), shipmentId: alert.shipmentId, alertId: alert.id, reason: alert.attribution.reason, state: 'open', createdAt: now, decision: null });
    if (isNew) log.info({ reviewId: review.id, alertId: alert.id, shipmentId: alert.shipmentId }, 'review.opened');
  }

  /**
   * Who is liable for the alert's excursion: its attribution, or, where that was indeterminate, what the
   * platform decided on review (a decision made while the excursion still ran files the claim once the
   * excursion crosses the threshold).
   */
  async function liability(alert: Alert): Promise<Attribution> {
    if (alert.attribution.status === 'attributed') return alert.attribution;
    const decided = (await ops.getReviewForAlert(alert.id))?.decision;
    if (!decided?.liableOrgId) return alert.attribution;
    const org = await ops.getOrganisation(decided.liableOrgId);
    const legs = buildLegs(await ops.listEffectiveCustodyEvents(alert.shipmentId));
    return attributeByReview({ legs, liableOrgId: decided.liableOrgId, reason: decided.reason, orgName: { zh: org?.name ?? decided.liableOrgId, en: org?.nameEn ?? decided.liableOrgId } }) ?? alert.attribution;
  }

  async function fileClaimIfDue(alert: Alert, update: Pick<ExcursionUpdate, 'shipment' | 'profile' | 'limit'>): Promise<void> {
    // Below the claim threshold nothing is filed whoever is liable: skip the review lookup.
    if (!update.limit.isClaimable || alert.outsideMs < update.profile.claim.minOutsideMs) return;
    const attribution = await liability(alert);
    const liable = attribution.orgId ? await ops.getOrganisation(attribution.orgId) : undefined;
    const decision = decideClaim({
      profile: update.profile,
      limit: update.limit,
      outsideMs: alert.outsideMs,
      attribution,
      liableOrgKind: liable?.kind ?? null,
      value: update.shipment,
    });
    if (!decision.shouldFile) return;
    const now = clock.now();
    // The liable organisation's answer time (set by the platform), else the plan's 2 h.
    const responseMs = claimResponseMsFor(await ops.getOrgClaimResponseMs(decision.liableOrgId), deps.deadlineSpeed);
    const { claim, isNew } = await ops.fileClaimOnce({ id: randomUUID(), shipmentId: update.shipment.id, alertId: alert.id, reason: attribution.reason, ...filedClaimFields(decision, now, responseMs) });
    if (!isNew) return;
    log.info({ claimId: claim.id, shipmentId: claim.shipmentId, liableOrgId: claim.liableOrgId, amountCents: claim.amountCents }, 'claim.filed');
    await deps.events.claim({ type: 'claim.filed', at: now, claim }, [claim.liableOrgId, update.shipment.shipperOrgId, PLATFORM_ORG_ID]);
  }

  /**
   * Sets the alert of (shipment, rule) to what a replay of the stored readings found (issue 9, item 1):
   * opens it (routed as if live, saying it comes from late data) when the in-order run would have,
   * moves its onset and attribution to the first excursion's, takes the last one's measures and
   * condition, and files the claim if the in-order run would have. Returns the alert id the live state
   * keeps (null once the last excursion cleared), as the streaming path does.
   */
  async function reconcile(update: Omit<ExcursionUpdate, 'state'>, episodes: readonly Episode[]): Promise<string | null> {
    const first = episodes[0];
    const last = episodes.at(-1);
    if (!first || !last) return update.alertId;
    const { shipment, limit, profile } = update;
    let alert = update.alertId ? await ops.getAlert(update.alertId) : undefined;
    if (alert?.status === 'resolved') alert = undefined;
    alert ??= await ops.findUnresolvedAlert(shipment.id, limit.id);
    // The same excursion (same rule, same onset) already has its alert when the state that named it was
    // not saved before a restart: the replay takes that one up instead of raising a second.
    alert ??= (await ops.listAlerts({ shipmentId: shipment.id, kind: 'excursion', limit: 1000 })).find(
      (a) => a.ruleId === limit.id && a.activeAt === first.fired.activeAt && a.status !== 'resolved',
    );
    const now = clock.now();
    if (!alert) {
      alert = await open({ ...update, state: first.fired, alertId: null }, true);
    } else if (alert.activeAt !== first.fired.activeAt) {
      const activeAt = first.fired.activeAt ?? first.fired.lastReadingAt!;
      const legs = buildLegs(await ops.listEffectiveCustodyEvents(shipment.id));
      const attribution = attributeExcursion({ legs, limit, activeAt, previousReadingAt: first.fired.previousReadingAt, maxGapMs: profile.maxReadingGapMs, orgNames: await orgNames() });
      log.info({ alertId: alert.id, shipmentId: shipment.id, ruleId: limit.id, previousActiveAt: alert.activeAt, activeAt, attribution: attribution.status }, 'alert.onset_moved');
      alert = { ...alert, activeAt, firedAt: first.fired.firedAt ?? activeAt, attribution, message: lateNote(activeAt, now) };
    }
    const isNewlyCleared = last.cleared !== null && alert.conditionState !== 'cleared';
    alert = { ...alert, ...measures(last.last), conditionState: last.cleared ? 'cleared' : 'firing', clearedAt: last.cleared?.at ?? null, updatedAt: now };
    await ops.updateAlert(alert);
    if (isNewlyCleared) await publishAlert('alert.cleared', alert);
    if (alert.attribution.status === 'indeterminate') await openReview(alert, now);
    else await settleByLateData(alert, now);
    const maxOutsideMs = Math.max(...episodes.map((e) => e.maxOutsideMs));
    await fileClaimIfDue({ ...alert, outsideMs: maxOutsideMs }, update);
    return last.cleared ? null : alert.id;
  }

  /**
   * The re-judgement placed the onset in a custodian's leg (issue 9, item 1): a review opened while the
   * attribution was indeterminate is closed as superseded (the claim, if due, is filed by the normal
   * path), and claims of this alert filed against another party are withdrawn, kept with the reason.
   * Where a person decided the review, that decision and the claims of the alert are left alone.
   */
  async function settleByLateData(alert: Alert, now: number): Promise<void> {
    const { attribution } = alert;
    if (attribution.status !== 'attributed') return;
    const review = await ops.getReviewForAlert(alert.id);
    if (review?.state === 'open') {
      const outcome = await ops.decideReview(
        review.id,
        { liableOrgId: attribution.orgId, reason: `superseded: late readings settle the attribution: ${attribution.reason.en}`, decidedBy: LATE_DATA_DECIDER, decidedAt: now },
        null,
      );
      if (outcome.status !== 'decided') return;
      log.info({ reviewId: review.id, alertId: alert.id, shipmentId: alert.shipmentId, liableOrgId: attribution.orgId }, 'review.superseded');
    } else if (review?.decision && review.decision.decidedBy !== LATE_DATA_DECIDER) {
      return;
    }
    const stale = (await ops.listClaims({ shipmentId: alert.shipmentId })).filter((c) => c.alertId === alert.id && isClaimStanding(c.status) && c.liableOrgId !== attribution.orgId);
    if (stale.length === 0) return;
    const leg = buildLegs(await ops.listEffectiveCustodyEvents(alert.shipmentId)).find((l) => l.index === attribution.legIndex);
    const holder = (await orgNames())[attribution.orgId] ?? { zh: attribution.orgId, en: attribution.orgId };
    const stage = leg ? STAGE_NAMES[leg.stage] : { zh: '未知', en: 'unknown' };
    const reason = claimWithdrawalReason(stage, holder);
    for (const claim of stale) {
      const withdrawn = await ops.withdrawClaim(claim.id, now, reason);
      if (withdrawn) log.info({ claimId: claim.id, shipmentId: claim.shipmentId, liableOrgId: claim.liableOrgId, nowLiableOrgId: attribution.orgId }, 'claim.withdrawn');
    }
  }

  /**
   * Judges an excursion alert again on the corrected custody (issue 11, item 6; docs/decisions/0016),
   * whatever its status: its onset and measures stay (the readings did not change), its attribution is
   * computed on the effective legs. When it changed: the alert carries the new one (and is routed to the
   * newly liable party too); claims of the alert against a party no longer liable are withdrawn with
   * the correction's who and why, kept; the newly liable provider's claim is filed if due; an open review
   * the correction settles is closed as superseded, and one opened when the onset can no longer be
   * placed. Where a person decided the review, the alert, that decision and its claims are left alone.
   */
  async function reattribute(alert: Alert, context: { shipment: Shipment; profile: ProductProfile; limit: TemperatureLimit; previousReadingAt: number | null; correction: CustodyCorrection }): Promise<boolean> {
    const { shipment, profile, limit, correction } = context;
    const legs = buildLegs(await ops.listEffectiveCustodyEvents(shipment.id));
    const names = await orgNames();
    const attribution = attributeExcursion({ legs, limit, activeAt: alert.activeAt, previousReadingAt: context.previousReadingAt, maxGapMs: profile.maxReadingGapMs, orgNames: names });
    if (JSON.stringify(attribution) === JSON.stringify(alert.attribution)) return false;
    const review = await ops.getReviewForAlert(alert.id);
    if (review?.decision && review.decision.decidedBy !== LATE_DATA_DECIDER && review.decision.decidedBy !== CORRECTION_DECIDER) {
      // A person weighed the evidence and decided: the decision stands, with its claim, until a person
      // revisits it (as for late data); the correction is on record for them.
      log.info({ alertId: alert.id, shipmentId: shipment.id, reviewId: review.id, correctionId: correction.id, recomputed: attribution.orgId }, 'alert.reattribution_left_to_review');
      return false;
    }
    const now = clock.now();
    const routedTo = attribution.orgId && !alert.routedTo.includes(attribution.orgId) ? [...alert.routedTo, attribution.orgId] : alert.routedTo;
    const updated: Alert = { ...alert, attribution, routedTo, updatedAt: now };
    await ops.updateAlert(updated);
    log.info({ alertId: alert.id, shipmentId: shipment.id, ruleId: alert.ruleId, correctionId: correction.id, previous: alert.attribution.orgId, next: attribution.orgId, attribution: attribution.status }, 'alert.reattributed');

    if (attribution.status === 'indeterminate') {
      await openReview(updated, now);
    } else if (review?.state === 'open') {
      const outcome = await ops.decideReview(
        review.id,
        { liableOrgId: attribution.orgId, reason: `superseded: the corrected custody settles the attribution: ${attribution.reason.en}`, decidedBy: CORRECTION_DECIDER, decidedAt: now },
        null,
      );
      if (outcome.status === 'decided') log.info({ reviewId: review.id, alertId: alert.id, shipmentId: shipment.id, liableOrgId: attribution.orgId }, 'review.superseded');
    }

    const liable = attribution.orgId ? await ops.getOrganisation(attribution.orgId) : undefined;
    const claimable = decideClaim({ profile, limit, outsideMs: alert.outsideMs, attribution, liableOrgKind: liable?.kind ?? null, value: shipment }).shouldFile;
    const leg = claimable ? legs.find((l) => l.index === attribution.legIndex) : undefined;
    const passesTo = leg && attribution.orgId ? { stage: STAGE_NAMES[leg.stage], holder: names[attribution.orgId] ?? { zh: attribution.orgId, en: attribution.orgId } } : null;
    const stale = (await ops.listClaims({ shipmentId: shipment.id })).filter((c) => c.alertId === alert.id && isClaimStanding(c.status) && c.liableOrgId !== attribution.orgId);
    for (const claim of stale) {
      const withdrawn = await ops.withdrawClaim(claim.id, now, correctionWithdrawalReason(correction, passesTo));
      if (withdrawn) log.info({ claimId: claim.id, shipmentId: claim.shipmentId, liableOrgId: claim.liableOrgId, nowLiableOrgId: attribution.orgId, correctionId: correction.id }, 'claim.withdrawn');
    }
    if (limit.isClaimable) await fileClaimIfDue(updated, { shipment, profile, limit });
    return true;
  }

  return {
    reconcile,
    reattribute,
    /** The excursion is firing: open or update its alert, file the claim when due. Returns the alert id. */
    async recordFiring(update: ExcursionUpdate, isNewlyFiring: boolean): Promise<string> {
      let alert = update.alertId && !isNewlyFiring ? await ops.getAlert(update.alertId) : undefined;
      if (!alert) {
        alert = await open(update);
      } else {
        alert = { ...alert, ...measures(update.state), updatedAt: clock.now() };
        await ops.updateAlert(alert);
      }
      await fileClaimIfDue(alert, update);
      return alert.id;
    },

    /**
     * The excursion ended: the alert's condition is cleared, and the alert stays as it is (open, or
     * acknowledged) until a person resolves it with a note. An excursion is a loss someone may have to
     * pay for: it stays in front of people until a person has seen it (issue 9, item 7; derived state
     * "cleared, awaiting acknowledgement", as ThingsBoard's CLEARED_UNACK), and the timers keep
     * reminding and escalating it while it is unacknowledged. Warnings and no-data alerts still clear
     * themselves (warning-recorder.ts; docs/decisions/0011-alerts-stay-until-seen.md).
     */
    async recordCleared(update: ExcursionUpdate, clearedAt: number, reason: string): Promise<void> {
      if (!update.alertId) return;
      const alert = await ops.getAlert(update.alertId);
      if (!alert) return;
      const now = clock.now();
      const cleared: Alert = { ...alert, ...measures(update.state), conditionState: 'cleared', clearedAt, updatedAt: now };
      await ops.updateAlert(cleared);
      log.info({ alertId: alert.id, shipmentId: alert.shipmentId, ruleId: alert.ruleId, status: alert.status, reason }, 'alert.cleared');
      await publishAlert('alert.cleared', cleared);
    },
  };
}

function lateNote(activeAt: number, knownAt: number): LocalizedText {
  const at = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return {
    zh: `由迟到的缓存数据发现：超温始于 ${at(activeAt)}（设备时间），${at(knownAt)} 才收到`,
    en: `Raised from late data: the excursion began at ${at(activeAt)} (device time), known at ${at(knownAt)}`,
  };
}

function measures(state: RuleState): Pick<Alert, 'peakTempC' | 'outsideMs' | 'degreeMinutes'> {
  return { peakTempC: state.peakTempC ?? state.lastTempC ?? 0, outsideMs: state.outsideMs, degreeMinutes: state.degreeMinutes };
}

export type ExcursionRecorder = ReturnType<typeof createExcursionRecorder>;
