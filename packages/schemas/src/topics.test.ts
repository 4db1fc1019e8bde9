import { describe, expect, it } from 'vitest';
import { isValidDeviceId, parseDeviceTopic, statusTopic, TELEMETRY_FILTER, telemetryTopic } from './topics.ts';

describe('parseDeviceTopic', () => {
  const accepted: Array<[topic: string, deviceId: string, kind: 'telemetry' | 'status']> = [
    ['coldchain/v1/devices/logger-hn-0042/telemetry', 'logger-hn-0042', 'telemetry'],
    ['coldchain/v1/devices/logger-hn-0042/status', 'logger-hn-0042', 'status'],
    ['coldchain/v1/devices/A1_b.2/telemetry', 'A1_b.2', 'telemetry'],
    ['coldchain/v1/devices/abc/telemetry', 'abc', 'telemetry'],
    [`coldchain/v1/devices/${'x'.repeat(64)}/status`, 'x'.repeat(64), 'status'],
  ];
  for (const [topic, deviceId, kind] of accepted) {
    it(`accepts ${topic}`, () => {
      expect(parseDeviceTopic(topic)).toEqual({ deviceId, kind });
    });
  }

  const refused: Array<[why: string, topic: string]> = [
    ['single-level wildcard as the id', 'coldchain/v1/devices/+/telemetry'],
    ['multi-level wildcard', 'coldchain/v1/devices/#'],
    ['wildcard as the kind', 'coldchain/v1/devices/logger-01/+'],
    ['wildcard inside the id', 'coldchain/v1/devices/logger+01/telemetry'],
    ['another version', 'coldchain/v2/devices/logger-01/telemetry'],
    ['another prefix', 'acme/v1/devices/logger-01/telemetry'],
    ['another collection', 'coldchain/v1/device/logger-01/telemetry'],
    ['an alerts topic', 'coldchain/v1/alerts/org-hub'],
    ['a leading slash', '/coldchain/v1/devices/logger-01/telemetry'],
    ['a trailing slash', 'coldchain/v1/devices/logger-01/telemetry/'],
    ['an extra level', 'coldchain/v1/devices/logger-01/telemetry/extra'],
    ['a missing level', 'coldchain/v1/devices/telemetry'],
    ['an unknown kind', 'coldchain/v1/devices/logger-01/commands'],
    ['kind in another case', 'coldchain/v1/devices/logger-01/Telemetry'],
    ['an empty id', 'coldchain/v1/devices//telemetry'],
    ['an id too short', 'coldchain/v1/devices/ab/telemetry'],
    ['an id too long', `coldchain/v1/devices/${'x'.repeat(65)}/telemetry`],
    ['an id starting with a dash', 'coldchain/v1/devices/-logger/telemetry'],
    ['an id with a space', 'coldchain/v1/devices/logger 01/telemetry'],
    ['an id with non-ASCII letters', 'coldchain/v1/devices/温度计-01/telemetry'],
    ['an empty topic', ''],
  ];
  for (const [why, topic] of refused) {
    it(`refuses ${why}`, () => {
      expect(parseDeviceTopic(topic)).toBeNull();
    });
  }
});

describe('device topics', () => {
  const ids = ['logger-hn-0042', 'abc', 'A.B_C-9', 'x'.repeat(64)];

  it('round-trips telemetry and status topics through parseDeviceTopic', () => {
    for (const id of ids) {
      expect(parseDeviceTopic(telemetryTopic(id))).toEqual({ deviceId: id, kind: 'telemetry' });
      expect(parseDeviceTopic(statusTopic(id))).toEqual({ deviceId: id, kind: 'status' });
    }
  });

  it("puts a device's telemetry under the filter the consumers subscribe to", () => {
    const [filterHead, filterTail] = TELEMETRY_FILTER.split('/+/');
    for (const id of ids) expect(telemetryTopic(id)).toBe(`${filterHead}/${id}/${filterTail}`);
  });

  it('accepts only ids safe as MQTT topic levels and usernames', () => {
    const table: Array<[string, boolean]> = [
      ['logger-01', true],
      ['a.b', true],
      ['9_lives', true],
      ['ab', false],
      ['_logger', false],
      ['.hidden', false],
      ['a/b', false],
      ['a+b', false],
      ['a#b', false],
      ['logger-01\n', false],
      ['x'.repeat(64), true],
      ['x'.repeat(65), false],
    ];
    expect(table.map(([id]) => [id, isValidDeviceId(id)])).toEqual(table);
  });
});
