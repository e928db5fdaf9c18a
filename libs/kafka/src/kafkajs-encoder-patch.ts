// kafkajs 2.2.4 allocates its protocol encoders with Buffer.alloc, which zero-fills a fresh
// ArrayBuffer every time: each produced record gets its own 512-byte encoder (grown again for a
// ~900-byte assessment), and each record batch grows through every power of two up to ~1 MiB.
// Profiling the categoriser put these allocations at ~9 % of its CPU, plus the garbage they make.
// The encoder only ever appends at `offset` and hands out [0, offset), so no uninitialised byte is
// ever sent: starting and growing with Buffer.allocUnsafe (pooled below 4 KiB, never zeroed) gives
// the same bytes for less work. This module must be evaluated before kafkajs is first loaded (it is
// the first import of kafka-client.ts, the first export of this package): the subclass replaces the
// encoder module's export, which kafkajs's protocol modules capture when they load. Growth is also
// patched on the prototype, which works whenever this runs. Nothing is patched when the encoder no
// longer has the shape this was written against.
// Varints too: kafkajs writes each one through a fresh array and Buffer.from (every record has four
// or more), and varlongs and their sizes through 64-bit Long objects; together a tenth of the
// categoriser's allocations. Below, a varint is written straight into the buffer, and a varlong
// whose value is a 32-bit integer (record timestamp deltas are milliseconds within a batch) takes
// the varint path: its zigzag encoding has the same bytes. Anything else goes to kafkajs's own code.
import { createRequire } from 'node:module';

interface EncoderLike {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
}
type EncoderClass = new (initialSize?: number) => EncoderLike;
type Method = (this: EncoderLike, value: unknown) => EncoderLike;

const require = createRequire(import.meta.url);

function nextPowerOfTwo(value: number): number {
  return 2 ** (32 - Math.clz32(value));
}

function ensureAvailable(this: EncoderLike, length: number): void {
  const needed = this.offset + length;
  if (needed <= this.buf.length) return;
  const grown = Buffer.allocUnsafe(nextPowerOfTwo(needed));
  this.buf.copy(grown, 0, 0, this.offset);
  this.buf = grown;
}

const isInt32 = (value: unknown): value is number => typeof value === 'number' && (value | 0) === value;

function writeUVarInt(this: EncoderLike, value: number): EncoderLike {
  this.ensureAvailable(5);
  const buf = this.buf;
  let offset = this.offset;
  let rest = value;
  while ((rest & 0xffffff80) !== 0) {
    buf[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buf[offset++] = rest & 0x7f;
  this.offset = offset;
  return this;
}

/** Applies the patch; true when the installed kafkajs has it (now or from an earlier call). */
export function patchKafkajsEncoder(): boolean {
  let path: string;
  let Original: EncoderClass;
  try {
    path = require.resolve('kafkajs/src/protocol/encoder');
    Original = require(path) as EncoderClass;
  } catch {
    return false;
  }
  const proto = Original.prototype as unknown as Record<string, unknown>;
  if (proto['__clearwayPatched'] === true) return true;
  const grow = proto['ensureAvailable'];
  if (typeof grow !== 'function' || !String(grow).includes('Buffer.alloc(newLength)')) return false;
  const statics = Original as unknown as Record<string, unknown>;
  const varlong = proto['writeVarLong'] as Method;
  // kafkajs's own: it zigzags and calls writeUVarInt, which is replaced below.
  const varint = proto['writeVarInt'] as Method;
  const sizeOfVarLong = statics['sizeOfVarLong'] as (value: unknown) => number;
  const sizeOfVarInt = statics['sizeOfVarInt'] as (value: number) => number;
  if (
    typeof varlong !== 'function' ||
    typeof varint !== 'function' ||
    typeof sizeOfVarLong !== 'function' ||
    !String(proto['writeUVarInt']).includes('Buffer.from(byteArray)')
  )
    return false;
  proto['ensureAvailable'] = ensureAvailable;
  proto['writeUVarInt'] = writeUVarInt;
  proto['writeVarLong'] = function (this: EncoderLike, value: unknown) {
    return isInt32(value) ? varint.call(this, value) : varlong.call(this, value);
  };
  statics['sizeOfVarLong'] = (value: unknown) =>
    isInt32(value) ? sizeOfVarInt.call(Original, value) : sizeOfVarLong.call(Original, value);
  proto['__clearwayPatched'] = true;

  class PooledEncoder extends Original {
    constructor(initialSize = 511) {
      super(1); // a 2-byte typed array, allocated on the JS heap; replaced at once
      this.buf = Buffer.allocUnsafe(nextPowerOfTwo(initialSize));
    }
  }
  const cached = require.cache[path];
  if (cached) cached.exports = PooledEncoder;
  return true;
}

patchKafkajsEncoder();
