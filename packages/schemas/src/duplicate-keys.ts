/** A key that one JSON object holds twice: where the object is, and the key (unescaped). */
export type DuplicateKey = { path: string; key: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

// What each byte means to the scan: one table look-up passes over digits and letters, most of a message.
const OTHER = 0;
const STRING = 1;
const OBJECT = 2;
const ARRAY = 3;
const CLOSE = 4;
const NEXT = 5;
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[QUOTE] = STRING;
BYTE_KIND[OPEN_OBJECT] = OBJECT;
BYTE_KIND[OPEN_ARRAY] = ARRAY;
BYTE_KIND[CLOSE_OBJECT] = CLOSE;
BYTE_KIND[CLOSE_ARRAY] = CLOSE;
BYTE_KIND[COMMA] = NEXT;

// An object's keys are compared in place, byte by byte, while it has few (a reading has two or three)
// and they are plain ASCII; past this many, or once a key has an escape or a non-ASCII byte, they move
// into a Set of decoded strings, so an object of thousands of keys stays linear, `"t\u0065mpC"` meets
// `"tempC"`, and invalid UTF-8 compares as JSON.parse sees it (each bad sequence decoded to U+FFFD).
const MAX_KEYS_IN_PLACE = 8;

// What the scan knows of each open container, by depth.
const IN_ARRAY = 0;
const IN_OBJECT = 1;
const IN_OBJECT_WITH_SET = 2;

// The scan's stacks, reused from call to call (the scan is synchronous, so calls never overlap):
// per open container, its state and where its keys start; per key of the open objects, where it
// starts and ends. They grow by doubling, to the deepest and widest message seen, and never shrink.
let stateAt = new Uint8Array(64);
let keysFromAt = new Int32Array(64);
let keyStarts = new Int32Array(256);
let keyEnds = new Int32Array(256);
// The Set of each object in state IN_OBJECT_WITH_SET, by depth; sparse.
const keySets: Array<Set<string> | undefined> = [];

/**
 * Finds the first key that some object of a JSON text (UTF-8 bytes) holds twice. JSON.parse keeps the
 * last of them silently (RFC 8259 §4: names "SHOULD be unique", behaviour otherwise unpredictable), so
 * `{"tempC":4,"tempC":30}` would store 30 °C. Keys compare as JSON.parse reads them: after unescaping
 * (`"t\u0065mpC"` is `"tempC"`) and decoding UTF-8.
 *
 * The text must already have passed JSON.parse: the scan trusts its grammar and only tracks where
 * objects, arrays and strings begin and end, in one pass over the bytes without backtracking and, for
 * keys in plain ASCII, without making a string. On a find it walks the bytes again to name the path.
 */
export function findDuplicateKey(json: Uint8Array): DuplicateKey | null {
  // Locals: the loop reads them on every byte. Refreshed after a grow.
  let states = stateAt;
  let keysFrom = keysFromAt;
  let starts = keyStarts;
  let ends = keyEnds;
  let depth = -1;
  let keyCount = 0;
  let isKeyNext = false;
  const length = json.length;
  for (let i = 0; i < length; i++) {
    const kind = BYTE_KIND[json[i]!]!;
    if (kind === OTHER) continue;
    if (kind === STRING) {
      // JSON strings hold no raw quote; a backslash always escapes the one character after it.
      const start = i + 1;
      let end = start;
      let hasEscape = false;
      let allBits = 0;
      for (let b = json[end]!; b !== QUOTE && end < length; b = json[end]!) {
        allBits |= b;
        if (b === BACKSLASH) {
          hasEscape = true;
          end += 2;
        } else end++;
      }
      i = end;
      if (!isKeyNext) continue;
      isKeyNext = false;
      if (states[depth] === IN_OBJECT && !hasEscape && allBits < 0x80) {
        const from = keysFrom[depth]!;
        for (let k = from; k < keyCount; k++) {
          if (isSameRange(json, starts[k]!, ends[k]!, start, end)) return describeAt(json, start);
        }
        if (keyCount === starts.length) {
          growKeys();
          starts = keyStarts;
          ends = keyEnds;
        }
        starts[keyCount] = start;
        ends[keyCount] = end;
        keyCount++;
        if (keyCount - from > MAX_KEYS_IN_PLACE) {
          keySets[depth] = toSet(json, from, keyCount);
          states[depth] = IN_OBJECT_WITH_SET;
        }
      } else {
        if (states[depth] === IN_OBJECT) {
          keySets[depth] = toSet(json, keysFrom[depth]!, keyCount);
          states[depth] = IN_OBJECT_WITH_SET;
        }
        const set = keySets[depth]!;
        const key = decodeKey(json, start, end);
        if (set.has(key)) return describeAt(json, start);
        set.add(key);
      }
    } else if (kind === OBJECT || kind === ARRAY) {
      depth++;
      if (depth === states.length) {
        growDepth();
        states = stateAt;
        keysFrom = keysFromAt;
      }
      states[depth] = kind === OBJECT ? IN_OBJECT : IN_ARRAY;
      keysFrom[depth] = keyCount;
      isKeyNext = kind === OBJECT;
    } else if (kind === CLOSE) {
      keyCount = keysFrom[depth]!;
      // Its keys are strings that keep the message alive: drop them now, not at the next message.
      if (states[depth] === IN_OBJECT_WITH_SET) keySets[depth] = undefined;
      depth--;
      isKeyNext = false;
    } else {
      isKeyNext = states[depth] !== IN_ARRAY;
    }
  }
  return null;
}

/** Says where a duplicate was found, as the refusal reason: `readings[0]: key "tempC" appears twice`. */
export function describeDuplicateKey(duplicate: DuplicateKey): string {
  return `${duplicate.path === '' ? '(top level)' : duplicate.path}: key ${JSON.stringify(duplicate.key)} appears twice`;
}

function isSameRange(json: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let k = 0; k < aEnd - aStart; k++) if (json[aStart + k] !== json[bStart + k]) return false;
  return true;
}

