// The pass-through pipeline's topics (Declaration schema, partitioned like the declarations topic):
// input → stage 1 → middle → stage 2 → output, standing in for categoriser → dispatcher.
import type { TopicSpec } from '@clearway/infra';
import { extraTopicName } from '@clearway/test';

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

const parts = ['input', 'middle', 'output'] as const;

export const passThroughTopicSpecs = stems.flatMap((stem) => parts.map((part) => spec(`${stem}-${part}`)));

/** Full names of one pass-through pipeline's topics. */
export const passThroughTopics = (prefix: string, stem: PassThroughStem) => {
  const name = (part: (typeof parts)[number]) => `${prefix}${extraTopicName(`${stem}-${part}`)}`;
  return { input: name('input'), middle: name('middle'), output: name('output') };
};
