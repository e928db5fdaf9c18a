// One pass-through stage as its own process, for the end-to-end benchmark: the same stage runner,
// client and settings as a service, decoding and re-encoding each declaration with no decision.
import '@clearway/config/node-runtime';
import { z } from 'zod';
import {
  kafkaSettings,
  loadConfigOrExit,
  observabilitySettings,
  registrySettings,
  stageSettings,
} from '@clearway/config';
import { loadTopicCatalogue, prefixedCatalogue, topicNames } from '@clearway/infra';
import { createAvroSerde, createKafka, createSchemaRegistry, createStage } from '@clearway/kafka';
import { createLogger, createMetricsRegistry } from '@clearway/observability';
import type { Declaration } from '@clearway/schemas';
import { extraTopicName } from '@clearway/test';
import { passThroughTopicSpecs } from './passthrough-topics.ts';

const config = loadConfigOrExit(
  kafkaSettings
    .extend(registrySettings.shape)
    .extend(observabilitySettings.shape)
    .extend({
      TOPIC_PREFIX: z.string().default(''),
      PT_INPUT: z.string().min(1),
      PT_OUTPUT: z.string().min(1),
      GROUP_ID: z.string().min(1),
      PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(3),
      /** The fetch size of the service this stage stands in for; default the stage runner's. */
      FETCH_BYTES_PER_PARTITION: stageSettings.shape.FETCH_BYTES_PER_PARTITION,
    }),
  'bench-passthrough',
);
const logger = createLogger(config.GROUP_ID, config.LOG_LEVEL);
const catalogue = prefixedCatalogue(
  [...loadTopicCatalogue(), ...passThroughTopicSpecs.map((t) => ({ ...t, name: extraTopicName(t.suffix) }))],
  config.TOPIC_PREFIX,
);
const kafka = createKafka(config, logger, config.GROUP_ID);
const admin = kafka.admin();
const serde = createAvroSerde(createSchemaRegistry(config), catalogue);
await admin.connect();
await serde.registerTopic(config.PT_OUTPUT);
const stage = createStage<Declaration>(
  { kafka, admin, serde, logger, metrics: createMetricsRegistry() },
  {
    name: config.GROUP_ID,
    groupId: config.GROUP_ID,
    inputTopics: [config.PT_INPUT],
    deadLetterTopic: topicNames(config.TOPIC_PREFIX).dlqCategoriser,
    handle: async (batch) =>
      batch.map((r) => ({
        records: [{ topic: config.PT_OUTPUT, key: r.value.declarationId, value: r.value }],
      })),
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENTLY,
    maxBytesPerPartition: config.FETCH_BYTES_PER_PARTITION,
    onFatal: () => process.exit(1),
  },
);
await stage.start();

const shutdown = async () => {
  await stage.stop();
  await admin.disconnect();
  process.exit();
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
