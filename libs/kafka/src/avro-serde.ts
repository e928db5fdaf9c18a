import avro from 'avsc';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroSchemas, type EventName } from '@clearway/schemas';
import { loadTopicCatalogue, valueSubject, type TopicSpec } from '@clearway/infra';
import { RecordRejected, RetriableError } from './errors.ts';
import { BACKWARD } from './schema-registry.ts';

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

type AvroType = avro.Type;

/**
 * Confluent wire-format Avro serde. Writes with the schema registered for the topic's subject;
 * reads any writer schema the registry knows and resolves it to the reader schema this code was built
 * with, so producers may evolve first. Schemas and resolvers are cached per registry id.
 */
export interface AvroSerde {
  /** Registers (idempotently) the topic's event schema under `<topic>-value` with BACKWARD compatibility. */
  registerTopic(topic: string): Promise<number>;
  encode(topic: string, value: unknown): Buffer;
  decode<T>(topic: string, buffer: Buffer | null): Promise<T>;
  /** Synchronous decode when the writer schema id is already cached; undefined on a cache miss. */
  tryDecodeCached<T>(topic: string, buffer: Buffer): T | undefined;
}

export function createAvroSerde(
  registry: SchemaRegistry,
  catalogue: TopicSpec[] = loadTopicCatalogue(),
): AvroSerde {
  const topics = new Map(catalogue.map((t) => [t.name, t]));
  const readerTypes = new Map<EventName, AvroType>();
  const writerIds = new Map<string, { id: number; header: Buffer; type: AvroType }>();
  const resolvers = new Map<string, avro.Resolver | null>(); // `${topic}#${id}`
  const pendingRegistrations = new Map<string, Promise<number>>();
  let scratch = Buffer.allocUnsafe(64 * 1024);

  const eventOf = (topic: string): EventName => {
    const spec = topics.get(topic);
    if (!spec) throw new Error(`topic ${topic} is not in the topic catalogue`);
    if (!(spec.event in avroSchemas)) throw new Error(`topic ${topic} names unknown event ${spec.event}`);
    return spec.event as EventName;
  };
  const readerType = (event: EventName): AvroType => {
    let type = readerTypes.get(event);
    if (!type) {
      type = avro.Type.forSchema(avroSchemas[event] as unknown as avro.Schema);
      readerTypes.set(event, type);
    }
    return type;
  };

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

  const parseHeader = (buffer: Buffer | null): number => {
    if (!buffer || buffer.length < HEADER_LENGTH)
      throw new RecordRejected(
        'NOT_AVRO',
        `record of ${buffer?.length ?? 0} bytes is too short for the Avro wire format`,
      );
    if (buffer.readUInt8(0) !== MAGIC_BYTE)
      throw new RecordRejected('NOT_AVRO', `wrong magic byte ${buffer.readUInt8(0)} (expected 0)`);
    return buffer.readInt32BE(1);
  };

  const decodeWith = <T>(topic: string, id: number, resolver: avro.Resolver | null, buffer: Buffer): T => {
    if (resolver === null)
      throw new RecordRejected('SCHEMA_MISMATCH', `writer schema ${id} cannot be read as ${eventOf(topic)}`);
    try {
      return readerType(eventOf(topic)).fromBuffer(buffer.subarray(HEADER_LENGTH), resolver) as T;
    } catch (error) {
      throw new RecordRejected(
        'CORRUPT',
        `Avro body does not decode with schema ${id}: ${(error as Error).message}`,
      );
    }
  };

  return {
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
    tryDecodeCached<T>(topic: string, buffer: Buffer): T | undefined {
      const id = parseHeader(buffer);
      const resolver = resolvers.get(`${topic}#${id}`);
      if (resolver === undefined) return undefined;
      return decodeWith<T>(topic, id, resolver, buffer);
    },
    async decode<T>(topic: string, buffer: Buffer | null): Promise<T> {
      const id = parseHeader(buffer);
      const key = `${topic}#${id}`;
      let resolver = resolvers.get(key);
      if (resolver === undefined) {
        let writer: AvroType;
        try {
          writer = (await registry.getSchema(id)) as unknown as AvroType;
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
        try {
          resolver = readerType(eventOf(topic)).createResolver(avro.Type.forSchema(writer.schema()));
        } catch {
          resolver = null;
        }
        resolvers.set(key, resolver);
      }
      return decodeWith<T>(topic, id, resolver, buffer as Buffer);
    },
  };
}
