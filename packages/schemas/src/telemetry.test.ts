import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeTelemetry, MAX_MESSAGE_BYTES, MAX_READINGS_PER_MESSAGE } from './telemetry.ts';
import type { TelemetryRejectCode } from './telemetry.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
// 2025-05-20T00:00:00Z, a lychee harvest morning in Hainan (08:00 +08:00).
const T0 = Date.UTC(2025, 4, 20);

describe('decodeTelemetry: accepted messages', () => {
  const cases: Array<{ name: string; payload: string; seq: number | null; readings: Array<{ sampledAt: number; tempC: number; rhPct: number | null }> }> = [
    {
      name: 'epoch milliseconds, with seq and humidity',
      payload: JSON.stringify({ seq: 17, readings: [{ ts: T0, tempC: 4.2, rhPct: 91.5 }, { ts: T0 + 60_000, tempC: -0.5, rhPct: 0 }] }),
      seq: 17,
      readings: [
        { sampledAt: T0, tempC: 4.2, rhPct: 91.5 },
        { sampledAt: T0 + 60_000, tempC: -0.5, rhPct: 0 },
      ],
    },
    {
      name: 'ISO-8601 with a +08:00 offset is converted to epoch ms',
      payload: '{"readings":[{"ts":"2025-05-20T08:00:00+08:00","tempC":5}]}',
      seq: null,
      readings: [{ sampledAt: T0, tempC: 5, rhPct: null }],
    },
    {
      name: 'ISO-8601 in UTC with milliseconds',
      payload: '{"seq":0,"readings":[{"ts":"2025-05-20T00:00:00.250Z","tempC":28.4,"rhPct":100}]}',
      seq: 0,
      readings: [{ sampledAt: T0 + 250, tempC: 28.4, rhPct: 100 }],
    },
    {
      name: 'seq and humidity omitted',
      payload: JSON.stringify({ readings: [{ ts: 0, tempC: 15 }] }),
      seq: null,
      readings: [{ sampledAt: 0, tempC: 15, rhPct: null }],
    },
    {
      name: 'humidity null (no humidity sensor) is the same as absent',
      payload: JSON.stringify({ readings: [{ ts: T0, tempC: 4, rhPct: null }] }),
      seq: null,
      readings: [{ sampledAt: T0, tempC: 4, rhPct: null }],
    },
    {
      // A newer firmware may add fields; v1 stays backward compatible.
      name: 'unknown extra fields are ignored',
      payload: JSON.stringify({ seq: 3, battery: 87, readings: [{ ts: T0, tempC: 4, probe: 'inner' }] }),
      seq: 3,
      readings: [{ sampledAt: T0, tempC: 4, rhPct: null }],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      expect(decodeTelemetry(bytes(c.payload))).toEqual({ ok: true, isSigned: false, message: { seq: c.seq, readings: c.readings } });
    });
  }
});

