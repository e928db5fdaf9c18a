// The pass-through pipeline's topics (Declaration schema, partitioned like the declarations topic):
// input → stage 1 → middle → stage 2 → output, standing in for categoriser → dispatcher.
import type { TopicSpec } from '@clearway/infra';

const spec = (suffix: string): Omit<TopicSpec, 'name'> & { suffix: string } => ({
  suffix,
  event: 'Declaration',
  key: 'declarationId',
  partitions: 6,
  compacted: false,
  deadLetter: false,
  description: `end-to-end bench pass-through (${suffix})`,
  producers: ['bench'],
  consumers: ['bench'],
});

export const passThroughTopicSpecs = [spec('pt-input'), spec('pt-middle'), spec('pt-output')];

/** Full topic name of a pass-through topic, as createTestPlatform names extra topics. */
export const passThroughTopic = (prefix: string, suffix: 'pt-input' | 'pt-middle' | 'pt-output') =>
  `${prefix}test.${suffix}.v1`;
