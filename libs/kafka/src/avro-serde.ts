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
 * Which fields of a record to build: `true` for the whole field; a nested selection for a field that is
 * a record, an array of records or a union with one record branch.
 */
export interface FieldSelection {
  readonly [field: string]: true | FieldSelection;
}

/** Decodes a topic's records into a projection of its event (see `AvroSerde.projected`). */
export interface ProjectedDecoder<T> {
  decode(buffer: Buffer | null): Promise<T>;
  /** Synchronous when the writer schema id is already cached; undefined on a cache miss. */
  tryDecodeCached(buffer: Buffer): T | undefined;
}

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
  /**
   * A decoder that builds only the selected fields of the topic's event: the others are skipped in
   * the bytes, never built. For hot paths that read a few fields of large records. Fails as `decode`
   * does on bytes that are not a record of the topic's event.
   */
  projected<T>(topic: string, fields: FieldSelection): ProjectedDecoder<T>;
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

  // The writer schema registered under an id, as the registry client caches it.
  const writerType = async (id: number): Promise<AvroType> => {
    try {
      return (await registry.getSchema(id)) as unknown as AvroType;
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
  // Null when the writer's records cannot be read as the reader's.
  const resolverOf = (reader: AvroType, writer: AvroType): avro.Resolver | null => {
    try {
      return reader.createResolver(avro.Type.forSchema(writer.schema()));
    } catch {
      return null;
    }
  };

  // The resolver from writer schema `id` to `reader`, built once per cache key.
  const resolverFor = async <K>(
    cache: Map<K, avro.Resolver | null>,
    key: K,
    reader: AvroType,
    id: number,
  ): Promise<avro.Resolver | null> => {
    let resolver = cache.get(key);
    if (resolver === undefined) {
      resolver = resolverOf(reader, await writerType(id));
      cache.set(key, resolver);
    }
    return resolver;
  };

  // Full and projected decodes alike: `reader` is the event's type, or its projection.
  const decodeWith = <T>(
    reader: AvroType,
    event: string,
    id: number,
    resolver: avro.Resolver | null,
    buffer: Buffer,
  ): T => {
    if (resolver === null)
      throw new RecordRejected('SCHEMA_MISMATCH', `writer schema ${id} cannot be read as ${event}`);
    try {
      return reader.fromBuffer(buffer.subarray(HEADER_LENGTH), resolver) as T;
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
      const event = eventOf(topic);
      return decodeWith<T>(readerType(event), event, id, resolver, buffer);
    },
    async decode<T>(topic: string, buffer: Buffer | null): Promise<T> {
      const id = parseHeader(buffer);
      const event = eventOf(topic);
      const reader = readerType(event);
      const resolver = await resolverFor(resolvers, `${topic}#${id}`, reader, id);
      return decodeWith<T>(reader, event, id, resolver, buffer as Buffer);
    },
    projected<T>(topic: string, fields: FieldSelection): ProjectedDecoder<T> {
      const event = eventOf(topic);
      const reader = avro.Type.forSchema(
        projectRecord(avroSchemas[event] as unknown as avro.schema.RecordType, fields, event),
      );
      const byId = new Map<number, avro.Resolver | null>();
      return {
        tryDecodeCached(buffer) {
          const id = parseHeader(buffer);
          const resolver = byId.get(id);
          return resolver === undefined ? undefined : decodeWith<T>(reader, event, id, resolver, buffer);
        },
        async decode(buffer) {
          const id = parseHeader(buffer);
          const resolver = await resolverFor(byId, id, reader, id);
          return decodeWith<T>(reader, event, id, resolver, buffer as Buffer);
        },
      };
    },
  };
}

// The record schema with only the selected fields, in their order, each with its default. A nested
// record keeps its name, so the resolver still matches it to the writer's; a skipped field needs no
// default, since the writer has it.
function projectRecord(
  record: avro.schema.RecordType,
  fields: FieldSelection,
  path: string,
): avro.schema.RecordType {
  for (const name of Object.keys(fields))
    if (!record.fields.some((f) => f.name === name))
      throw new Error(`${path} has no field ${name} to select`);
  return {
    ...record,
    fields: record.fields
      .filter((f) => fields[f.name] !== undefined)
      .map((f) => {
        const selected = fields[f.name]!;
        return selected === true ? f : { ...f, type: projectType(f.type, selected, `${path}.${f.name}`) };
      }),
  };
}

function projectType(type: avro.Schema, fields: FieldSelection, path: string): avro.Schema {
  if (Array.isArray(type)) {
    const records = type.filter(isRecord);
    if (records.length !== 1) throw new Error(`${path} is not a union with one record to select from`);
    return type.map((t) => (isRecord(t) ? projectRecord(t, fields, path) : t));
  }
  if (isRecord(type)) return projectRecord(type, fields, path);
  if (isArray(type)) return { ...type, items: projectType(type.items, fields, `${path}[]`) };
  throw new Error(`${path} is not a record, an array of records or a union with a record`);
}

// Schemas as JSON (avroSchemas), never Type instances.
const typeOf = (type: avro.Schema): unknown =>
  typeof type === 'object' && !Array.isArray(type) ? (type as { type?: unknown }).type : undefined;
const isRecord = (type: avro.Schema): type is avro.schema.RecordType => typeOf(type) === 'record';
const isArray = (type: avro.Schema): type is avro.schema.ArrayType => typeOf(type) === 'array';
