// Wiring only: config → clients → provisioning → ports → stage → ops endpoints → timers → signals.
import '@clearway/config/node-runtime';
import { loadConfigOrExit } from '@clearway/config';
import { loadTopicCatalogue, prefixedCatalogue, topicNames } from '@clearway/infra';
import {
  createAvroSerde,
  createKafka,
  createSchemaRegistry,
  provisionTopics,
  untilReachable,
} from '@clearway/kafka';
import { createLogger, createMetricsRegistry, startOpsServer } from '@clearway/observability';
import { createRedisClient } from '@clearway/redis';
import { bookingPolicy, dispatcherConfig } from './config.ts';
import { loadPortsConfig } from './adapters/ports-file.ts';
import { createDispatcher } from './service.ts';

const config = loadConfigOrExit(dispatcherConfig, 'dispatcher');
const logger = createLogger('dispatcher', config.LOG_LEVEL);
const metrics = createMetricsRegistry();
const topics = topicNames(config.TOPIC_PREFIX);
const catalogue = prefixedCatalogue(loadTopicCatalogue(), config.TOPIC_PREFIX);

let ports;
try {
  ports = loadPortsConfig(config.PORTS_CONFIG);
} catch (error) {
  process.stderr.write(`dispatcher: ${(error as Error).message}\n`);
  process.exit(78);
}
logger.info(
  { ports: ports.ports.map((p) => `${p.code} (${p.lanes.length} lanes)`), file: config.PORTS_CONFIG },
  'ports loaded',
);

const kafka = createKafka(config, logger, 'clearway-dispatcher');
const admin = kafka.admin();
const registry = createSchemaRegistry(config);
const serde = createAvroSerde(registry, catalogue);
const redis = createRedisClient(config, logger);

// The broker, registry or Redis may still be starting: retry with backoff, saying so.
await untilReachable(logger, async () => {
  await admin.connect();
  await provisionTopics({ admin, serde, catalogue, logger });
  if (redis.status === 'wait') await redis.connect();
  await redis.ping();
});

const dispatcher = createDispatcher(
  { kafka, admin, serde, logger, metrics, redis },
  {
    topics,
    groupId: config.GROUP_ID,
    keyPrefix: config.REDIS_KEY_PREFIX,
    ttlSeconds: config.STATE_TTL_SECONDS,
    ports,
    policy: bookingPolicy(config),
    partitionsConcurrently: config.PARTITIONS_CONCURRENTLY,
    commitLingerMs: config.COMMIT_LINGER_MS,
    fetchBytesPerPartition: config.FETCH_BYTES_PER_PARTITION,
    instanceId: config.INSTANCE_ID,
  },
);
for (const topic of [topics.laneAssignments, topics.clearanceOutcomes]) await serde.registerTopic(topic);

const ops = await startOpsServer({
  port: config.HTTP_PORT,
  registry: metrics,
  readiness: { kafka: () => dispatcher.stage.isReady(), redis: () => redis.status === 'ready' },
});
await dispatcher.stage.start();
logger.info({ httpPort: ops.port, group: config.GROUP_ID }, 'dispatcher running');

const sweeper = setInterval(() => {
  dispatcher
    .sweep()
    .catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'sweep failed'));
}, config.SWEEP_INTERVAL_MS);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: finishing the batch in hand');
  clearInterval(sweeper);
  await dispatcher.stage.stop();
  await admin.disconnect();
  await ops.close();
  redis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
