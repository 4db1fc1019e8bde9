import { describe, expect, it } from 'vitest';
import { describeDuplicateKey, findDuplicateKey } from './duplicate-keys.ts';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

// Texts are written out by hand (JSON.stringify cannot repeat a key); String.raw keeps the JSON escapes.
describe('findDuplicateKey: finds the first repeated key and where it is', () => {
  const cases: Array<{ name: string; text: string; path: string; key: string }> = [
    { name: 'the issue 8 example', text: '{"readings":[{"ts":1,"tempC":4,"tempC":30}]}', path: 'readings[0]', key: 'tempC' },
    { name: 'at the top level', text: '{"seq":1,"readings":[],"seq":2}', path: '', key: 'seq' },
    { name: 'in a later reading, counted past earlier ones', text: '{"readings":[{"ts":1,"tempC":4},{"ts":2,"tempC":4},{"ts":3,"rhPct":9,"tempC":4,"rhPct":90}]}', path: 'readings[2]', key: 'rhPct' },
    { name: 'after elements that are numbers, strings and arrays', text: '{"readings":[1,"a,b",[2,3],{"x":1,"x":2}]}', path: 'readings[3]', key: 'x' },
    { name: 'deep in arrays of arrays', text: '{"a":{"b":[[{"c":1}],[{"c":1},{"c":1,"d":2,"c":3}]]}}', path: 'a.b[1][1]', key: 'c' },
    { name: 'at the top level after a nested object closed', text: '{"a":{"b":1,"c":{}},"b":2,"a":3}', path: '', key: 'a' },
    { name: 'after empty objects and arrays', text: '{"a":{},"b":[],"c":[{}],"a":1}', path: '', key: 'a' },
    { name: 'in a top-level array', text: '[{"a":1},{"a":1,"a":2}]', path: '[1]', key: 'a' },
    { name: 'written with a \\u escape', text: String.raw`{"readings":[{"ts":1,"tempC":4,"t\u0065mpC":30}]}`, path: 'readings[0]', key: 'tempC' },
    { name: 'both written with different escapes', text: String.raw`{"\u0074empC":4,"temp\u0043":30}`, path: '', key: 'tempC' },
    { name: 'an escaped solidus equals a plain one', text: String.raw`{"a/b":1,"a\/b":2}`, path: '', key: 'a/b' },
    { name: 'a key that is one backslash', text: String.raw`{"\\":1,"\\":2}`, path: '', key: '\\' },
    { name: 'a key holding a quote', text: String.raw`{"a\"b":1,"a\"b":2}`, path: '', key: 'a"b' },
    { name: 'the empty key', text: '{"":1,"":2}', path: '', key: '' },
    { name: 'non-ASCII keys', text: '{"温度":4,"温度":30}', path: '', key: '温度' },
    { name: 'a surrogate pair escaped and written out', text: String.raw`{"🍋":1,"\ud83c\udf4b":2}`, path: '', key: '🍋' },
    { name: 'pretty-printed, with whitespace everywhere', text: '{\n  "readings" : [\n    { "ts" : 1 ,\r\n\t"ts" : 2 }\n  ]\n}', path: 'readings[0]', key: 'ts' },
    { name: 'a path through keys that are not identifiers', text: '{"a b":[{"c-d":{"e":1,"e":2}}]}', path: '["a b"][0]["c-d"]', key: 'e' },
    {
      name: 'after string values full of quotes, braces, brackets, colons, commas and backslashes',
      text: String.raw`{"note":"{\"tempC\":1},[\"x\"]:,","path":"C:\\dir\\","q":"\\\"","tempC":4,"tempC":5}`,
      path: '',
      key: 'tempC',
    },
    { name: 'in a big object (past the linear scan)', text: `{${Array.from({ length: 1000 }, (_, i) => `"k${i}":${i}`).join(',')},"k500":0}`, path: '', key: 'k500' },
    { name: 'in an object nested in a big object', text: `{${Array.from({ length: 20 }, (_, i) => `"k${i}":${i}`).join(',')},"n":{"x":1,"x":2}}`, path: 'n', key: 'x' },
    { name: 'in the last of 10,000 readings', text: bigMessage(10_000, ',"tempC":30'), path: 'readings[9999]', key: 'tempC' },
  ];

  for (const c of cases) {
    it(c.name, () => {
      expect(() => JSON.parse(c.text)).not.toThrow();
      expect(findDuplicateKey(utf8(c.text))).toEqual({ path: c.path, key: c.key });
    });
  }
});

describe('findDuplicateKey: texts without a repeated key', () => {
  const cases: Array<{ name: string; text: string }> = [
    { name: 'a plain message', text: '{"seq":1,"readings":[{"ts":1,"tempC":4,"rhPct":90},{"ts":2,"tempC":4}]}' },
    { name: 'the same keys in sibling objects', text: '{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}]}' },
    { name: 'the same key in an object and the one inside it', text: '{"a":{"a":{"a":1}}}' },
    { name: 'keys that differ in case', text: '{"tempC":4,"tempc":30,"TEMPC":1}' },
    { name: 'keys that differ by a trailing space or a zero-width space', text: '{"tempC":4,"tempC ":30,"tempC\u200b":1}' },
    { name: 'two lone surrogates, escaped', text: String.raw`{"\ud800":1,"\udc00":2}` },
    { name: 'keys that differ in Unicode normalisation (no normalisation in JSON)', text: '{"caf\u00e9":1,"cafe\u0301":2}' },
    { name: 'a key that is a prefix of another', text: '{"t":1,"ts":2,"ts2":3}' },
    { name: 'keys that differ only past an escape', text: String.raw`{"a\"b":1,"a\\b":2,"a\\\"b":3}` },
    { name: 'a repeated key inside a string value', text: String.raw`{"note":"{\"tempC\":4,\"tempC\":30}","tempC":4}` },
    { name: 'a string value equal to a key', text: '{"tempC":"tempC","x":["tempC","tempC"]}' },
    { name: 'a value ending in an escaped backslash', text: String.raw`{"a":"x\\","b":"\\\\","c":1}` },
    { name: 'scalars and arrays at the top', text: '[1,"a",null,true,[],{}]' },
    { name: 'a bare string', text: '"{\\"a\\":1,\\"a\\":2}"' },
    { name: 'many keys in one object', text: `{${Array.from({ length: 1000 }, (_, i) => `"k${i}":${i}`).join(',')}}` },
    { name: '10,000 readings', text: bigMessage(10_000, '') },
  ];

  for (const c of cases) {
    it(c.name, () => {
      expect(() => JSON.parse(c.text)).not.toThrow();
      expect(findDuplicateKey(utf8(c.text))).toBeNull();
    });
  }
});

