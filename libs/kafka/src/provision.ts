import type { Admin, ITopicConfig } from 'kafkajs';
import type { Logger } from '@clearway/observability';
import type { TopicSpec } from '@clearway/infra';
import type { AvroSerde } from './avro-serde.ts';

/** The broker-side configuration a catalogue entry asks for. */
export function topicConfig(spec: TopicSpec, replicationFactor: number): ITopicConfig {
  const configEntries = [
    { name: 'cleanup.policy', value: spec.compacted ? 'compact' : 'delete' },
    { name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) },
  ];
  if (spec.retentionMs !== undefined)
    configEntries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  return { topic: spec.name, numPartitions: spec.partitions, replicationFactor, configEntries };
}

/**
 * Creates the catalogue's topics that are missing and registers each topic's value schema.
 * Idempotent: safe on every start of every service. Existing topics with fewer partitions are
 * reported, not changed, since adding partitions re-keys records.
 */
export async function provisionTopics(options: {
  admin: Admin;
  serde?: AvroSerde;
  catalogue: TopicSpec[];
  logger: Logger;
  replicationFactor?: number;
}): Promise<void> {
  const { admin, catalogue, logger } = options;
  const replicationFactor = options.replicationFactor ?? 1;
  const existing = new Set(await admin.listTopics());
  const missing = catalogue.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    await admin.createTopics({
      topics: missing.map((t) => topicConfig(t, replicationFactor)),
      waitForLeaders: true,
    });
    logger.info({ topics: missing.map((t) => t.name) }, 'created topics');
  }
  const present = catalogue.filter((t) => existing.has(t.name));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    for (const topic of metadata.topics) {
      const spec = present.find((t) => t.name === topic.name);
      if (spec && topic.partitions.length < spec.partitions)
        logger.warn(
          { topic: topic.name, has: topic.partitions.length, wants: spec.partitions },
          'topic has fewer partitions than the catalogue asks for',
        );
    }
  }
  if (options.serde) {
    for (const t of catalogue) await options.serde.registerTopic(t.name);
    logger.info({ subjects: catalogue.length }, 'schemas registered with BACKWARD compatibility');
  }
}
