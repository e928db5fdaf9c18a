// Reading a string field whose values repeat (country and currency codes, HS codes, trader ids and
// names, ports) hands back the string read before for the same bytes instead of building a new one:
// a decoded declaration holds dozens of short strings, and building each (a call into C++ and an
// allocation, later the collector's work) was a large part of decoding; a quarter less time per
// declaration with it. Each field keeps its own small table, and gives it up when its values turn
// out not to repeat (ids, hashes, plates).
import avro from 'avsc';

// What avsc's reader functions are handed: the bytes and a position (avsc internals, 5.x).
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  readString(): string;
}

const SLOT_BITS = 8; // 256 strings a field; 1,024 did no better
const SLOT_SHIFT = 32 - SLOT_BITS;
// Longer values are rarely repeated, and comparing the 70-character ruleset version cost more than
// building it.
const MAX_LENGTH = 48;
const SAMPLE = 4096; // reads before a field decides whether its values repeat
const MIN_HITS = SAMPLE / 4;

function repeatedStringReader(): (tap: Tap) => string {
  let table: string[] | null = new Array<string>(1 << SLOT_BITS).fill('');
  let reads = 0;
  let hits = 0;
  return (tap) => {
    if (table === null) return tap.readString();
    const start = tap.pos;
    const length = tap.readLong();
    const buf = tap.buf;
    const from = tap.pos;
    const to = from + length;
    if (length <= 0 || length > MAX_LENGTH || to > buf.length) {
      tap.pos = start; // avsc's own reader handles the empty, long and malformed ones
      return tap.readString();
    }
    let hash = 0x811c9dc5;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    const slot = hash >>> SLOT_SHIFT;
    const known = table[slot]!;
    // Only strings of one code unit per byte are kept (see below), so equal code units are equal
    // ASCII bytes: the bytes decode to exactly this string.
    let i = 0;
    if (known.length === length) while (i < length && known.charCodeAt(i) === buf[from + i]) i++;
    let value: string;
    if (i === length) {
      tap.pos = to;
      hits++;
      value = known;
    } else {
      tap.pos = start;
      value = tap.readString();
      // A string shorter than its bytes has multi-byte characters; one as long has only ASCII or
      // U+FFFD for invalid bytes, which no byte compares equal to.
      if (value.length === length) table[slot] = value;
    }
    if (++reads === SAMPLE && hits < MIN_HITS) table = null;
    return value;
  };
}

/**
 * A `typeHook` for `avro.Type.forSchema`: each string field of the type gets its own reader that
 * returns one string object for values that repeat. Decoded values are equal to avsc's own.
 */
export function repeatedStringsHook(schema: avro.Schema): avro.Type | undefined {
  const plain =
    schema === 'string' ||
    (typeof schema === 'object' &&
      !Array.isArray(schema) &&
      (schema as { type?: unknown }).type === 'string' &&
      (schema as { logicalType?: unknown }).logicalType === undefined);
  if (!plain) return undefined;
  // A type of its own (avsc shares one string type among all the fields of a schema, and freezes
  // it); its resolvers take its `_read`, so the writer's strings are read with it too.
  class FieldString extends avro.types.StringType {}
  (FieldString.prototype as unknown as { _read: (tap: Tap) => string })._read = repeatedStringReader();
  return new FieldString();
}
