// Wiring only: config → clients → provisioning → ruleset → stage → ops endpoints → signals.
import '@clearway/config/node-runtime';
import { loadConfigOrExit } from '@clearway/config';
import { loadHsNomenclature } from '@clearway/hs';
import { loadTopicCatalogue, prefixedCatalogue, topicNames } from '@clearway/infra';
import {
  createAvroSerde,
  createKafka,
  createSchemaRegistry,
  createStage,
  provisionTopics,
  untilReachable,
} from '@clearway/kafka';
import { Counter, createLogger, createMetricsRegistry, Gauge, startOpsServer } from '@clearway/observability';
import { createRedisClient } from '@clearway/redis';
import type { Declaration } from '@clearway/schemas';
import { categoriserConfig } from './config.ts';
import { CATEGORISER_FETCH_BYTES_PER_PARTITION } from './fetch-bytes.ts';
import { createTraderHistory } from './adapters/trader-history.ts';
import { loadActiveRuleset, watchRuleset } from './adapters/ruleset-reload.ts';
import type { RulesetSources } from './adapters/ruleset-files.ts';
import { createOnDeclarations, type ActiveRuleset } from './handlers/on-declarations.ts';

const config = loadConfigOrExit(categoriserConfig, 'categoriser');
const logger = createLogger('categoriser', config.LOG_LEVEL);
const metrics = createMetricsRegistry();
const topics = topicNames(config.TOPIC_PREFIX);
const catalogue = prefixedCatalogue(loadTopicCatalogue(), config.TOPIC_PREFIX);

// The files and texts the start-up version was compiled from: the watcher compiles again only after an edit.
const initialSources: RulesetSources = new Map();
const initial = loadActiveRuleset(config.RULESET_PATH, initialSources);
let active: ActiveRuleset = initial;

for (const warning of initial.warnings) logger.warn({ ruleset: config.RULESET_PATH }, warning);
logger.info({ version: active.compiled.version, name: active.compiled.name }, 'ruleset loaded');

const kafka = createKafka(config, logger, 'clearway-categoriser');
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

const assessments = new Counter({
  name: 'clearway_assessments_total',
  help: 'Risk assessments by level and class',
  labelNames: ['level', 'freight_class', 'sampled'],
  registers: [metrics],
});
const rulesetInfo = new Gauge({
  name: 'clearway_ruleset_info',
  help: 'Ruleset version in force (value 1)',
  labelNames: ['version', 'name'],
  registers: [metrics],
});
rulesetInfo.set({ version: active.compiled.version, name: active.compiled.name }, 1);

const hs = loadHsNomenclature();
const onDeclarations = createOnDeclarations({
  topics,
  history: createTraderHistory(redis, config.REDIS_KEY_PREFIX),
  ruleset: () => active,
  knownHsCodes: new Set(hs.filter((e) => e.level === 6).map((e) => e.code)),
  knownPorts: new Set(config.KNOWN_PORTS),
  clock: () => Date.now(),
  onAssessed: (a) =>
    assessments.inc({ level: a.inspectionLevel, freight_class: a.freightClass, sampled: String(a.sampled) }),
});

const stopWatching = watchRuleset({
  path: config.RULESET_PATH,
  pollMs: config.RULESET_POLL_MS,
  loaded: initialSources,
  logger,
  current: () => active,
  onChange: (next) => {
    rulesetInfo.reset();
    rulesetInfo.set({ version: next.compiled.version, name: next.compiled.name }, 1);
    active = { ...next };
  },
});

const stage = createStage<Declaration>(
  { kafka, admin, serde, logger, metrics },
  {
    name: 'categoriser',
    groupId: config.GROUP_ID ?? `${config.TOPIC_PREFIX}clearway-categoriser`,
    inputTopics: [topics.declarations],
    deadLetterTopic: topics.dlqCategoriser,
    handle: onDeclarations.handle,
    afterCommit: onDeclarations.afterCommit,
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENTLY,
    commitLingerMs: config.COMMIT_LINGER_MS,
    maxBytesPerPartition: config.FETCH_BYTES_PER_PARTITION ?? CATEGORISER_FETCH_BYTES_PER_PARTITION,
    ...(config.INSTANCE_ID ? { instanceId: config.INSTANCE_ID } : {}),
    onFatal: (error) => {
      logger.fatal({ err: error.message }, 'stage failed for good; exiting so the supervisor restarts it');
      process.exit(70);
    },
  },
);
for (const topic of [topics.riskAssessments, topics.rulesets]) await serde.registerTopic(topic);

const ops = await startOpsServer({
  port: config.HTTP_PORT,
  registry: metrics,
  readiness: { kafka: () => stage.isReady(), redis: () => redis.status === 'ready' },
});
await stage.start();
logger.info({ httpPort: ops.port, input: topics.declarations }, 'categoriser running');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: finishing the batch in hand');
  stopWatching();
  await stage.stop();
  await admin.disconnect();
  await ops.close();
  redis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
