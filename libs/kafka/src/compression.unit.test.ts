// The codecs kafkajs is given, against the bytes Apache Kafka's own Java client writes for each codec
// (fixtures/CompressedPayloads.java made them): an upstream system on Java must be readable
// whatever compression it chose.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import snappy from 'snappyjs';
import { codecFactories, snappyCodec, zstdCodec } from './compression.ts';

const { CompressionTypes } = kafkajs;

// The text CompressedPayloads.java compressed.
const plain = Buffer.from(
  Array.from(
    { length: 2000 },
    (_, i) => `declaration KHG-${i}: declarant with fewer than 5 declarations here\n`,
  ).join(''),
);
const javaBytes = (codec: string) =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', `${codec}-kafka-java.bin`));

describe('record-batch codecs', () => {
  it.each([
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ])('reads what Kafka’s Java client writes with %s', async (name, type) => {
    const compressed = javaBytes(name);
    expect(compressed.length).toBeLessThan(plain.length / 2); // it is compressed, and spans several blocks
    const out = await codecFactories[type]!().decompress(compressed);
    expect(out.equals(plain)).toBe(true);
  });

  it('reads snappy as one raw block, as librdkafka and Go clients send it', async () => {
    const raw = Buffer.from(snappy.compress(new Uint8Array(plain)));
    expect((await snappyCodec.decompress(raw)).equals(plain)).toBe(true);
  });

  it('refuses a truncated snappy stream rather than returning part of it', async () => {
    const framed = javaBytes('snappy');
    await expect(snappyCodec.decompress(framed.subarray(0, framed.length - 10))).rejects.toThrow(/truncated/);
  });

  it('writes zstd that it reads back, smaller', async () => {
    const compressed = await zstdCodec.compress({ buffer: plain });
    expect(compressed.length).toBeLessThan(plain.length / 4);
    expect((await zstdCodec.decompress(compressed)).equals(plain)).toBe(true);
  });

  it('does not write lz4 or snappy, and says why', async () => {
    for (const type of [CompressionTypes.LZ4, CompressionTypes.Snappy])
      await expect(codecFactories[type]!().compress({ buffer: plain })).rejects.toThrow(/KAFKA_COMPRESSION/);
  });
});