describe('findDuplicateKey reads bytes as JSON.parse reads the decoded text', () => {
  it('takes two invalid UTF-8 sequences for the same key, as JSON.parse does (both decode to U+FFFD)', () => {
    const payload = Buffer.concat([utf8('{"a'), Buffer.from([0xff]), utf8('":1,"a'), Buffer.from([0xfe]), utf8('":2}')]);
    expect(Object.keys(JSON.parse(payload.toString('utf8')))).toHaveLength(1);
    expect(findDuplicateKey(payload)).toEqual({ path: '', key: 'a\ufffd' });
  });

  it('scans a Uint8Array that is a window on a larger buffer', () => {
    const whole = utf8('xx{"a":{"b":1,"b":2}}yy');
    expect(findDuplicateKey(new Uint8Array(whole.buffer, whole.byteOffset + 2, whole.byteLength - 4))).toEqual({ path: 'a', key: 'b' });
  });

  it('is not confused by a previous call on a text that was not JSON', () => {
    // Violates the precondition: it may throw (a bug in the caller), but must end and leave nothing behind.
    expect(() => findDuplicateKey(utf8(`{"k":{${Array.from({ length: 20 }, (_, i) => `"k${i}":1`).join(',')},"open`))).toThrow();
    expect(findDuplicateKey(utf8('{"k":{"open'))).toBeNull();
    expect(findDuplicateKey(utf8('{"k":{"k0":1}}'))).toBeNull();
  });
});

describe('findDuplicateKey agrees with a count of parsed keys on generated texts', () => {
  // Keys from a tiny alphabet (so they repeat often), holding the characters that matter to the scan.
  const ALPHABET = ['a', 'b', '"', '\\', '{', ':', ',', ']', 'é'];
  let seed = 8;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const randomKey = () => Array.from({ length: random(3) }, () => ALPHABET[random(ALPHABET.length)]).join('');
  // Writes a key as JSON, sometimes escaping every character as \uXXXX.
  const writeKey = (key: string) =>
    random(3) === 0 ? `"${[...key].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(key);

  // Returns the text and whether some object in it repeats a key.
  function generate(depth: number): { text: string; hasDuplicate: boolean } {
    const kind = depth > 3 ? 2 : random(3);
    if (kind === 2) return { text: random(2) === 0 ? JSON.stringify(randomKey()) : String(random(100)), hasDuplicate: false };
    const children = Array.from({ length: random(5) }, () => generate(depth + 1));
    const hasChildDuplicate = children.some((child) => child.hasDuplicate);
    if (kind === 0) return { text: `[${children.map((c) => c.text).join(',')}]`, hasDuplicate: hasChildDuplicate };
    const keys = children.map(() => randomKey());
    const text = `{${children.map((c, i) => `${writeKey(keys[i]!)}:${c.text}`).join(',')}}`;
    return { text, hasDuplicate: hasChildDuplicate || new Set(keys).size < keys.length };
  }

  it('on 2,000 random texts', () => {
    let withDuplicates = 0;
    for (let n = 0; n < 2_000; n++) {
      const { text, hasDuplicate } = generate(0);
      expect(() => JSON.parse(text)).not.toThrow();
      if (hasDuplicate) withDuplicates++;
      expect(findDuplicateKey(utf8(text)) !== null, text).toBe(hasDuplicate);
    }
    // The generator must produce both kinds, or the test proves nothing.
    expect(withDuplicates).toBeGreaterThan(200);
    expect(withDuplicates).toBeLessThan(1_800);
  });
});

describe('describeDuplicateKey', () => {
  it('names the path and the key', () => {
    expect(describeDuplicateKey({ path: 'readings[0]', key: 'tempC' })).toBe('readings[0]: key "tempC" appears twice');
  });
  it('names the top level when the path is empty', () => {
    expect(describeDuplicateKey({ path: '', key: 'seq' })).toBe('(top level): key "seq" appears twice');
  });
  it('escapes a key that holds quotes or control characters', () => {
    expect(describeDuplicateKey({ path: '', key: 'a"\n' })).toBe(String.raw`(top level): key "a\"\n" appears twice`);
  });
});

/** A message of `count` readings; `extra` is appended to the last reading's fields. */
function bigMessage(count: number, extra: string): string {
  const readings = Array.from({ length: count }, (_, i) => `{"ts":${1_780_000_000_000 + i * 60_000},"tempC":${4 + (i % 10) / 10},"rhPct":90${i === count - 1 ? extra : ''}}`);
  return `{"seq":1,"readings":[${readings.join(',')}]}`;
}
