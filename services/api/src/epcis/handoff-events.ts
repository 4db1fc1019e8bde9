import type { CustodyCorrection, CustodyEvent, Stage } from '@coldchain/domain';
import type { EpcisInput, ObjectEvent, SensorElement } from './epcis-types.ts';
import { correctionEventUri, custodyEventUri, METHOD_URIS, partyUri, placeUri, productClassUri, shipmentUri, stationUri } from './epcis-uris.ts';
import { iso, TIME_ZONE_OFFSET } from './epcis-time.ts';

/**
 * What a handoff into each stage is in the CBV 2.0 vocabulary. A handoff to a carrier is `shipping`
 * (CBV: staging, loading, departing and the carrier's accepting, when they are not recorded apart);
 * into the hub and at delivery the goods are `receiving`. The shipment's start at the packhouse (the
 * shipper's cold room, pre-cooling) is `storing`. Goods in transit have no business location (CBV:
 * bizLocation is where the objects are until a later event, omitted while they travel).
 */
const HANDOFF_STEPS: Readonly<Record<Stage, { bizStep: string; disposition: string | null; isAtLocation: boolean }>> = {
  packhouse: { bizStep: 'storing', disposition: 'in_progress', isAtLocation: true },
  first_mile: { bizStep: 'shipping', disposition: 'in_transit', isAtLocation: false },
  hub: { bizStep: 'receiving', disposition: 'in_progress', isAtLocation: true },
  line_haul: { bizStep: 'shipping', disposition: 'in_transit', isAtLocation: false },
  last_mile: { bizStep: 'shipping', disposition: 'in_transit', isAtLocation: false },
  delivered: { bizStep: 'receiving', disposition: null, isAtLocation: true },
};

/** Custody events in the order they take effect (the order buildLegs uses). */
export function inCustodyOrder(events: readonly CustodyEvent[]): CustodyEvent[] {
  return [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
}

/** Whether a probe temperature is beyond any of the profile's limits. */
function isBeyondLimit(profile: EpcisInput['profile'], tempC: number): boolean {
  return profile.limits.some((limit) => (limit.direction === 'above' ? tempC > limit.thresholdC : tempC < limit.thresholdC));
}

/** The probe temperature taken at a handoff, as a sensor element. */
function probeElement(input: EpcisInput, event: CustodyEvent, probeTempC: number): SensorElement {
  return {
    sensorMetadata: { time: iso(event.at), dataProcessingMethod: METHOD_URIS.handoffProbe },
    sensorReport: [
      {
        type: 'gs1:Temperature',
        value: probeTempC,
        uom: 'CEL',
        time: iso(event.at),
        ...(isBeyondLimit(input.profile, probeTempC) ? { exception: 'ALARM_CONDITION' as const } : {}),
      },
    ],
  };
}

/** Renders handoffs in custody order; the giving party of each is the holder before it in `events`. */
function renderHandoffs(input: EpcisInput, events: readonly CustodyEvent[], eventIdOf: (event: CustodyEvent) => string): Map<string, ObjectEvent> {
  const { shipment } = input;
  const out = new Map<string, ObjectEvent>();
  let holderOrgId: string | null = null;
  inCustodyOrder(events).forEach((event, order) => {
    const step = HANDOFF_STEPS[event.stage];
    const station = event.station === null ? null : stationUri(event.station);
    const sources: ObjectEvent['sourceList'] = [];
    const destinations: ObjectEvent['destinationList'] = [];
    if (holderOrgId !== null) sources.push({ type: 'possessing_party', source: partyUri(holderOrgId) });
    else sources.push({ type: 'location', source: placeUri(shipment.origin) });
    if (event.stage === 'delivered' || event.toOrgId === null) {
      destinations.push({ type: 'location', destination: placeUri(shipment.destination) });
    } else {
      destinations.push({ type: 'possessing_party', destination: partyUri(event.toOrgId) });
    }
    // The shipper owns the goods throughout carriage: said once, where the journey starts.
    if (order === 0) destinations.push({ type: 'owning_party', destination: partyUri(shipment.shipperOrgId) });
    out.set(event.id, {
      type: 'ObjectEvent',
      eventID: eventIdOf(event),
      eventTime: iso(event.at),
      eventTimeZoneOffset: TIME_ZONE_OFFSET,
      recordTime: iso(event.recordedAt),
      epcList: [shipmentUri(shipment.id)],
      quantityList: [{ epcClass: productClassUri(shipment.profileId), quantity: shipment.boxes }],
      action: 'OBSERVE',
      bizStep: step.bizStep,
      ...(step.disposition === null ? {} : { disposition: step.disposition }),
      ...(station === null ? {} : { readPoint: { id: station } }),
      ...(station !== null && step.isAtLocation ? { bizLocation: { id: station } } : {}),
      sourceList: sources,
      destinationList: destinations,
      ...(event.probeTempC === null ? {} : { sensorElementList: [probeElement(input, event, event.probeTempC)] }),
      'coldchain:stage': event.stage,
    });
    if (event.stage !== 'delivered' && event.toOrgId !== null) holderOrgId = event.toOrgId;
  });
  return out;
}

/**
 * One ObjectEvent (action OBSERVE) per handoff in effect: who gave the goods (source: possessing
 * party), who took them (destination: possessing party; at delivery the destination place), where it
 * was scanned (readPoint; bizLocation when the goods stay there), and the probe temperature when one
 * was taken.
 *
 * A corrected handoff is shown the EPCIS way: the event as recorded carries an errorDeclaration
 * (reason `incorrect_data`, declared when first corrected) naming its corrective event, and the
 * corrective event (eventID: the correction in effect) holds the corrected handoff, the corrections'
 * who and why, and the event it corrects. The original stays in the document, as in the record.
 */
export function handoffEvents(input: EpcisInput): ObjectEvent[] {
  const correctionsOf = new Map<string, CustodyCorrection[]>();
  for (const correction of [...input.corrections].sort((a, b) => a.seq - b.seq)) {
    correctionsOf.set(correction.eventId, [...(correctionsOf.get(correction.eventId) ?? []), correction]);
  }
  const inEffect = (eventId: string) => correctionsOf.get(eventId)?.at(-1);
  const effective = renderHandoffs(input, input.events, (event) => {
    const correction = inEffect(event.id);
    return correction ? correctionEventUri(correction.id) : custodyEventUri(event.id);
  });
  const retracted: ObjectEvent[] = [];
  const recorded = renderHandoffs(input, input.recordedEvents, (event) => custodyEventUri(event.id));
  for (const [eventId, corrections] of correctionsOf) {
    const original = recorded.get(eventId);
    const corrective = effective.get(eventId);
    if (!original || !corrective) continue;
    const latest = corrections.at(-1)!;
    retracted.push({
      ...original,
      errorDeclaration: { declarationTime: iso(corrections[0]!.recordedAt), reason: 'incorrect_data', correctiveEventIDs: [correctionEventUri(latest.id)] },
    });
    Object.assign(corrective, {
      recordTime: iso(latest.recordedAt),
      'coldchain:corrects': custodyEventUri(eventId),
      'coldchain:corrections': corrections.map((c) => ({
        'coldchain:correctionId': c.id,
        'coldchain:changedFields': Object.keys(c.changes),
        'coldchain:reason': c.reason,
        'coldchain:correctedBy': c.correctedBy,
        'coldchain:recordTime': iso(c.recordedAt),
      })),
    });
  }
  return [...retracted, ...effective.values()];
}
