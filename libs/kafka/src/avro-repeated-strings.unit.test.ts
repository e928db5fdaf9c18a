import avro from 'avsc';
import { repeatedStringsHook } from './avro-repeated-strings.ts';

const schema = {
  type: 'record',
  name: 'Sample',
  fields: [
    { name: 'code', type: 'string' },
    { name: 'id', type: 'string' },
    { name: 'note', type: ['null', 'string'] },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
} as const;

interface Sample {
  code: string;
  id: string;
  note: string | null;
  tags: string[];
}

const codes = ['KZ', 'CN', '', 'Алматы', 'é', 'x'.repeat(47), 'y'.repeat(48), 'z'.repeat(49), '8471.30'];
const sample = (i: number): Sample => ({
  code: codes[i % codes.length]!,
  id: `ID-${i}`,
  note: i % 3 === 0 ? null : `note ${i % 7}`,
  tags: [codes[(i * 7) % codes.length]!, `t${i % 5}`],
});

describe('repeated strings hook', () => {
  const plain = avro.Type.forSchema(schema as unknown as avro.Schema);
  const hooked = avro.Type.forSchema(schema as unknown as avro.Schema, { typeHook: repeatedStringsHook });
  const resolver = hooked.createResolver(plain);

  it('given repeated, unique, multi-byte, empty and long strings, decodes exactly what avsc does', () => {
    // More records than a field samples before it gives up its table when values do not repeat.
    const samples = Array.from({ length: 6_000 }, (_, i) => sample(i));
    const encoded = samples.map((s) => plain.toBuffer(s));
    expect(encoded.map((b) => hooked.fromBuffer(b) as Sample)).toEqual(
      encoded.map((b) => plain.fromBuffer(b) as Sample),
    );
    expect(encoded.map((b) => hooked.fromBuffer(b, resolver) as Sample)).toEqual(samples);
  });

  it('does not take bytes that are not valid UTF-8 for a cached string of the same code units', () => {
    const type = avro.Type.forSchema('string', { typeHook: repeatedStringsHook });
    const valid = type.toBuffer('éab'); // 4 bytes, 3 code units: not cached
    const ascii = type.toBuffer('abc');
    const invalid = Buffer.from([6, 0xe9, 0x61, 0x62]); // length 3 (zigzag), a lone 0xE9 and "ab"
    expect(type.fromBuffer(valid)).toBe('éab');
    expect(type.fromBuffer(ascii)).toBe('abc');
    expect(type.fromBuffer(invalid)).toBe(Buffer.from([0xe9, 0x61, 0x62]).toString('utf8'));
    expect(type.fromBuffer(invalid)).toBe('\ufffdab');
    expect(type.fromBuffer(Buffer.from([6, 0x61, 0x62, 0x63]))).toBe('abc');
  });

  it('still rejects a truncated string', () => {
    const bytes = plain.toBuffer(sample(1));
    expect(() => hooked.fromBuffer(bytes.subarray(0, 4)) as Sample).toThrow();
  });
});
