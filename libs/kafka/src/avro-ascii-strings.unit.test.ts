import avro from 'avsc';
import { createRequire } from 'node:module';
import {
  asciiFirstWriterForTest,
  avscOwnWriterForTest,
  patchAvscStringWriter,
  type Tap as AvscTap,
} from './avro-ascii-strings.ts';

interface TestTap extends AvscTap {
  isValid(): boolean;
}
const { Tap } = createRequire(import.meta.url)('avsc/lib/utils.js') as {
  Tap: new (buf: Buffer, pos?: number) => TestTap;
};

// avsc's own writer (which, unlike Buffer.from, writes a short string's lone surrogate as its
// three-byte form): the bytes to match.
function reference(s: string): Buffer {
  const own = avscOwnWriterForTest();
  if (own === undefined) throw new Error('avsc string writer not patched');
  const tap = new Tap(Buffer.alloc(40_000));
  own.call(tap, s);
  return tap.buf.subarray(0, tap.pos);
}

const strings = [
  '',
  'A',
  'KHORGOS',
  'x'.repeat(63),
  'x'.repeat(64),
  'y'.repeat(65),
  'z'.repeat(2730),
  'z'.repeat(2731),
  'w'.repeat(9000),
  'Алматы',
  'é'.repeat(40),
  'é'.repeat(70),
  `${'a'.repeat(62)}é`,
  `${'a'.repeat(30)}€${'b'.repeat(40)}`,
  '😀 emoji',
  '\ud800 lone surrogate',
  `${'q'.repeat(50)}\udc00`,
  'ASCII then 中文',
];

describe('avsc string writer', () => {
  it('is patched in this process', () => {
    expect(patchAvscStringWriter()).toBe(true);
  });

  it.each(strings.map((s) => [s.length, s]))('writes a string of %i code units exactly as avsc', (_, s) => {
    const tap = new Tap(Buffer.alloc(40_000), 3);
    tap.writeString(s);
    expect(tap.isValid()).toBe(true);
    expect(tap.buf.subarray(3, tap.pos)).toEqual(reference(s));
  });

  it('given a buffer too small, leaves the tap invalid so the encoder grows it (no bytes past the end)', () => {
    for (const s of strings.filter((x) => x.length >= 3)) {
      const tap = new Tap(Buffer.alloc(4), 1);
      tap.writeString(s);
      expect(tap.isValid()).toBe(false);
    }
  });

  it('hands strings it does not take to the writer it wraps', () => {
    const seen: string[] = [];
    const write = asciiFirstWriterForTest(function (this: AvscTap, s: string) {
      seen.push(s);
    });
    const tap = new Tap(Buffer.alloc(40_000));
    for (const s of ['plain', `${'a'.repeat(62)}é`, 'w'.repeat(9000), 'x'.repeat(100)]) write.call(tap, s);
    expect(seen).toEqual([`${'a'.repeat(62)}é`, 'w'.repeat(9000)]);
  });

  it('round-trips records through avsc types, growing the buffer when needed', () => {
    const type = avro.Type.forSchema({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: 'string' },
        { name: 'm', type: { type: 'map', values: 'string' } },
      ],
    });
    // Lone surrogates do not survive UTF-8 whichever writer is used.
    for (const s of strings.filter((x) => !x.includes('surrogate') && !x.includes('\udc00'))) {
      const value = { a: s, m: { [s]: s, k: 'v' } };
      const buf = type.toBuffer(value);
      expect({ ...(type.fromBuffer(buf) as object) }).toEqual(value);
      const small = Buffer.alloc(2);
      expect(type.encode(value, small)).toBeLessThan(0);
    }
  });
});