/** The key whose content (between its quotes) runs from `start` to `end`, as JSON.parse reads it. */
function decodeKey(json: Uint8Array, start: number, end: number): string {
  return JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8', start - 1, end + 1)) as string;
}

/** The keys from `from` to `to` on the stack as a Set of strings (they are plain ASCII: see above). */
function toSet(json: Uint8Array, from: number, to: number): Set<string> {
  const set = new Set<string>();
  for (let k = from; k < to; k++) set.add(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('latin1', keyStarts[k]!, keyEnds[k]!));
  return set;
}

function growDepth(): void {
  const states = new Uint8Array(stateAt.length * 2);
  states.set(stateAt);
  stateAt = states;
  const keysFrom = new Int32Array(keysFromAt.length * 2);
  keysFrom.set(keysFromAt);
  keysFromAt = keysFrom;
}

function growKeys(): void {
  const starts = new Int32Array(keyStarts.length * 2);
  starts.set(keyStarts);
  keyStarts = starts;
  const ends = new Int32Array(keyEnds.length * 2);
  ends.set(keyEnds);
  keyEnds = ends;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Names the key whose string starts at `keyStart` and the path of its object, as the zod reasons name
 * fields (`readings[3]`, `meta["a b"]`): a second, slower walk, taken only for a message being refused.
 */
function describeAt(json: Uint8Array, keyStart: number): DuplicateKey {
  // Leaves the reused stacks clean for the next call.
  keySets.length = 0;
  const isObject: boolean[] = [];
  const latestKey: string[] = [];
  const elementIndex: number[] = [];
  let depth = -1;
  let isKeyNext = false;
  // Up to the key's opening quote: the walk ends in the key's object.
  for (let i = 0; i < keyStart - 1; i++) {
    const c = json[i];
    if (c === QUOTE) {
      const end = closingQuote(json, i + 1);
      if (isKeyNext) latestKey[depth] = decodeKey(json, i + 1, end);
      isKeyNext = false;
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      isObject[depth] = c === OPEN_OBJECT;
      elementIndex[depth] = 0;
      isKeyNext = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    } else if (c === COMMA) {
      if (isObject[depth]) isKeyNext = true;
      else elementIndex[depth]!++;
    }
  }
  let path = '';
  for (let d = 0; d < depth; d++) {
    if (!isObject[d]) path += `[${elementIndex[d]}]`;
    else {
      const key = latestKey[d]!;
      path += IDENTIFIER.test(key) ? (path === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return { path, key: decodeKey(json, keyStart, closingQuote(json, keyStart)) };
}

/** Where the string whose content starts at `start` ends: its closing quote. */
function closingQuote(json: Uint8Array, start: number): number {
  let end = start;
  while (json[end] !== QUOTE && end < json.length) end += json[end] === BACKSLASH ? 2 : 1;
  return end;
}
