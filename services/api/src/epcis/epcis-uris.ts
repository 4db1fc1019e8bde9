/**
 * The identifiers of the EPCIS export. The parties, stations and goods of this service have no GS1 keys
 * (no company prefix, GLN or SSCC), and EPCIS 2.0 takes any URI for them (it allows private identifiers
 * beside GS1 keys), so they are URNs under one private namespace, `urn:coldchain:`, stable
 * across deployments (no host name in them). Free text (station and place names) is percent-encoded.
 * docs/epcis-export.md lists them.
 */

const NS = 'urn:coldchain';

/** The namespace of this service's extension fields in the document's @context (`coldchain:…`). */
export const EXTENSION_NAMESPACE = `${NS}:epcis:`;

/** The shipment as one logistic unit (the role an SSCC plays): the EPC every event observes. */
export function shipmentUri(shipmentId: string): string {
  return `${NS}:shipment:${encodeURIComponent(shipmentId)}`;
}

/** The commodity (the product profile) as an EPC class, for the count of boxes. */
export function productClassUri(profileId: string): string {
  return `${NS}:product:${encodeURIComponent(profileId)}`;
}

/** An organisation (shipper, carrier, warehouse, courier) as a source or destination party. */
export function partyUri(orgId: string): string {
  return `${NS}:org:${encodeURIComponent(orgId)}`;
}

/** A station where handoffs are scanned, by its name (stations have no id of their own). */
export function stationUri(station: string): string {
  return `${NS}:station:${encodeURIComponent(station)}`;
}

/** A place named in the shipment (its origin or destination address). */
export function placeUri(place: string): string {
  return `${NS}:place:${encodeURIComponent(place)}`;
}

/** A temperature logger. */
export function deviceUri(deviceId: string): string {
  return `${NS}:device:${encodeURIComponent(deviceId)}`;
}

/** A limit of a product profile: the business rule an excursion broke (sensorMetadata.bizRules). */
export function limitRuleUri(profileId: string, limitId: string): string {
  return `${NS}:profile:${encodeURIComponent(profileId)}:limit:${encodeURIComponent(limitId)}`;
}

/** How a temperature interval was computed (sensorMetadata.dataProcessingMethod). */
export const METHOD_URIS = {
  /** A whole hour inside one leg, from the store's hourly rollup (min, max, sum, count). */
  hourlyRollup: `${NS}:method:hourly-rollup`,
  /** A part of an hour at a leg's edge (a handoff or delivery within the hour), from the raw readings. */
  rawReadings: `${NS}:method:raw-readings`,
  /** A probe reading taken by hand at a handoff. */
  handoffProbe: `${NS}:method:handoff-probe`,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id as an EPCIS eventID: a UUID as `urn:uuid:` (RFC 4122), any other id as a private URN of its kind. */
function eventUri(kind: string, id: string): string {
  return UUID.test(id) ? `urn:uuid:${id.toLowerCase()}` : `${NS}:${kind}:${encodeURIComponent(id)}`;
}

/** A custody event's (a handoff's, as recorded) EPCIS eventID. */
export function custodyEventUri(eventId: string): string {
  return eventUri('custody-event', eventId);
}

/** The eventID of a handoff as corrected: the correction in effect (the latest of the event's). */
export function correctionEventUri(correctionId: string): string {
  return eventUri('custody-correction', correctionId);
}