describe('decodeTelemetry: refused messages', () => {
  const oneReading = (reading: Record<string, unknown>) => JSON.stringify({ readings: [reading] });
  const cases: Array<{ name: string; payload: string | Uint8Array; code: TelemetryRejectCode; reason: RegExp }> = [
    { name: 'empty payload', payload: '', code: 'message.empty', reason: /empty/ },
    { name: 'malformed JSON', payload: '{"readings":[{"ts":1,', code: 'message.not_json', reason: /JSON/ },
    { name: 'plain text', payload: 'temp=4.2', code: 'message.not_json', reason: /JSON/ },
    { name: 'a JSON array instead of an object', payload: '[{"ts":1,"tempC":4}]', code: 'message.invalid', reason: /object/ },
    { name: 'JSON null', payload: 'null', code: 'message.invalid', reason: /object/ },
    { name: 'readings missing', payload: '{"seq":1}', code: 'message.invalid', reason: /^readings: .*array/ },
    { name: 'readings not an array', payload: '{"readings":{"ts":1,"tempC":4}}', code: 'message.invalid', reason: /^readings: .*array/ },
    { name: 'readings empty', payload: '{"readings":[]}', code: 'message.invalid', reason: /^readings: .*at least one/ },
    { name: 'tempC as a string', payload: oneReading({ ts: T0, tempC: '4.2' }), code: 'message.invalid', reason: /readings\[0\]\.tempC: .*number/ },
    { name: 'tempC missing', payload: oneReading({ ts: T0 }), code: 'message.invalid', reason: /readings\[0\]\.tempC: .*number/ },
    // JSON.parse turns 1e999 into Infinity: a number type, but no temperature.
    { name: 'tempC 1e999 (Infinity)', payload: `{"readings":[{"ts":${T0},"tempC":1e999}]}`, code: 'message.invalid', reason: /readings\[0\]\.tempC: .*(number|finite)/ },
    { name: 'tempC -1e999 (-Infinity)', payload: `{"readings":[{"ts":${T0},"tempC":-1e999}]}`, code: 'message.invalid', reason: /readings\[0\]\.tempC: .*(number|finite)/ },
    { name: 'rhPct above 100', payload: oneReading({ ts: T0, tempC: 4, rhPct: 100.5 }), code: 'message.invalid', reason: /readings\[0\]\.rhPct: .*100/ },
    { name: 'rhPct below 0', payload: oneReading({ ts: T0, tempC: 4, rhPct: -1 }), code: 'message.invalid', reason: /readings\[0\]\.rhPct: .*0/ },
    { name: 'rhPct as a string', payload: oneReading({ ts: T0, tempC: 4, rhPct: '90' }), code: 'message.invalid', reason: /readings\[0\]\.rhPct: .*number/ },
    { name: 'ts missing', payload: oneReading({ tempC: 4 }), code: 'message.invalid', reason: /readings\[0\]\.ts: .*epoch milliseconds/ },
    { name: 'ts ISO-8601 without offset', payload: oneReading({ ts: '2025-05-20T08:00:00', tempC: 4 }), code: 'message.invalid', reason: /readings\[0\]\.ts: .*offset/ },
    { name: 'ts a date without time', payload: oneReading({ ts: '2025-05-20', tempC: 4 }), code: 'message.invalid', reason: /readings\[0\]\.ts: .*ISO-8601/ },
    { name: 'ts an impossible date', payload: oneReading({ ts: '2025-02-30T08:00:00Z', tempC: 4 }), code: 'message.invalid', reason: /readings\[0\]\.ts: / },
    { name: 'ts negative', payload: oneReading({ ts: -5, tempC: 4 }), code: 'message.invalid', reason: /readings\[0\]\.ts: .*(0|negative)/ },
    { name: 'ts not an integer', payload: oneReading({ ts: T0 + 0.5, tempC: 4 }), code: 'message.invalid', reason: /readings\[0\]\.ts: .*integer/ },
    { name: 'ts 1e999 (Infinity)', payload: `{"readings":[{"ts":1e999,"tempC":4}]}`, code: 'message.invalid', reason: /readings\[0\]\.ts: / },
    { name: 'seq negative', payload: JSON.stringify({ seq: -1, readings: [{ ts: T0, tempC: 4 }] }), code: 'message.invalid', reason: /^seq: .*0/ },
    { name: 'seq not an integer', payload: JSON.stringify({ seq: 1.5, readings: [{ ts: T0, tempC: 4 }] }), code: 'message.invalid', reason: /^seq: .*integer/ },
    {
      name: 'a bad reading deep in the batch is named by its index',
      payload: JSON.stringify({ readings: [{ ts: T0, tempC: 4 }, { ts: T0 + 1, tempC: 4 }, { ts: T0 + 2, tempC: 4, rhPct: 140 }] }),
      code: 'message.invalid',
      reason: /^readings\[2\]\.rhPct: .*100/,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.code}`, () => {
      const result = decodeTelemetry(typeof c.payload === 'string' ? bytes(c.payload) : c.payload);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe(c.code);
      expect(result.reason).toMatch(c.reason);
    });
  }

  it('names the first five problems and counts the rest', () => {
    const readings = Array.from({ length: 8 }, (_, i) => ({ ts: T0 + i, tempC: 'warm' }));
    const result = decodeTelemetry(bytes(JSON.stringify({ readings })));

    expect(result).toMatchObject({ ok: false, code: 'message.invalid' });
    if (result.ok) return;
    for (let i = 0; i < 5; i++) expect(result.reason).toContain(`readings[${i}].tempC`);
    expect(result.reason).not.toContain('readings[5]');
    expect(result.reason).toMatch(/and 3 more$/);
  });
});

describe('decodeTelemetry: size limits', () => {
  const minimal = '{"readings":[{"ts":1,"tempC":4}]}';
  // JSON allows trailing whitespace: pad a valid message to an exact size.
  const padded = (size: number) => bytes(minimal + ' '.repeat(size - minimal.length));

  it('accepts a message of exactly 1 MiB', () => {
    const payload = padded(MAX_MESSAGE_BYTES);
    expect(payload.byteLength).toBe(1024 * 1024);
    expect(decodeTelemetry(payload).ok).toBe(true);
  });

  it('refuses a message one byte over 1 MiB, unread', () => {
    const result = decodeTelemetry(padded(1024 * 1024 + 1));
    expect(result).toMatchObject({ ok: false, code: 'message.too_large' });
    if (!result.ok) expect(result.reason).toContain(String(1024 * 1024 + 1));
  });

  it('refuses an oversized message before trying to parse it', () => {
    // Not JSON at all: the size check must come first, so the code is too_large, not not_json.
    const result = decodeTelemetry(new Uint8Array(2 * 1024 * 1024).fill(0x7b));
    expect(result).toMatchObject({ ok: false, code: 'message.too_large' });
  });

  const batch = (count: number) =>
    bytes(JSON.stringify({ seq: 1, readings: Array.from({ length: count }, (_, i) => ({ ts: T0 + i * 60_000, tempC: 4 + (i % 10) / 10, rhPct: 90 })) }));

  it('accepts 10,000 readings in one message, all of them, in order', () => {
    expect(MAX_READINGS_PER_MESSAGE).toBe(10_000);
    const result = decodeTelemetry(batch(10_000));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.message.readings).toHaveLength(10_000);
    expect(result.message.readings[9_999]).toEqual({ sampledAt: T0 + 9_999 * 60_000, tempC: 4.9, rhPct: 90 });
  });

  it('refuses 10,001 readings, saying the limit', () => {
    const result = decodeTelemetry(batch(10_001));
    expect(result).toMatchObject({ ok: false, code: 'message.invalid' });
    if (!result.ok) expect(result.reason).toMatch(/^readings: .*10000/);
  });
});

describe('decodeTelemetry: a key twice in one object → message.duplicate_key (issue 8)', () => {
  // JSON.stringify cannot write a key twice: these payloads are written out by hand.
  const cases: Array<{ name: string; payload: string; reason: string }> = [
    { name: 'the issue 8 example: tempC 4, then 30', payload: '{"readings":[{"ts":1,"tempC":4,"tempC":30}]}', reason: 'readings[0]: key "tempC" appears twice' },
    { name: 'ts twice in a later reading', payload: `{"readings":[{"ts":${T0},"tempC":4},{"ts":${T0},"tempC":4,"ts":${T0 + 1}}]}`, reason: 'readings[1]: key "ts" appears twice' },
    { name: 'rhPct twice, one of them null', payload: `{"readings":[{"ts":${T0},"tempC":4,"rhPct":null,"rhPct":20}]}`, reason: 'readings[0]: key "rhPct" appears twice' },
    { name: 'seq twice', payload: `{"seq":1,"readings":[{"ts":${T0},"tempC":4}],"seq":2}`, reason: '(top level): key "seq" appears twice' },
    { name: 'readings twice (the second would replace the first)', payload: `{"readings":[{"ts":${T0},"tempC":4}],"readings":[{"ts":${T0},"tempC":30}]}`, reason: '(top level): key "readings" appears twice' },
    { name: 'in an unknown extra field, which the schema ignores', payload: `{"meta":{"fw":"1.2","fw":"1.3"},"readings":[{"ts":${T0},"tempC":4}]}`, reason: 'meta: key "fw" appears twice' },
    { name: 'written once plain, once escaped', payload: String.raw`{"readings":[{"ts":1,"tempC":4,"t\u0065mpC":30}]}`, reason: 'readings[0]: key "tempC" appears twice' },
    {
      name: 'after a string value holding braces, quotes and colons',
      payload: String.raw`{"note":"{\"tempC\":30}","readings":[{"ts":1,"probe":"a:\"}{\\","tempC":4,"tempC":30}]}`,
      reason: 'readings[0]: key "tempC" appears twice',
    },
    { name: 'even when the message is otherwise invalid (the duplicate is named first)', payload: '{"readings":[{"tempC":"warm","tempC":30}]}', reason: 'readings[0]: key "tempC" appears twice' },
    {
      name: 'inside the signed string of an envelope (device without a key)',
      payload: JSON.stringify({ signed: `{"readings":[{"ts":${T0},"tempC":4,"tempC":30}]}`, sig: 'AAAA' }),
      reason: 'signed: readings[0]: key "tempC" appears twice',
    },
    { name: 'in the envelope itself: "signed" twice', payload: `{"signed":"{}","sig":"AAAA","signed":${JSON.stringify(JSON.stringify({ readings: [{ ts: T0, tempC: 30 }] }))}}`, reason: '(top level): key "signed" appears twice' },
    { name: 'in the last of 10,000 readings', payload: bigPayload(10_000, ',"tempC":30'), reason: 'readings[9999]: key "tempC" appears twice' },
  ];

  for (const c of cases) {
    it(c.name, () => {
      expect(decodeTelemetry(bytes(c.payload))).toEqual({ ok: false, code: 'message.duplicate_key', reason: c.reason });
    });
  }

  const accepted: Array<{ name: string; payload: string; tempC: number }> = [
    { name: 'keys that differ only in case are different fields', payload: `{"readings":[{"ts":${T0},"tempC":4,"TempC":30,"tempc":30}]}`, tempC: 4 },
    { name: 'a key with a trailing space is a different field', payload: `{"readings":[{"ts":${T0},"tempC":4,"tempC ":30}]}`, tempC: 4 },
    { name: 'a repeated key inside a string value is no key', payload: String.raw`{"note":"{\"tempC\":4,\"tempC\":30}","readings":[{"ts":${T0},"tempC":4}]}`, tempC: 4 },
    { name: 'the same keys in every reading', payload: `{"readings":[{"ts":${T0},"tempC":4},{"ts":${T0 + 1},"tempC":4}]}`, tempC: 4 },
    { name: 'the same key at different depths', payload: `{"tempC":99,"readings":[{"ts":${T0},"tempC":4,"probe":{"tempC":5}}]}`, tempC: 4 },
  ];
  for (const c of accepted) {
    it(`accepts: ${c.name}`, () => {
      const result = decodeTelemetry(bytes(c.payload));
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.message.readings[0]!.tempC).toBe(c.tempC);
    });
  }

  it('accepts 10,000 readings without a repeated key', () => {
    expect(decodeTelemetry(bytes(bigPayload(10_000, ''))).ok).toBe(true);
  });

  it('refuses a correctly signed message whose signed string repeats a key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signed = `{"seq":5,"readings":[{"ts":${T0},"tempC":4,"tempC":30}]}`;
    const payload = JSON.stringify({ signed, sig: sign(null, Buffer.from(signed, 'utf8'), privateKey).toString('base64') });
    expect(decodeTelemetry(bytes(payload), publicKey)).toEqual({ ok: false, code: 'message.duplicate_key', reason: 'signed: readings[0]: key "tempC" appears twice' });
  });

  it('says signature.invalid, not duplicate_key, when the signature does not hold', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const payload = JSON.stringify({ signed: `{"readings":[{"ts":${T0},"tempC":4,"tempC":30}]}`, sig: Buffer.alloc(64).toString('base64') });
    expect(decodeTelemetry(bytes(payload), publicKey)).toMatchObject({ ok: false, code: 'signature.invalid' });
  });
});

/** A message of `count` readings; `extra` is appended to the last reading's fields. */
function bigPayload(count: number, extra: string): string {
  const readings = Array.from({ length: count }, (_, i) => `{"ts":${T0 + i * 60_000},"tempC":4,"rhPct":90${i === count - 1 ? extra : ''}}`);
  return `{"seq":1,"readings":[${readings.join(',')}]}`;
}
