export { createTestPlatform, eventually, extraTopicName, stackEnv, type TestPlatform } from './platform.ts';
export { readTopic, type ReadRecord } from './read-topic.ts';
export { sampleDeclaration } from './fixtures.ts';
export { startNodeProcess, startService, type ServiceProcess } from './service-process.ts';
