import { legAt } from '@coldchain/domain';
import type { Leg, Stage } from '@coldchain/domain';
import type { EpcisExcursion, EpcisInput, LegSeries, ObjectEvent, SensorElement } from './epcis-types.ts';
import { iso, languageTagged, TIME_ZONE_OFFSET } from './epcis-time.ts';
import { deviceUri, limitRuleUri, METHOD_URIS, partyUri, shipmentUri, stationUri } from './epcis-uris.ts';
import { intervalWindows } from './temperature-intervals.ts';
import type { TemperatureInterval } from './temperature-intervals.ts';

/** Whether the goods travel (a vehicle holds them) or wait at a station during a leg of this stage. */
function isTransport(stage: Exclude<Stage, 'delivered'>): boolean {
  return stage === 'first_mile' || stage === 'line_haul' || stage === 'last_mile';
}

/** Whether an interval [startAt, endAt) overlaps an excursion's span [onset, clearing) (still firing: to the end). */
export function meetsExcursion(interval: Pick<TemperatureInterval, 'startAt' | 'endAt'>, excursion: Pick<EpcisExcursion, 'activeAt' | 'clearedAt'>): boolean {
  return excursion.activeAt < interval.endAt && (excursion.clearedAt === null || interval.startAt < excursion.clearedAt);
}

/** One interval as a sensor element: min, max and mean of gs1:Temperature in CEL; an alarm when in an excursion. */
function intervalElement(input: EpcisInput, interval: TemperatureInterval): SensorElement {
  const isAlarm = input.excursions.some((excursion) => meetsExcursion(interval, excursion));
  return {
    sensorMetadata: {
      startTime: iso(interval.startAt),
      endTime: iso(interval.endAt),
      deviceID: deviceUri(input.shipment.deviceId),
      dataProcessingMethod: interval.source === 'hourly_rollup' ? METHOD_URIS.hourlyRollup : METHOD_URIS.rawReadings,
    },
    sensorReport: [
      {
        type: 'gs1:Temperature',
        minValue: interval.minC,
        maxValue: interval.maxC,
        meanValue: interval.meanC,
        uom: 'CEL',
        ...(isAlarm ? { exception: 'ALARM_CONDITION' as const } : {}),
        'coldchain:readingCount': interval.count,
      },
    ],
  };
}

/**
 * One ObjectEvent per leg carrying its temperature series: a sensor element per interval (an hour of
 * the grid, cut at the leg's handoffs), at the time the leg's series ends. In transit its step is
 * `transporting`, at a station `storing` (there with the station as readPoint and bizLocation). Hours of
 * the leg without readings have no element; the event counts them (unmonitored, never "no excursion").
 */
function legEvent(input: EpcisInput, leg: Leg, series: LegSeries | undefined): ObjectEvent {
  const intervals = series?.intervals ?? [];
  const windowCount = series ? intervalWindows(series.from, series.to).length : 0;
  const station = leg.station === null || isTransport(leg.stage) ? null : stationUri(leg.station);
  return {
    type: 'ObjectEvent',
    eventTime: iso(series?.to ?? leg.endedAt ?? leg.startedAt),
    eventTimeZoneOffset: TIME_ZONE_OFFSET,
    epcList: [shipmentUri(input.shipment.id)],
    action: 'OBSERVE',
    bizStep: isTransport(leg.stage) ? 'transporting' : 'storing',
    ...(station === null ? {} : { readPoint: { id: station }, bizLocation: { id: station } }),
    ...(intervals.length === 0 ? {} : { sensorElementList: intervals.map((interval) => intervalElement(input, interval)) }),
    'coldchain:legIndex': leg.index,
    'coldchain:stage': leg.stage,
    'coldchain:custodian': partyUri(leg.custodianOrgId),
    'coldchain:legStartTime': iso(leg.startedAt),
    ...(leg.endedAt === null ? {} : { 'coldchain:legEndTime': iso(leg.endedAt) }),
    'coldchain:readingCount': intervals.reduce((sum, interval) => sum + interval.count, 0),
    'coldchain:intervalsWithoutReadings': windowCount - intervals.length,
  };
}

/** The temperature events, one per leg, in leg order. */
export function legTemperatureEvents(input: EpcisInput): ObjectEvent[] {
  return input.legs.map((leg) => legEvent(input, leg, input.series.find((s) => s.legIndex === leg.index)));
}

/**
 * One ObjectEvent per excursion, at its onset: bizStep `sensor_reporting` (CBV: an event raised when
 * a set temperature threshold is crossed), a sensor report with exception ALARM_CONDITION and the
 * peak (maxValue above a high limit, minValue below a low one), the broken limit as bizRules, and the
 * excursion's measures and attribution as `coldchain:excursion` (nested fields namespaced too).
 */
export function excursionEvents(input: EpcisInput): ObjectEvent[] {
  const { shipment, profile } = input;
  return input.excursions.map((excursion) => {
    const leg = legAt(input.legs, excursion.activeAt);
    const { attribution } = excursion;
    return {
      type: 'ObjectEvent',
      eventTime: iso(excursion.activeAt),
      eventTimeZoneOffset: TIME_ZONE_OFFSET,
      epcList: [shipmentUri(shipment.id)],
      action: 'OBSERVE',
      bizStep: 'sensor_reporting',
      sensorElementList: [
        {
          sensorMetadata: {
            startTime: iso(excursion.activeAt),
            ...(excursion.clearedAt === null ? {} : { endTime: iso(excursion.clearedAt) }),
            deviceID: deviceUri(shipment.deviceId),
            bizRules: limitRuleUri(profile.id, excursion.ruleId),
          },
          sensorReport: [
            {
              type: 'gs1:Temperature',
              exception: 'ALARM_CONDITION',
              ...(excursion.direction === 'above' ? { maxValue: excursion.peakTempC } : { minValue: excursion.peakTempC }),
              uom: 'CEL',
              'coldchain:thresholdC': excursion.thresholdC,
              'coldchain:direction': excursion.direction,
            },
          ],
        },
      ],
      ...(leg ? { 'coldchain:legIndex': leg.index, 'coldchain:custodian': partyUri(leg.custodianOrgId) } : {}),
      'coldchain:excursion': {
        'coldchain:alertId': excursion.id,
        'coldchain:ruleId': excursion.ruleId,
        'coldchain:direction': excursion.direction,
        'coldchain:thresholdC': excursion.thresholdC,
        'coldchain:peakTempC': excursion.peakTempC,
        'coldchain:onsetTime': iso(excursion.activeAt),
        'coldchain:clearedTime': excursion.clearedAt === null ? null : iso(excursion.clearedAt),
        'coldchain:isOngoing': excursion.clearedAt === null,
        'coldchain:outsideMinutes': Math.round(excursion.outsideMs / 60_000),
        'coldchain:degreeMinutes': excursion.degreeMinutes,
        'coldchain:attribution': {
          'coldchain:status': attribution.status,
          'coldchain:liableParty': attribution.orgId === null ? null : partyUri(attribution.orgId),
          'coldchain:legIndex': attribution.legIndex,
          'coldchain:reason': languageTagged(attribution.reason),
        },
      },
    };
  });
}
