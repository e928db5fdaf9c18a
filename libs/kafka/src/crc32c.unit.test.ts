import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { crc32c } from './crc32c.ts';
import './kafkajs-crc32c-patch.ts';

const require = createRequire(import.meta.url);
// kafkajs's own byte-at-a-time implementation, which the patch leaves in place.
const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;

describe('crc32c', () => {
  it('gives the standard check values', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43); // RFC 3720 B.4: 32 bytes of ones
  });

  it("agrees with kafkajs's implementation at every length and alignment", () => {
    const bytes = randomBytes(4_200);
    for (let length = 0; length <= 70; length++)
      for (const from of [0, 1, 3, 7]) {
        const part = bytes.subarray(from, from + length);
        expect(crc32c(part)).toBe(kafkajsCrc(part));
      }
    expect(crc32c(bytes)).toBe(kafkajsCrc(bytes));
  });

  it("is what kafkajs's record batch encoder checksums with once patched", () => {
    expect(require('kafkajs/src/protocol/recordBatch/crc32C/index.js')).toBe(crc32c);
  });
});
