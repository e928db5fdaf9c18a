// The reading half of the Avro serde: Confluent wire-format records to events, each writer schema
// resolved to the reader schema this code was built with. Writer schemas come from whoever builds it
// (the serde asks the registry), so it loads avsc and the schemas only: a thread that only decodes
// (auditor replay workers) starts without the registry client and the topic catalogue's YAML parser.
import avro from 'avsc';
import { avroSchemas, type EventName } from '@clearway/schemas';
import type { TopicSpec } from '@clearway/infra';
import './avro-ascii-strings.ts'; // avsc's string writer replaced before any type writes
import { repeatedStringsHook } from './avro-repeated-strings.ts';
import { RecordRejected } from './errors.ts';

/** Confluent wire format: a zero byte, the schema id (int32, big-endian), then the Avro body. */
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

/** A writer schema as JSON: what a registry holds under an id, and what can be posted to a thread. */
export type WriterSchema = avro.Schema;

/**
 * Which fields of a record to build: `true` for the whole field; a nested selection for a field that is
 * a record, an array of records or a union with one record branch.
 */
export interface FieldSelection {
  readonly [field: string]: true | FieldSelection;
}

/**
 * The shape of a selection that names every field of `T` and no other (`… as const satisfies
 * SelectionOf<T>`), so that the record a projected decoder builds and the type its reader uses
 * cannot drift apart.
 */
export type SelectionOf<T> = { readonly [K in keyof T]-?: true | FieldSelection };

/** Decodes a topic's records into a projection of its event (see `AvroDecoding.projected`). */
export interface ProjectedDecoder<T> {
  decode(buffer: Buffer | null): Promise<T>;
  /** Synchronous when the writer schema id is already cached; undefined on a cache miss. */
  tryDecodeCached(buffer: Buffer): T | undefined;
}

