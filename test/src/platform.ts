// A private copy of the platform for one integration test file: unique topic prefix and group
// names, so test files can run side by side against one broker, registry and Redis.
import { randomUUID } from 'node:crypto';
import { kafkaSettings, parseConfig, redisSettings, registrySettings } from '@clearway/config';
import {
  loadTopicCatalogue,
  prefixedCatalogue,
  topicNames,
  type TopicNames,
  type TopicSpec,
} from '@clearway/infra';
import {
  createAvroSerde,
  createKafka,
  createSchemaRegistry,
  provisionTopics,
  type Admin,
  type AvroSerde,
  type Kafka,
  type SchemaRegistry,
} from '@clearway/kafka';
import { createLogger, createMetricsRegistry, type Logger, type Registry } from '@clearway/observability';
import { createRedisClient, type Redis } from '@clearway/redis';

const settingsSchema = kafkaSettings.extend(registrySettings.shape).extend(redisSettings.shape);
export type PlatformSettings = ReturnType<typeof settingsSchema.parse>;

export interface TestPlatform {
  prefix: string;
  topics: TopicNames;
  catalogue: TopicSpec[];
  settings: PlatformSettings;
  env: Record<string, string>;
  kafka: Kafka;
  admin: Admin;
  registry: SchemaRegistry;
  serde: AvroSerde;
  redis: Redis;
  logger: Logger;
  metrics: Registry;
  close(): Promise<void>;
}

/** Endpoints the integration tier was given (see test/src/jest-global-setup.ts). */
export function stackEnv(): Record<string, string> {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL } = process.env;
  if (!KAFKA_BROKERS || !SCHEMA_REGISTRY_URL || !REDIS_URL)
    throw new Error('integration tests need the stack endpoints');
  return { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL };
}

/** The name of a topic a test adds with `createTestPlatform`'s extra topics, before the prefix. */
export const extraTopicName = (suffix: string): string => `test.${suffix}.v1`;

export async function createTestPlatform(
  name: string,
  extraTopics: (Omit<TopicSpec, 'name'> & { suffix: string })[] = [],
): Promise<TestPlatform> {
  const prefix = `it-${name}-${randomUUID().slice(0, 8)}.`;
  const env = stackEnv();
  const settings = parseConfig(settingsSchema, env);
  const logger = createLogger(`test-${name}`, process.env['LOG_LEVEL'] ?? 'warn');
  const kafka = createKafka(settings, logger, `test-${name}`);
  const admin = kafka.admin();
  await admin.connect();
  const registry = createSchemaRegistry(settings);
  const catalogue = prefixedCatalogue(
    [...loadTopicCatalogue(), ...extraTopics.map((t) => ({ ...t, name: extraTopicName(t.suffix) }))],
    prefix,
  );
  const serde = createAvroSerde(registry, catalogue);
  await provisionTopics({ admin, serde, catalogue, logger });
  const redis = createRedisClient(settings, logger);
  await redis.connect();
  return {
    prefix,
    topics: topicNames(prefix),
    catalogue,
    settings,
    env: { ...env, TOPIC_PREFIX: prefix },
    kafka,
    admin,
    registry,
    serde,
    redis,
    logger,
    metrics: createMetricsRegistry(),
    async close() {
      await admin.deleteTopics({ topics: catalogue.map((t) => t.name) }).catch(() => undefined);
      await admin.disconnect();
      // Services under test keep their state under the same prefix. Left behind, a developer's
      // Redis grew by ~6,000 keys per benchmark run, and its append-only-file rewrites of the
      // growing data ran during later benchmarks and skewed them.
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/** Polls until `condition` holds or the deadline passes; tests assert on the outcome, not the time. */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  condition: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!condition(last)) {
    if (Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}
