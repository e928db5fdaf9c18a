import { createRequire } from 'node:module';
import { patchKafkajsEncoder } from './kafkajs-encoder-patch.ts';

const require = createRequire(import.meta.url);

interface Encoder {
  writeVarInt(v: number): Encoder;
  writeUVarInt(v: number): Encoder;
  writeVarLong(v: number | string): Encoder;
  writeInt32(v: number): Encoder;
  writeVarIntBytes(v: Buffer): Encoder;
  writeString(v: string): Encoder;
  buffer: Buffer;
}

describe('kafkajs encoder growth patch', () => {
  it('applies to the installed kafkajs and encodes exactly what the parts say', () => {
    expect(patchKafkajsEncoder()).toBe(true);
    expect(patchKafkajsEncoder()).toBe(true); // idempotent
    const EncoderClass = require('kafkajs/src/protocol/encoder') as new () => Encoder;
    const e = new EncoderClass();
    const blob = Buffer.alloc(3000, 7); // past the 512-byte start and a pooled size
    const huge = Buffer.alloc(70_000, 9); // past the pool: a fresh allocation
    e.writeInt32(0x01020304).writeVarIntBytes(blob).writeString('Khorgos').writeVarIntBytes(huge);
    const varint = (n: number) => {
      const out: number[] = [];
      let z = (n << 1) ^ (n >> 31);
      while (z > 0x7f) {
        out.push((z & 0x7f) | 0x80);
        z >>>= 7;
      }
      out.push(z);
      return Buffer.from(out);
    };
    const expected = Buffer.concat([
      Buffer.from([1, 2, 3, 4]),
      varint(blob.length),
      blob,
      Buffer.from([0, 7]),
      Buffer.from('Khorgos'),
      varint(huge.length),
      huge,
    ]);
    expect(e.buffer.equals(expected)).toBe(true);
  });

  it('writes varints and varlongs, and sizes varlongs, as the Kafka protocol defines them', () => {
    expect(patchKafkajsEncoder()).toBe(true);
    type Statics = { sizeOfVarLong(v: unknown): number; sizeOfVarInt(v: number): number };
    const EncoderClass = require('kafkajs/src/protocol/encoder') as (new () => Encoder) & Statics;
    // Reference: zigzag then unsigned LEB128, on BigInt so that 64-bit values are exact.
    const leb = (u: bigint) => {
      const out: number[] = [];
      while (u > 0x7fn) {
        out.push(Number(u & 0x7fn) | 0x80);
        u >>= 7n;
      }
      out.push(Number(u));
      return Buffer.from(out);
    };
    const zigzag = (v: bigint) => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    const values: number[] = [0, 1, -1, 63, -64, 64, -65, 127, 128, 8191, 8192, -8193];
    for (let bits = 1; bits <= 31; bits++) values.push(2 ** bits - 1, 2 ** bits, -(2 ** bits), 1 - 2 ** bits);
    values.push(2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 7, -(2 ** 45), Number.MAX_SAFE_INTEGER, 1_732_000_000_000);
    for (const v of values) {
      const asLong = new EncoderClass().writeVarLong(v).buffer;
      expect([v, asLong]).toEqual([v, leb(zigzag(BigInt(v)))]);
      expect([v, EncoderClass.sizeOfVarLong(v)]).toEqual([v, asLong.length]);
      if ((v | 0) === v) {
        expect([v, new EncoderClass().writeVarInt(v).buffer]).toEqual([
          v,
          leb(zigzag(BigInt(v)) & 0xffffffffn),
        ]);
        expect([v, new EncoderClass().writeUVarInt(v >>> 0).buffer]).toEqual([v, leb(BigInt(v >>> 0))]);
      }
    }
    expect(new EncoderClass().writeVarLong('-9000000000000').buffer).toEqual(
      leb(zigzag(-9_000_000_000_000n)),
    );
    // Many in a row: the buffer grows past its first size without losing a byte.
    const e = new EncoderClass();
    for (let i = 0; i < 1_000; i++) e.writeVarInt(i * 1_000_003);
    const expected = Buffer.concat(
      Array.from({ length: 1_000 }, (_, i) => leb(zigzag(BigInt(i * 1_000_003)) & 0xffffffffn)),
    );
    expect(e.buffer.equals(expected)).toBe(true);
  });
});