/** Reads any writer schema its source knows, resolved to this code's reader schema; cached per id. */
export interface AvroDecoding {
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

// A new object for each type: avsc keeps the type's named types in it.
const readerOptions = (): Partial<avro.ForSchemaOptions> => ({ typeHook: repeatedStringsHook });

/** Each catalogued topic's event and its reader type (built once per event). */
export function createEventTypes(catalogue: readonly Pick<TopicSpec, 'name' | 'event'>[]) {
  const topics = new Map(catalogue.map((t) => [t.name, t.event]));
  const readerTypes = new Map<EventName, avro.Type>();
  const eventOf = (topic: string): EventName => {
    const event = topics.get(topic);
    if (event === undefined) throw new Error(`topic ${topic} is not in the topic catalogue`);
    if (!(event in avroSchemas)) throw new Error(`topic ${topic} names unknown event ${event}`);
    return event as EventName;
  };
  const readerType = (event: EventName): avro.Type => {
    let type = readerTypes.get(event);
    if (!type) {
      type = avro.Type.forSchema(avroSchemas[event] as unknown as avro.Schema, readerOptions());
      readerTypes.set(event, type);
    }
    return type;
  };
  return { eventOf, readerType };
}

export type EventTypes = ReturnType<typeof createEventTypes>;

/** The schema id of a wire-format record; rejects bytes that are not one. */
export function schemaIdOf(buffer: Buffer | null): number {
  if (!buffer || buffer.length < HEADER_LENGTH)
    throw new RecordRejected(
      'NOT_AVRO',
      `record of ${buffer?.length ?? 0} bytes is too short for the Avro wire format`,
    );
  if (buffer.readUInt8(0) !== MAGIC_BYTE)
    throw new RecordRejected('NOT_AVRO', `wrong magic byte ${buffer.readUInt8(0)} (expected 0)`);
  return buffer.readInt32BE(1);
}

/**
 * Decoding with writer schemas from `writerSchema`, which rejects an id it cannot give (as
 * RecordRejected or RetriableError). A failed lookup is not cached: the id's next record asks again.
 */
export function createAvroDecoding(
  types: EventTypes,
  writerSchema: (id: number) => Promise<WriterSchema>,
): AvroDecoding {
  const { eventOf, readerType } = types;
  // Per topic, once its first record is decoded: its event, reader type and a resolver per writer
  // schema id. Looked up by the topic's name and the id as they are, with no cache key to build
  // (and hash) for every record.
  const topics = new Map<
    string,
    { event: EventName; reader: avro.Type; byId: Map<number, avro.Resolver | null> }
  >();
  const topicOf = (topic: string) => {
    let t = topics.get(topic);
    if (t === undefined) {
      const event = eventOf(topic);
      t = { event, reader: readerType(event), byId: new Map() };
      topics.set(topic, t);
    }
    return t;
  };

  // Null when the writer's records cannot be read as the reader's.
  const resolverOf = (reader: avro.Type, writer: WriterSchema): avro.Resolver | null => {
    try {
      return reader.createResolver(avro.Type.forSchema(writer));
    } catch {
      return null;
    }
  };

  // The resolver from writer schema `id` to `reader`, built once per id.
  const resolverFor = async (
    byId: Map<number, avro.Resolver | null>,
    reader: avro.Type,
    id: number,
  ): Promise<avro.Resolver | null> => {
    let resolver = byId.get(id);
    if (resolver === undefined) {
      resolver = resolverOf(reader, await writerSchema(id));
      byId.set(id, resolver);
    }
    return resolver;
  };

  // Full and projected decodes alike: `reader` is the event's type, or its projection. Read from
  // behind the header in place, as `fromBuffer` of the body would (same checks, same messages),
  // without a view of the body to allocate for every record.
  const decodeWith = <T>(
    reader: avro.Type,
    event: string,
    id: number,
    resolver: avro.Resolver | null,
    buffer: Buffer,
  ): T => {
    if (resolver === null)
      throw new RecordRejected('SCHEMA_MISMATCH', `writer schema ${id} cannot be read as ${event}`);
    let read: { value: unknown; offset: number };
    try {
      read = reader.decode(buffer, HEADER_LENGTH, resolver);
    } catch (error) {
      throw corrupt(id, (error as Error).message);
    }
    if (read.offset < 0) throw corrupt(id, 'truncated buffer');
    if (read.offset < buffer.length) throw corrupt(id, 'trailing data');
    return read.value as T;
  };
  const corrupt = (id: number, why: string) =>
    new RecordRejected('CORRUPT', `Avro body does not decode with schema ${id}: ${why}`);

  return {
    tryDecodeCached<T>(topic: string, buffer: Buffer): T | undefined {
      const id = schemaIdOf(buffer);
      const t = topics.get(topic);
      const resolver = t?.byId.get(id);
      if (t === undefined || resolver === undefined) return undefined;
      return decodeWith<T>(t.reader, t.event, id, resolver, buffer);
    },
    async decode<T>(topic: string, buffer: Buffer | null): Promise<T> {
      const id = schemaIdOf(buffer);
      const t = topicOf(topic);
      const resolver = await resolverFor(t.byId, t.reader, id);
      return decodeWith<T>(t.reader, t.event, id, resolver, buffer as Buffer);
    },
    projected<T>(topic: string, fields: FieldSelection): ProjectedDecoder<T> {
      const event = eventOf(topic);
      const reader = avro.Type.forSchema(
        projectRecord(avroSchemas[event] as unknown as avro.schema.RecordType, fields, event),
        readerOptions(),
      );
      const byId = new Map<number, avro.Resolver | null>();
      return {
        tryDecodeCached(buffer) {
          const id = schemaIdOf(buffer);
          const resolver = byId.get(id);
          return resolver === undefined ? undefined : decodeWith<T>(reader, event, id, resolver, buffer);
        },
        async decode(buffer) {
          const id = schemaIdOf(buffer);
          const resolver = await resolverFor(byId, reader, id);
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
