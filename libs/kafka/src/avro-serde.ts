import type avro from 'avsc';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroSchemas } from '@clearway/schemas';
import { loadTopicCatalogue, valueSubject, type TopicSpec } from '@clearway/infra';
import {
  createAvroDecoding,
  createEventTypes,
  HEADER_LENGTH,
  MAGIC_BYTE,
  type AvroDecoding,
  type WriterSchema,
} from './avro-decoding.ts';
import { RecordRejected, RetriableError } from './errors.ts';
import { BACKWARD } from './schema-registry.ts';

export type { FieldSelection, ProjectedDecoder, WriterSchema } from './avro-decoding.ts';

type AvroType = avro.Type;

/**
 * Confluent wire-format Avro serde. Writes with the schema registered for the topic's subject;
 * reads any writer schema the registry knows and resolves it to the reader schema this code was built
 * with, so producers may evolve first. Schemas and resolvers are cached per registry id.
 */
export interface AvroSerde extends AvroDecoding {
  /** Registers (idempotently) the topic's event schema under `<topic>-value` with BACKWARD compatibility. */
  registerTopic(topic: string): Promise<number>;
  encode(topic: string, value: unknown): Buffer;
  /**
   * The writer schema the registry holds under `id`, for decoding elsewhere (`createAvroDecoding` in
   * another thread); rejects as `decode` does when the registry does not know it or cannot be reached.
   */
  writerSchema(id: number): Promise<WriterSchema>;
}

export function createAvroSerde(
  registry: SchemaRegistry,
  catalogue: TopicSpec[] = loadTopicCatalogue(),
): AvroSerde {
  const types = createEventTypes(catalogue);
  const { eventOf, readerType } = types;
  const writerIds = new Map<string, { id: number; header: Buffer; type: AvroType }>();
  const pendingRegistrations = new Map<string, Promise<number>>();
  let scratch = Buffer.allocUnsafe(64 * 1024);

  const registerTopic = async (topic: string): Promise<number> => {
    const existing = writerIds.get(topic);
    if (existing) return existing.id;
    let pending = pendingRegistrations.get(topic);
    if (!pending) {
      const event = eventOf(topic);
      pending = registry
        .register(avroSchemas[event] as never, { subject: valueSubject(topic), compatibility: BACKWARD })
        .then(({ id }) => {
          const header = Buffer.alloc(HEADER_LENGTH);
          header.writeUInt8(MAGIC_BYTE, 0);
          header.writeInt32BE(id, 1);
          writerIds.set(topic, { id, header, type: readerType(event) });
          return id;
        })
        .finally(() => pendingRegistrations.delete(topic));
      pendingRegistrations.set(topic, pending);
    }
    return pending;
  };

  // The writer schema registered under an id, as the registry client caches it.
  const writerSchema = async (id: number): Promise<WriterSchema> => {
    try {
      return ((await registry.getSchema(id)) as unknown as AvroType).schema();
    } catch (error) {
      const status = (error as { status?: number }).status;
      const message = (error as Error).message ?? String(error);
      if (status === 404 || /not found|40403/i.test(message))
        throw new RecordRejected('UNKNOWN_SCHEMA', `schema id ${id} is not in the registry`);
      throw new RetriableError(
        'REGISTRY_UNAVAILABLE',
        `schema registry lookup of id ${id} failed: ${message}`,
        {
          cause: error,
        },
      );
    }
  };
  const decoding = createAvroDecoding(types, writerSchema);

  return {
    ...decoding,
    registerTopic,
    encode(topic, value) {
      const writer = writerIds.get(topic);
      if (!writer) throw new Error(`schema for ${topic} not registered; call registerTopic first`);
      // Header and body go into a reused scratch buffer and leave in one pooled copy: toBuffer plus
      // concat allocated twice (once zero-filled) per record. The encoder throws on a value that
      // does not match the schema: that is a bug, not a dead letter.
      let end = writer.type.encode(value, scratch, HEADER_LENGTH);
      while (end < 0) {
        scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
        end = writer.type.encode(value, scratch, HEADER_LENGTH);
      }
      writer.header.copy(scratch, 0);
      const out = Buffer.allocUnsafe(end);
      scratch.copy(out, 0, 0, end);
      return out;
    },
    writerSchema,
  };
}
