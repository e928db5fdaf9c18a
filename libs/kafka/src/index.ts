export { createKafka } from './kafka-client.ts';
export { createSchemaRegistry, type SchemaRegistry } from './schema-registry.ts';
export {
  createAvroSerde,
  type AvroSerde,
  type FieldSelection,
  type ProjectedDecoder,
  type WriterSchema,
} from './avro-serde.ts';
export {
  createAvroDecoding,
  createEventTypes,
  schemaIdOf,
  type AvroDecoding,
  type SelectionOf,
} from './avro-decoding.ts';
export { provisionTopics, topicConfig } from './provision.ts';
export {
  createStage,
  type Stage,
  type StageDefinition,
  type InboundRecord,
  type OutboundRecord,
  type Disposition,
  type HandleContext,
} from './stage-runner.ts';
export { RetriableError, RecordRejected, asRetriable, type DeadLetterCode } from './errors.ts';
export { readWindow, type RawRecord, type ReadSummary, type TopicRange } from './read-window.ts';
export { retryWithBackoff, backoffDelay, untilReachable } from './backoff.ts';
export type { Kafka, Admin, Producer, Consumer } from 'kafkajs';
