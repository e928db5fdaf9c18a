// KAFKA_COMPRESSION against the real broker: what a client's producers send, plainly or in a
// transaction, arrives intact and in batches compressed with the configured codec (counted where the
// consumer decompresses them), and `none` sends them uncompressed.
import { createTestPlatform, readTopic, type TestPlatform } from '@clearway/test';
import kafkajs from 'kafkajs';
import { codecFactories } from './compression.ts';
import { createKafka } from './kafka-client.ts';

const { CompressionTypes } = kafkajs;

describe('producer compression against the real broker', () => {
  let platform: TestPlatform;
  // Batches decompressed per codec while consuming.
  const decompressed = new Map<number, number>();

  beforeAll(async () => {
    platform = await createTestPlatform('compression');
    for (const type of [CompressionTypes.GZIP, CompressionTypes.ZSTD]) {
      const codecOf = codecFactories[type]!;
      codecFactories[type] = () => {
        const codec = codecOf();
        return {
          compress: (encoder) => codec.compress(encoder),
          decompress: (buffer: Buffer) => {
            decompressed.set(type, (decompressed.get(type) ?? 0) + 1);
            return codec.decompress(buffer);
          },
        };
      };
    }
  });
  afterAll(() => platform.close());

  // Explanation-like values: long, and repeating across records as assessments' texts do.
  const values = Array.from(
    { length: 300 },
    (_, i) => `declaration ${i}: ${'declarant with fewer than 5 declarations here; '.repeat(12)}`,
  );

  async function sendAndRead(compression: 'none' | 'gzip' | 'zstd', topic: string, transactional: boolean) {
    const kafka = createKafka({ ...platform.settings, KAFKA_COMPRESSION: compression }, platform.logger);
    const producer = kafka.producer(
      transactional
        ? { transactionalId: `${platform.prefix}${compression}`, idempotent: true, maxInFlightRequests: 1 }
        : { idempotent: true, maxInFlightRequests: 1 },
    );
    await producer.connect();
    const messages = values.map((v, i) => ({ key: `k${i}`, value: v }));
    if (transactional) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages });
      await transaction.commit();
    } else await producer.send({ topic, messages });
    await producer.disconnect();

    const before = new Map(decompressed);
    const read = await readTopic<never>(platform.kafka, platform.serde, topic, {
      count: values.length,
      decode: false,
    });
    const delta = (type: number) => (decompressed.get(type) ?? 0) - (before.get(type) ?? 0);
    return {
      values: read.map((r) => r.raw?.toString()).sort(),
      zstdBatches: delta(CompressionTypes.ZSTD),
      gzipBatches: delta(CompressionTypes.GZIP),
    };
  }

  it('zstd in a transaction: every record back, read from zstd batches', async () => {
    const read = await sendAndRead('zstd', platform.topics.riskAssessments, true);
    expect(read.values).toEqual([...values].sort());
    expect(read.zstdBatches).toBeGreaterThan(0);
    expect(read.gzipBatches).toBe(0);
  });

  it('gzip with a plain send: every record back, read from gzip batches', async () => {
    const read = await sendAndRead('gzip', platform.topics.laneAssignments, false);
    expect(read.values).toEqual([...values].sort());
    expect(read.gzipBatches).toBeGreaterThan(0);
    expect(read.zstdBatches).toBe(0);
  });

  it('none: every record back, nothing decompressed', async () => {
    const read = await sendAndRead('none', platform.topics.declarations, false);
    expect(read.values).toEqual([...values].sort());
    expect(read.zstdBatches + read.gzipBatches).toBe(0);
  });

  it('a send naming its own compression keeps it', async () => {
    const kafka = createKafka({ ...platform.settings, KAFKA_COMPRESSION: 'zstd' }, platform.logger);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: platform.topics.inspectionResults,
      compression: CompressionTypes.GZIP,
      messages: values.map((v, i) => ({ key: `k${i}`, value: v })),
    });
    await producer.disconnect();
    const before = decompressed.get(CompressionTypes.ZSTD) ?? 0;
    const read = await readTopic<never>(platform.kafka, platform.serde, platform.topics.inspectionResults, {
      count: values.length,
      decode: false,
    });
    expect(read).toHaveLength(values.length);
    expect(decompressed.get(CompressionTypes.ZSTD) ?? 0).toBe(before);
  });
});
