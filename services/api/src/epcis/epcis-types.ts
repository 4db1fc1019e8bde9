import type { CustodyCorrection, CustodyEvent, Leg, LocalizedText } from '@coldchain/domain';
import type { Alert, Shipment } from '@coldchain/storage';
import type { TemperatureInterval } from './temperature-intervals.ts';

/** A leg's temperatures: the window of readings that are its own, and their intervals. */
export type LegSeries = {
  legIndex: number;
  /** The leg's readings are those with `from <= sampledAt < to` (to: the next handoff, the delivery, or when read). */
  from: number;
  to: number;
  /** Intervals holding readings, in time order; an hour without readings has none. */
  intervals: TemperatureInterval[];
};

/** An excursion as the export shows it: an excursion alert of the shipment. */
export type EpcisExcursion = Pick<Alert, 'id' | 'ruleId' | 'direction' | 'thresholdC' | 'activeAt' | 'clearedAt' | 'peakTempC' | 'outsideMs' | 'degreeMinutes' | 'attribution'>;

/** Everything the document is built from, read beforehand: the builder does no I/O and reads no clock. */
export type EpcisInput = {
  shipment: Pick<Shipment, 'id' | 'traceCode' | 'profileId' | 'shipperOrgId' | 'deviceId' | 'origin' | 'destination' | 'boxes' | 'startedAt' | 'deliveredAt'>;
  profile: { id: string; name: LocalizedText; optimumC: { min: number; max: number }; limits: { id: string; direction: 'above' | 'below'; thresholdC: number }[] };
  /** Display names of the organisations, by id (custodians and the shipper). */
  orgNames: Readonly<Record<string, string>>;
  /** The custody events (handoffs) in effect: as recorded, with their corrections applied. */
  events: readonly CustodyEvent[];
  /** The custody events as they were recorded, before any correction. */
  recordedEvents: readonly CustodyEvent[];
  /** The corrections of the custody events, in recording order. */
  corrections: readonly CustodyCorrection[];
  legs: readonly Leg[];
  series: readonly LegSeries[];
  /** The shipment's excursions: excursion alerts whose onset lies within the journey. */
  excursions: readonly EpcisExcursion[];
  /** When the document is made (creationDate). */
  createdAt: number;
};

/** An EPCIS 2.0 sensorReport; extension fields are `coldchain:` names. */
export type SensorReport = {
  type: string;
  uom?: string;
  value?: number;
  minValue?: number;
  maxValue?: number;
  meanValue?: number;
  time?: string;
  exception?: 'ALARM_CONDITION' | 'ERROR_CONDITION';
  [extension: `coldchain:${string}`]: unknown;
};

/** A sensorElement: metadata for its reports (device, interval, method, rule). */
export type SensorElement = {
  sensorMetadata?: { time?: string; startTime?: string; endTime?: string; deviceID?: string; dataProcessingMethod?: string; bizRules?: string };
  sensorReport: SensorReport[];
};

/** An EPCIS 2.0 ObjectEvent, the one event type this export uses. */
export type ObjectEvent = {
  type: 'ObjectEvent';
  eventID?: string;
  eventTime: string;
  eventTimeZoneOffset: string;
  recordTime?: string;
  epcList: string[];
  quantityList?: { epcClass: string; quantity: number; uom?: string }[];
  action: 'OBSERVE';
  bizStep?: string;
  disposition?: string;
  readPoint?: { id: string };
  bizLocation?: { id: string };
  sourceList?: { type: string; source: string }[];
  destinationList?: { type: string; destination: string }[];
  sensorElementList?: SensorElement[];
  errorDeclaration?: { declarationTime: string; reason: string; correctiveEventIDs: string[] };
  [extension: `coldchain:${string}`]: unknown;
};

/** A master-data vocabulary: names for the URIs the events use. */
export type Vocabulary = { type: string; vocabularyElementList: { id: string; attributes: { id: string; attribute: string }[] }[] };

/** The EPCIS 2.0 JSON-LD document. */
export type EpcisDocument = {
  '@context': (string | Record<string, string>)[];
  type: 'EPCISDocument';
  schemaVersion: '2.0';
  creationDate: string;
  epcisHeader: { epcisMasterData: { vocabularyList: Vocabulary[] } };
  epcisBody: { eventList: ObjectEvent[] };
  [extension: `coldchain:${string}`]: unknown;
};
