export { loadTopicCatalogue, cataloguePath, valueSubject, type TopicSpec } from './catalogue.ts';
export { topics, type TopicName } from './topic-names.ts';
