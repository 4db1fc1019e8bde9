import type { EpcisDocument, EpcisInput, ObjectEvent, Vocabulary } from './epcis-types.ts';
import { iso, languageTagged } from './epcis-time.ts';
import { EXTENSION_NAMESPACE, limitRuleUri, partyUri, placeUri, productClassUri, shipmentUri, stationUri } from './epcis-uris.ts';
import { excursionEvents, legTemperatureEvents } from './sensor-events.ts';
import { handoffEvents, inCustodyOrder } from './handoff-events.ts';
import { INTERVAL_MS } from './temperature-intervals.ts';

/** The JSON-LD context GS1 publishes for EPCIS 2.0, and this service's extension namespace. */
export const EPCIS_CONTEXT = ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { coldchain: EXTENSION_NAMESPACE }];

/** CBV master-data attribute for a display name. */
const NAME_ATTRIBUTE = 'urn:epcglobal:cbv:mda#name';

/**
 * Names for the URIs the events use, as EPCIS master data: stations (read points and business
 * locations), and parties and places (sources and destinations).
 */
function masterData(input: EpcisInput): Vocabulary[] {
  const allEvents = [...input.recordedEvents, ...input.events];
  const stations = [...new Set(allEvents.map((e) => e.station).filter((s): s is string => s !== null))];
  const stationElements = stations.map((s) => ({ id: stationUri(s), attributes: [{ id: NAME_ATTRIBUTE, attribute: s }] }));
  const orgIds = [...new Set([input.shipment.shipperOrgId, ...allEvents.map((e) => e.toOrgId).filter((id): id is string => id !== null)])];
  const parties = [
    ...orgIds.map((id) => ({ id: partyUri(id), attributes: [{ id: NAME_ATTRIBUTE, attribute: input.orgNames[id] ?? id }] })),
    ...[...new Set([input.shipment.origin, input.shipment.destination])].map((p) => ({ id: placeUri(p), attributes: [{ id: NAME_ATTRIBUTE, attribute: p }] })),
  ];
  const vocabularies: Vocabulary[] = [];
  if (stationElements.length > 0) {
    vocabularies.push({ type: 'urn:epcglobal:epcis:vtype:ReadPoint', vocabularyElementList: stationElements });
    vocabularies.push({ type: 'urn:epcglobal:epcis:vtype:BusinessLocation', vocabularyElementList: stationElements });
  }
  vocabularies.push({ type: 'urn:epcglobal:epcis:vtype:SourceDest', vocabularyElementList: parties });
  return vocabularies;
}

/** Events in time order; at one instant a leg's series (which ends there) before the handoff, the handoff before an onset. */
function inTimeOrder(events: { event: ObjectEvent; rank: number }[]): ObjectEvent[] {
  return events
    .sort((a, b) => Date.parse(a.event.eventTime) - Date.parse(b.event.eventTime) || a.rank - b.rank)
    .map(({ event }) => event);
}

/**
 * Builds the shipment's GS1 EPCIS 2.0 document (JSON-LD): an ObjectEvent per handoff, one per leg with
 * its temperature series (min/max/mean per interval), and one per excursion. Pure: the input holds
 * everything, `input.createdAt` is the creation date. docs/epcis-export.md describes the mapping.
 */
export function buildEpcisDocument(input: EpcisInput): EpcisDocument {
  const { shipment, profile } = input;
  const events = inTimeOrder([
    ...legTemperatureEvents(input).map((event) => ({ event, rank: 0 })),
    ...handoffEvents(input).map((event) => ({ event, rank: 1 })),
    ...excursionEvents(input).map((event) => ({ event, rank: 2 })),
  ]);
  const delivery = inCustodyOrder(input.events).find((e) => e.stage === 'delivered');
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: iso(input.createdAt),
    epcisHeader: { epcisMasterData: { vocabularyList: masterData(input) } },
    epcisBody: { eventList: events },
    'coldchain:shipment': {
      'coldchain:id': shipmentUri(shipment.id),
      'coldchain:traceCode': shipment.traceCode,
      'coldchain:origin': shipment.origin,
      'coldchain:destination': shipment.destination,
      'coldchain:boxes': shipment.boxes,
      'coldchain:startTime': iso(shipment.startedAt),
      'coldchain:deliveryTime': delivery ? iso(delivery.at) : null,
      'coldchain:product': {
        'coldchain:epcClass': productClassUri(profile.id),
        'coldchain:name': languageTagged(profile.name),
        'coldchain:optimumMinC': profile.optimumC.min,
        'coldchain:optimumMaxC': profile.optimumC.max,
        'coldchain:limits': profile.limits.map((limit) => ({ 'coldchain:rule': limitRuleUri(profile.id, limit.id), 'coldchain:direction': limit.direction, 'coldchain:thresholdC': limit.thresholdC })),
      },
      'coldchain:temperatureSeries': {
        'coldchain:intervalMinutes': INTERVAL_MS / 60_000,
        'coldchain:note':
          "Hours of the UTC grid cut at the handoffs: a whole hour inside a leg comes from the hourly rollup, a part of an hour at a leg's edge from the raw readings; readings after the delivery are not the shipment's and are left out.",
      },
    },
  };
}
