export {
  loadTopicCatalogue,
  prefixedCatalogue,
  cataloguePath,
  valueSubject,
  type TopicSpec,
} from './catalogue.ts';
export { topics, topicNames, type TopicKey, type TopicNames } from './topic-names.ts';
export {
  ensureStack,
  localStackEndpoints,
  repoRoot,
  stackImages,
  type StackEndpoints,
  type ResolvedStack,
} from './stack.ts';
