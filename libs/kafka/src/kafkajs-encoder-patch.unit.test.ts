import { createRequire } from 'node:module';
import { patchKafkajsEncoder } from './kafkajs-encoder-patch.ts';

const require = createRequire(import.meta.url);

interface Encoder {
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
});
