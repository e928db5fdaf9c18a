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

// pt-: the measured pass-through pipeline; wu-: the same pipeline again, warming the broker up first.
const stems = ['pt', 'wu'] as const;
export type PassThroughStem = (typeof stems)[number];

export const passThroughTopicSpecs = stems.flatMap((stem) =>
  ['input', 'middle', 'output'].map((part) => spec(`${stem}-${part}`)),
);

/** Full topic name of a pass-through topic, as createTestPlatform names extra topics. */
export const passThroughTopic = (
  prefix: string,
  stem: PassThroughStem,
  part: 'input' | 'middle' | 'output',
) => `${prefix}test.${stem}-${part}.v1`;
