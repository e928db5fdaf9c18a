import { createTestPlatform, readTopic, sampleDeclaration, type TestPlatform } from '@clearway/test';
import { valueSubject } from '@clearway/infra';
import { declarationSchema, type Declaration } from '@clearway/schemas';
import { RecordRejected } from './errors.ts';

describe('Avro serde through the schema registry', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform('serde');
  });
  afterAll(async () => platform.close());

  it('consumes back a published Declaration decoded and equal', async () => {
    const { kafka, serde, topics } = platform;
    const declaration = sampleDeclaration();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.declarations,
      messages: [{ key: declaration.declarationId, value: serde.encode(topics.declarations, declaration) }],
    });
    await producer.disconnect();
    const [record] = await readTopic<Declaration>(kafka, serde, topics.declarations, { count: 1 });
    expect(record?.key).toBe(declaration.declarationId);
    expect(record?.value).toEqual(declaration);
    // Confluent wire format: magic byte 0, then the registry id of the subject's schema.
    const id = await platform.registry.getLatestSchemaId(valueSubject(topics.declarations));
    expect(record?.raw?.readUInt8(0)).toBe(0);
    expect(record?.raw?.readInt32BE(1)).toBe(id);
  });

  it('encodes records larger than its scratch buffer, and each result owns its bytes', async () => {
    const { serde, topics } = platform;
    await serde.registerTopic(topics.declarations);
    const base = sampleDeclaration();
    const big: Declaration = {
      ...base,
      goods: Array.from({ length: 1500 }, (_, i) => ({ ...base.goods[0]!, lineNo: i + 1 })),
    };
    const small = serde.encode(topics.declarations, base);
    const large = serde.encode(topics.declarations, big);
    const after = serde.encode(topics.declarations, { ...base, declarationId: 'OTHER-1' });
    expect(large.length).toBeGreaterThan(64 * 1024);
    // Later encodes reuse the scratch space; earlier results must be unaffected.
    await expect(serde.decode(topics.declarations, small)).resolves.toEqual(base);
    await expect(serde.decode(topics.declarations, large)).resolves.toEqual(big);
    await expect(serde.decode<Declaration>(topics.declarations, after)).resolves.toMatchObject({
      declarationId: 'OTHER-1',
    });
  });

  it('rejects bytes that are not in the wire format, and unknown schema ids', async () => {
    const { serde, topics } = platform;
    await expect(
      serde.decode(topics.declarations, Buffer.from('plain text, not avro')),
    ).rejects.toMatchObject({ code: 'NOT_AVRO' });
    await expect(
      serde.decode(topics.declarations, Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 1, 2, 3])),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_SCHEMA',
    });
    await expect(serde.decode(topics.declarations, null)).rejects.toBeInstanceOf(RecordRejected);
  });

  it('reads records written with an older compatible schema', async () => {
    const { registry, serde, topics } = platform;
    // A producer on an older contract: Declaration without the optional weighbridge mass.
    const older = {
      ...declarationSchema,
      fields: declarationSchema.fields.filter((f) => f.name !== 'weighbridgeGrossMassGrams'),
    };
    const subject = `${platform.prefix}older-writer-value`;
    const { id } = await registry.register(older as never, { subject });
    const encoded = await registry.encode(id, {
      ...sampleDeclaration(),
      weighbridgeGrossMassGrams: undefined,
    });
    const decoded = await serde.decode<Declaration>(topics.declarations, encoded);
    expect(decoded.weighbridgeGrossMassGrams).toBeNull();
    expect(decoded.goods).toHaveLength(2);
  });
});
